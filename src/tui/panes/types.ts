/**
 * What every pane is given and what it gives back. A pane is a pair of pure functions over PaneArgs:
 * `title` (shown in the top border) and `content` (the visible lines and how many lines there are in
 * all, for scrolling). The App draws the result inside a PaneFrame; panes never touch the Session's
 * cursor, they only read it.
 */
import type { Session } from '../../debug/types.js';
import type { TraceRecord } from '../../sim/trace.js';
import type { StateView } from '../../sim/viewtypes.js';
import type { ChangeSet } from '../changes.js';
import type { CompareMarks } from '../compare-marks.js';
import type { PaneContent } from '../text.js';
import type { Theme } from '../theme.js';

export interface PaneArgs {
  session: Session;
  /** The record at the cursor. */
  record: TraceRecord;
  view: StateView;
  /** What the cursor's step changed (its record's `changes`): the only source of highlights. */
  changes: ChangeSet;
  theme: Theme;
  /** Content columns and lines (inside the frame). */
  width: number;
  height: number;
  /** Lines scrolled down (the timeline: records away from the cursor-centred window). */
  scroll: number;
  /** The request lens: the only steps the timeline lists (a connection's), ascending. */
  lens?: { conn: number; steps: Int32Array };
  /** Steps matching the `/` search, ascending: the timeline marks them. */
  matches?: Int32Array;
  /** `--compare`: each syscall step's verdict against a real strace log (../compare-marks.ts). */
  compare?: CompareMarks;
}

export interface PaneDef {
  title(a: PaneArgs): string;
  content(a: PaneArgs): PaneContent;
}

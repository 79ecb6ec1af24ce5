/**
 * The status line under the panes: `step N/M` (cursor / last step), virtual time, scenario name, the
 * active breakpoints, play state, then either the last message or key hints. One Text node; Ink cuts
 * it at the terminal's width, so the essentials come first.
 */
import { Text } from 'ink';
import type { Session } from '../../debug/types.js';
import { formatTime } from '../../sim/trace.js';
import { SPEEDS, type UiState } from '../reducer.js';
import { sanitize } from '../sanitize.js';
import { visibleLength } from '../text.js';
import type { Theme } from '../theme.js';

const HINTS =
  '→/← step · c/C continue · g goto · / search · a anomaly · b break · space play · Tab pane · ? help · q quit';

/** The breakpoints part: enabled specs with their ids, at most three, then a count. */
function bpSummary(session: Session): string {
  const on = session.breakpoints().filter((b) => b.enabled);
  if (on.length === 0) return 'no breakpoints';
  const shown = on.slice(0, 3).map((b) => `#${b.id} ${sanitize(b.spec)}`);
  return `bp ${shown.join(', ')}${on.length > 3 ? ` +${on.length - 3}` : ''}`;
}

/** The progress of a run still recording (src/tui/main.ts records it between frames). */
export function recordingText(events: number): string {
  return `recording… ${events.toLocaleString('en-US')} events`;
}

/**
 * The status line. With `width` (the terminal's columns), a message that would be cut off takes the
 * place of the scenario and breakpoint parts, so what a key just did is always readable.
 */
export function statusLine(
  session: Session,
  t_ns: number,
  ui: UiState,
  theme: Theme,
  width?: number,
): string {
  const step = theme.bold(`step ${session.cursor}/${Math.max(0, session.total - 1)}`);
  const parts = [step, formatTime(t_ns), theme.accent(sanitize(session.name)), bpSummary(session)];
  const rec = session.recording;
  if (rec) parts.splice(1, 0, theme.warn(recordingText(rec.events)));
  if (ui.lens !== null) parts.push(theme.warn(`lens conn ${ui.lens}`));
  if (ui.search !== null) parts.push(theme.accent(`/${sanitize(ui.search)}`));
  if (ui.playing) parts.push(theme.ok(`▶ playing ${SPEEDS[ui.speed]}/s`));
  const left = ` ${parts.join(' │ ')}`;
  if (ui.message) {
    const msg = ui.message.tone === 'error' ? theme.error(ui.message.text) : theme.warn(ui.message.text);
    const full = `${left} │ ${msg}`;
    if (width === undefined || visibleLength(full) <= width) return full;
    const recording = rec ? ` │ ${theme.warn(recordingText(rec.events))}` : '';
    return ` ${step}${recording} │ ${formatTime(t_ns)} │ ${msg}`;
  }
  return `${left} │ ${theme.dim(HINTS)}`;
}

export interface StatusLineProps {
  /** Terminal columns. */
  width?: number;
  session: Session;
  /** Virtual time of the current record. */
  t_ns: number;
  ui: UiState;
  theme: Theme;
}

export function StatusLine({ session, t_ns, ui, theme, width }: StatusLineProps) {
  return <Text wrap="truncate-end">{statusLine(session, t_ns, ui, theme, width)}</Text>;
}

/**
 * The Ink app: lays the panes out for the terminal size, draws each pane from the Session's view at
 * the cursor (marking what changed since the previous cursor position), the status line, and the
 * overlay of the current mode. Keys go through the key map to controller.ts, which is the only code
 * that moves the Session; rendering only reads it. While playing, a timer advances several steps per
 * frame at high speed, so Ink (throttled to maxFps) draws one frame per batch.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '../debug/types.js';
import type { StateView } from '../sim/viewtypes.js';
import { ChangeSet } from './changes.js';
import { type ControllerCtx, handleKey, playTick } from './controller.js';
import { type ExportTarget, startExport } from './export-prompt.js';
import { toKeyEvents } from './keymap.js';
import { computeLayout, type LayoutNode, tooSmallMessage } from './layout.js';
import { BplistOverlay } from './overlays/bplist.js';
import { HelpOverlay } from './overlays/help.js';
import { PromptOverlay } from './overlays/prompt.js';
import { epollPane } from './panes/epoll.js';
import { fdsPane } from './panes/fds.js';
import { innerHeight, innerWidth, PaneFrame } from './panes/frame.js';
import { narrationPane } from './panes/narration.js';
import { nicPane } from './panes/nic.js';
import { schedPane } from './panes/sched.js';
import { socketsPane } from './panes/sockets.js';
import { StatusLine } from './panes/status.js';
import { timelinePane } from './panes/timeline.js';
import type { PaneArgs, PaneDef } from './panes/types.js';
import { initialUi, PANES, type PaneId, SPEEDS, type UiState, uiReducer } from './reducer.js';
import type { Theme } from './theme.js';

const DEFS: Record<PaneId, PaneDef> = {
  nic: nicPane,
  sockets: socketsPane,
  fds: fdsPane,
  epoll: epollPane,
  sched: schedPane,
  timeline: timelinePane,
  narration: narrationPane,
};

/** Steps per frame and frames per second for a play speed (steps/s), frames capped at 30/s. */
export function playPace(speed: number): { steps: number; fps: number } {
  const fps = Math.min(speed, 30);
  return { fps, steps: Math.max(1, Math.round(speed / fps)) };
}

export interface AppProps {
  session: Session;
  theme: Theme;
  /** Terminal size in cells. */
  columns: number;
  rows: number;
  /** Called once when the user quits. Default: Ink's exit(). */
  onQuit?: () => void;
  /** Starting UI state (tests). */
  initial?: UiState;
  /** The scenario the `x` prompt exports (export-prompt.ts); absent: no export. */
  exportTarget?: ExportTarget;
  /** false: the app ignores keys (a quiz question box over it takes them). Default true. */
  inputActive?: boolean;
}

interface Snap {
  cursor: number;
  view: StateView;
  /** The cursor's step's changes: what the panes mark. */
  changes: ChangeSet;
}

function snapAt(session: Session): Snap {
  return { cursor: session.cursor, view: session.view(), changes: new ChangeSet(session.changes()) };
}

export function App({
  session,
  theme,
  columns,
  rows,
  onQuit,
  initial,
  exportTarget,
  inputActive = true,
}: AppProps) {
  const { exit } = useApp();
  const [ui, setUi] = useState<UiState>(() => initial ?? initialUi());
  const [snap, setSnap] = useState<Snap>(() => snapAt(session));
  const [, setRev] = useState(0);
  const uiRef = useRef(ui);
  const snapRef = useRef(snap);
  /** Content size and length of each visible pane in the last frame (for scroll limits). */
  const extents = useRef<Partial<Record<PaneId, { total: number; height: number }>>>({});

  const quitRef = useRef<() => void>(exit);
  quitRef.current = onQuit ?? exit;

  const commit = useCallback(
    (next: UiState) => {
      // Quitting is an effect of the key press: run it here, not in a render effect.
      if (next.quit && !uiRef.current.quit) quitRef.current();
      uiRef.current = next;
      setUi(next);
      if (session.cursor !== snapRef.current.cursor) {
        const s = snapAt(session);
        snapRef.current = s;
        setSnap(s);
      }
      // Breakpoint toggles change timeline marks without changing UI state: redraw anyway.
      setRev((r) => r + 1);
    },
    [session],
  );

  const ctx: ControllerCtx = {
    session,
    scrollRange: (p) => {
      const e = extents.current[p];
      if (!e) return [0, 0];
      if (p === 'timeline') {
        // Offsets that move the cursor-centred window without running past either end.
        const centred = session.cursor - Math.floor(e.height / 2);
        return [-centred, e.total - e.height - centred];
      }
      return [0, Math.max(0, e.total - e.height)];
    },
    pageSize: (p) => extents.current[p]?.height ?? 10,
    startExport: exportTarget
      ? (req) =>
          startExport(exportTarget, session.name, req, (text, tone) =>
            commit(uiReducer(uiRef.current, { type: 'message', text, tone })),
          )
      : undefined,
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  useInput(
    (input, key) => {
      let s = uiRef.current;
      for (const ev of toKeyEvents(input, key)) s = handleKey(s, ev, ctxRef.current);
      commit(s);
    },
    { isActive: inputActive },
  );

  useEffect(() => {
    if (!ui.playing) return;
    const { fps, steps } = playPace(SPEEDS[ui.speed]);
    const id = setInterval(() => commit(playTick(uiRef.current, session, steps)), 1000 / fps);
    return () => clearInterval(id);
  }, [ui.playing, ui.speed, session, commit]);

  const height = Math.max(1, rows - 1);
  const layout = computeLayout(columns, rows, ui);
  if (layout.kind === 'too-small') {
    return (
      <Box width={columns} height={height} flexDirection="column">
        <Text wrap="wrap">{tooSmallMessage(columns, rows)}</Text>
        <Text wrap="wrap">{theme.dim('Enlarge the window, or press q to quit.')}</Text>
      </Box>
    );
  }

  const record = session.record(session.cursor);
  const view = snap.cursor === session.cursor ? snap.view : session.view();
  const changes = snap.cursor === session.cursor ? snap.changes : new ChangeSet(session.changes());
  const compact = layout.kind === 'compact';

  const renderNode = (n: LayoutNode, key: string): ReactNode => {
    if (n.kind !== 'pane') {
      return (
        <Box
          key={key}
          flexDirection={n.kind === 'row' ? 'row' : 'column'}
          width={n.width}
          height={n.height}
          flexShrink={0}
        >
          {n.children.map((c, i) => renderNode(c, `${key}.${i}`))}
        </Box>
      );
    }
    const args: PaneArgs = {
      session,
      record,
      view,
      changes,
      theme,
      width: innerWidth(n.width),
      height: innerHeight(n.height),
      scroll: ui.scroll[n.pane],
    };
    const def = DEFS[n.pane];
    const content = def.content(args);
    extents.current[n.pane] = { total: content.total, height: args.height };
    const num = PANES.indexOf(n.pane) + 1;
    let title = `${num} ${def.title(args)}`;
    if (compact && n.pane === ui.detail) {
      const others = PANES.slice(0, 5)
        .map((p, i) => (p === n.pane ? null : `${i + 1} ${p}`))
        .filter(Boolean);
      title += ` · ${others.join(' ')}`;
    }
    const more = content.total > args.height && n.pane !== 'timeline';
    const first = Math.max(0, Math.min(ui.scroll[n.pane], content.total - args.height));
    const info = more ? `${first + 1}–${first + args.height}/${content.total} ↑↓` : undefined;
    return (
      <PaneFrame
        key={key}
        title={title}
        width={n.width}
        height={n.height}
        focused={ui.focus === n.pane}
        lines={content.lines}
        info={info}
        theme={theme}
      />
    );
  };

  let overlay: ReactNode = null;
  const mode = ui.mode;
  if (mode.kind === 'help') overlay = <HelpOverlay theme={theme} columns={columns} rows={rows} />;
  else if (mode.kind === 'prompt')
    overlay = (
      <PromptOverlay mode={mode} last={session.total - 1} theme={theme} columns={columns} rows={rows} />
    );
  else if (mode.kind === 'bplist')
    overlay = (
      <BplistOverlay
        bps={session.breakpoints()}
        selected={mode.selected}
        theme={theme}
        columns={columns}
        rows={rows}
      />
    );

  return (
    <Box width={columns} height={height} flexDirection="column">
      {renderNode(layout.root, 'root')}
      <StatusLine session={session} t_ns={record.t_ns} ui={ui} theme={theme} />
      {overlay}
    </Box>
  );
}

/** `<App {...props} />`, for main.ts (which has no JSX and imports React lazily). */
export function appElement(props: AppProps) {
  return <App {...props} />;
}

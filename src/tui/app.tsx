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
import type { CompareMarks } from './compare-marks.js';
import { type ControllerCtx, handleKey, playTick } from './controller.js';
import { type ExportTarget, startExport } from './export-prompt.js';
import { type GaugeSource, gaugeLines } from './gauges.js';
import { isQuitKey, toKeyEvents } from './keymap.js';
import { computeLayout, type LayoutNode, tooSmallMessage } from './layout.js';
import { AnomalyOverlay } from './overlays/anomalies.js';
import { BplistOverlay } from './overlays/bplist.js';
import { BytesOverlay } from './overlays/bytes.js';
import { HelpOverlay, helpLines } from './overlays/help.js';
import { Overlay, overlayCapacity } from './overlays/overlay.js';
import { PromptOverlay } from './overlays/prompt.js';
import { ShareOverlay } from './overlays/share.js';
import { epollPane } from './panes/epoll.js';
import { fdsPane } from './panes/fds.js';
import { innerHeight, innerWidth, PaneFrame } from './panes/frame.js';
import { journeyLine } from './panes/journey.js';
import { narrationPane } from './panes/narration.js';
import { nicPane } from './panes/nic.js';
import { schedPane } from './panes/sched.js';
import { socketsPane } from './panes/sockets.js';
import { StatusLine } from './panes/status.js';
import { timelinePane } from './panes/timeline.js';
import type { PaneArgs, PaneDef } from './panes/types.js';
import { initialUi, PANES, type PaneId, SPEEDS, type UiState, uiReducer } from './reducer.js';
import { searchSteps } from './search.js';
import type { Theme } from './theme.js';
import { traceIndex } from './traceindex.js';

/** The one-line hint a first frame shows (the legend itself is in `?`). */
export const FIRST_HINT = 'new here? ? keys and legend · a anomaly · / search · v bytes · ] stage';

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
  /** Starting UI state (tests). Default: the initial state with FIRST_HINT as its message. */
  initial?: UiState;
  /** The scenario the `x` prompt exports (export-prompt.ts); absent: no export. */
  exportTarget?: ExportTarget;
  /** false: the app ignores keys (a quiz question box over it takes them). Default true. */
  inputActive?: boolean;
  /** The scenario as the user named it on the command line (for `y`). Default: the session's name. */
  scenarioArg?: string;
  /** The seed given on the command line, if any (for `y`). */
  seed?: number;
  /** The run's `--set` changes, if any (for `y`: a fork made the main run). */
  sets?: readonly string[];
  /** Gauge series for the gauge strip (`t`); without it the strip says it has none. */
  gauges?: GaugeSource;
  /** Opens the what-if split for `f` (forkhost.tsx); absent: `f` says it is not available here. */
  startFork?: ControllerCtx['startFork'];
  /** `--compare`: syscall steps checked against a real strace log (compare-marks.ts). */
  compare?: CompareMarks;
  /** A message for the status line from outside the app (the fork closing); shown when `id` changes. */
  notice?: { id: number; text: string };
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
  scenarioArg,
  seed,
  sets,
  gauges,
  startFork,
  notice,
  compare,
}: AppProps) {
  const { exit } = useApp();
  const [ui, setUi] = useState<UiState>(
    () => initial ?? { ...initialUi(), message: { text: FIRST_HINT, tone: 'info' } },
  );
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
    helpRange: () => {
      const cap = overlayCapacity(rows) - 1;
      const total = helpLines(theme, Math.min(columns - 2, 120) - 3, cap).length;
      // helpWindow keeps the last row for its "more" line: cap - 1 rows of help show at a time.
      return { max: Math.max(0, total - (cap - 1)), page: cap - 1 };
    },
    checkGauge: (spec) => {
      if (!gauges) return { message: 'no gauge data in this view' };
      const r = gauges(spec);
      return r instanceof Float64Array ? undefined : r;
    },
    startFork,
  };
  const ctxRef = useRef(ctx);
  ctxRef.current = ctx;

  const tooSmall = computeLayout(columns, rows, ui).kind === 'too-small';
  const tooSmallRef = useRef(tooSmall);
  tooSmallRef.current = tooSmall;
  // Deaf as soon as a frame says so: a listener detached in an effect would still take the keys typed
  // before the effect runs (the fork split opening over the app, a quiz question).
  const activeRef = useRef(inputActive);
  activeRef.current = inputActive;

  useInput(
    (input, key) => {
      if (!activeRef.current) return;
      let s = uiRef.current;
      for (const ev of toKeyEvents(input, key)) {
        // While the screen says "terminal too small", only quitting works: a key must not move the
        // cursor or open a prompt the user cannot see.
        if (tooSmallRef.current && !isQuitKey(ev)) continue;
        s = handleKey(s, ev, ctxRef.current);
      }
      commit(s);
    },
    { isActive: true },
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: a notice is shown once, when its id changes
  useEffect(() => {
    if (notice) commit(uiReducer(uiRef.current, { type: 'message', text: notice.text }));
  }, [notice?.id]);

  useEffect(() => {
    if (!ui.playing) return;
    const { fps, steps } = playPace(SPEEDS[ui.speed]);
    const id = setInterval(() => commit(playTick(uiRef.current, session, steps)), 1000 / fps);
    return () => clearInterval(id);
  }, [ui.playing, ui.speed, session, commit]);

  const height = Math.max(1, rows - 1);
  const layout = computeLayout(columns, rows, ui);
  const lensSteps = ui.lens !== null ? traceIndex(session)?.connSteps.get(ui.lens) : undefined;
  const found = ui.search !== null ? searchSteps(session, ui.search) : undefined;
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
      lens: lensSteps && ui.lens !== null ? { conn: ui.lens, steps: lensSteps } : undefined,
      matches: found instanceof Int32Array ? found : undefined,
      compare,
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
  if (mode.kind === 'help')
    overlay = <HelpOverlay theme={theme} columns={columns} rows={rows} scroll={mode.scroll} />;
  else if (mode.kind === 'anomalies') {
    const ix = traceIndex(session);
    if (ix)
      overlay = (
        <AnomalyOverlay index={ix} selected={mode.selected} theme={theme} columns={columns} rows={rows} />
      );
  } else if (mode.kind === 'share')
    overlay = (
      <ShareOverlay
        session={session}
        ui={ui}
        scenario={scenarioArg ?? session.name}
        seed={seed}
        sets={sets}
        theme={theme}
        columns={columns}
        rows={rows}
      />
    );
  else if (mode.kind === 'bytes')
    overlay = <BytesOverlay record={record} theme={theme} columns={columns} rows={rows} />;
  else if (mode.kind === 'await')
    overlay = (
      <Overlay
        title={mode.what === 'mark' ? 'Bookmark this step' : 'Jump to a bookmark'}
        lines={awaitLines(mode.what, ui.bookmarks, theme)}
        width={Math.min(columns - 2, 64)}
        columns={columns}
        rows={rows}
        theme={theme}
      />
    );
  else if (mode.kind === 'prompt')
    overlay = (
      <PromptOverlay mode={mode} last={session.total - 1} theme={theme} columns={columns} rows={rows} />
    );
  else if (mode.kind === 'bplist')
    overlay = (
      <BplistOverlay
        bps={session.breakpoints()}
        bookmarks={ui.bookmarks}
        selected={mode.selected}
        theme={theme}
        columns={columns}
        rows={rows}
      />
    );

  return (
    <Box width={columns} height={height} flexDirection="column">
      {renderNode(layout.root, 'root')}
      <Text wrap="truncate-end">{journeyLine(session, theme, columns)}</Text>
      {ui.gauge.on && (
        <Text wrap="truncate-end">{gaugeStrip(ui.gauge.spec, gauges, session.cursor, columns, theme)}</Text>
      )}
      <StatusLine session={session} t_ns={record.t_ns} ui={ui} theme={theme} width={columns} />
      {overlay}
    </Box>
  );
}

/** The box after `m` or `'`: which letter, and the bookmarks there are. */
function awaitLines(what: 'mark' | 'jump', marks: Record<string, number>, theme: Theme): string[] {
  const list = Object.entries(marks)
    .sort()
    .map(([k, v]) => `'${k} step ${v}`);
  return [
    what === 'mark' ? `press a letter a–z to bookmark step here` : 'press the letter of a bookmark',
    theme.dim(list.length ? `bookmarks: ${list.join(' · ')}` : 'no bookmarks yet'),
    theme.dim('Esc: cancel'),
  ];
}

/** The gauge strip's two rows, or a line saying why there is no plot. */
function gaugeStrip(
  spec: string,
  gauges: GaugeSource | undefined,
  cursor: number,
  width: number,
  theme: Theme,
): string {
  const series = gauges?.(spec);
  if (!series) return `${theme.dim(' no gauge data in this view')}\n`;
  if (!(series instanceof Float64Array)) return `${theme.error(` ${spec}: ${series.message}`)}\n`;
  return gaugeLines(spec, series, cursor, width - 1, theme).join('\n');
}

/** `<App {...props} />`, for main.ts (which has no JSX and imports React lazily). */
export function appElement(props: AppProps) {
  return <App {...props} />;
}

/**
 * The TUI with "what if?": the ordinary app (app.tsx) on the main run, and, after `f` and a change,
 * the fork split (fork.ts, drawn by panes/forksplit.tsx) in its place. The app stays mounted but
 * hidden and deaf while the split is open, so its bookmarks, search and scroll are there when the
 * split closes (Esc, `f`, `1`: the run on the left goes on). `2` makes the fork the main run: a fresh
 * app on the fork's Session, with the fork's gauges and export, and `f` forks it again.
 * `diff --tui` is this with the split open from the start (`openWith`).
 *
 * Who touches it: main.ts renders it. It owns which Session is the main run and the open ForkSplit;
 * keys reach the split through fork.ts `forkKey`, and the app through its own controller.
 */
import { Box, useApp, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { Session } from '../debug/types.js';
import type { Scenario } from '../scenario/schema.js';
import { engine } from '../sim/engine.js';
import { App, type AppProps } from './app.js';
import { type ForkBase, type ForkOutcome, type ForkSplit, forkKey, forkWith, openFork } from './fork.js';
import { gaugeSource } from './gauges.js';
import { toKeyEvents } from './keymap.js';
import { ForkSplitView } from './panes/forksplit.js';
import { initialUi, type UiState } from './reducer.js';

export interface ForkHostProps extends Omit<AppProps, 'startFork' | 'notice'> {
  /** What `f` forks: the main run's scenario as named on the command line, its seed and changes. */
  base: ForkBase;
  /** Open the split at once with these changes (`diff --tui`); they must be valid. */
  openWith?: readonly string[];
}

interface MainRun {
  session: Session;
  base: ForkBase;
  gauges: AppProps['gauges'];
  /** The changed scenario a fork made main runs (for export); undefined: the one on the command line. */
  scenario?: Scenario;
  /** Changes when the fork becomes the main run: a new app is mounted for it. */
  generation: number;
  initial?: UiState;
}

export function ForkHost(props: ForkHostProps) {
  const { exit } = useApp();
  const { base, openWith, inputActive = true, ...appProps } = props;
  const [main, setMain] = useState<MainRun>(() => ({
    session: props.session,
    base,
    gauges: props.gauges,
    scenario: props.exportTarget?.scenario,
    generation: 0,
    initial: props.initial,
  }));
  const [split, setSplit] = useState<ForkSplit | null>(() => {
    if (!openWith) return null;
    const r = forkWith(
      base,
      props.session,
      openWith.map((arg) => ({ arg, at: 0 })),
    );
    if ('error' in r) throw new Error(`--set: ${r.error}`);
    return r;
  });
  const [, redraw] = useState(0);
  const [notice, setNotice] = useState<{ id: number; text: string }>();
  const splitRef = useRef(split);
  splitRef.current = split;

  const startFork = (text: string) => {
    const r = openFork(main.base, main.session, text);
    if ('error' in r) return r;
    setSplit(r);
    return undefined;
  };

  const finish = (s: ForkSplit, how: Exclude<ForkOutcome, 'open'>) => {
    if (how === 'quit') return (props.onQuit ?? exit)();
    // Keys typed before the next frame are not the split's any more.
    splitRef.current = null;
    setSplit(null);
    const id = (notice?.id ?? 0) + 1;
    if (how === 'keep-fork') {
      const gauges = gaugeSource(engine, s.forkScenario, s.forkBase.seed);
      const text = `the fork (${s.label}) is now the main run, at step ${s.fork.cursor} · f forks it again`;
      setMain({
        session: s.fork,
        base: s.forkBase,
        gauges,
        scenario: s.forkScenario,
        generation: main.generation + 1,
        initial: { ...initialUi(), message: { text, tone: 'info' } },
      });
      return;
    }
    const what = how === 'close' ? 'fork closed' : 'kept the run on the left';
    setNotice({ id, text: `${what}: back at step ${s.original.cursor} · f forks again` });
  };

  useInput(
    (input, key) => {
      const s = splitRef.current;
      if (!s) return;
      for (const ev of toKeyEvents(input, key)) {
        const how = forkKey(s, ev);
        if (how !== 'open') return finish(s, how);
      }
      redraw((n) => n + 1);
    },
    // Listening all the time, not only while the split is open: a key typed right after the split
    // appears must not be lost while React attaches a listener (the app below does the same).
    { isActive: inputActive },
  );

  return (
    <>
      <Box display={split ? 'none' : 'flex'} flexDirection="column">
        <App
          key={main.generation}
          {...appProps}
          session={main.session}
          gauges={main.gauges}
          sets={main.base.sets}
          compare={main.generation ? undefined : appProps.compare}
          initial={main.initial}
          exportTarget={appProps.exportTarget && { ...appProps.exportTarget, scenario: main.scenario }}
          inputActive={inputActive && split === null}
          startFork={startFork}
          notice={notice}
        />
      </Box>
      {split && <ForkSplitView split={split} theme={props.theme} columns={props.columns} rows={props.rows} />}
    </>
  );
}

/** `<ForkHost {...props} />`, for main.ts (which has no JSX and imports React lazily). */
export function forkHostElement(props: ForkHostProps) {
  return <ForkHost {...props} />;
}

/**
 * Benchmark phases, each run in its own child process by bench/run.mjs (bundled by esbuild with
 * NODE_ENV=production, like the CLI). Each phase prints one JSON line on stdout.
 *
 *   sim     <scenario.yaml> <connections|0>   c10k headless to completion, then the bare heap loop
 *   session <scenario.yaml> <connections|0> <gotos> <backs> <frames>
 *                                             open a Session, random gotos, successive backs, peak
 *                                             RSS, then TUI frames (Ink loads only after RSS is read)
 *                                             <budget_ms>: each set stops early after this much time
 *   keys    <scenario.yaml> <connections|0> <keys> <budget_ms> <mid:0|1>
 *                                             the real App mounted by Ink (not debug mode: frames are
 *                                             diffed against the previous one on screen) at 160×50 in
 *                                             colour; → pressed <keys> times, each timed from the
 *                                             stdin write to Ink's next stdout write; mid=1 first
 *                                             jumps to the middle of the run (a busy step on c10k)
 *
 * `connections` > 0 shrinks the scenario's client count (the --quick run); 0 keeps it.
 * Nothing is cached between timed operations: every goto/back/frame is the real call.
 */

import { limitHeapGrowth } from '../src/debug/heap.js';
import { createSession } from '../src/debug/session.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/schema.js';
import { boot, engine, step as simStep } from '../src/sim/engine.js';
import type { TraceRecord } from '../src/sim/trace.js';

/** mulberry32: a seeded PRNG so the random points are the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function loadScenario(file: string, connections: number): Scenario {
  const sc = loadScenarioFile(file);
  if (connections > 0) {
    let left = connections;
    for (const c of sc.clients ?? []) {
      const n = Math.min(c.count ?? 1, left);
      (c as { count?: number }).count = Math.max(1, n);
      left = Math.max(0, left - n);
    }
  }
  return sc;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const progress = (s: string) => process.stderr.write(`bench:   ${s}\n`);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

// ---------------------------------------------------------------------------------------------------
// sim: the engine headless, text off, records discarded; then a bare heap loop with as many pending events.

interface BareEv {
  t: number;
  seq: number;
  k: number;
  a: number;
}

/** A plain binary min-heap of event objects keyed by (t, seq): pop one, schedule one. */
function bareLoop(pending: number, events: number, seed: number): { eventsPerS: number; checksum: number } {
  const rnd = prng(seed);
  const h: BareEv[] = [];
  let seq = 0;
  const less = (x: BareEv, y: BareEv) => x.t < y.t || (x.t === y.t && x.seq < y.seq);
  const push = (ev: BareEv) => {
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const hp = h[p];
      if (!less(ev, hp)) break;
      h[i] = hp;
      i = p;
    }
    h[i] = ev;
  };
  const pop = (): BareEv => {
    const top = h[0];
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(h[r], h[l]) ? r : l;
        if (!less(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  };
  for (let i = 0; i < pending; i++) push({ t: Math.floor(rnd() * 1_000_000), seq: seq++, k: i & 7, a: i });
  let now = 0;
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const ev = pop();
    now = ev.t;
    checksum = (checksum + ev.a) | 0;
    push({ t: now + 1 + Math.floor(rnd() * 1_000_000), seq: seq++, k: ev.k, a: ev.a });
  }
  const ms = performance.now() - t0;
  return { eventsPerS: events / (ms / 1000), checksum };
}

function simPhase(file: string, connections: number): void {
  const sc = loadScenario(file, connections);
  // Warm-up on a small copy of the scenario so the JIT has seen the code paths (not the timed run).
  {
    const small = loadScenario(file, 200);
    const wm = boot(small);
    const out: TraceRecord[] = [];
    while (simStep(wm, out, false)) out.length = 0;
  }
  gc();
  const m = boot(sc);
  const out: TraceRecord[] = [];
  let events = 0;
  let records = 0;
  let pendingSum = 0;
  let pendingSamples = 0;
  const t0 = performance.now();
  while (simStep(m, out, false)) {
    events++;
    records += out.length;
    out.length = 0;
    if ((events & 1023) === 0) {
      pendingSum += m.heap.length;
      pendingSamples++;
    }
  }
  const ms = performance.now() - t0;
  const pending = Math.max(1, Math.round(pendingSamples ? pendingSum / pendingSamples : m.heap.length));
  gc();
  // Warm the bare loop too, then time it over the same number of events.
  bareLoop(pending, Math.min(events, 200_000), 7);
  const bare = bareLoop(pending, events, 11);
  process.stdout.write(
    `${JSON.stringify({
      events,
      records,
      sim_ms: ms,
      sim_events_per_s: events / (ms / 1000),
      pending_mean: pending,
      bare_loop_events_per_s: bare.eventsPerS,
      checksum: bare.checksum,
    })}\n`,
  );
}

// ---------------------------------------------------------------------------------------------------
// session: open, seek, back, RSS, frames.

async function sessionPhase(
  file: string,
  connections: number,
  nGoto: number,
  nBack: number,
  nFrames: number,
  budgetMs: number,
): Promise<void> {
  const sc = loadScenario(file, connections);
  // The process that holds a session applies the TUI's heap policy (src/tui/main.ts does the same).
  limitHeapGrowth();
  const tOpen = performance.now();
  const session = createSession(engine, sc);
  const openMs = performance.now() - tOpen;
  const st = session.stats();
  progress(
    `session open: ${session.total} records, ${st.events} events in ${(openMs / 1000).toFixed(1)} s; ` +
      `${st.checkpoints} checkpoints every ${st.checkpointEvery} events (dense ${st.denseEvery}); ` +
      `step ${st.stepMs.toFixed(4)} ms, clone ${st.cloneMs.toFixed(1)} ms`,
  );
  const total = session.total;
  const rnd = prng(20261122);

  // Warm-up: a few untimed gotos so the first timed one is not paying for JIT compilation.
  for (let i = 0; i < 5; i++) session.goto(Math.floor(rnd() * total));

  const gotoMs: number[] = [];
  let t = performance.now();
  for (let i = 0; i < nGoto && performance.now() - t < budgetMs; i++) {
    const n = Math.floor(rnd() * total);
    const t0 = performance.now();
    session.goto(n);
    gotoMs.push(performance.now() - t0);
    if (session.cursor !== n) throw new Error(`goto ${n} left the cursor at ${session.cursor}`);
  }

  progress(`${gotoMs.length} goto: p50 ${pct(gotoMs, 50).toFixed(2)} ms`);
  const backMs: number[] = [];
  const start = Math.min(total - 1, nBack + Math.floor(rnd() * Math.max(1, total - nBack)));
  session.goto(start);
  t = performance.now();
  for (let i = 0; i < nBack && session.cursor > 0 && performance.now() - t < budgetMs; i++) {
    const want = session.cursor - 1;
    const t0 = performance.now();
    session.back();
    backMs.push(performance.now() - t0);
    if (session.cursor !== want) throw new Error(`back left the cursor at ${session.cursor}, not ${want}`);
  }

  progress(`${backMs.length} back: p99 ${pct(backMs, 99).toFixed(2)} ms`);
  // Peak RSS of the process holding the session, read before Ink and React are loaded.
  const rssMb = process.resourceUsage().maxRSS / 1024;

  // Frames: the real App, full layout at 160×50, production React, one fresh render per step.
  const [{ renderToString }, { appElement }, { makeTheme }] = await Promise.all([
    import('ink'),
    import('../src/tui/app.js'),
    import('../src/tui/theme.js'),
  ]);
  const theme = makeTheme(0);
  const frame = () =>
    renderToString(appElement({ session, theme, columns: 160, rows: 50 }), { columns: 160 });
  session.goto(Math.floor(rnd() * Math.max(1, total - nFrames - 10)));
  for (let i = 0; i < 5; i++) {
    session.step();
    frame();
  }
  const frameMs: number[] = [];
  let lines = 0;
  t = performance.now();
  for (let i = 0; i < nFrames && session.cursor < total - 1 && performance.now() - t < budgetMs; i++) {
    session.step();
    const t0 = performance.now();
    const s = frame();
    frameMs.push(performance.now() - t0);
    lines = s.split('\n').length;
  }
  if (!/step \d+\/\d+/.test(frame())) throw new Error('the frame has no status line');

  process.stdout.write(
    `${JSON.stringify({
      trace_events: total,
      open_ms: openMs,
      gotos: gotoMs.length,
      goto_p50_ms: pct(gotoMs, 50),
      goto_p99_ms: pct(gotoMs, 99),
      backs: backMs.length,
      back_p50_ms: pct(backMs, 50),
      back_p99_ms: pct(backMs, 99),
      rss_mb: rssMb,
      frames: frameMs.length,
      frame_lines: lines,
      frame_p50_ms: pct(frameMs, 50),
      frame_p99_ms: pct(frameMs, 99),
    })}\n`,
  );
}

// ---------------------------------------------------------------------------------------------------
// keys: a real key press on the mounted App, previous frame on screen.

/** Time Ink may take to answer one key before the phase gives up (a hung frame is a failure). */
const KEY_TIMEOUT_MS = 120_000;
/** Pause between key presses: longer than Ink's render throttle (32 ms), as a person types. */
const KEY_GAP_MS = 50;

async function keysPhase(file: string, connections: number, nKeys: number, budgetMs: number, mid: boolean) {
  const sc = loadScenario(file, connections);
  limitHeapGrowth();
  const tOpen = performance.now();
  const session = createSession(engine, sc);
  const openMs = performance.now() - tOpen;
  if (mid) session.goto(Math.floor(session.total / 2));
  const { EventEmitter } = await import('node:events');
  // Ink draws nothing while CI is set.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const [{ render }, { appElement }, { makeTheme }] = await Promise.all([
    import('ink'),
    import('../src/tui/app.js'),
    import('../src/tui/theme.js'),
  ]);
  let written: (() => void) | null = null;
  let lastWrite = '';
  const stdout = Object.assign(new EventEmitter(), {
    columns: 160,
    rows: 50,
    isTTY: true,
    write: (s: string) => {
      lastWrite = s;
      written?.();
      return true;
    },
  });
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    data: null as string | null,
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const d = stdin.data;
      stdin.data = null;
      return d;
    },
  });
  const press = (key: string) => {
    stdin.data = key;
    stdin.emit('readable');
    stdin.emit('data', key);
  };
  const nextWrite = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame after a key press')), KEY_TIMEOUT_MS);
      written = () => {
        clearTimeout(timer);
        written = null;
        resolve();
      };
    });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const first = nextWrite();
  const instance = render(
    appElement({ session, theme: makeTheme(3), columns: stdout.columns, rows: stdout.rows }),
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await first;
  await sleep(KEY_GAP_MS);
  const keyMs: number[] = [];
  const right = '\x1b[C';
  // Warm-up presses (JIT), not timed.
  for (let i = 0; i < 3; i++) {
    const w = nextWrite();
    press(right);
    await w;
    await sleep(KEY_GAP_MS);
  }
  const t = performance.now();
  for (let i = 0; i < nKeys && session.cursor < session.total - 1 && performance.now() - t < budgetMs; i++) {
    const w = nextWrite();
    const t0 = performance.now();
    press(right);
    await w;
    keyMs.push(performance.now() - t0);
    await sleep(KEY_GAP_MS);
  }
  instance.unmount();
  if (!/step \d+\/\d+/.test(lastWrite) && keyMs.length === 0) throw new Error('no frame drawn');
  process.stdout.write(
    `${JSON.stringify({ open_ms: openMs, keys: keyMs.length, key_p50_ms: pct(keyMs, 50), key_p99_ms: pct(keyMs, 99) })}\n`,
  );
  // Ink keeps stdin listeners; this phase is done.
  process.exit(0);
}

const [phase, file, ...rest] = process.argv.slice(2);
const nums = rest.map(Number);
if (phase === 'sim') simPhase(file, nums[0]);
else if (phase === 'session') await sessionPhase(file, nums[0], nums[1], nums[2], nums[3], nums[4]);
else if (phase === 'keys') await keysPhase(file, nums[0], nums[1], nums[2], nums[3] === 1);
else {
  process.stderr.write(`usage: phases.mjs sim|session|keys <scenario.yaml> ...\n`);
  process.exit(2);
}

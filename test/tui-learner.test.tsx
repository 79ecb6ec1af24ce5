/**
 * The learner's screen (issue 13), driven from real sessions of built-in scenarios through the whole
 * App (Ink in debug mode, a chosen terminal size): borders survive focus changes, keys wait while the
 * terminal is too small, notes are never clipped silently, the help scrolls, the small layout's
 * detail pane follows the step, and the find / mark / share / lens / anomaly / journey / bytes /
 * gauge keys do what `?` says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../src/debug/session.js';
import type { Session } from '../src/debug/types.js';
import { engine } from '../src/sim/engine.js';
import { App, FIRST_HINT } from '../src/tui/app.js';
import { ChangeSet } from '../src/tui/changes.js';
import { gaugeSource } from '../src/tui/gauges.js';
import { computeLayout, type LayoutNode } from '../src/tui/layout.js';
import { narrationPane } from '../src/tui/panes/narration.js';
import { schedPane } from '../src/tui/panes/sched.js';
import { socketsPane } from '../src/tui/panes/sockets.js';
import { initialUi } from '../src/tui/reducer.js';
import { STAGES, stageOf } from '../src/tui/stage.js';
import { makeTheme } from '../src/tui/theme.js';
import { builtin } from './helpers.js';
import { renderAt, settle, until } from './tui-harness.js';

const theme = makeTheme(0);
const ESC = '\x1b';
const ENTER = '\r';
const TAB = '\t';
const BACKTAB = `${ESC}[Z`;

/** Longest wait for the frame a key causes (a shared 2-core machine: be patient). */
const KEY_WAIT_MS = 5000;

const sessions = new Map<string, Session>();
/** One real session per scenario for the whole file (each test moves its cursor back to 0). */
function real(name: string): Session {
  let s = sessions.get(name);
  if (!s) sessions.set(name, (s = createSession(engine, builtin(name))));
  s.goto(0);
  return s;
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function app(name: string, columns: number, rows: number, opts: { gauges?: boolean } = {}) {
  const session = real(name);
  const gauges = opts.gauges ? gaugeSource(engine, builtin(name)) : undefined;
  const r = renderAt(
    <App session={session} theme={theme} columns={columns} rows={rows} gauges={gauges} scenarioArg={name} />,
    columns,
    rows,
  );
  cleanup.push(r.unmount);
  const frame = () => r.lastFrame();
  /** Each key, then a wait for the frame it causes (the first use of an index may take a while). */
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      const before = r.stdout.frames.length;
      r.stdin.write(k);
      const end = Date.now() + KEY_WAIT_MS;
      while (r.stdout.frames.length === before && Date.now() < end) await settle(10);
      await settle(20);
    }
  };
  const type = (text: string) => press(...Array.from(text));
  return { session, frame, press, type, rerender: r.rerender };
}

/**
 * The box-drawing skeleton of the panes: corners and side borders where they are, double drawn as
 * single (focus moves) and horizontal lines left out (a title's length changes where they start); the
 * journey and status lines under the panes are not part of it. A pane with a blank first row or its
 * last row over its bottom border moves a corner.
 */
function skeleton(frame: string): string[] {
  const single: Record<string, string> = { '╔': '┌', '╗': '┐', '╚': '└', '╝': '┘', '║': '│' };
  const lines = frame.split('\n');
  const panes = lines.slice(
    0,
    lines.findIndex((l) => /^ (\[?NIC|… )/.test(l)),
  );
  return panes.map((l) =>
    Array.from(l, (c) => single[c] ?? (/[┌┐└┘│]/.test(c) ? c : ' '))
      .join('')
      .trimEnd(),
  );
}

describe('defects', () => {
  it.each([
    [160, 50],
    [80, 24],
  ])('Tab, Shift-Tab and 1–7 leave every border where it was at %i×%i', async (columns, rows) => {
    const { frame, press } = app('tour', columns, rows);
    await press('l', 'l');
    const before = skeleton(frame());
    expect(before.length).toBe(rows - 3);
    expect(before.filter((l) => l.includes('┌')).length).toBeGreaterThan(2);
    for (const k of [TAB, TAB, BACKTAB, '6', '7']) {
      await press(k);
      expect(skeleton(frame()), `after ${JSON.stringify(k)}`).toEqual(before);
    }
    // Pane 4 at 80×24 swaps the detail pane: same frame shape, another pane in it.
    await press('4');
    expect(skeleton(frame())).toEqual(before);
  });

  it('ignores every key but q while the terminal is too small', async () => {
    const { session, frame, press, rerender } = app('hello', 70, 20);
    expect(frame()).toContain('terminal too small (70×20)');
    await press('l', 'l', 'g', '/', 'a', 'End');
    expect(session.cursor).toBe(0);
    rerender(<App session={session} theme={theme} columns={160} rows={50} />);
    await settle(30);
    expect(frame()).toContain('step 0/');
    expect(frame()).not.toContain('Go to step');
  });

  it('shows every tour note at 160×50: first thing under the sentence, or announced as more below', () => {
    const session = real('tour');
    const layout = computeLayout(160, 50, initialUi());
    const find = (n: LayoutNode): { height: number; width: number } | undefined => {
      if (n.kind === 'pane') return n.pane === 'narration' ? n : undefined;
      for (const c of n.children) {
        const f = find(c);
        if (f) return f;
      }
      return undefined;
    };
    if (layout.kind === 'too-small') throw new Error('layout');
    const pane = find(layout.root)!;
    let noted = 0;
    for (let i = 0; i < session.total; i++) {
      const notes = session.notesAt(i);
      if (notes.length === 0) continue;
      noted++;
      session.goto(i);
      const { lines } = narrationPane.content({
        session,
        record: session.record(i),
        view: session.view(),
        changes: new ChangeSet(session.changes()),
        theme,
        width: pane.width - 3,
        height: pane.height - 2,
        scroll: 0,
      });
      const shown = lines.join('\n');
      expect(shown, `step ${i}`).toContain(`note: ${notes[0].split(' ').slice(0, 3).join(' ')}`);
    }
    expect(noted).toBeGreaterThan(40);
  });

  it('says the narration has more and scrolls to it at 80×24', async () => {
    const { frame, press } = app('tour', 80, 24);
    expect(frame()).toMatch(/▼ \d+ more lines?: 7 then ↓ to read on/);
    await press('7');
    for (let i = 0; i < 40 && !frame().includes('▲ end'); i++) await press('\x1b[B');
    expect(frame()).toContain('▲ end · ↑ scrolls back');
  });

  it('scrolls the help at 80×24 down to the legend, and closes it with Esc', async () => {
    const { frame, press } = app('hello', 80, 24);
    await press('?');
    expect(frame()).toMatch(/▼ \d+ more lines: ↓ PgDn space scroll/);
    for (let i = 0; i < 12; i++) await press(' ');
    expect(frame()).toContain('▲ end of help');
    expect(frame()).toContain('rg / wg');
    await press(ESC);
    expect(await until(frame, (f) => !f.includes('Keys — netflow-tui'))).not.toContain('Keys — netflow-tui');
  });

  it('below 160×50 the detail pane follows the step: NIC for a DMA, epoll for a ready fd', async () => {
    const { session, frame, press, type } = app('hello', 100, 30);
    const dma = session.records(0, session.total).find((r) => r.kind === 'nic.dma')!.step;
    const ready = session
      .records(0, session.total)
      .find((r) => r.kind === 'epoll.ready' && r.step > dma)!.step;
    await press('g');
    await type(String(dma));
    await press(ENTER);
    expect(frame()).toMatch(/[┌╔][─═] 1 NIC/);
    await press('g');
    await type(String(ready));
    await press(ENTER);
    expect(frame()).toMatch(/[┌╔][─═] 4 epoll/);
  });

  it('shows the first-contact hint until the first key', async () => {
    const { frame, press } = app('hello', 160, 50);
    expect(frame()).toContain(FIRST_HINT.slice(0, 40));
    await press('l');
    expect(frame()).not.toContain(FIRST_HINT.slice(0, 40));
  });
});

describe('find, mark, share', () => {
  it('/ fd=4 finds the matches, n and N move between them with a count, Esc clears and n steps again', async () => {
    const { session, frame, press, type } = app('hello', 160, 50);
    const want = session.records(0, session.total).filter((r) => r.fd === 4 || r.conn === 4);
    await press('/');
    expect(frame()).toContain('Search the timeline');
    await type('fd=4');
    await press(ENTER);
    const n = frame().match(/match 1\/(\d+) at step (\d+)/);
    expect(n).not.toBeNull();
    expect(Number(n![1])).toBeGreaterThanOrEqual(want.filter((r) => r.fd === 4).length);
    expect(session.record(session.cursor).fd).toBe(4);
    const first = session.cursor;
    await press('n');
    expect(frame()).toMatch(/match 2\//);
    expect(session.cursor).toBeGreaterThan(first);
    await press('N');
    expect(session.cursor).toBe(first);
    await press(ESC, 'n');
    expect(session.cursor).toBe(first + 1);
  });

  it('g takes a time: 1.025ms goes to the first step at or after it', async () => {
    const { session, frame, press, type } = app('hello', 160, 50);
    await press('g');
    await type('1.025ms');
    await press(ENTER);
    expect(session.record(session.cursor).t_ns).toBeGreaterThanOrEqual(1_025_000);
    expect(session.record(session.cursor - 1).t_ns).toBeLessThan(1_025_000);
    expect(frame()).toContain(`step ${session.cursor}/`);
  });

  it("m a sets a bookmark, ' a comes back, B lists it, y shows the command line", async () => {
    const { session, frame, press } = app('hello', 160, 50);
    await press('l', 'l', 'l', 'm', 'a');
    expect(frame()).toContain("bookmark 'a = step 3");
    await press('l', 'l', "'", 'a');
    expect(session.cursor).toBe(3);
    await press('B');
    expect(frame()).toContain("'a step 3");
    await press(ESC, 'y');
    expect(frame()).toContain('netflow-tui hello --at 3');
    expect(frame()).toContain("Not on the command line: bookmarks 'a step 3");
  });

  it('r keeps the timeline and stepping to one connection', async () => {
    const { session, frame, press } = app('keepalive', 160, 50);
    const first = session.records(0, session.total).find((r) => r.conn === 1)!.step;
    await press('r');
    expect(session.cursor).toBe(first);
    expect(frame()).toMatch(/Timeline · lens conn 1: \d+ of \d+ events/);
    for (let i = 0; i < 15; i++) await press('l');
    // Every listed step and the cursor's belong to conn 1 (by its own field, its fd or its goroutine).
    const tl = frame()
      .split('\n')
      .filter((l) => /^[║│] [▶ ][●/ ]\s*\d+ /.test(l));
    expect(tl.length).toBeGreaterThan(5);
    await press('r');
    expect(frame()).toContain(`Timeline · ${session.total} events`);
  });
});

describe('anomalies, journey, bytes, gauges', () => {
  it('a and A step through anomalies; E counts them by kind and Enter jumps', async () => {
    const { session, frame, press } = app('ring-overflow', 160, 50);
    await press('a');
    expect(frame()).toMatch(/anomaly 1\/\d+: eagain/);
    await press('E');
    expect(frame()).toContain('Anomalies (Expert Info)');
    expect(frame()).toMatch(/\d+ +rxdrop +RX ring full/);
    await press('\x1b[B');
    const sel = frame()
      .split('\n')
      .find((l) => l.includes('▶ '))!;
    const kind = /▶ +\d+ +(\w+)/.exec(sel)![1];
    await press(ENTER);
    expect(frame()).not.toContain('Anomalies (Expert Info)');
    const here = session.record(session.cursor);
    expect(
      kind === 'rxdrop'
        ? here.kind === 'nic.drop'
        : here.kind === 'sched.steal' || /retransmi/.test(here.text),
    ).toBe(true);
    const at = session.cursor;
    await press('A');
    expect(session.cursor).toBeLessThan(at);
  });

  it('the journey map lights the stage and ] / [ move along the request', async () => {
    const { session, frame, press } = app('hello', 160, 50);
    const dma = session.records(0, session.total).find((r) => r.kind === 'nic.dma')!.step;
    session.goto(dma);
    await press('l', 'h');
    expect(frame()).toContain('[NIC] › IRQ › softirq');
    await press(']');
    expect(frame()).toMatch(/conn 1 → (IRQ|softirq|TCP)/);
    expect(frame()).not.toContain('[NIC]');
    await press('[');
    expect(frame()).toContain('[NIC]');
  });

  it('v decodes a frame: TCP flags, seq, window, options; and the bytes a write copied', async () => {
    const { session, frame, press } = app('hello', 160, 50);
    const syn = session.records(0, session.total).find((r) => r.kind === 'wire.rx')!.step;
    session.goto(syn);
    await press('l', 'h', 'v');
    expect(frame()).toContain('Transmission Control Protocol');
    expect(frame()).toContain('flags SYN');
    expect(frame()).toContain('options <mss 1460,wscale 7>');
    await press('x');
    const write = session.records(0, session.total).find((r) => r.syscall === 'write' && r.conn === 1)!.step;
    session.goto(write);
    await press('l', 'h', 'v');
    expect(frame()).toMatch(/write\(fd 4\): 128 B copied/);
    expect(frame()).toMatch(/0000 {2}48 54 54 50 2f 31 2e 31 20 32 30 30 .*HTTP\/1\.1 200/);
    expect(frame()).toContain('(strace shows the first 32 of 128 B)');
  });

  it('t shows the gauge strip, T picks rxring, and the sparkline marks the cursor', async () => {
    const { frame, press, type } = app('ring-overflow', 160, 50, { gauges: true });
    await press('t');
    expect(frame()).toMatch(/acceptq .*now \d+ · peak \d+ @ step \d+/);
    await press('T');
    await type('rxring');
    await press(ENTER);
    expect(frame()).toMatch(/rxring [ ▁▂▃▄▅▆▇█]+ now \d+ · peak 8 @ step \d+/);
    expect(frame()).toMatch(/▲ step 0/);
    await press('T');
    await type('rcvq fd=x');
    await press(ENTER);
    expect(frame()).toContain('expected a number after fd=');
  });
});

describe('teaching by default', () => {
  it('long run queues say their length and a big socket table leads with a count by state', () => {
    const session = real('ring-overflow');
    let bigTables = 0;
    let longQueues = 0;
    for (let i = 0; i < session.total; i += 50) {
      session.goto(i);
      const view = session.view();
      const changes = new ChangeSet(session.changes());
      const a = {
        session,
        record: session.record(i),
        view,
        changes,
        theme,
        width: 150,
        height: 200,
        scroll: 0,
      };
      if (view.sockets.length > 8) {
        bigTables++;
        const line = socketsPane.content(a).lines[1];
        const counts = [...line.matchAll(/([A-Z_]+) (\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
        expect(line).toMatch(/^by state: /);
        expect(counts).toBe(view.sockets.length);
      }
      const long = view.sched.ps.find((p) => p.runq.length > 4);
      if (long) {
        longQueues++;
        expect(schedPane.content(a).lines.join('\n')).toContain(
          `runq ${long.runq.length}: [G${long.runq[0]} `,
        );
      }
    }
    expect(bigTables).toBeGreaterThan(0);
    expect(longQueues).toBeGreaterThan(0);
  });

  it('the default scenario carries a note at every stage of its journey', () => {
    const session = real('hello');
    const staged = new Set<string>();
    for (let i = 0; i < session.total; i++) {
      const stage = stageOf(session.record(i));
      if (stage && session.notesAt(i).length > 0) staged.add(stage);
    }
    expect([...STAGES].filter((s) => !staged.has(s))).toEqual([]);
  });
});

/**
 * The fork in the terminal (`netflow-tui diff <scenario> --set … --tui`): the run as written and the
 * changed run (./set.ts) side by side, each a Session, kept together as you step.
 *
 * One side is the main one (keys move it; `s` swaps which). The other follows it, by virtual time (the
 * last of its records at or before the main record's time) or by step number (`t` toggles). Each side
 * shows its step and time, a few gauges (accept queue, RX ring, run queues, responses), the records
 * around its cursor with the first divergence marked `≠`, and the current record's sentence.
 * `d` jumps to the next point where the two traces start to differ (record i differs, record i - 1
 * did not), `D` to the first one.
 *
 * Only this component moves the two Sessions; rendering reads them.
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useRef, useState } from 'react';
import type { Session } from '../debug/types.js';
import { formatTime, recordToJson } from '../sim/trace.js';
import { sanitize } from '../tui/sanitize.js';
import { cut, wrap } from '../tui/text.js';
import type { Theme } from '../tui/theme.js';

/** Records `d` compares at most in one search (a c10k run has 1.4 M: a search must stay interactive). */
export const MAX_DIVERGENCE_SCAN = 200_000;

export type SyncMode = 'time' | 'step';

export interface ForkAppProps {
  /** The run as written, and the changed one. */
  original: Session;
  fork: Session;
  /** What was changed, e.g. "machine.tcp.somaxconn=4096". */
  label: string;
  theme: Theme;
  columns: number;
  rows: number;
  /** Called once when the user quits. Default: Ink's exit(). */
  onQuit?: () => void;
}

const same = (a: Session, b: Session, i: number) => recordToJson(a.record(i)) === recordToJson(b.record(i));

/** The first step at or after `from` where record i differs and record i - 1 did not; -1: none found. */
export function nextDivergence(a: Session, b: Session, from: number): number {
  const end = Math.min(a.total, b.total, from + MAX_DIVERGENCE_SCAN);
  let prevSame = from === 0 || (from - 1 < Math.min(a.total, b.total) && same(a, b, from - 1));
  for (let i = from; i < end; i++) {
    const s = same(a, b, i);
    if (!s && prevSame) return i;
    prevSame = s;
  }
  // One run ended where the other goes on: that is a difference too.
  if (end === Math.min(a.total, b.total) && a.total !== b.total && prevSame && end >= from) return end;
  return -1;
}

/** Moves `other` to follow `main`: the same step (clamped), or its last record at or before main's time. */
export function follow(main: Session, other: Session, mode: SyncMode): void {
  if (mode === 'step') return other.goto(Math.min(main.cursor, other.total - 1));
  const t = main.record(main.cursor).t_ns;
  let lo = 0;
  let hi = other.total - 1;
  if (other.record(0).t_ns > t) return other.goto(0);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (other.record(mid).t_ns <= t) lo = mid;
    else hi = mid - 1;
  }
  other.goto(lo);
}

/** The gauges line of one side. */
function gauges(s: Session): string {
  const v = s.view();
  const acceptq = v.sockets.reduce((n, k) => n + (k.state === 'LISTEN' ? (k.acceptq ?? 0) : 0), 0);
  const runq = v.sched.ps.map((p) => `${p.runq.length + (p.runnext ? 1 : 0)}`).join(' ');
  const responses = v.clients.reduce((n, c) => n + c.responses, 0);
  return `acceptq ${acceptq} · RX ${v.nic.rx.used}/${v.nic.rx.size} drops ${v.nic.rxDropped} · runq ${runq} · global ${v.sched.globrunq.length} · responses ${responses}`;
}

/** One side's lines, `width` columns, `height` rows. */
export function sideLines(
  s: Session,
  title: string,
  first: number,
  theme: Theme,
  width: number,
  height: number,
): string[] {
  const r = s.record(s.cursor);
  const head = [
    theme.bold(cut(title, width)),
    cut(`step ${s.cursor}/${s.total - 1} · ${formatTime(r.t_ns)}`, width),
    cut(gauges(s), width),
    theme.dim('─'.repeat(width)),
  ];
  const say = wrap(sanitize(r.text), width).slice(0, 4);
  const rows = Math.max(1, height - head.length - say.length - 1);
  const from = Math.max(0, Math.min(s.cursor - Math.floor(rows / 2), s.total - rows));
  const timeline = s.records(from, from + rows).map((x) => {
    const mark = x.step === s.cursor ? '▶' : ' ';
    const diff = x.step === first ? '≠' : ' ';
    const line = cut(
      `${mark}${diff}${String(x.step).padStart(6)} ${x.layer.padEnd(7)} ${sanitize(x.text)}`,
      width,
    );
    return x.step === s.cursor ? theme.current(line.padEnd(width)) : line;
  });
  return [...head, ...timeline, theme.dim('─'.repeat(width)), ...say];
}

export function ForkApp({ original, fork, label, theme, columns, rows, onQuit }: ForkAppProps) {
  const { exit } = useApp();
  const [first] = useState(() => nextDivergence(original, fork, 0));
  const state = useRef({ mainLeft: true, mode: 'time' as SyncMode, message: '' });
  const [, redraw] = useState(0);
  const quit = onQuit ?? exit;

  useInput((input, key) => {
    const st = state.current;
    const main = st.mainLeft ? original : fork;
    st.message = '';
    if (input === 'q' || (key.ctrl && input === 'c')) return quit();
    if (key.rightArrow || input === 'l' || input === 'n') main.step();
    else if (key.leftArrow || input === 'h' || input === 'p') main.back();
    else if (key.home) main.first();
    else if (key.end) main.last();
    else if (input === 's') st.mainLeft = !st.mainLeft;
    else if (input === 't') st.mode = st.mode === 'time' ? 'step' : 'time';
    else if (input === 'd' || input === 'D') {
      const at = input === 'D' ? first : nextDivergence(original, fork, main.cursor + 1);
      if (at < 0) st.message = 'no further point where the traces start to differ';
      else main.goto(Math.min(at, main.total - 1));
    } else return;
    follow(st.mainLeft ? original : fork, st.mainLeft ? fork : original, st.mode);
    redraw((n) => n + 1);
  });

  const st = state.current;
  const half = Math.floor((columns - 1) / 2);
  const height = Math.max(4, rows - 3);
  const title = (side: 'left' | 'right') => {
    const main = (side === 'left') === st.mainLeft ? ' (main)' : '';
    return side === 'left' ? `as written${main}` : `with ${sanitize(label)}${main}`;
  };
  const left = sideLines(original, title('left'), first, theme, half, height);
  const right = sideLines(fork, title('right'), first, theme, columns - half - 1, height);
  const firstText = first < 0 ? 'the traces are identical' : `first divergence: step ${first} (≠)`;
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Text wrap="truncate-end">
        {theme.bold(`fork · ${firstText} · following by ${st.mode === 'time' ? 'virtual time' : 'step'}`)}
      </Text>
      <Box flexDirection="row" height={height}>
        <Box flexDirection="column" width={half}>
          {left.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
            <Text key={i} wrap="truncate-end">
              {l}
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width={1}>
          {Array.from({ length: height }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
            <Text key={i}>{theme.dim('│')}</Text>
          ))}
        </Box>
        <Box flexDirection="column" width={columns - half - 1}>
          {right.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
            <Text key={i} wrap="truncate-end">
              {l}
            </Text>
          ))}
        </Box>
      </Box>
      <Text wrap="truncate-end">
        {st.message
          ? theme.warn(st.message)
          : theme.dim(
              '→/← step · d next divergence · D first · t follow by time/step · s swap main side · Home/End · q quit',
            )}
      </Text>
    </Box>
  );
}

/** `<ForkApp {...props} />`, for main.ts (which has no JSX and imports React lazily). */
export function forkElement(props: ForkAppProps) {
  return <ForkApp {...props} />;
}

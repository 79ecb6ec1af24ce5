/**
 * The fork split's screen (../fork.ts): the run as written on the left, the fork on the right, each
 * with its step and virtual time, a few gauges (accept queue, RX ring, run queues, responses), the
 * records around its cursor with the first divergence marked `≠`, and the current record's sentence;
 * a header with the change and how the sides follow, and a line of key hints or what the last key did.
 * Used by forkhost.tsx for `f` in the TUI and for `diff --tui`. Reads the Sessions; never moves them.
 */
import { Box, Text } from 'ink';
import type { Session } from '../../debug/types.js';
import { formatTime } from '../../sim/trace.js';
import type { ForkSplit, Side } from '../fork.js';
import { keyHints } from '../keymap.js';
import { sanitize } from '../sanitize.js';
import { cut, wrap } from '../text.js';
import type { Theme } from '../theme.js';

/** Lines of the current record's sentence each side shows under its timeline. */
const SAY_LINES = 4;

/** The gauges line of one side. */
function gauges(s: Session): string {
  const v = s.view();
  const acceptq = v.sockets.reduce((n, k) => n + (k.state === 'LISTEN' ? (k.acceptq ?? 0) : 0), 0);
  const runq = v.sched.ps.map((p) => `${p.runq.length + (p.runnext ? 1 : 0)}`).join(' ');
  const responses = v.clients.reduce((n, c) => n + c.responses, 0);
  return `acceptq ${acceptq} · RX ${v.nic.rx.used}/${v.nic.rx.size} drops ${v.nic.rxDropped} · runq ${runq} · global ${v.sched.globrunq.length} · responses ${responses}`;
}

/** One side's lines, `width` columns, `height` rows; `first` is the step marked `≠`. */
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
  const say = wrap(sanitize(r.text), width).slice(0, SAY_LINES);
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

/** The two titles: which run each side is, and which one the keys step. */
export function sideTitles(split: ForkSplit): Record<Side, string> {
  const base = split.mainSets;
  const keys = (side: Side) => (split.lead === side ? ' ◀ keys step this side' : '');
  return {
    original: `1 ${base.length ? `main run (with ${base.join('; ')})` : 'as written'}${keys('original')}`,
    fork: `2 with ${split.label}${keys('fork')}`,
  };
}

export interface ForkSplitViewProps {
  split: ForkSplit;
  theme: Theme;
  columns: number;
  rows: number;
}

function Column({ lines, width }: { lines: string[]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: positional rows
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </Box>
  );
}

export function ForkSplitView({ split, theme, columns, rows }: ForkSplitViewProps) {
  const half = Math.floor((columns - 1) / 2);
  const height = Math.max(4, rows - 3);
  const titles = sideTitles(split);
  const left = sideLines(split.original, sanitize(titles.original), split.first, theme, half, height);
  const right = sideLines(split.fork, sanitize(titles.fork), split.first, theme, columns - half - 1, height);
  const firstText =
    split.first < 0 ? 'the traces are identical' : `first divergence: step ${split.first} (≠)`;
  const follows = split.sync === 'time' ? 'virtual time' : 'step';
  const hints = `→/← step · ${keyHints('fork')}`;
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Text wrap="truncate-end">{theme.bold(`fork · ${firstText} · following by ${follows}`)}</Text>
      <Box flexDirection="row" height={height}>
        <Column lines={left} width={half} />
        <Column lines={Array.from({ length: height }, () => theme.dim('│'))} width={1} />
        <Column lines={right} width={columns - half - 1} />
      </Box>
      <Text wrap="truncate-end">
        {split.message ? theme.warn(sanitize(split.message)) : theme.dim(hints)}
      </Text>
    </Box>
  );
}

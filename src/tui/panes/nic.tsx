/**
 * NIC pane: the RX and TX descriptor rings as rows of slot cells (free, DMA in progress, filled, TX
 * queued), the head (next slot the producer fills) marked `H`, the tail (the oldest used slot, next
 * for the consumer) drawn inverse with colour and named in the header, interrupt and drop counters, and
 * what the next slot the driver will take holds. A ring too big for the pane is drawn with several
 * slots per cell (the busiest state wins).
 */
import type { RingView } from '../../sim/viewtypes.js';
import type { ChangeSet } from '../changes.js';
import { sanitize } from '../sanitize.js';
import { type Block, materialize, type PaneContent } from '../text.js';
import type { Theme } from '../theme.js';
import type { PaneArgs, PaneDef } from './types.js';

const GLYPH: Record<string, string> = { free: '·', dma: '░', filled: '█', tx: '▓' };
const RANK: Record<string, number> = { free: 0, tx: 1, filled: 2, dma: 3 };

/** Header lines, legend and "next" line besides the ring rows. */
const FIXED_LINES = 4;

/** A run of cells in one style: `changed`, or a slot state, optionally `+tail`. */
function styleRun(style: string, text: string, theme: Theme): string {
  const [base, tail] = style.split('+');
  const styled = base === 'changed' ? theme.changed(text) : theme.slot(base, text);
  return tail ? theme.current(styled) : styled;
}

function ringRows(
  ring: RingView,
  ringName: 'rx' | 'tx',
  changes: ChangeSet,
  perRow: number,
  maxRows: number,
  theme: Theme,
): string[] {
  const cells = Math.max(1, Math.min(ring.size, perRow * Math.max(1, maxRows)));
  const k = Math.ceil(ring.size / cells);
  const ncells = Math.ceil(ring.size / k);
  const rows: string[] = [];
  // Consecutive cells with the same style are styled as one run: far fewer escape codes for Ink to
  // tokenize (a 256-slot ring is mostly one long run of free slots).
  let row = '';
  let run = '';
  let runStyle = '';
  const flush = () => {
    if (run) row += styleRun(runStyle, run, theme);
    run = '';
  };
  for (let c = 0; c < ncells; c++) {
    let state = 'free';
    let changed = false;
    for (let s = c * k; s < Math.min(ring.size, (c + 1) * k); s++) {
      const st = ring.slots[s]?.state ?? 'free';
      if ((RANK[st] ?? 0) > (RANK[state] ?? 0)) state = st;
      if (changes.has(`${ringName} slot ${s}`)) changed = true;
    }
    const inCell = (i: number) => i >= c * k && i < (c + 1) * k;
    // The head slot is free (the next one the producer fills) unless the ring is full: draw it `H`.
    // The tail slot holds the oldest frame: keep its state glyph, inverse when there is colour.
    const glyph = inCell(ring.head) && state === 'free' ? 'H' : (GLYPH[state] ?? '?');
    // Slot changes are colour-only: a level-0 marker would break the grid; the counters carry `*`.
    const style = `${changed && theme.level > 0 ? 'changed' : state}${inCell(ring.tail) && ring.used > 0 ? '+tail' : ''}`;
    if (style !== runStyle) flush();
    runStyle = style;
    run += glyph;
    if ((c + 1) % perRow === 0 || c === ncells - 1) {
      flush();
      rows.push(row);
      row = '';
    }
  }
  return rows;
}

function ringHeader(
  name: 'RX' | 'TX',
  ring: RingView,
  irqs: number,
  theme: Theme,
  changes: ChangeSet,
): string {
  const r = name.toLowerCase();
  const m = (v: number, what: string) => theme.mark(String(v), changes.has(`${r} ${what}`));
  return (
    `${theme.bold(name)} ${ring.size} slots · head ${m(ring.head, 'head')} tail ${m(ring.tail, 'tail')}` +
    ` · used ${m(ring.used, 'used')}/${ring.size} · irqs ${m(irqs, 'irqs')}`
  );
}

export function nicContent({ view, changes, theme, width, height, scroll }: PaneArgs): PaneContent {
  const nic = view.nic;
  // Whole powers of two per row, so a 256-slot ring makes even rows (64 × 4).
  const perRow = 2 ** Math.floor(Math.log2(Math.max(8, width)));
  const rowsPerRing = Math.max(1, Math.floor((height - FIXED_LINES) / 2));
  const rx = ringRows(nic.rx, 'rx', changes, perRow, rowsPerRing, theme);
  const tx = ringRows(nic.tx, 'tx', changes, perRow, rowsPerRing, theme);
  const k = Math.ceil(nic.rx.size / Math.min(nic.rx.size, perRow * rowsPerRing));
  const drops = theme.mark(String(nic.rxDropped), changes.has('rx drops'));
  const napi = theme.mark(nic.napiScheduled ? 'polling' : 'idle', changes.has('napi'));
  const next = nic.rx.used > 0 ? nic.rx.slots[nic.rx.tail] : undefined;
  const nextLine = next
    ? `next for the driver: RX slot ${nic.rx.tail}${next.desc ? ` ${sanitize(next.desc)}` : ''}`
    : theme.dim('RX ring empty: nothing waits for the driver');
  const blocks: Block[] = [
    `${ringHeader('RX', nic.rx, nic.irqs.rx, theme, changes)} · drops ${drops}`,
    ...rx,
    `${ringHeader('TX', nic.tx, nic.irqs.tx, theme, changes)}`,
    ...tx,
    `NAPI ${napi} · mtu ${nic.mtu} · ${theme.dim(`·free ░DMA █filled ▓TX H head${theme.level > 0 ? ' ▮ tail' : ''}${k > 1 ? ` · cell = ${k} slots` : ''}`)}`,
    nextLine,
  ];
  return materialize(blocks, scroll, height);
}

export const nicPane: PaneDef = {
  title: ({ view }) => `NIC ${sanitize(view.nic.name)}`,
  content: nicContent,
};

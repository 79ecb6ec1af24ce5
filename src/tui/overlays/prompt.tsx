/**
 * The goto, breakpoint, why, export and fork prompts. What the user typed, a block cursor, and, after a failed Enter, the
 * error under it: for a breakpoint spec a `^` under the column the grammar stopped at.
 */
import type { Mode } from '../reducer.js';
import { sanitize } from '../sanitize.js';
import { wrap } from '../text.js';
import type { Theme } from '../theme.js';
import { Overlay } from './overlay.js';

type PromptMode = Extract<Mode, { kind: 'prompt' }>;

/** The prompt's content lines for `width` content columns; `last` is the last step number. */
export function promptLines(mode: PromptMode, theme: Theme, width: number, last: number): string[] {
  const room = Math.max(4, width - 4);
  const text = sanitize(mode.text);
  // Keep the end of a long spec in view; the caret column shifts with it.
  const shift = Math.max(0, text.length - room);
  const lines = [`> ${text.slice(shift)}${theme.current(' ')}`];
  if (mode.error) {
    if (mode.error.column !== undefined && mode.error.column >= 1) {
      const at = Math.max(0, mode.error.column - 1 - shift);
      lines.push(theme.error(`${' '.repeat(2 + at)}^`));
    }
    const where = mode.error.column !== undefined ? `column ${mode.error.column}: ` : '';
    for (const l of wrap(`${where}${sanitize(mode.error.message)}`, width)) lines.push(theme.error(l));
  } else {
    lines.push('');
  }
  if (mode.prompt === 'why') {
    lines.push(
      theme.dim('Enter alone: the step that caused this one · or a value: acceptq fd=3 · rcvq fd=4'),
    );
    lines.push(theme.dim('     runq p=0 · rdllist · globrunq · rxring · G6: the step that last changed it'));
  } else if (mode.prompt === 'break') {
    lines.push(
      theme.dim('e.g. syscall:accept4 · syscall errno=EAGAIN · irq:rx · wakeup:accept · event:nic.*'),
    );
    lines.push(
      theme.dim('     park:read g=5 · anomaly:overflow · watch acceptq > 0 · watch rcvq fd=4 >= 65536'),
    );
  } else if (mode.prompt === 'search') {
    lines.push(theme.dim('words from the step sentences, or key=value: fd=4 conn=2 g=7 layer=nic'));
    lines.push(theme.dim('     kind=nic.* syscall=read errno=EAGAIN stage=epoll; then n / N'));
  } else if (mode.prompt === 'gauge') {
    lines.push(theme.dim('acceptq · acceptq fd=3 · rcvq fd=4 · sndq fd=4 · runq p=0 · globrunq · rdllist'));
    lines.push(theme.dim('     rxring · txring · synq (the gauges of watch breakpoints)'));
  } else if (mode.prompt === 'fork') {
    lines.push(theme.dim('KEY=VALUE, as diff --set: machine.gomaxprocs=1 · machine.tcp.somaxconn=4096'));
    lines.push(theme.dim('     machine.nic.rxRing=256 · server.routes.0.cpu=5ms · several: a=1; b=2'));
  } else if (mode.prompt === 'export') {
    lines.push(theme.dim('FORMAT [FILE] [N-M] [force]: pcapng pcap perfetto strace schedtrace jsonl'));
    lines.push(theme.dim(`e.g. pcapng · perfetto run.json · strace 0-${last} · pcap out.pcap force`));
  } else {
    lines.push(theme.dim(`a step from 0 to ${last}, +N or -N from here, end, or a time like 1.025ms`));
  }
  lines.push(theme.dim('Enter: ok · Esc: cancel'));
  return lines;
}

const PROMPT_TITLES: Record<PromptMode['prompt'], string> = {
  goto: 'Go to step',
  break: 'Add breakpoint',
  search: 'Search the timeline',
  gauge: 'Gauge to plot',
  why: 'Why?',
  export: 'Export the run',
  fork: 'What if? Fork the run with a change',
};

export interface PromptOverlayProps {
  mode: PromptMode;
  /** The last step number. */
  last: number;
  theme: Theme;
  columns: number;
  rows: number;
}

export function PromptOverlay({ mode, last, theme, columns, rows }: PromptOverlayProps) {
  const width = Math.min(columns - 2, 84);
  const title = PROMPT_TITLES[mode.prompt];
  return (
    <Overlay
      title={title}
      lines={promptLines(mode, theme, width - 3, last)}
      width={width}
      columns={columns}
      rows={rows}
      theme={theme}
    />
  );
}

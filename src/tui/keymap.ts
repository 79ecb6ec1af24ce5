/**
 * The key map: ONE typed table of every key the TUI understands. It drives key matching (`matchKey`),
 * the `?` help overlay, and the README's key list (`keymapMarkdown`). Add a key here and all three
 * follow.
 *
 * Keys are written as ids: a printable character stands for itself (`l`, `C`, `+`), `space` is the
 * space bar, named keys are lower-case words (`right`, `home`, `tab`, `backtab` = Shift-Tab,
 * `return`, `escape`, `backspace`), and `C-c` is Ctrl-C. `toKeyEvents` turns what Ink's `useInput`
 * reports into a list of such events: a burst of keys typed faster than a frame ("lll") arrives as one
 * input string and becomes three events.
 *
 * A binding belongs to one context: `normal` (the panes), `bplist` (the breakpoint list), `anomalies`
 * (the anomaly list), `await` (the letter after `m` or `'`), `prompt` (goto, breakpoint, search or
 * gauge: unbound printable characters are typed into it), `help`, `box` (a read-only box: the
 * bytes inspector, the share line), or `fork` (the what-if split, ./fork.ts).
 *
 * `n` is both "step forward" (as ARCHITECTURE §6 has it) and "next match": after a `/` search it goes
 * to the next match, `N` to the previous one; Esc clears the search and `n` steps again.
 */
import type { Key } from 'ink';

export type Command =
  | 'step'
  | 'back'
  | 'search'
  | 'search-next'
  | 'search-prev'
  | 'clear'
  | 'mark'
  | 'jump-mark'
  | 'share'
  | 'lens'
  | 'anomaly-next'
  | 'anomaly-prev'
  | 'anomaly-list'
  | 'stage-next'
  | 'stage-prev'
  | 'bytes'
  | 'gauge-toggle'
  | 'gauge-pick'
  | 'jump'
  | 'continue'
  | 'reverse-continue'
  | 'goto'
  | 'why'
  | 'break-add'
  | 'break-list'
  | 'first'
  | 'last'
  | 'focus-next'
  | 'focus-prev'
  | 'focus-pane'
  | 'scroll-up'
  | 'scroll-down'
  | 'page-up'
  | 'page-down'
  | 'play'
  | 'faster'
  | 'slower'
  | 'help'
  | 'export'
  | 'quit'
  | 'bp-up'
  | 'bp-down'
  | 'bp-delete'
  | 'bp-toggle'
  | 'close'
  | 'submit'
  | 'erase'
  | 'cancel'
  | 'fork'
  | 'fork-diff-next'
  | 'fork-diff-first'
  | 'fork-sync'
  | 'fork-lead'
  | 'fork-keep-original'
  | 'fork-keep-fork';

export type Context = 'normal' | 'bplist' | 'anomalies' | 'await' | 'prompt' | 'help' | 'box' | 'fork';

export type Category =
  | 'Move'
  | 'Find and mark'
  | 'What went wrong'
  | 'Look closer'
  | 'What if'
  | 'Breakpoints'
  | 'Play'
  | 'Panes'
  | 'General'
  | 'Breakpoint list'
  | 'Anomaly list'
  | 'Fork split'
  | 'Prompt'
  | 'Help';

export interface Binding {
  command: Command;
  /** Key ids, in the order the help shows them. */
  keys: readonly string[];
  /** What the help shows instead of the key list, when the list is long (e.g. `1`–`7`). */
  label?: string;
  description: string;
  /** One word for inline hints (the breakpoint list's footer). */
  short?: string;
  category: Category;
  context: Context;
}

export const KEYMAP: readonly Binding[] = [
  {
    command: 'step',
    keys: ['right', 'l'],
    description: 'step forward one event (in the request lens: its next step)',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'back',
    keys: ['left', 'h', 'p'],
    description: 'step back one event',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'continue',
    keys: ['c'],
    description: 'continue to the next breakpoint hit',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'reverse-continue',
    keys: ['C'],
    description: 'continue backwards to the previous hit',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'goto',
    keys: ['g'],
    description: 'go to step N, +N, -N, or a time like 1.025ms (prompt)',
    category: 'Move',
    context: 'normal',
  },
  { command: 'first', keys: ['home'], description: 'first step', category: 'Move', context: 'normal' },
  { command: 'last', keys: ['end'], description: 'last step', category: 'Move', context: 'normal' },
  {
    command: 'stage-next',
    keys: [']'],
    description: 'next step of this request in another journey stage',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'why',
    keys: ['w'],
    description: 'why? Enter: go to the step that caused this one; or name a value (acceptq fd=3, G6)',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'stage-prev',
    keys: ['['],
    description: 'previous step of this request in another journey stage',
    category: 'Move',
    context: 'normal',
  },
  {
    command: 'search',
    keys: ['/'],
    description: 'search: words, or key=value (fd=4 conn=2 g=7 layer=nic stage=epoll)',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'search-next',
    keys: ['n'],
    description: 'next match (with no search: step forward)',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'search-prev',
    keys: ['N'],
    description: 'previous match',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'clear',
    keys: ['escape'],
    description: 'clear the search and the request lens',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'mark',
    keys: ['m'],
    label: 'm a–z',
    description: 'bookmark this step under a letter',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'jump-mark',
    keys: ["'"],
    label: "' a–z",
    description: 'jump to a bookmark (B lists them)',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'lens',
    keys: ['r'],
    description: 'request lens: only this connection’s steps (r again: off)',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'share',
    keys: ['y'],
    description: 'the command line that reopens this moment',
    category: 'Find and mark',
    context: 'normal',
  },
  {
    command: 'anomaly-next',
    keys: ['a'],
    description: 'next anomaly (overflow, drop, retransmit, zero window, errno, preempt, steal)',
    category: 'What went wrong',
    context: 'normal',
  },
  {
    command: 'anomaly-prev',
    keys: ['A'],
    description: 'previous anomaly',
    category: 'What went wrong',
    context: 'normal',
  },
  {
    command: 'anomaly-list',
    keys: ['E'],
    description: 'anomalies counted by kind (Expert Info); Enter jumps',
    category: 'What went wrong',
    context: 'normal',
  },
  {
    command: 'bytes',
    keys: ['v'],
    description: 'bytes inspector: the frame’s headers and payload',
    category: 'Look closer',
    context: 'normal',
  },
  {
    command: 'gauge-toggle',
    keys: ['t'],
    description: 'gauge strip: a sparkline of the whole run',
    category: 'Look closer',
    context: 'normal',
  },
  {
    command: 'gauge-pick',
    keys: ['T'],
    description: 'pick the gauge (acceptq fd=3, rcvq fd=4, runq p=0, rdllist, rxring)',
    category: 'Look closer',
    context: 'normal',
  },
  {
    command: 'fork',
    keys: ['f'],
    description: 'what if? fork the run with a change (KEY=VALUE, as diff --set) and step both side by side',
    category: 'What if',
    context: 'normal',
  },
  {
    command: 'break-add',
    keys: ['b'],
    description: 'add a breakpoint (prompt), e.g. syscall:accept4',
    category: 'Breakpoints',
    context: 'normal',
  },
  {
    command: 'break-list',
    keys: ['B'],
    description: 'list, toggle and delete breakpoints',
    category: 'Breakpoints',
    context: 'normal',
  },
  {
    command: 'play',
    keys: ['space'],
    description: 'play / pause (animate forward)',
    category: 'Play',
    context: 'normal',
  },
  { command: 'faster', keys: ['+', '='], description: 'play faster', category: 'Play', context: 'normal' },
  { command: 'slower', keys: ['-', '_'], description: 'play slower', category: 'Play', context: 'normal' },
  {
    command: 'focus-next',
    keys: ['tab'],
    description: 'focus the next pane',
    category: 'Panes',
    context: 'normal',
  },
  {
    command: 'focus-prev',
    keys: ['backtab'],
    description: 'focus the previous pane',
    category: 'Panes',
    context: 'normal',
  },
  {
    command: 'focus-pane',
    keys: ['1', '2', '3', '4', '5', '6', '7'],
    label: '1–7',
    description: 'focus (and, on a small terminal, show) pane N',
    category: 'Panes',
    context: 'normal',
  },
  {
    command: 'scroll-up',
    keys: ['up', 'k'],
    description: 'scroll the focused pane up',
    category: 'Panes',
    context: 'normal',
  },
  {
    command: 'scroll-down',
    keys: ['down', 'j'],
    description: 'scroll the focused pane down',
    category: 'Panes',
    context: 'normal',
  },
  {
    command: 'page-up',
    keys: ['pageup'],
    description: 'scroll the focused pane up a page',
    category: 'Panes',
    context: 'normal',
  },
  {
    command: 'page-down',
    keys: ['pagedown'],
    description: 'scroll the focused pane down a page',
    category: 'Panes',
    context: 'normal',
  },
  { command: 'help', keys: ['?'], description: 'this help', category: 'General', context: 'normal' },
  {
    command: 'export',
    keys: ['x'],
    description: 'export the run for Wireshark, Perfetto, strace… (prompt: format, file, steps)',
    category: 'General',
    context: 'normal',
  },
  {
    command: 'quit',
    keys: ['q', 'C-c'],
    description: 'quit (the terminal is restored)',
    category: 'General',
    context: 'normal',
  },
  {
    command: 'bp-up',
    keys: ['up', 'k'],
    description: 'select the previous breakpoint',
    short: 'previous',
    category: 'Breakpoint list',
    context: 'bplist',
  },
  {
    command: 'bp-down',
    keys: ['down', 'j'],
    description: 'select the next breakpoint',
    short: 'next',
    category: 'Breakpoint list',
    context: 'bplist',
  },
  {
    command: 'bp-toggle',
    keys: ['space', 'e'],
    description: 'enable / disable the selected breakpoint',
    short: 'toggle',
    category: 'Breakpoint list',
    context: 'bplist',
  },
  {
    command: 'bp-delete',
    keys: ['d', 'delete', 'backspace'],
    label: 'd Delete',
    description: 'delete the selected breakpoint',
    short: 'delete',
    category: 'Breakpoint list',
    context: 'bplist',
  },
  {
    command: 'break-add',
    keys: ['b'],
    description: 'add a breakpoint',
    short: 'add',
    category: 'Breakpoint list',
    context: 'bplist',
  },
  {
    command: 'close',
    keys: ['escape', 'B', 'q', 'return'],
    description: 'close the list',
    short: 'close',
    category: 'Breakpoint list',
    context: 'bplist',
  },
  { command: 'quit', keys: ['C-c'], description: 'quit', category: 'Breakpoint list', context: 'bplist' },
  {
    command: 'step',
    keys: ['right', 'l', 'n'],
    description: 'step the leading side forward; the other follows',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'back',
    keys: ['left', 'h', 'p'],
    description: 'step the leading side back',
    category: 'Fork split',
    context: 'fork',
  },
  { command: 'first', keys: ['home'], description: 'first step', category: 'Fork split', context: 'fork' },
  { command: 'last', keys: ['end'], description: 'last step', category: 'Fork split', context: 'fork' },
  {
    command: 'fork-diff-next',
    keys: ['d'],
    description: 'next point where the two traces start to differ',
    short: 'next difference',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'fork-diff-first',
    keys: ['D'],
    description: 'the first divergence (marked ≠)',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'fork-sync',
    keys: ['t'],
    description: 'the other side follows by virtual time / by step number',
    short: 'time/step',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'fork-lead',
    keys: ['s'],
    description: 'step the other side (it leads, this one follows)',
    short: 'swap',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'fork-keep-original',
    keys: ['1'],
    description: 'keep the run as written as the main run (the split closes)',
    short: 'keep left',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'fork-keep-fork',
    keys: ['2'],
    description: 'make the fork the main run (the split closes; every key works on it)',
    short: 'keep fork',
    category: 'Fork split',
    context: 'fork',
  },
  {
    command: 'close',
    keys: ['escape', 'f'],
    description: 'close the fork (back to the run as written)',
    short: 'close',
    category: 'Fork split',
    context: 'fork',
  },
  { command: 'quit', keys: ['q', 'C-c'], description: 'quit', category: 'Fork split', context: 'fork' },
  {
    command: 'submit',
    keys: ['return'],
    description: 'run the prompt (go to the step, add the breakpoint)',
    category: 'Prompt',
    context: 'prompt',
  },
  {
    command: 'erase',
    keys: ['backspace', 'delete'],
    description: 'erase the last character',
    category: 'Prompt',
    context: 'prompt',
  },
  {
    command: 'cancel',
    keys: ['escape', 'C-c'],
    description: 'cancel the prompt',
    category: 'Prompt',
    context: 'prompt',
  },
  {
    command: 'bp-up',
    keys: ['up', 'k'],
    description: 'select the previous kind',
    short: 'previous',
    category: 'Anomaly list',
    context: 'anomalies',
  },
  {
    command: 'bp-down',
    keys: ['down', 'j'],
    description: 'select the next kind',
    short: 'next',
    category: 'Anomaly list',
    context: 'anomalies',
  },
  {
    command: 'jump',
    keys: ['return'],
    description: 'go to the first anomaly of that kind after the cursor',
    short: 'go',
    category: 'Anomaly list',
    context: 'anomalies',
  },
  {
    command: 'close',
    keys: ['escape', 'E', 'q'],
    description: 'close the list',
    short: 'close',
    category: 'Anomaly list',
    context: 'anomalies',
  },
  { command: 'quit', keys: ['C-c'], description: 'quit', category: 'Anomaly list', context: 'anomalies' },
  { command: 'cancel', keys: ['escape'], description: 'cancel', category: 'Prompt', context: 'await' },
  { command: 'quit', keys: ['C-c'], description: 'quit', category: 'Prompt', context: 'await' },
  {
    command: 'scroll-up',
    keys: ['up', 'k'],
    description: 'scroll the help up',
    category: 'Help',
    context: 'help',
  },
  {
    command: 'scroll-down',
    keys: ['down', 'j'],
    description: 'scroll the help down',
    category: 'Help',
    context: 'help',
  },
  {
    command: 'page-up',
    keys: ['pageup'],
    description: 'scroll the help up a page',
    category: 'Help',
    context: 'help',
  },
  {
    command: 'page-down',
    keys: ['pagedown', 'space'],
    description: 'scroll the help down a page',
    category: 'Help',
    context: 'help',
  },
  {
    command: 'close',
    keys: ['escape', '?', 'q', 'return'],
    description: 'close this help (so does any other key)',
    category: 'Help',
    context: 'help',
  },
  { command: 'quit', keys: ['C-c'], description: 'quit', category: 'Help', context: 'help' },
  { command: 'quit', keys: ['C-c'], description: 'quit', category: 'General', context: 'box' },
];

/** Named (non-printable) keys a KeyEvent may carry. */
export type KeyName =
  | 'right'
  | 'left'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'tab'
  | 'backtab'
  | 'return'
  | 'escape'
  | 'backspace'
  | 'delete';

/** One key press, normalised: a printable character, a named key, or Ctrl plus a letter. */
export type KeyEvent =
  | { kind: 'char'; ch: string }
  | { kind: 'key'; name: KeyName }
  | { kind: 'ctrl'; ch: string };

/** The id a KeyEvent is bound under in KEYMAP. */
export function keyId(ev: KeyEvent): string {
  if (ev.kind === 'char') return ev.ch === ' ' ? 'space' : ev.ch;
  if (ev.kind === 'ctrl') return `C-${ev.ch}`;
  return ev.name;
}

/** One raw character of a burst as a KeyEvent (control characters become named or Ctrl keys). */
function charEvent(ch: string): KeyEvent {
  const c = ch.codePointAt(0)!;
  if (ch === '\r' || ch === '\n') return { kind: 'key', name: 'return' };
  if (ch === '\t') return { kind: 'key', name: 'tab' };
  if (ch === '\x7f' || ch === '\b') return { kind: 'key', name: 'backspace' };
  if (ch === '\x1b') return { kind: 'key', name: 'escape' };
  if (c < 0x20) return { kind: 'ctrl', ch: String.fromCharCode(c + 0x60) };
  return { kind: 'char', ch };
}

/** What Ink's `useInput` reported, as a list of key events (bursts split, one event per key). */
export function toKeyEvents(input: string, key: Partial<Key>): KeyEvent[] {
  if (key.upArrow) return [{ kind: 'key', name: 'up' }];
  if (key.downArrow) return [{ kind: 'key', name: 'down' }];
  if (key.leftArrow) return [{ kind: 'key', name: 'left' }];
  if (key.rightArrow) return [{ kind: 'key', name: 'right' }];
  if (key.home) return [{ kind: 'key', name: 'home' }];
  if (key.end) return [{ kind: 'key', name: 'end' }];
  if (key.pageUp) return [{ kind: 'key', name: 'pageup' }];
  if (key.pageDown) return [{ kind: 'key', name: 'pagedown' }];
  if (key.tab) return [{ kind: 'key', name: key.shift ? 'backtab' : 'tab' }];
  if (key.return) return [{ kind: 'key', name: 'return' }];
  if (key.escape) return [{ kind: 'key', name: 'escape' }];
  if (key.backspace) return [{ kind: 'key', name: 'backspace' }];
  // Ink reports the Backspace key (0x7f) as `delete`; a real Delete (ESC[3~) too. Both erase.
  if (key.delete) return [{ kind: 'key', name: 'delete' }];
  if (key.ctrl && input.length === 1) return [{ kind: 'ctrl', ch: input.toLowerCase() }];
  return Array.from(input, charEvent);
}

/** The binding for a key in a context, if any. */
export function matchKey(ctx: Context, ev: KeyEvent): Binding | undefined {
  const id = keyId(ev);
  return KEYMAP.find((b) => b.context === ctx && b.keys.includes(id));
}

/** Does this key quit from the panes (`q`, Ctrl-C)? The one thing keys do on a too-small terminal. */
export function isQuitKey(ev: KeyEvent): boolean {
  return matchKey('normal', ev)?.command === 'quit';
}

const KEY_LABELS: Record<string, string> = {
  right: '→',
  left: '←',
  up: '↑',
  down: '↓',
  home: 'Home',
  end: 'End',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  tab: 'Tab',
  backtab: 'Shift-Tab',
  return: 'Enter',
  escape: 'Esc',
  backspace: 'Backspace',
  delete: 'Delete',
  space: 'space',
  'C-c': 'Ctrl-C',
};

/** How a key id is written for people: `right` → `→`, `C-c` → `Ctrl-C`. */
export function keyLabel(id: string): string {
  return KEY_LABELS[id] ?? id;
}

/** The keys of a binding as people read them: `→ l n`. */
export function bindingKeys(b: Binding): string {
  return b.label ?? b.keys.map(keyLabel).join(' ');
}

/** Inline hints for a context: `↑ k select · space e toggle · …` (bindings with a `short` word). */
export function keyHints(ctx: Context): string {
  return KEYMAP.filter((b) => b.context === ctx && b.short)
    .map((b) => `${b.keys.slice(0, 2).map(keyLabel).join('/')} ${b.short}`)
    .join(' · ');
}

/** Bindings of one context grouped by category, in table order. */
export function bindingsByCategory(ctx: Context): [Category, Binding[]][] {
  const out = new Map<Category, Binding[]>();
  for (const b of KEYMAP) {
    if (b.context !== ctx) continue;
    const list = out.get(b.category) ?? [];
    list.push(b);
    out.set(b.category, list);
  }
  return [...out];
}

/** The key map as a Markdown table (for the README): normal keys, then the breakpoint list's. */
export function keymapMarkdown(): string {
  const rows = ['| key | action |', '|---|---|'];
  for (const ctx of ['normal', 'bplist', 'anomalies', 'fork', 'prompt', 'help'] as const) {
    for (const [cat, list] of bindingsByCategory(ctx)) {
      for (const b of list) {
        const keys = b.label ? `\`${b.label}\`` : b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ');
        const prefix = ctx === 'normal' ? '' : `${cat}: `;
        rows.push(`| ${keys} | ${prefix}${b.description} |`);
      }
    }
  }
  return `${rows.join('\n')}\n`;
}

import { describe, expect, it } from 'vitest';
import { KEYMAP, keyHints, keymapMarkdown, matchKey, toKeyEvents } from '../src/tui/keymap.js';

const cmd = (
  ctx: Parameters<typeof matchKey>[0],
  input: string,
  key: Parameters<typeof toKeyEvents>[1] = {},
) => toKeyEvents(input, key).map((ev) => matchKey(ctx, ev)?.command);

describe('key map', () => {
  it('binds the keys of ARCHITECTURE §6', () => {
    expect(cmd('normal', '', { rightArrow: true })).toEqual(['step']);
    expect(cmd('normal', 'l')).toEqual(['step']);
    // n steps forward until a search is set (then it is the next match): the controller decides.
    expect(cmd('normal', 'n')).toEqual(['search-next']);
    expect(cmd('normal', 'N')).toEqual(['search-prev']);
    expect(cmd('normal', '/')).toEqual(['search']);
    expect(cmd('normal', '', { leftArrow: true })).toEqual(['back']);
    expect(cmd('normal', 'h')).toEqual(['back']);
    expect(cmd('normal', 'p')).toEqual(['back']);
    expect(cmd('normal', 'c')).toEqual(['continue']);
    expect(cmd('normal', 'C', { shift: true })).toEqual(['reverse-continue']);
    expect(cmd('normal', 'g')).toEqual(['goto']);
    expect(cmd('normal', 'b')).toEqual(['break-add']);
    expect(cmd('normal', 'B')).toEqual(['break-list']);
    expect(cmd('normal', '', { home: true })).toEqual(['first']);
    expect(cmd('normal', '', { end: true })).toEqual(['last']);
    expect(cmd('normal', '', { tab: true })).toEqual(['focus-next']);
    expect(cmd('normal', '', { tab: true, shift: true })).toEqual(['focus-prev']);
    expect(cmd('normal', '', { upArrow: true })).toEqual(['scroll-up']);
    expect(cmd('normal', '', { downArrow: true })).toEqual(['scroll-down']);
    expect(cmd('normal', ' ')).toEqual(['play']);
    expect(cmd('normal', '+')).toEqual(['faster']);
    expect(cmd('normal', '-')).toEqual(['slower']);
    expect(cmd('normal', '?')).toEqual(['help']);
    expect(cmd('normal', 'q')).toEqual(['quit']);
    expect(cmd('normal', 'c', { ctrl: true })).toEqual(['quit']);
    expect(cmd('normal', '4')).toEqual(['focus-pane']);
  });

  it('splits a burst of keys into one event per key', () => {
    expect(cmd('normal', 'lll')).toEqual(['step', 'step', 'step']);
    expect(cmd('normal', 'llh')).toEqual(['step', 'step', 'back']);
    expect(toKeyEvents('12\r', {})).toEqual([
      { kind: 'char', ch: '1' },
      { kind: 'char', ch: '2' },
      { kind: 'key', name: 'return' },
    ]);
  });

  it('maps raw control characters inside a burst', () => {
    expect(toKeyEvents('a\x7f\x03\t', {})).toEqual([
      { kind: 'char', ch: 'a' },
      { kind: 'key', name: 'backspace' },
      { kind: 'ctrl', ch: 'c' },
      { kind: 'key', name: 'tab' },
    ]);
  });

  it('has its own keys in the breakpoint list and the prompt', () => {
    expect(cmd('bplist', 'd')).toEqual(['bp-delete']);
    expect(cmd('bplist', ' ')).toEqual(['bp-toggle']);
    expect(cmd('bplist', 'e')).toEqual(['bp-toggle']);
    expect(cmd('bplist', '', { downArrow: true })).toEqual(['bp-down']);
    expect(cmd('prompt', '', { return: true })).toEqual(['submit']);
    expect(cmd('prompt', '', { delete: true })).toEqual(['erase']);
    expect(cmd('prompt', '', { escape: true })).toEqual(['cancel']);
    expect(cmd('prompt', 'l')).toEqual([undefined]);
  });

  it('binds no key twice in one context', () => {
    const seen = new Set<string>();
    for (const b of KEYMAP) {
      for (const k of b.keys) {
        const id = `${b.context}:${k}`;
        expect(seen.has(id), id).toBe(false);
        seen.add(id);
      }
    }
  });

  it('renders a Markdown key table for the README', () => {
    const md = keymapMarkdown();
    expect(md.split('\n')[0]).toBe('| key | action |');
    expect(md).toContain('| `→` `l` | step forward one event (in the request lens: its next step) |');
    expect(md).toContain('| `n` | next match (with no search: step forward) |');
    expect(md).toContain('| `q` `Ctrl-C` | quit (the terminal is restored) |');
    expect(md).toContain('Breakpoint list: delete the selected breakpoint');
    for (const b of KEYMAP.filter((x) => x.context === 'normal')) expect(md).toContain(b.description);
  });

  it('makes the breakpoint list hints from the table', () => {
    expect(keyHints('bplist')).toContain('space/e toggle');
    expect(keyHints('bplist')).toContain('d/Delete delete');
  });
});

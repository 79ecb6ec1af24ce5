import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER, sanitize } from '../src/tui/sanitize.js';

describe('sanitize', () => {
  it('shows an escape sequence as harmless text', () => {
    expect(sanitize('a\x1b]0;pwned\x07b')).toBe('a␛]0;pwned␇b');
    expect(sanitize('\x1b[2J')).toBe('␛[2J');
  });

  it('replaces carriage return, backspace, tab and DEL with visible glyphs', () => {
    expect(sanitize('ok\rEVIL')).toBe('ok␍EVIL');
    expect(sanitize('ab\bc\td\x7f')).toBe('ab␈c␉d␡');
  });

  it('replaces C1 controls and bidi overrides and isolates', () => {
    expect(sanitize('x\u009b31m')).toBe(`x${PLACEHOLDER}31m`);
    expect(sanitize('user\u202Egpj.exe')).toBe(`user${PLACEHOLDER}gpj.exe`);
    for (const c of ['\u202a', '\u202b', '\u202c', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069']) {
      expect(sanitize(`a${c}b`)).toBe(`a${PLACEHOLDER}b`);
    }
  });

  it('leaves ordinary text, including non-Latin scripts, untouched', () => {
    expect(sanitize('GET /hello → 200 · 東京 · ü')).toBe('GET /hello → 200 · 東京 · ü');
  });

  it('never lets a control or bidi override through, and keeps the length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = sanitize(s);
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(out.length).toBe(s.length);
      }),
    );
  });
});

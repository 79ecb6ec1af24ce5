/**
 * ServeMux pattern validation, as Go 1.23's net/http does it when a handler is registered: a pattern
 * Go would panic on (`mux.HandleFunc("/a/{x...}/b", h)`) is refused when the scenario loads, with
 * Go's own panic text, instead of being simulated as if Go had accepted it.
 *
 *   parsePattern   mirrors net/http/pattern.go parsePattern: `[METHOD ][HOST]/[PATH]`, wildcards
 *                  `{name}`, `{name...}` (last only), `{$}` (last only), distinct Go-identifier names,
 *                  no `{` inside a segment, a clean path when a method is given
 *   registerErr    mirrors net/http/server.go (*ServeMux).registerErr: the parse error as
 *                  `parsing "P": at offset N: …`, or a conflict with an earlier pattern (one that
 *                  matches some request with neither more specific), described as describeConflict does
 *
 * Parsing only: the simulated mux's matching lives in ../sim/nethttp/mux.ts. Used by ./load.ts.
 */
import { posix } from 'node:path';

/** One piece of a parsed path; see pattern.go `segment`. A trailing `/` is an anonymous multi. */
interface Segment {
  /** Literal text, wildcard name, or "/" for a final `{$}`. */
  s: string;
  wild: boolean;
  multi: boolean;
}

export interface GoPattern {
  str: string;
  method: string;
  host: string;
  segments: Segment[];
}

type Relationship = 'equivalent' | 'moreGeneral' | 'moreSpecific' | 'disjoint' | 'overlaps';

/** Go's %q for the ASCII text patterns hold (escapes quotes, backslashes and controls). */
function q(s: string): string {
  return JSON.stringify(s);
}

/** net/http.validMethod: an HTTP token (httpguts.ValidHeaderFieldName). */
function validMethod(m: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m);
}

/** isValidWildcardName: a Go identifier (unicode letters, `_`, digits after the first). */
function isValidWildcardName(s: string): boolean {
  return /^[\p{L}_][\p{L}_\p{Nd}]*$/u.test(s);
}

/** net/http.cleanPath: path.Clean with a leading `/`, keeping a trailing `/`. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  if (p[0] !== '/') p = `/${p}`;
  let np = posix.normalize(p);
  if (np.length > 1 && np.endsWith('/')) np = np.slice(0, -1);
  if (p.endsWith('/') && np !== '/') np += '/';
  return np;
}

/** url.PathUnescape, keeping the original on a bad escape (pattern.go pathUnescape). */
function pathUnescape(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

class ParseError extends Error {}

/** Parses as pattern.go parsePattern; throws the error text Go returns (`at offset N: …`). */
export function parsePattern(s: string): GoPattern {
  if (s.length === 0) throw new ParseError('empty pattern');
  let off = 0;
  const fail = (msg: string): never => {
    throw new ParseError(`at offset ${off}: ${msg}`);
  };
  let method = s;
  let rest = '';
  let found = false;
  const sp = s.search(/[ \t]/);
  if (sp >= 0) {
    method = s.slice(0, sp);
    rest = s.slice(sp + 1).trim();
    found = true;
  }
  if (!found) {
    rest = method;
    method = '';
  }
  if (method !== '' && !validMethod(method)) fail(`invalid method ${q(method)}`);
  const p: GoPattern = { str: s, method, host: '', segments: [] };
  if (found) off = method.length + 1;
  const i = rest.indexOf('/');
  if (i < 0) fail('host/path missing /');
  p.host = rest.slice(0, i);
  rest = rest.slice(i);
  const j = p.host.indexOf('{');
  if (j >= 0) {
    off += j;
    fail("host contains '{' (missing initial '/'?)");
  }
  off += i;
  if (method !== '' && method !== 'CONNECT' && rest !== cleanPath(rest)) {
    fail('non-CONNECT pattern with unclean path can never match');
  }
  const seen = new Set<string>();
  while (rest.length > 0) {
    rest = rest.slice(1);
    off = s.length - rest.length;
    if (rest.length === 0) {
      p.segments.push({ s: '', wild: true, multi: true });
      break;
    }
    let k = rest.indexOf('/');
    if (k < 0) k = rest.length;
    const seg = rest.slice(0, k);
    rest = rest.slice(k);
    const brace = seg.indexOf('{');
    if (brace < 0) {
      p.segments.push({ s: pathUnescape(seg), wild: false, multi: false });
      continue;
    }
    if (brace !== 0) fail("bad wildcard segment (must start with '{')");
    if (seg[seg.length - 1] !== '}') fail("bad wildcard segment (must end with '}')");
    let name = seg.slice(1, -1);
    if (name === '$') {
      if (rest.length !== 0) fail('{$} not at end');
      p.segments.push({ s: '/', wild: false, multi: false });
      break;
    }
    const multi = name.endsWith('...');
    if (multi) name = name.slice(0, -3);
    if (multi && rest.length !== 0) fail('{...} wildcard not at end');
    if (name === '') fail('empty wildcard');
    if (!isValidWildcardName(name)) fail(`bad wildcard name ${q(name)}`);
    if (seen.has(name)) fail(`duplicate wildcard name ${q(name)}`);
    seen.add(name);
    p.segments.push({ s: name, wild: true, multi });
  }
  return p;
}

function last(p: GoPattern): Segment {
  return p.segments[p.segments.length - 1]!;
}

function compareMethods(p1: GoPattern, p2: GoPattern): Relationship {
  if (p1.method === p2.method) return 'equivalent';
  if (p1.method === '') return 'moreGeneral';
  if (p2.method === '') return 'moreSpecific';
  if (p1.method === 'GET' && p2.method === 'HEAD') return 'moreGeneral';
  if (p2.method === 'GET' && p1.method === 'HEAD') return 'moreSpecific';
  return 'disjoint';
}

function inverse(r: Relationship): Relationship {
  return r === 'moreSpecific' ? 'moreGeneral' : r === 'moreGeneral' ? 'moreSpecific' : r;
}

function combine(r1: Relationship, r2: Relationship): Relationship {
  switch (r1) {
    case 'equivalent':
      return r2;
    case 'disjoint':
      return 'disjoint';
    case 'overlaps':
      return r2 === 'disjoint' ? 'disjoint' : 'overlaps';
    default:
      if (r2 === 'equivalent') return r1;
      if (r2 === inverse(r1)) return 'overlaps';
      return r2;
  }
}

function compareSegments(s1: Segment, s2: Segment): Relationship {
  if (s1.multi && s2.multi) return 'equivalent';
  if (s1.multi) return 'moreGeneral';
  if (s2.multi) return 'moreSpecific';
  if (s1.wild && s2.wild) return 'equivalent';
  if (s1.wild) return s2.s === '/' ? 'disjoint' : 'moreGeneral';
  if (s2.wild) return s1.s === '/' ? 'disjoint' : 'moreSpecific';
  return s1.s === s2.s ? 'equivalent' : 'disjoint';
}

function comparePaths(p1: GoPattern, p2: GoPattern): Relationship {
  if (p1.segments.length !== p2.segments.length && !last(p1).multi && !last(p2).multi) return 'disjoint';
  let rel: Relationship = 'equivalent';
  let k = 0;
  for (; k < p1.segments.length && k < p2.segments.length; k++) {
    rel = combine(rel, compareSegments(p1.segments[k]!, p2.segments[k]!));
    if (rel === 'disjoint') return rel;
  }
  const r1 = p1.segments.length - k;
  const r2 = p2.segments.length - k;
  if (r1 === 0 && r2 === 0) return rel;
  if (r1 < r2 && last(p1).multi) return combine(rel, 'moreGeneral');
  if (r2 < r1 && last(p2).multi) return combine(rel, 'moreSpecific');
  return 'disjoint';
}

/** pattern.go conflictsWith: same host, and equivalent or overlapping methods-and-paths. */
export function conflictsWith(p1: GoPattern, p2: GoPattern): boolean {
  if (p1.host !== p2.host) return false;
  const mrel = compareMethods(p1, p2);
  if (mrel === 'disjoint') return false;
  const rel = combine(mrel, comparePaths(p1, p2));
  return rel === 'equivalent' || rel === 'overlaps';
}

function writeSegment(s: Segment): string {
  return !s.multi && s.s !== '/' ? `/${s.s}` : '/';
}

function matchingPath(segs: Segment[]): string {
  return segs.map(writeSegment).join('');
}

function commonPath(p1: GoPattern, p2: GoPattern): string {
  let b = '';
  let k = 0;
  for (; k < p1.segments.length && k < p2.segments.length; k++) {
    const s1 = p1.segments[k]!;
    b += s1.wild ? writeSegment(p2.segments[k]!) : writeSegment(s1);
  }
  if (k < p1.segments.length) b += matchingPath(p1.segments.slice(k));
  else if (k < p2.segments.length) b += matchingPath(p2.segments.slice(k));
  return b;
}

function differencePath(p1: GoPattern, p2: GoPattern): string {
  let b = '';
  let k = 0;
  for (; k < p1.segments.length && k < p2.segments.length; k++) {
    const s1 = p1.segments[k]!;
    const s2 = p2.segments[k]!;
    if (s1.multi && s2.multi) return `${b}/`;
    if (s1.multi && !s2.multi) return `${b}/${s2.s === '/' ? s1.s || 'x' : ''}`;
    if (s1.wild && !s1.multi && !s2.wild && s1.s === s2.s) b += `/${s2.s}x`;
    else b += writeSegment(s1);
  }
  if (k < p1.segments.length) b += matchingPath(p1.segments.slice(k));
  else if (k < p2.segments.length) b += matchingPath(p2.segments.slice(k));
  return b;
}

/** pattern.go describeConflict, for two patterns that conflict. */
export function describeConflict(p1: GoPattern, p2: GoPattern): string {
  const mrel = compareMethods(p1, p2);
  const prel = comparePaths(p1, p2);
  const rel = combine(mrel, prel);
  if (rel === 'equivalent') return `${p1.str} matches the same requests as ${p2.str}`;
  if (prel === 'overlaps') {
    return (
      `${p1.str} and ${p2.str} both match some paths, like ${q(commonPath(p1, p2))}.\n` +
      'But neither is more specific than the other.\n' +
      `${p1.str} matches ${q(differencePath(p1, p2))}, but ${p2.str} doesn't.\n` +
      `${p2.str} matches ${q(differencePath(p2, p1))}, but ${p1.str} doesn't.`
    );
  }
  if (mrel === 'moreGeneral' && prel === 'moreSpecific') {
    return `${p1.str} matches more methods than ${p2.str}, but has a more specific path pattern`;
  }
  if (mrel === 'moreSpecific' && prel === 'moreGeneral') {
    return `${p1.str} matches fewer methods than ${p2.str}, but has a more general path pattern`;
  }
  return `${p1.str} and ${p2.str} conflict: methods ${mrel}, paths ${prel}`;
}

/** A route as the loader sees it: the pattern text and where it was "registered" (file:line). */
export interface Registration {
  pattern: string;
  loc: string;
}

/**
 * The panic message Go's ServeMux.Handle would give for each registration, in order (undefined where
 * Go accepts it). A pattern that fails to parse is not registered, as Go would have stopped there.
 */
export function registrationErrors(regs: readonly Registration[]): (string | undefined)[] {
  const done: { p: GoPattern; loc: string }[] = [];
  return regs.map(({ pattern, loc }) => {
    if (pattern === '') return 'http: invalid pattern';
    let p: GoPattern;
    try {
      p = parsePattern(pattern);
    } catch (e) {
      if (e instanceof ParseError) return `parsing ${q(pattern)}: ${e.message}`;
      throw e;
    }
    const prior = done.find((d) => conflictsWith(p, d.p));
    if (prior) {
      return (
        `pattern ${q(p.str)} (registered at ${loc}) conflicts with pattern ${q(prior.p.str)} ` +
        `(registered at ${prior.loc}):\n${describeConflict(p, prior.p)}`
      );
    }
    done.push({ p, loc });
    return undefined;
  });
}

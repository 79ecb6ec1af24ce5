/**
 * http.ServeMux with Go 1.22 patterns (net/http/pattern.go, routing_tree.go, server.go), and the exact
 * bytes Go writes for a response (net/http/server.go chunkWriter.writeHeader, extraHeader.Write).
 *
 * Patterns: `[METHOD ][HOST]/[PATH]`, segments literal, `{name}` (one segment), `{name...}` (the rest),
 * a trailing `/` for a subtree, `{$}` to end an exact match. The most specific matching pattern wins;
 * GET also matches HEAD; a path that matches with another method → 405 with Allow; an unclean path or a
 * subtree root without its slash → 301; nothing → 404.
 */
import { WALL_EPOCH_MS } from '../params.js';

export interface Pattern {
  raw: string;
  method: string;
  host: string;
  segs: { kind: 'lit' | 'wild' | 'multi'; s: string }[];
  /** Ends in a slash without {$}: matches everything below. */
  subtree: boolean;
  /** Ends in `/{$}`: matches the path with its trailing slash only. */
  dollar: boolean;
  route: number;
}

export function parsePattern(raw: string, route: number): Pattern {
  let rest = raw.trim();
  let method = '';
  const sp = rest.indexOf(' ');
  if (sp > 0) {
    method = rest.slice(0, sp);
    rest = rest.slice(sp + 1).trim();
  }
  const slash = rest.indexOf('/');
  if (slash < 0) throw new Error(`pattern ${JSON.stringify(raw)}: host/path missing /`);
  const host = rest.slice(0, slash);
  const path = rest.slice(slash);
  const parts = path.split('/').slice(1);
  let subtree = false;
  if (parts[parts.length - 1] === '') {
    parts.pop();
    subtree = true;
  }
  const segs: Pattern['segs'] = [];
  let dollar = false;
  for (const p of parts) {
    if (p === '{$}') {
      subtree = false;
      dollar = true;
      break;
    }
    if (p.startsWith('{') && p.endsWith('...}')) segs.push({ kind: 'multi', s: p.slice(1, -4) });
    else if (p.startsWith('{') && p.endsWith('}')) segs.push({ kind: 'wild', s: p.slice(1, -1) });
    else segs.push({ kind: 'lit', s: p });
  }
  return { raw, method, host, segs, subtree, dollar, route };
}

/** Does p match a path split into segments (`trailing`: the path ends in "/", as "/" itself does)? */
function matchPath(p: Pattern, segs: string[], trailing: boolean): boolean {
  for (let i = 0; i < p.segs.length; i++) {
    const ps = p.segs[i];
    if (ps.kind === 'multi') return segs.length > i || trailing;
    if (i >= segs.length) return false;
    if (ps.kind === 'lit' && ps.s !== segs[i]) return false;
  }
  if (p.subtree) return segs.length > p.segs.length || (segs.length === p.segs.length && trailing);
  if (p.dollar) return segs.length === p.segs.length && trailing;
  return segs.length === p.segs.length && (p.segs.length === 0 || !trailing);
}

function splitPath(path: string): { segs: string[]; trailing: boolean } {
  const trailing = path.endsWith('/');
  const segs = path.split('/').filter((s, i, a) => i > 0 && !(i === a.length - 1 && s === ''));
  return { segs, trailing };
}

/** Specificity key: literal > wildcard > multi, segment by segment; exact beats subtree; method beats none. */
function moreSpecific(a: Pattern, b: Pattern): boolean {
  const rank = (k: string) => (k === 'lit' ? 3 : k === 'wild' ? 2 : 1);
  const n = Math.max(a.segs.length, b.segs.length);
  for (let i = 0; i < n; i++) {
    const x = a.segs[i] ? rank(a.segs[i].kind) : a.subtree ? 0.5 : 0;
    const y = b.segs[i] ? rank(b.segs[i].kind) : b.subtree ? 0.5 : 0;
    if (x !== y) return x > y;
  }
  if (a.subtree !== b.subtree) return !a.subtree;
  if ((a.host !== '') !== (b.host !== '')) return a.host !== '';
  return a.method !== '' && b.method === '';
}

/** path.Clean as ServeMux applies it (cleanPath in net/http/server.go). */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const out: string[] = [];
  for (const s of p.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  let c = `/${out.join('/')}`;
  if (p.endsWith('/') && c !== '/') c += '/';
  return c;
}

export type MuxResult =
  | { kind: 'route'; pattern: Pattern }
  | { kind: 'notfound' }
  | { kind: 'method'; allow: string }
  | { kind: 'redirect'; to: string };

/** routingNode.match: the most specific pattern that accepts method + path (GET also serves HEAD). */
function treeMatch(patterns: Pattern[], method: string, path: string, host: string): Pattern | undefined {
  const { segs, trailing } = splitPath(path);
  let best: Pattern | undefined;
  for (const p of patterns) {
    if (p.host !== '' && p.host !== host) continue;
    if (!(p.method === '' || p.method === method || (p.method === 'GET' && method === 'HEAD'))) continue;
    if (!matchPath(p, segs, trailing)) continue;
    if (!best || moreSpecific(p, best)) best = p;
  }
  return best;
}

/**
 * exactMatch (net/http/server.go): a match is inexact only when a multi wildcard (a trailing-slash
 * subtree or `{x...}`) swallows a non-empty rest of the path.
 */
function exactMatch(p: Pattern | undefined, path: string): boolean {
  if (!p) return false;
  const lastMulti = p.subtree || p.segs[p.segs.length - 1]?.kind === 'multi';
  if (!lastMulti) return true;
  if (!path.endsWith('/')) return false;
  const goSegments = p.segs.length + (p.subtree ? 1 : 0); // Go counts a trailing slash as a segment
  return goSegments === path.split('/').length - 1;
}

/** (*ServeMux).matchingMethods: every method some pattern accepts for this path or path + "/". */
function matchingMethods(patterns: Pattern[], path: string, host: string): string[] {
  const ms = new Set<string>();
  for (const candidate of [path, `${path}/`]) {
    const { segs, trailing } = splitPath(candidate);
    for (const p of patterns)
      if ((p.host === '' || p.host === host) && p.method !== '' && matchPath(p, segs, trailing))
        ms.add(p.method);
  }
  if (ms.has('GET')) ms.add('HEAD');
  return [...ms].sort();
}

/**
 * (*ServeMux).findHandler in Go 1.23 (net/http/server.go): which handler serves a request. `target` is
 * the request-target as it came on the request line; like Go, the mux matches on r.URL.Path, so a
 * query (`/hello?x=1`) plays no part in the match and is carried over into a redirect's Location.
 *
 * Order, as in findHandler and matchOrRedirect: clean the path; match; when the match is not exact
 * and `path + "/"` would match exactly (same method), 301 to the slash form; when cleaning changed
 * the path, 301 to the clean one; no match: the methods other patterns accept for the path (or the
 * path plus "/") → 405 with Allow, else 404.
 */
export function muxMatch(patterns: Pattern[], method: string, target: string, host = ''): MuxResult {
  // The answer depends only on its arguments, and a run asks the same few questions (its scenario's
  // request lines) thousands of times: each is worked out once per pattern list.
  let memo = matched.get(patterns);
  if (memo === undefined) {
    memo = new Map();
    matched.set(patterns, memo);
  }
  const key = `${method} ${host} ${target}`;
  let res = memo.get(key);
  if (res === undefined) {
    res = findHandler(patterns, method, target, host);
    memo.set(key, res);
  }
  return res;
}
/** muxMatch's answers by pattern list (results are never written: callers only read them). */
const matched = new WeakMap<Pattern[], Map<string, MuxResult>>();

function findHandler(patterns: Pattern[], method: string, target: string, host: string): MuxResult {
  const q = target.indexOf('?');
  const escaped = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  const path = cleanPath(escaped);
  const n = treeMatch(patterns, method, path, host);
  if (!exactMatch(n, path)) {
    const slashed = `${path}/`;
    if (exactMatch(treeMatch(patterns, method, slashed, host), slashed))
      return { kind: 'redirect', to: `${slashed}${query}` };
  }
  if (path !== escaped) return { kind: 'redirect', to: `${path}${query}` };
  if (n) return { kind: 'route', pattern: n };
  const allow = matchingMethods(patterns, path, host);
  if (allow.length > 0) return { kind: 'method', allow: allow.join(', ') };
  return { kind: 'notfound' };
}

export const STATUS_TEXT: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The simulated wall clock starts here (virtual time 0). */

/** http.TimeFormat of the virtual time: "Sun, 22 Nov 2026 05:00:00 GMT". */
export function httpDate(nowNs: number): string {
  // Go formats it for every response (appendTime in net/http/server.go); the text changes once per
  // virtual second, so the last one is kept and reused within that second (same bytes, less work).
  const sec = Math.floor(nowNs / 1e9);
  if (sec === dateSec) return dateText;
  const d = new Date(WALL_EPOCH_MS + sec * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  dateSec = sec;
  dateText = `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
  return dateText;
}
/** httpDate's last answer (a pure function of the virtual second). */
let dateSec = Number.NaN;
let dateText = '';

/** http.DetectContentType, for the bodies scenarios produce. */
export function sniff(body: string): string {
  const t = body.trimStart().toLowerCase();
  if (t.startsWith('<!doctype html') || t.startsWith('<html') || t.startsWith('<a ') || t.startsWith('<p'))
    return 'text/html; charset=utf-8';
  if (t.startsWith('{') || t.startsWith('[')) return 'text/plain; charset=utf-8';
  return 'text/plain; charset=utf-8';
}

/**
 * The bytes of a response as Go writes them: status line, the handler's headers sorted by key, then
 * Date, Content-Length, a sniffed Content-Type, Connection (extraHeader order), a blank line, the body.
 */
export function goResponse(
  status: number,
  handlerHeaders: Record<string, string>,
  body: string,
  nowNs: number,
  opts: { close?: boolean; head?: boolean } = {},
): string {
  let out = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'status code'}\r\n`;
  for (const k of Object.keys(handlerHeaders).sort()) out += `${k}: ${handlerHeaders[k]}\r\n`;
  out += `Date: ${httpDate(nowNs)}\r\n`;
  if (!('Content-Length' in handlerHeaders)) out += `Content-Length: ${body.length}\r\n`;
  if (!('Content-Type' in handlerHeaders) && body.length > 0) out += `Content-Type: ${sniff(body)}\r\n`;
  if (opts.close) out += 'Connection: close\r\n';
  out += '\r\n';
  return opts.head ? out : out + body;
}

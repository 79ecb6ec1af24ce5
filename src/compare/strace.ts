/**
 * A real `strace -f` log, read into one process view: the syscalls of every thread, in the order
 * they completed. Used by `netflow-tui compare` (src/compare/command.ts), which lines them up with
 * the simulation's `syscall` records.
 *
 * Accepted: `strace -f` with or without `-o FILE` (lines prefixed `PID ` then) or to stderr (other
 * threads prefixed `[pid N] `), with or without `-t`/`-tt`/`-ttt` times, `-T` durations and `-y`/`-yy`
 * fd decorations (`3<TCPv6:[[::]:3000]>`), any `-s N`. A call another thread interrupted in the log
 * (`read(4, <unfinished ...>` … `<... read resumed>"GET…", 4096) = 83`) is joined into one call and
 * placed where it completed, as the simulation records a syscall when it completes. Signals
 * (`--- SIGURG … ---`), exits (`+++ exited with 1 +++`) and strace's own messages are kept aside.
 *
 * A line that is none of these, or a call cut off before its result, is an error naming the line:
 * `StraceError` (the command prints it as `file:line: message`, exit 2). Calls still in progress when
 * the log ends (the server was killed while blocked in `epoll_pwait` or `futex`) are normal: they are
 * counted in `unfinished`, not returned.
 */

/** One completed syscall, as strace printed it (after joining an unfinished/resumed pair). */
export interface RealCall {
  /** 1-based line of the log where the call completed. */
  line: number;
  /** Thread id (the process id for the main thread, or for a log without pid prefixes). */
  tid: number;
  /** Seconds since midnight (or since the epoch with -ttt), when the log has times. */
  time?: number;
  /** Seconds the call took (-T). */
  dur?: number;
  name: string;
  /** Top-level arguments, as strace printed them (decorations included). */
  args: string[];
  /** Return value: a number, or undefined for `?` (the call never returned, e.g. exit_group). */
  ret?: number;
  /** The return value as printed, after the number: `4<TCPv6:…>` keeps `<TCPv6:…>` here. */
  retNote?: string;
  errno?: string;
}

export interface StraceLog {
  calls: RealCall[];
  /** Calls that had not completed when the log ended. */
  unfinished: number;
  /** `+++ exited with N +++` of the process, if the log has it. */
  exitCode?: number;
  /** Lines of the log (for the report). */
  lines: number;
}

export class StraceError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Longest line we try to read (strace -s 200 lines are well under this; a binary file is not). */
const MAX_LINE = 1 << 20;

const PREFIX = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:(\d{2}:\d{2}:\d{2}(?:\.\d+)?|\d{9,}\.\d+)\s+)?/;

function seconds(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  if (!t.includes(':')) return Number(t);
  const [h, m, s] = t.split(':');
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

/** Parses the text of a strace log. Throws StraceError (1-based line) on a line it cannot read. */
export function parseStrace(text: string): StraceLog {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const calls: RealCall[] = [];
  /** Per thread: the head of a call printed as unfinished, awaiting its `resumed` line. */
  const pending = new Map<number, { name: string; head: string; line: number; time?: number }>();
  let mainPid: number | undefined;
  let exitCode: number | undefined;
  let sawCall = false;

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (raw.trim() === '') continue;
    if (raw.length > MAX_LINE)
      throw new StraceError(n, `line longer than ${MAX_LINE} characters: not a strace log?`);
    const pm = PREFIX.exec(raw);
    const pidText = pm?.[1] ?? pm?.[2];
    let rest = raw.slice(pm?.[0].length ?? 0);
    // With -o every line starts with its pid, the process's own first; on stderr the main thread's
    // lines are bare and only the other threads carry [pid N].
    if (pm?.[2] !== undefined) mainPid ??= Number(pm[2]);
    const tid = pidText !== undefined ? Number(pidText) : (mainPid ?? 0);
    const time = seconds(pm?.[3]);

    if (rest.startsWith('strace: ') || rest.startsWith('<detached')) continue;
    if (rest.startsWith('--- ') && rest.endsWith(' ---')) continue; // a signal delivery
    if (rest.startsWith('+++ ')) {
      const ex = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(rest);
      if (ex && (tid === mainPid || mainPid === undefined)) exitCode = Number(ex[1]);
      if (!ex && !/^\+\+\+ killed by \w+( \(core dumped\))? \+\+\+$/.test(rest))
        throw new StraceError(n, `cannot read this exit line: ${clip(rest)}`);
      continue;
    }

    let full: string;
    let line0 = n;
    const resumed = /^<\.\.\. (\w+) resumed>\s?/.exec(rest);
    if (resumed) {
      const head = pending.get(tid);
      pending.delete(tid);
      rest = rest.slice(resumed[0].length);
      if (!head || head.name !== resumed[1]) {
        // The log began while this call was in progress (strace -p): its arguments are lost.
        if (!/\)\s+=\s/.test(rest)) throw new StraceError(n, `truncated line: ${clip(raw)}`);
        continue;
      }
      if (rest.startsWith('<unfinished ...>')) continue; // killed while blocked: never completed
      full = head.head + rest;
      line0 = head.line;
    } else {
      const call = /^(\w+)\(/.exec(rest);
      if (!call) throw new StraceError(n, `not a strace line: ${clip(raw)}`);
      const unf = rest.match(/\s*<unfinished \.\.\.>$/);
      if (unf) {
        pending.set(tid, { name: call[1], head: rest.slice(0, rest.length - unf[0].length), line: n, time });
        sawCall = true;
        continue;
      }
      full = rest;
    }
    const c = parseCall(full);
    if (!c) {
      const last = i === lines.length - 1;
      throw new StraceError(
        n,
        last
          ? `the log ends in the middle of a call (truncated?): ${clip(raw)}`
          : `cannot read this syscall line${line0 !== n ? ` (begun on line ${line0})` : ''}: ${clip(raw)}`,
      );
    }
    sawCall = true;
    if (c.ret === undefined && c.name !== 'exit_group' && c.name !== 'exit' && c.name !== 'execve') continue;
    calls.push({ ...c, line: n, tid, time });
  }
  if (!sawCall)
    throw new StraceError(Math.max(1, lines.length), 'no syscalls in this file: is it a strace log?');
  return { calls, unfinished: pending.size, exitCode, lines: lines.length };
}

function clip(s: string): string {
  const t = s.length > 80 ? `${s.slice(0, 77)}...` : s;
  // strace escapes control characters itself; a file that is not strace output may not.
  return t.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** Reads `name(args) = ret [ERRNO (text)] [<dur>]`; undefined when the text is cut off. */
export function parseCall(
  text: string,
): Pick<RealCall, 'name' | 'args' | 'ret' | 'retNote' | 'errno' | 'dur'> | undefined {
  const open = text.indexOf('(');
  const name = text.slice(0, open);
  const parts = splitArgs(text, open + 1);
  if (!parts) return undefined;
  let tail = text.slice(parts.end + 1).trim();
  let dur: number | undefined;
  const d = /\s*<(\d+\.\d+)>$/.exec(tail);
  if (d) {
    dur = Number(d[1]);
    tail = tail.slice(0, tail.length - d[0].length);
  }
  const r = /^=\s+(\?|0x[0-9a-fA-F]+|-?\d+)(.*)$/.exec(tail);
  if (!r) return undefined;
  const ret = r[1] === '?' ? undefined : Number(r[1]);
  let note = r[2].trim();
  let errno: string | undefined;
  const e = /^(E[A-Z0-9]+)\b(.*)$/.exec(note);
  if (e && (ret === -1 || ret === undefined)) {
    errno = e[1];
    note = e[2].trim();
  }
  return { name, args: parts.args, ret, retNote: note || undefined, errno, dur };
}

/**
 * Splits the arguments starting at `from` (just after the open parenthesis) at top-level commas,
 * skipping strings, brackets and fd decorations. Undefined when the closing parenthesis is missing.
 */
function splitArgs(s: string, from: number): { args: string[]; end: number } | undefined {
  const args: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      if (i >= s.length) return undefined;
    } else if (ch === '<' && i > from && /[\w)\]]/.test(s[i - 1])) {
      const close = decorationEnd(s, i);
      if (close < 0) return undefined;
      i = close;
    } else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    else if (ch === ')') {
      if (depth === 0) {
        const last = s.slice(start, i).trim();
        if (last !== '' || args.length > 0) args.push(last);
        return { args, end: i };
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

/** Index of the `>` closing an fd decoration that opens at `i` (`<TCPv6:[[::1]:1->[::1]:2]>`, `</dev/null<char 1:3>>`). */
function decorationEnd(s: string, i: number): number {
  let angle = 0;
  let square = 0;
  for (let j = i; j < s.length; j++) {
    const ch = s[j];
    if (ch === '[') square++;
    else if (ch === ']') square--;
    else if (ch === '<') angle++;
    else if (ch === '>' && square === 0 && s[j - 1] !== '-') {
      angle--;
      if (angle === 0) return j;
    }
  }
  return -1;
}

/**
 * The scenario format: what a YAML scenario file may say, validated with zod.
 *
 * A scenario describes one machine (the server host: CPUs, NIC, kernel limits), the Go program on it
 * (an http.ServeMux server or a raw TCP server), the client hosts that talk to it, and optional
 * expectations and teaching notes. Every object is strict: an unknown key is an error. Durations are
 * integer nanoseconds or strings like `5us`, `1.5ms`, `2s`; sizes are integer bytes or `64KiB`, `1MiB`.
 * Defaults come from ../params.ts (Linux and Go defaults, FIDELITY.md §7). Every size, count, duration
 * and string is bounded (./bounds.ts), and each bound is said in the field's description.
 */
import { z } from 'zod';
import {
  clientHostProblem,
  formatDuration,
  formatSize,
  listenAddressProblem,
  MAX_DURATION_NS,
  MAX_HEADER_CHARS,
  MAX_HEADERS,
  MAX_LIST_ITEMS,
  MAX_LISTEN_CHARS,
  MAX_NAME_CHARS,
  MAX_PATH_CHARS,
  MAX_PAYLOAD_CHARS,
  MAX_REQUEST_BODY_BYTES,
  MAX_REQUESTS_PER_CONNECTION,
  MAX_RESPONSE_BODY_BYTES,
  MAX_ROUTES,
  MAX_TEXT_CHARS,
} from './bounds.js';

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)$/;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)?$/;

/** Parses `5us` / `1.5ms` / 1000 into integer nanoseconds; undefined when malformed. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = DURATION_RE.exec(v.trim());
  if (!m) return undefined;
  const mult = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns'];
  return Math.round(Number(m[1]) * mult);
}

/** Parses `64KiB` / 1024 into integer bytes; undefined when malformed. */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = SIZE_RE.exec(v.trim());
  if (!m) return undefined;
  const mult = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, KB: 1e3, MB: 1e6, GB: 1e9 }[
    (m[2] ?? 'B') as 'B'
  ];
  return Math.round(Number(m[1]) * mult);
}

/** The value as the user wrote it, short, for a message. */
function written(v: unknown): string {
  const s = typeof v === 'string' ? v.trim() : String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const duration = (desc: string, max = MAX_DURATION_NS) =>
  z
    .union([z.number(), z.string()])
    .describe(
      `${desc} (integer nanoseconds, or a string like "5us", "1.5ms", "2s"; at most ${formatDuration(max)})`,
    )
    .transform((v, ctx) => {
      const d = parseDuration(v);
      if (d === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration like "5us", "1ms" or integer ns, got ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      if (d > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${written(v)} is over the limit of ${formatDuration(max)}`,
        });
        return z.NEVER;
      }
      return d;
    });

const size = (desc: string, min: number, max: number) =>
  z
    .union([z.number(), z.string()])
    .describe(
      `${desc} (integer bytes, or a string like "64KiB", "1MiB"; ${min > 0 ? `${formatSize(min)} to ` : 'at most '}${formatSize(max)})`,
    )
    .transform((v, ctx) => {
      const d = parseSize(v);
      if (d === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a size like "64KiB" or integer bytes, got ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      if (d > max) {
        ctx.addIssue({ code: 'custom', message: `${written(v)} is over the limit of ${formatSize(max)}` });
        return z.NEVER;
      }
      if (d < min) {
        ctx.addIssue({ code: 'custom', message: `${written(v)} is under the minimum of ${formatSize(min)}` });
        return z.NEVER;
      }
      return d;
    });

const int = (desc: string, min: number, max: number) =>
  z.number().int().min(min).max(max).describe(`${desc}; ${min} to ${max}`);

/** A string of at most `max` characters whose description says so. */
const text = (desc: string, max: number) =>
  z.string().max(max).describe(`${desc}; at most ${max} characters`);

/** A list of at most `max` items whose description says so. */
const list = <T extends z.ZodType>(item: T, max: number, desc: string) =>
  z.array(item).max(max).describe(`${desc}; at most ${max}`);

export const NicSchema = z
  .strictObject({
    rxRing: int('RX ring descriptors (frames, not bytes); Linux default 256', 2, 4096).optional(),
    txRing: int('TX ring descriptors; Linux default 256', 2, 4096).optional(),
    mtu: int('interface MTU in bytes; MSS = MTU - 40', 576, 65536).optional(),
    irqDelay: duration('interrupt coalescing delay after a DMA completes').optional(),
  })
  .describe('The server NIC');

export const TcpSchema = z
  .strictObject({
    rmem: size('default socket receive buffer (tcp_rmem[1])', 4096, 64 * 1024 ** 2).optional(),
    wmem: size('default socket send buffer (tcp_wmem[1])', 4096, 64 * 1024 ** 2).optional(),
    somaxconn: int('net.core.somaxconn: cap on a listen() backlog', 1, 65535).optional(),
    synBacklog: int('net.ipv4.tcp_max_syn_backlog', 128, 65535).optional(),
    rto: duration('initial retransmission timeout (Linux: 1s; 200ms min)').optional(),
  })
  .describe('Kernel TCP settings');

export const MachineSchema = z
  .strictObject({
    cpus: int('CPUs of the server host', 1, 64).optional(),
    gomaxprocs: int('GOMAXPROCS of the Go program (default: cpus)', 1, 64).optional(),
    nic: NicSchema.optional(),
    tcp: TcpSchema.optional(),
    netdevBudget: int('net.core.netdev_budget: packets per NET_RX softirq round', 1, 10000).optional(),
    napiWeight: int('NAPI weight: packets per poll of one device', 1, 1024).optional(),
    backlog: int('net.core.netdev_max_backlog', 1, 100000).optional(),
  })
  .describe('The server host');

export const RouteSchema = z
  .strictObject({
    pattern: text(
      'Go 1.22 ServeMux pattern: "[METHOD ][HOST]/[PATH]", e.g. "GET /items/{id}"; checked as ServeMux.Handle does',
      MAX_PATH_CHARS,
    ).min(1),
    body: text('response body the handler writes', MAX_RESPONSE_BODY_BYTES).optional(),
    bodyBytes: size('response body size in bytes (filled with "x")', 0, MAX_RESPONSE_BODY_BYTES).optional(),
    status: int('status code the handler sets', 100, 599).optional(),
    contentType: text('Content-Type; default: sniffed (text/plain; charset=utf-8)', 256).optional(),
    cpu: duration('CPU time the handler burns before writing').optional(),
    sleep: duration('time the handler sleeps (time.Sleep) before writing').optional(),
    readBody: z.boolean().optional().describe('the handler reads the whole request body first'),
  })
  .describe('One ServeMux registration');

export const ServerSchema = z
  .strictObject({
    kind: z
      .enum(['http', 'tcp'])
      .optional()
      .describe('http: net/http with ServeMux; tcp: raw net.Listen/Accept/Read/Write'),
    listen: text(
      'listen address as net.Listen takes it: ":3000", "127.0.0.1:8080", "[::1]:80" (an IP literal or nothing, and a port 0-65535)',
      MAX_LISTEN_CHARS,
    )
      .superRefine((v, ctx) => {
        if (v.length > MAX_LISTEN_CHARS) return; // said once, by the length check
        const why = listenAddressProblem(v);
        if (why) ctx.addIssue({ code: 'custom', message: `address ${written(v)}: ${why}` });
      })
      .optional(),
    user: z
      .enum(['root', 'nobody'])
      .optional()
      .describe('user the process runs as: ports below 1024 need root'),
    nofile: int('RLIMIT_NOFILE hard limit (Go raises the soft limit to it)', 8, 1048576).optional(),
    instances: int(
      'how many copies of the program run: with 2, another copy already holds the port and the simulated one, starting second, cannot bind',
      1,
      2,
    ).optional(),
    routes: list(RouteSchema, MAX_ROUTES, 'ServeMux registrations, in order').optional(),
    readSize: size('tcp kind: bytes the server asks Read for', 1, 1024 ** 2).optional(),
    reply: text('tcp kind: what the server writes back', MAX_PAYLOAD_CHARS).optional(),
  })
  .describe('The Go program on the server host');

export const RequestObjectSchema = z.strictObject({
  method: z
    .string()
    .max(32)
    .regex(/^[A-Z]+$/)
    .optional(),
  path: text('request path, from "/"', MAX_PATH_CHARS).startsWith('/').optional(),
  headers: z
    .record(z.string().max(256), z.string().max(MAX_HEADER_CHARS))
    .refine((h) => Object.keys(h).length <= MAX_HEADERS, `more than ${MAX_HEADERS} headers`)
    .describe(`extra request headers (at most ${MAX_HEADERS}, values up to ${MAX_HEADER_CHARS} characters)`)
    .optional(),
  body: size('request body size in bytes', 0, MAX_REQUEST_BODY_BYTES).optional(),
  expectContinue: z.boolean().optional().describe('send "Expect: 100-continue" and wait before the body'),
  pieces: int('send the request header in this many pieces', 1, 16).optional(),
  gap: duration('pause between pieces').optional(),
  pause: duration('idle time before this request (keep-alive)').optional(),
  close: z.boolean().optional().describe('send "Connection: close"'),
});

export const RequestSchema = z
  .union([
    z
      .string()
      .max(MAX_PATH_CHARS)
      .regex(/^[A-Z]+ \/\S*$/, 'expected "METHOD /path", e.g. "GET /hello"')
      .describe('"METHOD /path"'),
    RequestObjectSchema,
  ])
  .describe('One HTTP request');

export const ClientSchema = z
  .strictObject({
    name: text('client name shown in the trace', MAX_NAME_CHARS).optional(),
    host: text('client IPv4 address, default 10.0.0.2 upward', 15)
      .superRefine((v, ctx) => {
        const why = clientHostProblem(v);
        if (why) ctx.addIssue({ code: 'custom', message: why });
      })
      .optional(),
    latency: duration('one-way wire latency to the server').optional(),
    start: duration('when the first connection starts').optional(),
    count: int(
      'how many connections this client entry opens; 10000 in all clients at most',
      1,
      10000,
    ).optional(),
    every: duration('spacing between those connections').optional(),
    requests: list(RequestSchema, MAX_REQUESTS_PER_CONNECTION, 'requests each connection sends in turn')
      .min(1)
      .optional(),
    keepAlive: z.boolean().optional().describe('reuse the connection for the next request'),
    readDelay: duration(
      "slow reader: the client application reads its socket only this long after data arrives; unread bytes shrink its 64 KiB receive window, so the server's writes stall",
    ).optional(),
    data: text('tcp kind: bytes the client sends', MAX_PAYLOAD_CHARS).optional(),
  })
  .describe('A group of client connections');

export const FaultSchema = z
  .strictObject({
    drop: z
      .enum(['syn', 'ack', 'request', 'response', 'fin'])
      .optional()
      .describe('which segment to drop once'),
    conn: int('which connection (1-based)', 1, 1000000).optional(),
    probability: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('drop each frame with this probability (seeded)'),
  })
  .describe('A network fault');

export const ExpectSchema = z
  .strictObject({
    client: text('client name; default: every client', MAX_NAME_CHARS).optional(),
    conn: int(
      'only this client connection (1-based, in order of connect), as the trace numbers it',
      1,
      1e9,
    ).optional(),
    request: int(
      'with status/body: only the Nth response of each connection (1-based), not every one',
      1,
      1e6,
    ).optional(),
    status: int('HTTP status every response has (or the one `request` picks)', 100, 599).optional(),
    body: text('the body every response has', MAX_RESPONSE_BODY_BYTES).optional(),
    syscall: text('a syscall that must occur, e.g. "bind"', 64).optional(),
    errno: text('with syscall: the errno it must return', 64).optional(),
    exit: int('the process exit status', 0, 255).optional(),
    message: text('the line the process prints on exit', MAX_TEXT_CHARS).optional(),
    drops: int('at least this many frames dropped', 0, 1e9).optional(),
    responses: int('exactly this many responses received in all', 0, 1e9).optional(),
  })
  .describe('An assertion `run` checks at the end');

export const NoteSchema = z
  .strictObject({
    at: text('a breakpoint spec, e.g. "wakeup:accept" (checked when the file loads)', 512),
    text: text('what the narration pane shows when the cursor reaches a match', MAX_TEXT_CHARS),
  })
  .describe('A teaching note');

/**
 * How a quiz item's `at` spec is checked: src/quiz/spec.ts installs the breakpoint grammar's parser
 * (it lives with the debugger, which the light commands must not load); until then `at` is only
 * checked to be a string, as notes' `at` is. Returns what is wrong with a spec, or undefined.
 */
let quizSpecProblem: ((spec: string) => string | undefined) | undefined;

/** Installs the check of quiz `at` specs (called once by src/quiz/spec.ts). */
export function checkQuizSpecsWith(check: (spec: string) => string | undefined): void {
  quizSpecProblem = check;
}

/** Most choices a quiz question may offer: one key each, a to h. */
export const MAX_QUIZ_CHOICES = 8;

export const QuizSchema = z
  .strictObject({
    at: z
      .string()
      .describe(
        'a breakpoint spec: the question is asked just before the first step it matches, e.g. "syscall:accept4"',
      ),
    question: z.string().min(1).describe('what the learner predicts, e.g. "What does accept4 return?"'),
    choices: z
      .array(z.string().min(1))
      .min(2)
      .max(MAX_QUIZ_CHOICES)
      .describe('the possible answers, in the order shown (keys a, b, c, …)'),
    answer: z.string().describe('the right choice, written exactly as in choices'),
    explanation: z.string().describe('shown after answering: why that is what happens'),
  })
  .superRefine((q, ctx) => {
    const bad = quizSpecProblem?.(q.at);
    if (bad) ctx.addIssue({ code: 'custom', path: ['at'], message: bad });
    if (!q.choices.includes(q.answer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['answer'],
        message: `the answer must be one of the choices: ${q.choices.map((c) => JSON.stringify(c)).join(', ')}`,
      });
    }
    const dup = q.choices.find((c, i) => q.choices.indexOf(c) !== i);
    if (dup !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['choices'],
        message: `the choice ${JSON.stringify(dup)} is listed twice`,
      });
  })
  .describe('A prediction question, asked before the step it is about');

export const ScenarioSchema = z
  .strictObject({
    name: z
      .string()
      .max(MAX_NAME_CHARS)
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    description: text('one line on what the scenario shows', MAX_TEXT_CHARS),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    machine: MachineSchema.optional(),
    server: ServerSchema.optional(),
    clients: list(ClientSchema, MAX_LIST_ITEMS, 'client entries').optional(),
    faults: list(FaultSchema, MAX_LIST_ITEMS, 'faults').optional(),
    expect: list(ExpectSchema, MAX_LIST_ITEMS, 'assertions').optional(),
    notes: list(NoteSchema, MAX_LIST_ITEMS, 'teaching notes').optional(),
    quiz: list(QuizSchema, MAX_LIST_ITEMS, 'quiz items')
      .optional()
      .describe('prediction questions (`netflow-tui quiz`)'),
    maxTime: duration('stop the simulation at this virtual time').optional(),
  })
  .describe('A netflow-tui scenario');

/** The validated scenario, with durations and sizes already in ns and bytes. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type RouteSpec = z.output<typeof RouteSchema>;
export type ClientSpec = z.output<typeof ClientSchema>;
export type RequestSpec = z.output<typeof RequestSchema>;
export type QuizSpec = z.output<typeof QuizSchema>;

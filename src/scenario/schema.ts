/**
 * The scenario format: what a YAML scenario file may say, validated with zod.
 *
 * A scenario describes one machine (the server host: CPUs, NIC, kernel limits), the Go program on it
 * (an http.ServeMux server or a raw TCP server), the client hosts that talk to it, and optional
 * expectations and teaching notes. Every object is strict: an unknown key is an error. Durations are
 * integer nanoseconds or strings like `5us`, `1.5ms`, `2s`; sizes are integer bytes or `64KiB`, `1MiB`.
 * Defaults come from ../params.ts (Linux and Go defaults, FIDELITY.md §7).
 */
import { z } from 'zod';

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

const duration = (desc: string) =>
  z
    .union([z.number(), z.string()])
    .describe(`${desc} (integer nanoseconds, or a string like "5us", "1.5ms", "2s")`)
    .transform((v, ctx) => {
      const d = parseDuration(v);
      if (d === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a duration like "5us", "1ms" or integer ns, got ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      return d;
    });

const size = (desc: string, min = 0, max = 2 ** 40) =>
  z
    .union([z.number(), z.string()])
    .describe(`${desc} (integer bytes, or a string like "64KiB", "1MiB")`)
    .transform((v, ctx) => {
      const d = parseSize(v);
      if (d === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a size like "64KiB" or integer bytes, got ${JSON.stringify(v)}`,
        });
        return z.NEVER;
      }
      if (d < min || d > max) {
        ctx.addIssue({ code: 'custom', message: `size ${d} is out of range ${min}..${max}` });
        return z.NEVER;
      }
      return d;
    });

const int = (desc: string, min: number, max: number) => z.number().int().min(min).max(max).describe(desc);

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
    pattern: z
      .string()
      .min(1)
      .describe('Go 1.22 ServeMux pattern: "[METHOD ][HOST]/[PATH]", e.g. "GET /items/{id}"'),
    body: z.string().optional().describe('response body the handler writes'),
    bodyBytes: size('response body size in bytes (filled with "x")').optional(),
    status: int('status code the handler sets', 100, 599).optional(),
    contentType: z.string().optional().describe('Content-Type; default: sniffed (text/plain; charset=utf-8)'),
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
    listen: z.string().optional().describe('listen address as Go takes it, e.g. ":3000"'),
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
    routes: z.array(RouteSchema).optional(),
    readSize: size('tcp kind: bytes the server asks Read for', 1, 1024 ** 2).optional(),
    reply: z.string().optional().describe('tcp kind: what the server writes back'),
  })
  .describe('The Go program on the server host');

export const RequestObjectSchema = z.strictObject({
  method: z
    .string()
    .regex(/^[A-Z]+$/)
    .optional(),
  path: z.string().startsWith('/').optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: size('request body size in bytes').optional(),
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
      .regex(/^[A-Z]+ \/\S*$/, 'expected "METHOD /path", e.g. "GET /hello"')
      .describe('"METHOD /path"'),
    RequestObjectSchema,
  ])
  .describe('One HTTP request');

export const ClientSchema = z
  .strictObject({
    name: z.string().optional(),
    host: z.string().optional().describe('client IPv4 address, default 10.0.0.2 upward'),
    latency: duration('one-way wire latency to the server').optional(),
    start: duration('when the first connection starts').optional(),
    count: int('how many connections this client entry opens', 1, 100000).optional(),
    every: duration('spacing between those connections').optional(),
    requests: z.array(RequestSchema).min(1).optional(),
    keepAlive: z.boolean().optional().describe('reuse the connection for the next request'),
    readDelay: duration(
      "slow reader: the client application reads its socket only this long after data arrives; unread bytes shrink its 64 KiB receive window, so the server's writes stall",
    ).optional(),
    data: z.string().optional().describe('tcp kind: bytes the client sends'),
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
    client: z.string().optional().describe('client name; default: every client'),
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
    body: z.string().optional(),
    syscall: z.string().optional().describe('a syscall that must occur, e.g. "bind"'),
    errno: z.string().optional().describe('with syscall: the errno it must return'),
    exit: int('the process exit status', 0, 255).optional(),
    message: z.string().optional().describe('the line the process prints on exit'),
    drops: int('at least this many frames dropped', 0, 1e9).optional(),
    responses: int('exactly this many responses received in all', 0, 1e9).optional(),
  })
  .describe('An assertion `run` checks at the end');

export const NoteSchema = z
  .strictObject({
    at: z.string().describe('a breakpoint spec, e.g. "wakeup:accept"'),
    text: z.string().describe('what the narration pane shows when the cursor reaches a match'),
  })
  .describe('A teaching note');

export const ScenarioSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    description: z.string(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    machine: MachineSchema.optional(),
    server: ServerSchema.optional(),
    clients: z.array(ClientSchema).optional(),
    faults: z.array(FaultSchema).optional(),
    expect: z.array(ExpectSchema).optional(),
    notes: z.array(NoteSchema).optional(),
    maxTime: duration('stop the simulation at this virtual time').optional(),
  })
  .describe('A netflow-tui scenario');

/** The validated scenario, with durations and sizes already in ns and bytes. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type RouteSpec = z.output<typeof RouteSchema>;
export type ClientSpec = z.output<typeof ClientSchema>;
export type RequestSpec = z.output<typeof RequestSchema>;

/**
 * The real thing the simulation is checked against: the seed Go server (ServeMux `/hello` → `Hello
 * World`, `/about` → Habib's line, `log.Fatal(http.ListenAndServe(":PORT", mux))`) built with real
 * Go 1.23, run under `strace -f -tt -T -yy -s 200` on loopback, and driven by a client written with
 * Node's net module that sends exactly the bytes the simulated client sends (`buildRequest` and
 * `requestPieces` from src/sim/hw/client.ts), with the same pauses and pieces.
 *
 * Each case comes with the scenario that models it (`caseScenario`): the seed routes, loopback
 * parameters (MTU 65536, 10 µs one-way latency), this run's port and this machine's CPU count, so the
 * simulated run is the same experiment. Used by scripts/fidelity.ts (`npm run fidelity`, CI) and by
 * test/fidelity-real.test.ts. All traffic is on 127.0.0.1.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { RequestSpec } from '../src/scenario/schema.js';
import { buildRequest, requestPieces } from '../src/sim/hw/client.js';

const run = promisify(execFile);

/** Where Debian's golang-1.23-go puts the toolchain. */
export const GO = '/usr/lib/go-1.23/bin/go';
/** One-way latency of the simulated loopback (real loopback: a few µs each way). */
const LOOPBACK_LATENCY = '10us';
/** The loopback interface's MTU on Linux. */
const LOOPBACK_MTU = 65536;
/** Quiet time after the server listens, before the client connects (start-up threads settle). */
const SETTLE_MS = 150;
/** Quiet time after the client is done, before the server is stopped (its last close). */
const DRAIN_MS = 400;
/** How long a case may take before it is abandoned. */
const CASE_TIMEOUT_MS = 20_000;

export const SEED_ROUTES = [
  { pattern: '/hello', body: 'Hello World' },
  { pattern: '/about', body: 'I am Habib. I am a YouTuber. I am a Software Engineer.' },
];

export interface FidelityCase {
  name: string;
  what: string;
  requests?: RequestSpec[];
  keepAlive?: boolean;
  /** Another program already listens on the port: the server's bind fails. */
  portInUse?: boolean;
  /** Extra quiet time after the client (the 300 KiB case lingers 500 ms before close). */
  drainMs?: number;
}

export const CASES: FidelityCase[] = [
  { name: 'hello', what: 'GET /hello', requests: ['GET /hello'] },
  { name: 'about', what: 'GET /about', requests: ['GET /about'] },
  { name: 'notfound', what: 'GET /nope → 404', requests: ['GET /nope'] },
  {
    name: 'keepalive',
    what: 'two requests, one connection',
    keepAlive: true,
    requests: ['GET /hello', 'GET /about'],
  },
  {
    name: 'keepalive-idle',
    what: 'keep-alive, 2 s idle between requests',
    keepAlive: true,
    requests: ['GET /hello', { path: '/hello', pause: 2_000_000_000 }],
  },
  {
    name: 'split-request',
    what: 'the header in two pieces 100 ms apart',
    requests: [{ path: '/hello', pieces: 2, gap: 100_000_000 }],
  },
  {
    name: 'upload',
    what: '200 KiB POST the handler never reads',
    requests: [{ method: 'POST', path: '/hello', body: 200 * 1024 }],
  },
  {
    name: 'upload-continue',
    what: '200 KiB POST with Expect: 100-continue, never read',
    requests: [{ method: 'POST', path: '/hello', body: 200 * 1024, expectContinue: true }],
  },
  {
    name: 'upload-large',
    what: '300 KiB POST: Connection: close, shutdown, 500 ms linger',
    requests: [{ method: 'POST', path: '/hello', body: 300 * 1024 }],
    drainMs: 1_000,
  },
  { name: 'port-in-use', what: 'the port is already taken', portInUse: true },
  { name: 'query', what: 'GET /hello?x=1', requests: ['GET /hello?x=1'] },
  { name: 'head', what: 'HEAD /hello', requests: ['HEAD /hello'] },
];

/** The seed server's source with this run's port. */
export function seedSource(port: number): string {
  return `package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Hello World"))
	})
	mux.HandleFunc("/about", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("I am Habib. I am a YouTuber. I am a Software Engineer."))
	})
	log.Fatal(http.ListenAndServe(":${port}", mux))
}
`;
}

/** Builds the seed server in `dir` with Go 1.23, offline (std only). Returns the binary's path. */
export async function buildSeedServer(dir: string, port: number): Promise<string> {
  writeFileSync(join(dir, 'main.go'), seedSource(port));
  writeFileSync(join(dir, 'go.mod'), 'module seed\n\ngo 1.23\n');
  const env = {
    ...process.env,
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOFLAGS: '-mod=mod',
    GOTELEMETRY: 'off',
    HOME: process.env.HOME ?? dir,
  };
  await run(GO, ['build', '-o', 'server', '.'], { cwd: dir, env, timeout: 600_000 });
  return join(dir, 'server');
}

/** A port nobody listens on now (the kernel picks it; we close it again). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * The scenario that models a case, as the YAML author writes it (durations as text: parse it with
 * ScenarioSchema, or write it to a file): seed routes, loopback, this port, this machine's CPUs.
 */
export function caseScenario(c: FidelityCase, port: number): Record<string, unknown> {
  const cpus = Math.max(1, Math.min(64, availableParallelism()));
  return {
    name: `fidelity-${c.name}`,
    description: `Real-Go fidelity case: ${c.what} (loopback).`,
    seed: 1,
    machine: { cpus, gomaxprocs: cpus, nic: { mtu: LOOPBACK_MTU } },
    server: {
      kind: 'http',
      listen: `:${port}`,
      routes: SEED_ROUTES,
      ...(c.portInUse ? { instances: 2 } : {}),
    },
    ...(c.requests
      ? {
          clients: [
            {
              name: 'node',
              latency: LOOPBACK_LATENCY,
              start: '1ms',
              ...(c.keepAlive ? { keepAlive: true } : {}),
              requests: c.requests,
            },
          ],
        }
      : {}),
  };
}

/** Is something listening on 127.0.0.1/[::] `port`? Read from /proc: no connection is made. */
function listening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const f of ['/proc/net/tcp6', '/proc/net/tcp']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(hex.trim()) && cols[3] === '0A') return true;
    }
  }
  return false;
}

export interface CaseRun {
  log: string;
  /** The server's stderr (log.Fatal's line). */
  stderr: string;
  /** Status codes the client read. */
  statuses: number[];
}

/** Runs one case: the server under strace, the client, then stops the server. */
export async function traceCase(
  binary: string,
  c: FidelityCase,
  port: number,
  dir: string,
): Promise<CaseRun> {
  const log = join(dir, `${c.name}.strace`);
  let blocker: Server | undefined;
  if (c.portInUse) {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(port, '127.0.0.1', resolve));
  }
  const st = spawn('strace', ['-f', '-tt', '-T', '-yy', '-s', '200', '-o', log, binary], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  st.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => st.on('close', (code) => resolve(code)));
  const statuses: number[] = [];
  try {
    if (c.portInUse) {
      await Promise.race([exited, sleep(CASE_TIMEOUT_MS)]);
    } else {
      const t0 = Date.now();
      while (!listening(port)) {
        if (Date.now() - t0 > CASE_TIMEOUT_MS) throw new Error(`the server did not listen on ${port}`);
        if (st.exitCode !== null) throw new Error(`the server exited: ${stderr.trim()}`);
        await sleep(10);
      }
      await sleep(SETTLE_MS);
      statuses.push(...(await drive(port, c)));
      await sleep(c.drainMs ?? DRAIN_MS);
    }
  } finally {
    await stop(st, log);
    await exited;
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  }
  return { log, stderr, statuses };
}

/** Stops the traced server: SIGKILL to its pid (the first field of the log), strace then exits. */
async function stop(st: ChildProcess, log: string): Promise<void> {
  if (st.exitCode !== null) return;
  const first = existsSync(log) ? readFileSync(log, 'utf8').split('\n', 1)[0] : '';
  const pid = Number(/^(\d+)\s/.exec(first)?.[1]);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it exited by itself
    }
  } else st.kill('SIGTERM');
}

/** The client side of a case, over 127.0.0.1. Resolves to the statuses read. */
async function drive(port: number, c: FidelityCase): Promise<number[]> {
  const sock: Socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  let buf = Buffer.alloc(0);
  let closed = false;
  let wake: () => void = () => {};
  sock.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    wake();
  });
  sock.on('close', () => {
    closed = true;
    wake();
  });
  sock.on('error', () => {});
  const more = () => new Promise<void>((resolve) => (wake = resolve));

  /** The next response head (and body unless `head`), removed from the buffer. */
  const response = async (head: boolean): Promise<{ status: number; close: boolean }> => {
    for (;;) {
      const he = buf.indexOf('\r\n\r\n');
      if (he >= 0) {
        const text = buf.subarray(0, he).toString('latin1');
        const status = Number(text.slice(9, 12));
        const len = status === 100 || head ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(text)?.[1] ?? 0);
        if (buf.length >= he + 4 + len) {
          buf = buf.subarray(he + 4 + len);
          return { status, close: /\r\nconnection: *close/i.test(text) };
        }
      }
      if (closed) throw new Error('the server closed before a whole response');
      await more();
    }
  };

  const statuses: number[] = [];
  const reqs = c.requests ?? [];
  const deadline = setTimeout(() => sock.destroy(), CASE_TIMEOUT_MS);
  try {
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      if (i > 0) {
        const pause = typeof r === 'string' ? 0 : (r.pause ?? 0);
        if (pause > 0) await sleep(pause / 1e6);
      }
      const req = buildRequest(r, `webserver:${port}`);
      const parts = requestPieces(r, req.text, req.headerLen);
      const isHead = req.text.startsWith('HEAD ');
      const expectContinue = typeof r !== 'string' && r.expectContinue && req.text.length > req.headerLen;
      let res: { status: number; close: boolean };
      if (expectContinue) {
        sock.write(req.text.slice(0, req.headerLen), 'latin1');
        res = await response(isHead);
        if (res.status === 100) {
          sock.write(req.text.slice(req.headerLen), 'latin1');
          res = await response(isHead);
        }
      } else {
        for (let k = 0; k < parts.length; k++) {
          sock.write(parts[k], 'latin1');
          if (k + 1 < parts.length) await sleep((typeof r === 'string' ? 0 : (r.gap ?? 1_000_000)) / 1e6);
        }
        res = await response(isHead);
      }
      statuses.push(res.status);
      if (res.close || !c.keepAlive) break;
    }
  } finally {
    clearTimeout(deadline);
  }
  sock.end();
  const t0 = Date.now();
  while (!closed && Date.now() - t0 < 2_000) await Promise.race([more(), sleep(50)]);
  sock.destroy();
  return statuses;
}

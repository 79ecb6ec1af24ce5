/**
 * `exportRun`: a run of a scenario written in a format other tools read (issue 12). The CLI's
 * `netflow-tui export` and the TUI's export prompt both call it.
 *
 *   pcapng      the server's wire for Wireshark/tshark, each frame commented with its step (pcapng.ts)
 *   pcap        the same frames, classic libpcap format, for tcpdump and older tools (pcap.ts)
 *   perfetto    Chrome JSON trace events for ui.perfetto.dev: tracks per layer, flows per request
 *   strace      the server's syscalls as `strace -f -tt -T` prints them (strace.ts)
 *   schedtrace  `GODEBUG=schedtrace=X,scheddetail=1` output at the virtual interval X (schedtrace.ts)
 *   jsonl       the trace records, as `run --json` prints them (jsonl.ts)
 *
 * The run is made afresh from the scenario (deterministic: the same run the debugger shows), through
 * capture.ts; `from`/`to`/`conn` narrow what is written (scope.ts). Bad input throws `ExportError`
 * (the CLI exits 2); an existing file is kept unless `force`.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { resolveScenario } from '../scenario/builtin.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { capture, type Visitor } from './capture.js';
import { EXTENSIONS, type ExportFormat, FORMATS } from './formats.js';
import { JsonlWriter } from './jsonl.js';
import { writePcap } from './pcap.js';
import { writePcapng } from './pcapng.js';
import { PerfettoWriter } from './perfetto.js';
import { DEFAULT_SCHEDTRACE_MS, SchedtraceWriter } from './schedtrace.js';
import { Scope } from './scope.js';
import { Sink } from './sink.js';
import { StraceWriter } from './strace.js';
import { WireCollector } from './wire.js';

export { EXTENSIONS, type ExportFormat, FORMATS };

export interface ExportOptions {
  /** Built-in scenario name or .yaml path. */
  scenarioPath: string;
  /** The scenario already loaded (the TUI has it); otherwise loaded from `scenarioPath`. */
  scenario?: Scenario;
  format: ExportFormat;
  /** File to write; `-` for stdout; absent: `defaultOutput(scenario, format)` in the current directory. */
  output?: string;
  /** Overwrite an existing file. */
  force?: boolean;
  /** First and last step to include (inclusive). */
  from?: number;
  to?: number;
  /** Only this client connection. */
  conn?: number;
  seed?: number;
  /** schedtrace: the interval X of GODEBUG=schedtrace=X, in (virtual) milliseconds. */
  schedtraceMs?: number;
  /** schedtrace: the P/M/G detail lines of scheddetail=1 (default true). */
  scheddetail?: boolean;
  /** Where `-` writes (default process.stdout). */
  stdout?: Writable;
}

export interface ExportResult {
  /** The file written, or `-`. */
  path: string;
  bytes: number;
  format: ExportFormat;
}

/** Bad input to an export: the message says what to change. */
export class ExportError extends Error {}

export function defaultOutput(scenarioName: string, format: ExportFormat): string {
  return `${basename(scenarioName).replace(/\.ya?ml$/, '')}${EXTENSIONS[format]}`;
}

function check(o: ExportOptions): void {
  if (!FORMATS.includes(o.format))
    throw new ExportError(`unknown format "${o.format}": use one of ${FORMATS.join(', ')}`);
  if (o.from !== undefined && o.to !== undefined && o.from > o.to)
    throw new ExportError(`--from ${o.from} is after --to ${o.to}: the range would be empty`);
  if (o.schedtraceMs !== undefined && o.format !== 'schedtrace')
    throw new ExportError('--interval applies to --format schedtrace only');
}

function openOutput(path: string, o: ExportOptions): Writable {
  if (path === '-') return o.stdout ?? process.stdout;
  if (existsSync(path)) {
    if (statSync(path).isDirectory())
      throw new ExportError(`${path} is a directory: give a file name with -o`);
    if (!o.force)
      throw new ExportError(
        `${path} already exists: add --force to overwrite it, or pick another name with -o`,
      );
  }
  return createWriteStream(path, { flags: o.force ? 'w' : 'wx' });
}

/** Waits until a file stream is open, turning "no such directory" and friends into an ExportError. */
async function opened(w: Writable, path: string): Promise<void> {
  if (path === '-') return;
  await new Promise<void>((resolve, reject) => {
    w.once('ready', resolve);
    w.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new ExportError(`cannot write ${path}: ${e.code === 'ENOENT' ? 'no such directory' : e.message}`),
      ),
    );
  });
}

/** Runs the scenario and writes it in the chosen format. */
export async function exportRun(o: ExportOptions): Promise<ExportResult> {
  check(o);
  const sc = o.scenario ?? loadScenarioFile(resolveScenario(o.scenarioPath));
  const conns = (sc.clients ?? []).reduce((n, c) => n + (c.count ?? 1), 0);
  if (o.conn !== undefined && (o.conn < 1 || o.conn > conns))
    throw new ExportError(`--conn ${o.conn}: the scenario has connections 1 to ${conns}`);
  if (o.conn !== undefined && o.format === 'schedtrace')
    throw new ExportError('--conn does not apply to schedtrace: the scheduler is shared by every connection');
  const path = o.output ?? defaultOutput(sc.name ?? o.scenarioPath, o.format);
  const stream = openOutput(path, o);
  await opened(stream, path);
  const sink = new Sink(stream);
  const scope = new Scope(o);
  let wire: WireCollector | undefined;
  let visitor: Visitor;
  switch (o.format) {
    case 'pcapng':
    case 'pcap':
      visitor = wire = new WireCollector(scope);
      break;
    case 'perfetto':
      visitor = new PerfettoWriter(scope, sink);
      break;
    case 'strace':
      visitor = new StraceWriter(scope, sink);
      break;
    case 'schedtrace':
      visitor = new SchedtraceWriter(scope, sink, {
        intervalMs: o.schedtraceMs ?? DEFAULT_SCHEDTRACE_MS,
        detail: o.scheddetail ?? true,
      });
      break;
    case 'jsonl':
      visitor = new JsonlWriter(scope, sink);
      break;
  }
  try {
    await capture(
      {
        scenario: sc,
        seed: o.seed,
        toStep: o.to,
        text: o.format !== 'strace' && o.format !== 'schedtrace' && o.format !== 'pcap',
        pause: async () => {
          if (sink.due) await sink.flush();
          return sink.closed;
        },
      },
      visitor,
    );
    if (wire) (o.format === 'pcapng' ? writePcapng : writePcap)(wire.frames, sink);
    await sink.flush();
  } finally {
    sink.detach();
    if (path !== '-') await new Promise<void>((resolve) => stream.end(resolve));
  }
  return { path, bytes: sink.bytes, format: o.format };
}

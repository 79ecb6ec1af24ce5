/**
 * What a scenario may ask for: every limit the loader and the schema enforce, in one place, each with
 * its unit and the reason for its value. A hostile or mistaken file (a 10 GiB body, 100,000 clients, a
 * megabyte-long listen address) gets a clear `file:line:col` error naming the limit, instead of a run
 * that takes hours, exhausts memory or ends in an internal error.
 *
 * The limits are generous for teaching scenarios and sized from measured costs on the project's
 * 2-core reference machine (README "Bad input"). Also here: the address checks of Go's `net` package
 * (`SplitHostPort`, `ParseIP`, a decimal port 0–65535) and `formatSize` for messages.
 *
 * Users: ./schema.ts (field limits), ./load.ts (file and whole-scenario limits), README's table.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** JSON-quoted, cut to 40 characters: a value from the file inside a message. */
function shortQ(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest scenario file: 1 MiB (a 10 MB YAML file takes the yaml parser ~10 s and 1 GB). */
export const MAX_FILE_BYTES = MiB;
/** Deepest nesting of mappings and lists (a scenario needs about 6; yaml overflows its stack near 790). */
export const MAX_DEPTH = 64;
/** Most alias nodes (`*name`) in one file: yaml resolves each alias by a scan of the anchors. */
export const MAX_ALIASES = 100;

/**
 * Largest response body (route `bodyBytes`, or `body` text): 128 MiB. The cost is linear in the body's
 * bytes (the client counts body bytes instead of re-scanning them, src/sim/hw/client.ts). Measured
 * `run` of one GET, 2-core reference machine: 16 MiB 1.5 s CPU and 123 MB peak RSS, 64 MiB 3.5 s and
 * 255 MB, 128 MiB 10.3 s (user + sys) and 406 MB, 256 MiB 12.6 s user and 703 MB: 128 MiB is the
 * largest size within ~10 s and 512 MB. (Before the linear client: 1 MiB ≈ 0.5–3 s, 16 MiB over a minute.)
 */
export const MAX_RESPONSE_BODY_BYTES = 128 * MiB;
/**
 * Largest request body: 64 MiB. A 64 MiB POST whose handler reads the body is ~8,000 records per MiB,
 * 5.6 s CPU and 194 MB peak RSS when every segment arrives in order; 128 MiB would be ~11 s. (Today a
 * large upload over the default RX ring usually stalls instead: the client's TCP has no fast
 * retransmit and its backed-off RTO never resets, so the run ends at `maxTime` having sent a few MB.)
 */
export const MAX_REQUEST_BODY_BYTES = 64 * MiB;
/** Most client connections in one scenario (sum of `count`): 10,000, the c10k scenario (~1.4 M records). */
export const MAX_CONNECTIONS = 10_000;
/** Most requests in one scenario, over all connections: 20,000, c10k's two per connection. */
export const MAX_REQUESTS = 20_000;
/** Most requests one client entry lists (each connection sends them in turn): 1,000. */
export const MAX_REQUESTS_PER_CONNECTION = 1_000;
/** Most routes: 256. Every pair is checked for a conflict at load time, as ServeMux does on Handle. */
export const MAX_ROUTES = 256;
/** Most entries in `clients`, `faults`, `expect` and `notes` lists: 1,000 each. */
export const MAX_LIST_ITEMS = 1_000;
/** Most headers on one request: 64; each header value at most MAX_HEADER_CHARS. */
export const MAX_HEADERS = 64;
export const MAX_HEADER_CHARS = 8 * KiB;
/**
 * Longest virtual duration (`maxTime`, sleeps, pauses, latencies): 1 hour. Idle time still costs
 * sysmon ticks (one per 10 ms at most: 360,000 in an hour); the default maxTime is 120 s.
 */
export const MAX_DURATION_NS = 3_600_000_000_000;
/** Longest `listen` address: 261 characters, a 253-character DNS name plus `:65535` and brackets. */
export const MAX_LISTEN_CHARS = 261;
/** Longest name (scenario, client): 64 characters; a name appears on many trace lines. */
export const MAX_NAME_CHARS = 64;
/** Longest prose (description, a note's text, an expected body or message): 4,096 characters. */
export const MAX_TEXT_CHARS = 4 * KiB;
/** Longest route pattern or request path: 2,048 characters. */
export const MAX_PATH_CHARS = 2 * KiB;
/** Longest raw payload (`reply`, `data` of the tcp kind): 64 KiB. */
export const MAX_PAYLOAD_CHARS = 64 * KiB;
/** Longest key the "did you mean" compares: longer unknown keys get no suggestion (cost ∝ key length). */
export const MAX_SUGGEST_CHARS = 64;

/** `2MiB`, `512KiB`, `100B`: a byte count as a scenario would write it. */
export function formatSize(bytes: number): string {
  const units: [string, number][] = [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', MiB],
    ['KiB', KiB],
  ];
  for (const [u, n] of units) {
    if (bytes >= n) {
      const v = bytes / n;
      return `${Number.isInteger(v) ? v : v.toFixed(1)}${u}`;
    }
  }
  return `${bytes}B`;
}

/** `1h`, `2s`, `1.5ms`: a duration in ns as a scenario would write it (for limits in messages). */
export function formatDuration(ns: number): string {
  if (ns >= 3_600_000_000_000 && ns % 3_600_000_000_000 === 0) return `${ns / 3_600_000_000_000}h`;
  if (ns >= 1e9) return `${ns / 1e9}s`;
  if (ns >= 1e6) return `${ns / 1e6}ms`;
  if (ns >= 1e3) return `${ns / 1e3}us`;
  return `${ns}ns`;
}

/**
 * Why `addr` is not an address Go's `net.Listen("tcp", addr)` takes, or undefined if it is.
 * Mirrors net.SplitHostPort (a `host:port` pair, IPv6 in brackets) and the port check of
 * net.parsePort for a decimal port (0–65535). Host names are not resolved in the simulation, so the
 * host must be empty (all addresses) or an IP literal. Service names (`:http`) are not modelled.
 */
export function listenAddressProblem(addr: string): string | undefined {
  const colon = addr.lastIndexOf(':');
  if (colon < 0) return 'missing port in address (as net.Listen says); e.g. ":3000"';
  let host = addr.slice(0, colon);
  const port = addr.slice(colon + 1);
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) return 'missing "]" in address';
    host = host.slice(1, -1);
    if (!isIPv6(host)) return `${shortQ(host)} is not an IPv6 address`;
  } else if (host.includes(':')) {
    return 'too many colons in address (an IPv6 host goes in brackets: "[::1]:3000")';
  } else if (host !== '' && !isIPv4(host)) {
    return `host ${shortQ(host)} is not an IP address: host names are not resolved in the simulation; use an IPv4 address, [IPv6] or leave it empty (":3000")`;
  }
  return portProblem(port);
}

/** Why `port` is not a decimal TCP port, or undefined. */
export function portProblem(port: string): string | undefined {
  if (!/^\d+$/.test(port)) {
    return port === ''
      ? 'missing port after ":"'
      : `port ${shortQ(port)} is not a number 0–65535 (service names like "http" are not modelled)`;
  }
  if (port.length > 5 || Number(port) > 65535)
    return `port ${port.length > 40 ? shortQ(port) : port} is out of range 0–65535`;
  return undefined;
}

/** Why `host` is not a client host address (an IPv4 literal, as Go's net.ParseIP reads one), or undefined. */
export function clientHostProblem(host: string): string | undefined {
  if (isIPv4(host)) return undefined;
  if (isIPv6(host)) return 'client hosts are IPv4 in the simulation; give an IPv4 address like 10.0.0.2';
  return `${shortQ(host)} is not an IPv4 address (like 10.0.0.2)`;
}

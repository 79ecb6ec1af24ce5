/**
 * `expect:` — assertions a scenario makes about its run, checked by `netflow-tui run` (exit 1 with the
 * list of failures). Records stream through `observe`; `failures` judges the final machine.
 */
import type { Scenario } from '../scenario/schema.js';
import type { Machine } from './machine.js';
import type { TraceRecord } from './trace.js';

export interface ExpectationCheck {
  observe(r: TraceRecord): void;
  failures(m: Machine): string[];
}

type Expect = NonNullable<Scenario['expect']>[number];

/** `request: N`: the Nth response of each client connection has the status and body asked for. */
function requestFailures(at: string, n: number, e: Expect, clients: Machine['clients']): string[] {
  const out: string[] = [];
  for (const c of clients) {
    if (c.statuses.length < n) {
      out.push(`${at}: client ${c.name} received ${c.statuses.length} response(s), expected a response ${n}`);
      continue;
    }
    const status = c.statuses[n - 1];
    if (e.status !== undefined && status !== e.status)
      out.push(`${at}: client ${c.name} got status ${status} for request ${n}, expected ${e.status}`);
    if (e.body !== undefined && c.bodies[n - 1] !== e.body)
      out.push(
        `${at}: client ${c.name} got body ${JSON.stringify(c.bodies[n - 1])} for request ${n}, expected ${JSON.stringify(e.body)}`,
      );
  }
  return out;
}

export function createExpectations(sc: Scenario): ExpectationCheck {
  const syscalls = new Set<string>();
  return {
    observe(r) {
      if (r.kind === 'syscall' && r.syscall) {
        syscalls.add(r.syscall);
        if (r.errno) syscalls.add(`${r.syscall}:${r.errno}`);
      }
    },
    failures(m) {
      const out: string[] = [];
      (sc.expect ?? []).forEach((e, i) => {
        const at = `expect[${i}]`;
        const clients = m.clients.filter(
          (c) =>
            (e.client === undefined || c.name === e.client || c.name.startsWith(`${e.client}#`)) &&
            (e.conn === undefined || c.conn === e.conn),
        );
        if (e.client !== undefined && clients.length === 0)
          out.push(
            `${at}: no client is named ${JSON.stringify(e.client)}${e.conn ? ` with conn ${e.conn}` : ''}`,
          );
        else if (e.conn !== undefined && clients.length === 0)
          out.push(`${at}: no client connection ${e.conn} (the run made ${m.clients.length})`);
        if (e.request !== undefined) {
          out.push(...requestFailures(at, e.request, e, clients));
        } else if (e.status !== undefined || e.body !== undefined) {
          for (const c of clients) {
            if (c.responses === 0) {
              out.push(`${at}: client ${c.name} received no response (state ${c.state})`);
              continue;
            }
            if (e.status !== undefined && c.statuses.some((s) => s !== e.status))
              out.push(`${at}: client ${c.name} got status ${c.statuses.join(', ')}, expected ${e.status}`);
            if (e.body !== undefined && c.bodies.some((b) => b !== e.body))
              out.push(
                `${at}: client ${c.name} got body ${JSON.stringify(c.bodies.find((b) => b !== e.body))}, expected ${JSON.stringify(e.body)}`,
              );
          }
        }
        if (e.syscall !== undefined) {
          const key = e.errno ? `${e.syscall}:${e.errno}` : e.syscall;
          if (!syscalls.has(key))
            out.push(`${at}: no ${e.syscall} syscall${e.errno ? ` returned ${e.errno}` : ' happened'}`);
        }
        if (e.exit !== undefined) {
          if (!m.proc.exited) out.push(`${at}: the process did not exit (expected status ${e.exit})`);
          else if (m.proc.status !== e.exit)
            out.push(`${at}: the process exited with ${m.proc.status}, expected ${e.exit}`);
        }
        if (e.message !== undefined && !m.proc.log.includes(e.message))
          out.push(
            `${at}: the process never printed ${JSON.stringify(e.message)}${m.proc.log.length ? ` (it printed ${JSON.stringify(m.proc.log[m.proc.log.length - 1])})` : ''}`,
          );
        if (e.drops !== undefined) {
          const drops = m.stats.framesDropped + m.stats.listenDrops;
          if (drops < e.drops) out.push(`${at}: ${drops} drops happened, expected at least ${e.drops}`);
        }
        if (e.responses !== undefined) {
          const n = m.clients.reduce((a, c) => a + c.responses, 0);
          if (n !== e.responses) out.push(`${at}: ${n} responses in all, expected ${e.responses}`);
        }
      });
      return out;
    },
  };
}

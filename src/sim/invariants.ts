/**
 * Invariants that hold after every event. `checkInvariants` returns what is broken (empty when all
 * hold); tests call it at every step of every scenario they run.
 *
 * - frames are conserved: put on the wire = delivered to a stack + in flight + dropped and counted
 * - bytes are conserved per connection: what the client wrote = acknowledged + still queued at the
 *   client; what the server received in order = read by the program + still in the receive queue
 * - an fd maps to exactly one open file, and no open file is shared by two fds here
 * - a G sits in at most one run queue, only when runnable; a running G is the curg of one M
 * - no ring, queue or buffer exceeds its capacity
 */
import type { Machine } from './machine.js';
import { GO } from './params.js';

export function checkInvariants(m: Machine): string[] {
  const errs: string[] = [];
  // Frames.
  let inflight = m.nic.rx.used;
  for (const ev of m.heap) if (ev.k === 'wire.arrive' || ev.k === 'client.arrive') inflight++;
  const s = m.stats;
  if (s.framesSent !== s.framesDelivered + s.framesDropped + inflight)
    errs.push(
      `frames: sent ${s.framesSent} ≠ delivered ${s.framesDelivered} + dropped ${s.framesDropped} + in flight ${inflight}`,
    );
  // Rings.
  for (const [name, r] of [['rx', m.nic.rx] as const, ['tx', m.nic.tx] as const]) {
    const busy = r.state.filter((x) => x !== 0).length;
    if (r.used > r.size || busy !== r.used)
      errs.push(`${name} ring: used ${r.used}, busy slots ${busy}, size ${r.size}`);
  }
  // Bytes, per client connection and per server socket.
  for (const c of m.clients) {
    const queued = c.sndData.length;
    const unacked = Math.max(0, c.writeSeq - Math.max(c.sndUna, 1));
    if (c.state !== 'waiting' && c.state !== 'SYN_SENT' && queued !== unacked)
      errs.push(`client ${c.conn}: send queue holds ${queued} B but ${unacked} B are unacknowledged`);
  }
  for (const id in m.socks) {
    const k = m.socks[id];
    if (k.state === 'LISTEN') {
      if (k.acceptq.length > k.backlog + 1)
        errs.push(`listener: accept queue ${k.acceptq.length} > backlog ${k.backlog} + 1`);
      continue;
    }
    if (k.rcvd !== k.appRead + k.rcvq)
      errs.push(`socket ${k.id}: received ${k.rcvd} B ≠ read ${k.appRead} + queued ${k.rcvq}`);
    if (k.rcvq > k.rcvCap) errs.push(`socket ${k.id}: receive queue ${k.rcvq} > capacity ${k.rcvCap}`);
    if (k.writeSeq - k.sndUna > k.sndCap)
      errs.push(`socket ${k.id}: send queue ${k.writeSeq - k.sndUna} > capacity ${k.sndCap}`);
    const c = m.clients[k.conn - 1];
    if (c && k.rcvd > Math.max(0, c.writeSeq - 1))
      errs.push(`socket ${k.id}: received ${k.rcvd} B but the client wrote only ${c.writeSeq - 1}`);
    if (k.appWritten !== Math.max(0, k.writeSeq - 1))
      errs.push(`socket ${k.id}: wrote ${k.appWritten} B but writeSeq says ${k.writeSeq - 1}`);
  }
  // File descriptors.
  const seen = new Set<number>();
  m.proc.fds.forEach((id, fd) => {
    if (id < 0) return;
    if (!m.files[id]) errs.push(`fd ${fd} refers to missing open file ${id}`);
    if (seen.has(id)) errs.push(`open file ${id} is installed at two fds`);
    seen.add(id);
  });
  if (m.proc.fds.length > m.proc.nofile)
    errs.push(`fd table ${m.proc.fds.length} > RLIMIT_NOFILE ${m.proc.nofile}`);
  // Goroutines and queues.
  const where = new Map<number, string>();
  const put = (g: number, q: string) => {
    if (where.has(g)) errs.push(`G${g} is in ${where.get(g)} and ${q}`);
    where.set(g, q);
    const gg = m.rt.gs[g];
    if (!gg) errs.push(`${q} holds G${g}, which does not exist`);
    else if (gg.status !== 'runnable') errs.push(`G${g} in ${q} is ${gg.status}, not runnable`);
  };
  for (const p of m.rt.ps) {
    if (p.runnext > 0) put(p.runnext, `P${p.id}.runnext`);
    for (const g of p.runq) put(g, `P${p.id}.runq`);
    if (p.runq.length > GO.runqSize) errs.push(`P${p.id} run queue ${p.runq.length} > ${GO.runqSize}`);
  }
  for (const g of m.rt.globrunq) put(g, 'global runq');
  for (const mm of m.rt.ms) {
    if (mm.curg < 0) continue;
    const g = m.rt.gs[mm.curg];
    if (!g) errs.push(`M${mm.id} runs missing G${mm.curg}`);
    else if (where.has(g.id)) errs.push(`G${g.id} runs on M${mm.id} and sits in ${where.get(g.id)}`);
  }
  for (const id in m.eps) {
    const ep = m.eps[id];
    if (new Set(ep.rdllist).size !== ep.rdllist.length) errs.push(`epoll: an fd is on the ready list twice`);
  }
  return errs;
}

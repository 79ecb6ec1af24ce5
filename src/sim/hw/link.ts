/**
 * The wire between a client host and the server's eth0: one FIFO link per client host and direction.
 * A frame is serialised onto the link only after the frames its host put there before it (the sending
 * NIC's TX queue drains in order), then propagates for the path's one-way latency. So a frame never
 * overtakes an earlier one on the same link, whatever their sizes: a short tail segment of a burst
 * arrives after the full-size ones sent before it, as on a real Ethernet or loopback path.
 * The client side (hw/client.ts) sends through `linkSend`; the server side's TX ring already serialises
 * in order (hw/nic.ts txSchedule) and adds the same constant latency.
 */
import { schedule, touch } from '../core.js';
import type { Client, Machine, Seg } from '../machine.js';
import { COST } from '../params.js';

/** Nanoseconds the sending NIC needs to put a frame of `len` payload bytes on the wire (54 B of headers). */
export function serialiseNs(len: number): number {
  return Math.round((len + 54) * COST.wirePerByteNs);
}

/**
 * The client host's dev_hard_start_xmit onto its link (net/core/dev.c): the frame leaves when the link
 * is free, after every frame sent before it, and reaches the server NIC one latency later
 * (the `wire.arrive` event).
 */
export function linkSend(m: Machine, c: Client, seg: Seg): void {
  const start = Math.max(m.now, c.linkBusyUntil);
  const done = start + serialiseNs(seg.len);
  touch(m, 'client', c.conn);
  c.linkBusyUntil = done;
  schedule(m, done - m.now + c.latency, 'wire.arrive', c.conn, 0, 0, seg);
}

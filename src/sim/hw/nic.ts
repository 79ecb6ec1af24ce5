/**
 * The server NIC and its driver (e.g. drivers/net/ethernet/intel/e1000e, ixgbe): an RX ring and a TX
 * ring of descriptors, DMA, interrupts, and NAPI polling (net/core/dev.c).
 *
 * RX: a frame arrives from the wire; the NIC DMAs it into the slot at `rx.head` (free → dma → filled)
 * and, unless NAPI is already polling, raises a hard IRQ. The IRQ handler masks the NIC's interrupts
 * and schedules NAPI (NET_RX softirq). `napiPoll` takes filled slots from `rx.tail` one frame at a time,
 * at most `napiWeight` per poll, hands each to the stack, and frees the slot; with nothing left it
 * completes NAPI and unmasks interrupts. A frame that finds the ring full is dropped and counted
 * (rx_missed_errors).
 * TX: the stack puts a frame in the slot at `tx.head` (or the qdisc when the ring is full); the NIC
 * serialises it onto the wire; a TX-completion IRQ lets the driver free the sent slots.
 */
import { emit, schedule, touch } from '../core.js';
import { flagNames, segSummary, tcpV4Rcv } from '../kernel/tcp.js';
import type { Machine, Ring, Seg } from '../machine.js';
import { COST } from '../params.js';
import { faultDrops } from './client.js';

export function ringNew(size: number): Ring {
  return {
    size,
    head: 0,
    tail: 0,
    used: 0,
    state: new Array(size).fill(0),
    segs: new Array(size).fill(null),
  };
}

/**
 * The `fn` of steps that no kernel code runs: the NIC's own hardware (named with the driver whose
 * descriptors it fills), and the network path between the hosts (a scenario's loss works like netem).
 */
const FN_HW_RX = '(hardware) eth0 receives the frame into its RX ring — drivers/net/ethernet/intel/e1000e';
const FN_HW_DMA =
  '(hardware) RX descriptor write-back, which e1000_clean_rx_irq reads — drivers/net/ethernet/intel/e1000e/netdev.c';
const FN_HW_TX = '(hardware) eth0 serialises the frame from its TX ring — drivers/net/ethernet/intel/e1000e';
/** The NIC counts a frame it had no descriptor for; the driver reads the counter here. */
const FN_RX_MISSED = 'e1000e_update_stats — drivers/net/ethernet/intel/e1000e/netdev.c';
export const FN_NET_LOSS =
  '(network) the path loses the frame, as netem_enqueue does — net/sched/sch_netem.c';

function peerOf(m: Machine, seg: Seg): string {
  const c = m.clients[seg.conn - 1];
  return c ? `${c.addr}:${c.port}` : `conn ${seg.conn}`;
}

/** A frame reaches eth0 from the wire. */
export function nicRxArrive(m: Machine, seg: Seg): void {
  const rx = m.nic.rx;
  if (rx.used === rx.size) {
    emit(m, {
      layer: 'wire',
      kind: 'wire.rx',
      conn: seg.conn,
      bytes: seg.len,
      flags: flagNames(seg.flags),
      text: () => `A frame from ${peerOf(m, seg)} arrives at eth0: ${segSummary(seg)}.`,
      fn: FN_HW_RX,
    });
    touch(m, 'nic', 0);
    touch(m, 'stats', 0);
    m.nic.rxDropped++;
    m.stats.framesDropped++;
    emit(m, {
      layer: 'nic',
      kind: 'nic.drop',
      ring: 'rx',
      conn: seg.conn,
      text: () =>
        `The RX ring is full (${rx.used}/${rx.size} descriptors awaiting the driver): the NIC drops the frame (rx_missed_errors ${m.nic.rxDropped}). The sender must retransmit.`,
      fn: FN_RX_MISSED,
    });
    return;
  }
  const slot = rx.head;
  touch(m, 'nic', 0);
  touch(m, 'rxslot', slot);
  rx.state[slot] = 1;
  rx.segs[slot] = seg;
  rx.head = (rx.head + 1) % rx.size;
  rx.used++;
  emit(m, {
    layer: 'wire',
    kind: 'wire.rx',
    conn: seg.conn,
    slot,
    bytes: seg.len,
    flags: flagNames(seg.flags),
    text: () =>
      `A frame from ${peerOf(m, seg)} arrives at eth0: ${segSummary(seg)}. The NIC starts to DMA it into RX slot ${slot}.`,
    fn: FN_HW_RX,
  });
  schedule(m, COST.dma, 'nic.dmaDone', slot);
}

/** DMA of a frame into host memory finished: the descriptor is marked done. */
export function nicDmaDone(m: Machine, slot: number): void {
  const rx = m.nic.rx;
  touch(m, 'rxslot', slot);
  rx.state[slot] = 2;
  const seg = rx.segs[slot]!;
  emit(m, {
    layer: 'nic',
    kind: 'nic.dma',
    ring: 'rx',
    slot,
    conn: seg.conn,
    bytes: seg.len,
    text: () =>
      `The NIC DMA-writes the frame (${seg.len + 54} B on the wire) into RX slot ${slot} and marks the descriptor done (${rx.used}/${rx.size} slots in use).`,
    fn: FN_HW_DMA,
  });
  if (!m.nic.napi && !m.nic.rxIrqPending) {
    m.nic.rxIrqPending = true;
    schedule(m, m.p.irqDelay, 'irq', 0);
  }
}

/** Hard interrupt from the NIC (the driver's IRQ handler). */
export function nicIrq(m: Machine, ring: number): void {
  if (ring === 0) {
    m.nic.rxIrqPending = false;
    if (m.nic.napi) return;
    touch(m, 'nic', 0);
    m.nic.irqRx++;
    m.nic.napi = true;
    m.nic.polled = 0;
    emit(m, {
      layer: 'nic',
      kind: 'irq',
      ring: 'rx',
      text: () =>
        `Hard IRQ: eth0 signals received frames on CPU 0. The driver masks the NIC's interrupts and calls napi_schedule, raising the NET_RX softirq (interrupt ${m.nic.irqRx}).`,
      fn: 'napi_schedule — net/core/dev.c',
    });
    schedule(m, COST.irq, 'napi');
    return;
  }
  m.nic.txIrqPending = false;
  touch(m, 'nic', 0);
  m.nic.irqTx++;
  const tx = m.nic.tx;
  let freed = 0;
  while (tx.used > 0 && tx.state[tx.tail] === 2) {
    touch(m, 'txslot', tx.tail);
    tx.state[tx.tail] = 0;
    tx.segs[tx.tail] = null;
    tx.tail = (tx.tail + 1) % tx.size;
    tx.used--;
    freed++;
  }
  // The qdisc's waiting frames take the freed slots (qdisc_run on the TX softirq's way out).
  let refilled = 0;
  const first = tx.head;
  while (m.nic.qdisc.length > 0 && tx.used < tx.size) {
    txPlace(m, m.nic.qdisc.shift()!);
    refilled++;
  }
  emit(m, {
    layer: 'nic',
    kind: 'irq',
    ring: 'tx',
    text: () =>
      `Hard IRQ: eth0 reports TX completion; the driver frees ${freed} sent descriptor${freed === 1 ? '' : 's'}` +
      (refilled > 0
        ? ` and ${refilled} frame${refilled === 1 ? '' : 's'} waiting in the qdisc take${refilled === 1 ? 's' : ''} the freed slots`
        : '') +
      ` (${tx.used}/${tx.size} in use).`,
    fn: 'napi_consume_skb — net/core/skbuff.c',
  });
  for (let i = 0; i < refilled; i++) txSchedule(m, (first + i) % tx.size);
}

/**
 * napi_poll (net/core/dev.c) for one frame: the NET_RX softirq takes the next filled RX slot and runs
 * it up the stack (netif_receive_skb → ip_rcv → tcp_v4_rcv).
 */
export function napiPoll(m: Machine): void {
  const rx = m.nic.rx;
  if (rx.used > 0 && rx.state[rx.tail] === 2) {
    if (m.nic.polled >= m.p.napiWeight) {
      touch(m, 'nic', 0);
      m.nic.polled = 0;
      emit(m, {
        layer: 'kernel',
        kind: 'softirq',
        text: () =>
          `NET_RX softirq: this poll used its weight of ${m.p.napiWeight} frames; net_rx_action puts the device back on the poll list and starts another round.`,
        fn: 'net_rx_action — net/core/dev.c',
      });
      schedule(m, COST.napiFrame, 'napi');
      return;
    }
    const slot = rx.tail;
    const seg = rx.segs[slot]!;
    touch(m, 'nic', 0);
    touch(m, 'rxslot', slot);
    touch(m, 'stats', 0);
    m.stats.framesDelivered++;
    rx.state[slot] = 0;
    rx.segs[slot] = null;
    rx.tail = (rx.tail + 1) % rx.size;
    rx.used--;
    m.nic.polled++;
    emit(m, {
      layer: 'kernel',
      kind: 'softirq',
      slot,
      conn: seg.conn,
      text: () =>
        `NET_RX softirq: napi_poll takes the frame from RX slot ${slot} (${m.nic.polled}/${m.p.napiWeight} of this poll) and passes it up: netif_receive_skb → ip_rcv → tcp_v4_rcv.`,
      fn: 'napi_poll — net/core/dev.c',
    });
    // The poll goes on to the next frame because of this one (its cause), whatever the stack does with it.
    schedule(m, COST.napiFrame, 'napi');
    tcpV4Rcv(m, seg);
    return;
  }
  touch(m, 'nic', 0);
  m.nic.napi = false;
  emit(m, {
    layer: 'kernel',
    kind: 'softirq',
    text: () =>
      `NET_RX softirq: the RX ring has no more completed frames; napi_complete_done re-enables eth0's interrupts.`,
    fn: 'napi_complete_done — net/core/dev.c',
  });
  if (rx.used > 0 && rx.state[rx.tail] === 2 && !m.nic.rxIrqPending) {
    m.nic.rxIrqPending = true;
    schedule(m, m.p.irqDelay, 'irq', 0);
  }
}

/** e1000_xmit_frame (the driver's ndo_start_xmit): the frame takes the TX slot at the ring's head. */
function txPlace(m: Machine, seg: Seg): void {
  const tx = m.nic.tx;
  const slot = tx.head;
  touch(m, 'nic', 0);
  touch(m, 'txslot', slot);
  tx.state[slot] = 1;
  tx.segs[slot] = seg;
  tx.head = (tx.head + 1) % tx.size;
  tx.used++;
}

/** The NIC puts the frame in `slot` on the wire once the frames before it are out (after the record that placed it). */
function txSchedule(m: Machine, slot: number): void {
  const seg = m.nic.tx.segs[slot]!;
  const start = Math.max(m.now, m.nic.txBusyUntil);
  const done = start + Math.round((seg.len + 54) * COST.wirePerByteNs) + 200;
  m.nic.txBusyUntil = done;
  schedule(m, done - m.now, 'nic.xmit', slot);
}

/** dev_queue_xmit → the driver's ndo_start_xmit: the frame goes into a TX slot (or waits in the qdisc). */
export function nicTxEnqueue(m: Machine, seg: Seg): void {
  const tx = m.nic.tx;
  if (tx.used === tx.size) {
    m.nic.qdisc.push(seg);
    emit(m, {
      layer: 'nic',
      kind: 'nic.tx',
      ring: 'tx',
      conn: seg.conn,
      text: () =>
        `The TX ring is full (${tx.size}/${tx.size}); the frame waits in the qdisc (${m.nic.qdisc.length} queued).`,
      fn: 'dev_queue_xmit — net/core/dev.c',
    });
    return;
  }
  const slot = tx.head;
  txPlace(m, seg);
  emit(m, {
    layer: 'nic',
    kind: 'nic.tx',
    ring: 'tx',
    slot,
    conn: seg.conn,
    bytes: seg.len,
    text: () =>
      `dev_queue_xmit: the driver places the frame (${segSummary(seg)}) in TX slot ${slot} and rings the NIC's doorbell.`,
    fn: 'dev_queue_xmit — net/core/dev.c',
  });
  txSchedule(m, slot);
}

/** The NIC has serialised the frame in `slot` onto the wire. */
export function nicXmit(m: Machine, slot: number): void {
  const tx = m.nic.tx;
  const seg = tx.segs[slot]!;
  touch(m, 'txslot', slot);
  touch(m, 'stats', 0);
  tx.state[slot] = 2;
  m.stats.framesSent++;
  const lost = faultDrops(m, seg);
  emit(m, {
    layer: 'wire',
    kind: 'wire.tx',
    slot,
    conn: seg.conn,
    bytes: seg.len,
    flags: flagNames(seg.flags),
    text: () =>
      `eth0 sends the frame from TX slot ${slot} onto the wire to ${peerOf(m, seg)}: ${segSummary(seg)}.`,
    fn: FN_HW_TX,
  });
  const c = m.clients[seg.conn - 1];
  if (lost) {
    touch(m, 'stats', 0);
    m.stats.framesDropped++;
    emit(m, {
      layer: 'wire',
      kind: 'wire.tx',
      conn: seg.conn,
      text: () => `The network ${lost}: the frame never reaches the client.`,
      fn: FN_NET_LOSS,
    });
  } else schedule(m, c ? c.latency : 10_000, 'client.arrive', seg.conn, 0, 0, seg);
  if (!m.nic.txIrqPending) {
    m.nic.txIrqPending = true;
    schedule(m, COST.txDone, 'irq', 1);
  }
}

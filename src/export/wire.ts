/**
 * The server's wire as a list of frames: what a capture on eth0 would see, both directions, each frame
 * with the debugger's step numbers as comments. pcapng.ts and pcap.ts write this list.
 *
 * A frame's first comment is its own step: `netflow step N: <sentence>` (`wire.rx` for a frame that
 * arrives at eth0, `wire.tx` for one eth0 sends). Steps the frame then causes follow as more comments:
 * an RX-ring drop (`nic.drop`, same event), and what the kernel did with it when NAPI polled its RX slot
 * (`tcp.rx`, `tcp.drop`, `tcp.state`, `sock.queue`, `epoll.ready`: the handshake completing, the accept
 * queue, a drop by TCP), so `frame.comment contains "accept"` finds the ACK that filled the accept
 * queue. A frame the network loses after eth0 sent it gets that step too.
 */
import type { Machine } from '../sim/machine.js';
import type { TraceRecord } from '../sim/trace.js';
import type { Tapped, Visitor } from './capture.js';
import { frameBytes } from './frame.js';
import type { Scope } from './scope.js';

export interface WireFrame {
  t_ns: number;
  step: number;
  conn: number;
  bytes: Uint8Array;
  comments: string[];
}

/** Kernel records that tell what became of a received frame (see the file comment). */
const CAUSED = new Set(['tcp.rx', 'tcp.drop', 'tcp.state', 'sock.queue', 'epoll.ready', 'nic.drop']);

export function stepComment(r: TraceRecord): string {
  return `netflow step ${r.step}: ${r.text}`;
}

/** Collects the frames in scope; `frames` is complete after `finish`. */
export class WireCollector implements Visitor {
  readonly frames: WireFrame[] = [];
  /** RX slot → the frame DMA'd into it, until NAPI takes it. */
  private readonly inSlot: (WireFrame | undefined)[] = [];
  /** IPv4 identification counter per sending address. */
  private readonly ipId = new Map<string, number>();
  private serverPort = 0;

  constructor(private readonly scope: Scope) {}

  event(t: Tapped, m: Machine): void {
    let current: WireFrame | undefined;
    for (const r of t.recs) {
      const keep = this.scope.keeps(r);
      if ((r.kind === 'wire.rx' || r.kind === 'wire.tx') && t.seg && r.bytes !== undefined && !current) {
        current = keep ? this.frame(r, t, m) : undefined;
        if (current && r.kind === 'wire.rx' && t.rxSlot !== undefined) this.inSlot[t.rxSlot] = current;
        continue;
      }
      if (r.kind === 'softirq' && r.slot !== undefined) {
        current = this.inSlot[r.slot];
        this.inSlot[r.slot] = undefined;
        continue;
      }
      if (current && keep && (CAUSED.has(r.kind) || r.kind === 'wire.tx'))
        current.comments.push(stepComment(r));
      if (r.kind === 'nic.drop' && t.rxSlot !== undefined) this.inSlot[t.rxSlot] = undefined;
    }
  }

  private frame(r: TraceRecord, t: Tapped, m: Machine): WireFrame {
    const seg = t.seg!;
    const c = m.clients[seg.conn - 1];
    if (this.serverPort === 0) this.serverPort = listenPort(m);
    const clientIp = c?.addr ?? '10.0.0.254';
    const sender = seg.toServer ? clientIp : 'server';
    const id = (this.ipId.get(sender) ?? 0) + 1;
    this.ipId.set(sender, id);
    const f: WireFrame = {
      t_ns: r.t_ns,
      step: r.step,
      conn: seg.conn,
      bytes: frameBytes(seg, {
        clientIp,
        clientPort: c?.port ?? 40000 + seg.conn,
        serverPort: this.serverPort,
        ipId: id,
      }),
      comments: [stepComment(r)],
    };
    this.frames.push(f);
    return f;
  }

  finish(): void {}
}

/** The port the server listens on (`server.listen`, default :3000). */
export function listenPort(m: Machine): number {
  return Number((m.sc.server?.listen ?? ':3000').split(':').pop()) || 3000;
}

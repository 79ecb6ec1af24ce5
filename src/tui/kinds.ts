/**
 * One sentence per trace kind on what this kind of event is and why it matters: the narration pane
 * shows it under the record's own sentence (which says what happened this time).
 */
import type { Kind } from '../sim/trace.js';

/** Partial so a kind added to the simulation does not break the build; a test lists the gaps. */
export const KIND_ABOUT: Partial<Record<Kind, string>> = {
  'wire.rx': 'A frame reaches the server’s network card from the wire; nothing on the host has seen it yet.',
  'wire.tx': 'A frame leaves the server’s network card onto the wire, towards the client.',
  'nic.dma':
    'The card copies the frame into host memory by DMA, without the CPU, and marks the ring descriptor done.',
  'nic.tx':
    'The driver puts an outgoing frame in a TX ring slot; the card will send it and report completion.',
  'nic.drop':
    'The RX ring had no free descriptor, so the card dropped the frame: the sender has to retransmit.',
  irq: 'A hard interrupt stops the CPU briefly: the card reports frames received, or frames sent whose descriptors can be freed.',
  softirq:
    'The NET_RX softirq polls the ring outside interrupt context, a budget of frames at a time, and feeds them to IP and TCP.',
  'tcp.rx': 'TCP processes an incoming segment for a socket: handshake, data, ACK or FIN.',
  'tcp.tx': 'TCP builds an outgoing segment: SYN-ACK, data, ACK or FIN.',
  'tcp.state': 'A socket moves along the TCP state machine (include/net/tcp_states.h).',
  'tcp.drop': 'TCP discarded a segment, for example because a queue was full.',
  'sock.queue':
    'Bytes or a whole connection join a socket queue, where a process can pick them up with read or accept.',
  'epoll.ready':
    'The socket became ready, so epoll puts its fd on the ready list and wakes a thread blocked in epoll_pwait.',
  syscall:
    'A system call: the program asks the kernel; its return value (or errno) decides what Go does next.',
  netpoll:
    'The Go runtime’s netpoller asks epoll which fds are ready and makes the goroutines parked on them runnable.',
  'go.create':
    'A new goroutine is made (the `go` statement) and queued on the current P, usually in runnext.',
  'go.run': 'The scheduler picks a goroutine and runs it on an M (an OS thread) holding a P.',
  'go.park': 'A goroutine parks (gopark): it gives up its M and P until something readies it again.',
  'go.ready': 'A parked goroutine becomes runnable (goready) and is queued on a P to run soon.',
  'go.exit': 'A goroutine returns from its function and is put back on the free list.',
  'sched.steal': 'An idle P steals half of another P’s run queue so no CPU sits idle while work waits.',
  'sched.global':
    'A goroutine moves through the global run queue, shared by all Ps, checked every 61 schedule ticks.',
  'sched.m':
    'An M (OS thread) changes what it is doing: running, spinning, in a syscall, in netpoll, or asleep.',
  'proc.start': 'The server process starts: the kernel sets up its fd table and the Go runtime boots.',
  'proc.exit': 'The server process exits; the kernel closes its fds.',
  'mux.register': 'A handler is registered on the ServeMux for a pattern.',
  'http.request': 'net/http parsed a request from the connection’s bytes.',
  'http.conn':
    'net/http moves a connection along its life: new, active, idle, hijacked or closed (ConnState).',
  'mux.match': 'The ServeMux picks the handler whose pattern matches the request best.',
  handler: 'The application’s handler runs for this request.',
  'http.response':
    'net/http writes the response: status line, headers and body, through write on the socket.',
  'client.send': 'The client host sends bytes towards the server.',
  'client.recv': 'The client host receives bytes from the server.',
  'client.done': 'The client finished with this connection.',
};

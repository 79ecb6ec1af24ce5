/** A slow reader: the client's window closes, the server's write stalls, a window update resumes it. */
import { describe, expect, it } from 'vitest';
import { builtin, runAll } from './helpers.js';

describe('slow-reader', () => {
  const { records, m } = runAll(builtin('slow-reader'), { invariants: true });

  it('the client advertises a zero window while its application has not read', () => {
    expect(records.some((r) => r.kind === 'client.send' && r.text.includes('win 0'))).toBe(true);
  });

  it('the server write fails with EAGAIN and c.serve parks on write until the window reopens', () => {
    const eagain = records.findIndex((r) => r.syscall === 'write' && r.errno === 'EAGAIN');
    const park = records.findIndex((r, i) => i > eagain && r.kind === 'go.park' && r.reason === 'write');
    const update = records.findIndex((r, i) => i > park && r.text.includes('window update from the client'));
    const wake = records.findIndex((r, i) => i > update && r.kind === 'go.ready' && r.reason === 'write');
    expect(eagain).toBeGreaterThan(0);
    expect(park).toBeGreaterThan(eagain);
    expect(update).toBeGreaterThan(park);
    expect(wake).toBeGreaterThan(update);
    expect(records[update].t_ns - records[park].t_ns).toBeGreaterThan(15_000_000);
  });

  it('still delivers the whole 256 KiB body', () => {
    expect(m.clients[0].statuses).toEqual([200]);
    expect(m.clients[0].bodies).toEqual([`<${256 * 1024} bytes>`]);
  });
});

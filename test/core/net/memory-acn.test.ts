import { describe, expect, it } from 'vitest';
import { MemoryNetwork, memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { FakeClock, makeIdentity, scheduler, settle } from '../tapir/helpers.js';

describe('MemoryNetwork', () => {
  it('listens and dials by onion; unknown onions and double listens are refused', async () => {
    const net = new MemoryNetwork({ scheduler });
    const a = net.acn();
    const id = makeIdentity();
    const l = await a.listen(id.seed, id.onion);
    await expect(net.acn().listen(id.seed, id.onion)).rejects.toMatchObject({ code: 'acn.in-use' });
    const got: Uint8Array[] = [];
    l.onStream((s) => s.onData((c) => got.push(c)));
    const s = await net.acn().dial(id.onion);
    s.write(Uint8Array.of(1, 2, 3));
    await settle();
    expect(got).toEqual([Uint8Array.of(1, 2, 3)]);
    await l.close();
    await expect(net.acn().dial(id.onion)).rejects.toMatchObject({ code: 'acn.unreachable' });
  });

  it('chunks writes, copies them, and delivers before a close (FIN semantics)', async () => {
    const [a, b] = memoryStreamPair({ scheduler, chunkSize: 2 });
    const chunks: number[][] = [];
    let closed = false;
    b.onData((c) => chunks.push([...c]));
    b.onClose(() => (closed = true));
    const buf = Uint8Array.of(1, 2, 3, 4, 5);
    a.write(buf);
    buf.fill(0);
    a.close();
    expect(a.write(Uint8Array.of(9))).toBe(false);
    await settle(10);
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
    expect(closed && b.closed).toBe(true);
  });

  it('pause holds data until resume; latency runs on the injected clock', async () => {
    const clock = new FakeClock();
    const [a, b] = memoryStreamPair({ scheduler, latency: { clock, ms: 50 } });
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    b.pause!();
    a.write(Uint8Array.of(7));
    clock.advance(50);
    await settle();
    expect(got).toEqual([]);
    b.resume!();
    clock.advance(49);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got).toEqual([7]);
  });
});

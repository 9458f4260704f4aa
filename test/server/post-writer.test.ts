// The worker writer runs the compiled worker (dist/, built by `npm test` before vitest): vitest cannot start a .ts
// worker. The same writer is what cwtch-server uses, so test/server/cli.test.ts's kill -9 test also covers it.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageStore } from '../../src/server/message-store.js';
import { WorkerPostWriter, syncPostWriter, type PostWriter } from '../../src/server/post-writer.js';
import { random, tempDir } from './helpers.js';

const workerUrl = new URL('../../dist/src/server/post-writer-worker.js', import.meta.url);
const post = (tokenT = random.bytes(32)) => ({ tokenT, signature: random.bytes(64), ciphertext: random.bytes(4500), windowEnd: 3600 });

describe.runIf(existsSync(workerUrl))('WorkerPostWriter', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function setup(maxMessages = 0): { store: MessageStore; writer: PostWriter; path: string } {
    const t = tempDir('cwtch-post-writer-');
    const path = join(t.dir, 'messages');
    const store = new MessageStore(path, maxMessages);
    const writer = new WorkerPostWriter({ path, maxMessages }, workerUrl);
    cleanups.push(t.cleanup, () => store.close(), () => writer.close());
    return { store, writer, path };
  }

  it('commits durably: what it acknowledged is readable on the main connection and after reopening', async () => {
    const { store, writer, path } = setup();
    const batch = [post(), post(), post()];
    expect(await writer.commit(batch)).toEqual([true, true, true]);
    expect(store.count()).toBe(3);
    expect(store.rows(1, 3, 10).map((r) => r.ciphertext)).toEqual(batch.map((p) => p.ciphertext));
    await writer.close();
    const again = new MessageStore(path);
    cleanups.push(() => again.close());
    expect(again.count()).toBe(3);
    expect(batch.every((p) => again.isSpent(p.tokenT))).toBe(true);
  });

  it('answers the same as the synchronous writer: double spends within a batch and across batches are refused', async () => {
    const a = setup();
    const b = setup();
    const t1 = random.bytes(32);
    const t2 = random.bytes(32);
    const batches = [[post(t1), post(t1), post(t2)], [post(t2), post()]];
    const sync = syncPostWriter(b.store);
    for (const batch of batches) expect(await a.writer.commit(batch)).toEqual(await sync.commit(batch));
    expect(a.store.count()).toBe(3);
  });

  it('keeps several commits in flight in order, prunes as the store does, and close waits for them', async () => {
    const { store, writer } = setup(10);
    const runs = Array.from({ length: 5 }, () => writer.commit(Array.from({ length: 4 }, () => post())));
    await writer.close();
    for (const r of runs) expect(await r).toEqual([true, true, true, true]);
    // 20 posts with a cap of 10: Go's rule drops (n − cap) + cap/10 when over.
    expect(store.count()).toBeLessThanOrEqual(10);
  });

  it('if the worker dies on its own (here: cannot open its store), later batches are committed on the fallback store', async () => {
    const t = tempDir('cwtch-post-writer-');
    const path = join(t.dir, 'messages');
    const store = new MessageStore(path);
    const writer = new WorkerPostWriter({ path: join(t.dir, 'missing', 'messages'), maxMessages: 0 }, workerUrl, store);
    cleanups.push(t.cleanup, () => store.close(), () => writer.close());
    // The batch in flight when it died is never acknowledged.
    await expect(writer.commit([post()])).rejects.toMatchObject({ code: 'server.store-write' });
    const batch = [post(), post()];
    expect(await writer.commit(batch)).toEqual([true, true]);
    expect(await writer.commit([post(batch[0]!.tokenT)])).toEqual([false]);
    await writer.close();
    await expect(writer.commit([post()])).rejects.toMatchObject({ code: 'server.store-write' });
    const again = new MessageStore(path);
    cleanups.push(() => again.close());
    expect(again.count()).toBe(2);
    expect(batch.every((p) => again.isSpent(p.tokenT))).toBe(true);
  });

  it('after the worker stopped, commits are refused (never acknowledged)', async () => {
    const { writer } = setup();
    await writer.close();
    await expect(writer.commit([post()])).rejects.toMatchObject({ code: 'server.store-write' });
  });
});

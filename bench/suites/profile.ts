// Profile storage numbers: unlock latency (KDF + open + first read), durable receive rate (one commit and
// fsync per message, as on receive), and loading the newest 200 messages of a 100k-message conversation.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodePbkdf2, nodeRandom } from '../../src/app/platform/node-platform.js';
import { ProfileStore } from '../../src/profile/profile-store.js';
import { percentile, type BenchResult, type BenchSuite } from '../harness.js';

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

const suite: BenchSuite = async ({ quick }) => {
  const home = mkdtempSync(join(tmpdir(), 'cwtch-bench-profile-'));
  const store = new ProfileStore({ pbkdf2: nodePbkdf2, random: nodeRandom });
  const results: BenchResult[] = [];
  try {
    const created = store.createProfile(home, { name: 'bench', password: 'bench password' });
    const conv = created.db.createConversation({ kind: 'contact', handle: 'peer' });
    created.lock();

    const unlocks: number[] = [];
    for (let i = 0; i < (quick ? 5 : 20); i++) {
      const t0 = performance.now();
      const { opened } = store.unlockProfiles(home, 'bench password');
      opened[0]!.db.getAttribute('public.profile.name');
      unlocks.push(performance.now() - t0);
      opened[0]!.lock();
    }
    results.push({ name: 'profile unlock', value: median(unlocks), unit: 'ms', note: 'median: PBKDF2-SHA3-512 ×4096 + open + first read' });

    const p = store.unlockProfiles(home, 'bench password').opened[0]!;
    const n = quick ? 200 : 1000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      p.db.insertMessage({ conversation: conv.id, direction: 'in', sender: 'peer', body: `message ${i} ${'x'.repeat(100)}`, receivedAt: i, protocolId: `b${i}` });
    }
    results.push({ name: 'profile message insert', value: (n * 1000) / (performance.now() - t0), unit: 'msgs/s', note: 'one durable commit per message (WAL, synchronous=FULL)' });

    // Fill to 100k (one big transaction: setup, not measured), with another conversation interleaved.
    const total = 100_000;
    const other = p.db.createConversation({ kind: 'contact', handle: 'other' });
    const fill = p.connection.prepare(
      "INSERT INTO messages (conversation, direction, sender, body, received_at, ack) VALUES (?, 'in', 'peer', ?, ?, 'acknowledged')",
    );
    p.connection.transaction(() => {
      for (let i = n; i < total; i++) {
        fill.run(conv.id, `filler ${i} ${'y'.repeat(80)}`, i);
        if (!quick && i % 4 === 0) fill.run(other.id, `other ${i}`, i);
      }
    })();
    const loads: number[] = [];
    for (let i = 0; i < (quick ? 10 : 50); i++) {
      const t1 = performance.now();
      const page = p.db.messagesPage(conv.id, undefined, 200);
      loads.push(performance.now() - t1);
      if (page.length !== 200) throw new Error('short page');
    }
    results.push({ name: 'profile load newest 200 of 100k', value: median(loads), unit: 'ms', note: 'median, (conversation, id) index' });
    p.lock();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  return results;
};

export default suite;

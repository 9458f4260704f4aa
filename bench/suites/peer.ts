// Peer messaging on the local network (127.0.0.1, no tor) between two engines with durable SQLCipher storage:
// round trip send → ack (p50/p99), and sustained messages/s until every message is acknowledged.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/core/api/events.js';
import { Engine } from '../../src/app/engine/engine.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { percentile, type BenchResult, type BenchSuite } from '../harness.js';

function engine(root: string, name: string): Engine {
  return new Engine({
    backend: sodiumNativeBackend,
    pbkdf2: nodePbkdf2,
    random: nodeRandom,
    clock: systemClock,
    acn: localAcn(join(root, 'net')),
    home: join(root, name),
    log: () => {},
  });
}

function next(e: Engine, pred: (x: EngineEvent) => boolean): Promise<EngineEvent> {
  return new Promise((resolve) => {
    const off = e.subscribe((x) => {
      if (pred(x)) {
        off();
        resolve(x);
      }
    });
  });
}

const suite: BenchSuite = async ({ quick }) => {
  const root = mkdtempSync(join(tmpdir(), 'cwtch-bench-peer-'));
  const a = engine(root, 'a');
  const b = engine(root, 'b');
  try {
    const pa = next(a, (x) => x.event === 'profile');
    const pb = next(b, (x) => x.event === 'profile');
    a.command({ cmd: 'create-profile', name: 'a', password: '' });
    b.command({ cmd: 'create-profile', name: 'b', password: '' });
    const oa = ((await pa) as { onion: string }).onion;
    const ob = ((await pb) as { onion: string }).onion;
    // One side dials and the other accepts the request, so the timing is not of a simultaneous-dial race.
    const request = next(b, (x) => x.event === 'contact' && x.authorization === 'unknown');
    a.command({ cmd: 'add', text: ob });
    await request;
    b.command({ cmd: 'accept', onion: oa });
    await b.idle();

    const rounds = quick ? 40 : 300;
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const acked = next(a, (x) => x.event === 'ack');
      a.command({ cmd: 'send', to: ob, text: `ping ${i}` });
      await acked;
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const results: BenchResult[] = [
      { name: 'peer round trip p50 (send → ack, local net)', value: percentile(times, 50), unit: 'ms', note: `${rounds} messages, durable storage both sides` },
      { name: 'peer round trip p99 (send → ack, local net)', value: percentile(times, 99), unit: 'ms' },
    ];

    const n = quick ? 300 : 2000;
    let acks = 0;
    const all = new Promise<void>((resolve) => {
      const off = a.subscribe((x) => {
        if (x.event === 'ack' && ++acks === n) {
          off();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    for (let i = 0; i < n; i++) a.command({ cmd: 'send', to: ob, text: `message ${i} of a sustained run` });
    await all;
    const secs = (performance.now() - t0) / 1000;
    results.push({ name: 'peer sustained messages (until all acked)', value: n / secs, unit: 'msgs/s', note: `${n} messages; outbox + message row committed per send, row committed per receive` });
    return results;
  } finally {
    await a.close();
    await b.close();
    rmSync(root, { recursive: true, force: true });
  }
};

export default suite;

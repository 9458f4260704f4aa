// Tor on the private test network (shared/tools/tornet.sh): bootstrap time of an app-owned tor, and
// time from ADD_ONION to the first successful connection from another tor. Skipped (with a note)
// only here in bench when tor is missing; the tests never skip under CI.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onionFromPublicKey } from '../../src/core/crypto/onion.js';
import { ed25519PublicKey } from '../../src/tor/control-port.js';
import { findTor } from '../../src/tor/find-tor.js';
import { TorAcn } from '../../src/tor/tor-acn.js';
import { startTornet } from '../../test/tor/tornet.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const suite: BenchSuite = async (opts) => {
  try {
    await findTor();
  } catch {
    return [{ name: 'tor bootstrap', value: NaN, unit: 's', note: 'skipped: no tor binary (apt-get install -y --no-install-recommends tor)' }];
  }
  const rounds = opts.quick ? 1 : 3;
  const net = await startTornet();
  const work = await mkdtemp(join(tmpdir(), 'bench-tor-'));
  const results: BenchResult[] = [];
  try {
    const boot: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const [a, b] = await Promise.all([
        TorAcn.start({ dir: join(work, `a${i}`), extraTorrc: net.torrcNetwork }),
        TorAcn.start({ dir: join(work, `b${i}`), extraTorrc: net.torrcNetwork }),
      ]);
      try {
        await a.waitUntilReady(60_000);
        boot.push((performance.now() - t0) / 1000);
        await b.waitUntilReady(60_000);
        const seed = new Uint8Array(randomBytes(32));
        const onion = onionFromPublicKey(ed25519PublicKey(seed));
        const t1 = performance.now();
        const l = await a.listen(seed, onion);
        const s = await b.dial(onion);
        first.push((performance.now() - t1) / 1000);
        s.close();
        await l.close();
      } finally {
        await a.close();
        await b.close();
      }
    }
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    results.push({ name: 'tor bootstrap', value: mean(boot), unit: 's', note: `start to 100 % on the private network, mean of ${rounds}; tor.md: ~3 s` });
    results.push({
      name: 'tor onion first connection',
      value: mean(first),
      unit: 's',
      note: `ADD_ONION to first successful remote connection (with 0xF0 retries), mean of ${rounds}; tor.md: 1.4–2.8 s`,
    });
  } finally {
    await net.stop();
    await rm(work, { recursive: true, force: true });
  }
  return results;
};

export default suite;

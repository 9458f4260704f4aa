// The two-profile exchange over real tor on the private test network (scripts/tornet.sh): each headless
// process runs its own tor with `--tor-config` holding the network's %include. Under CI=true a missing tor fails.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTornet, torAvailable, type Tornet } from '../tor/tornet.js';
import { HeadlessProc } from './helpers/headless-proc.js';

const haveTor = torAvailable();

describe.skipIf(!haveTor)('two profiles over tor on the private network', () => {
  let net: Tornet;
  let root: string;
  const procs: HeadlessProc[] = [];

  beforeAll(async () => {
    net = await startTornet();
    root = mkdtempSync(join(tmpdir(), 'cwtch-tor-peers-'));
    writeFileSync(join(root, 'torrc.extra'), net.torrcNetwork);
  });

  afterAll(async () => {
    for (const p of procs) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await net?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const start = (home: string): HeadlessProc => {
    const p = new HeadlessProc(['--network', 'tor', '--tor-config', join(root, 'torrc.extra'), '--home', join(root, home)]);
    procs.push(p);
    return p;
  };

  it('add, accept, messages both ways with acks', async () => {
    const a = start('a');
    const b = start('b');
    await Promise.all([a, b].map((p) => p.waitFor((e) => e.event === 'tor' && e.state === 'ready', 120_000, 'tor ready')));
    const [ea, eb] = await Promise.all([
      a.call({ cmd: 'create-profile', name: 'alice', password: '' }, 'profile', 90_000),
      b.call({ cmd: 'create-profile', name: 'bob', password: '' }, 'profile', 90_000),
    ]);
    const oa = ea.onion as string;
    const ob = eb.onion as string;
    expect(ea.defaultPassword).toBe(true);
    await a.call({ cmd: 'add', text: ob }, 'contact');
    const m1 = await a.call({ cmd: 'send', to: ob, text: 'over tor' }, 'message');
    await b.waitFor((e) => e.event === 'message' && e.from === oa && e.text === 'over tor', 120_000, 'message at bob');
    await a.waitFor((e) => e.event === 'ack' && e.messageId === m1.messageId, 60_000, 'ack at alice');
    await b.call({ cmd: 'accept', onion: oa }, 'contact');
    const m2 = await b.call({ cmd: 'send', to: oa, text: 'and back' }, 'message');
    await a.waitFor((e) => e.event === 'message' && e.from === ob && e.text === 'and back', 120_000, 'message at alice');
    await b.waitFor((e) => e.event === 'ack' && e.messageId === m2.messageId, 60_000, 'ack at bob');
    expect(await a.quit()).toBe(0);
    expect(await b.quit()).toBe(0);
  }, 400_000);
});

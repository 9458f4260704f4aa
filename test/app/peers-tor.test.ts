// Over real tor on the private test network (scripts/tornet.sh), one network for both cases: the two-profile
// exchange, then a gap repaired from a member (a cwtch-server process that withholds one of bob's posts from carol:
// the test deletes it from the server's store, as a hostile operator would). Each process runs its own tor with
// `--tor-config` holding the network's %include. Under CI=true a missing tor fails.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/core/bytes.js';
import { MESSAGES_DB_FILE } from '../../src/server/server.js';
import { startTornet, torAvailable, type Tornet } from '../tor/tornet.js';
import { HeadlessProc } from './helpers/headless-proc.js';
import { SERVER_BIN } from './helpers/server-proc.js';

const haveTor = torAvailable();

describe.skipIf(!haveTor)('two profiles over tor on the private network', () => {
  let net: Tornet;
  let root: string;
  const procs: HeadlessProc[] = [];
  let serverPid: number | null = null;

  beforeAll(async () => {
    net = await startTornet();
    root = mkdtempSync(join(tmpdir(), 'cwtch-tor-peers-'));
    writeFileSync(join(root, 'torrc.extra'), net.torrcNetwork);
  });

  afterAll(async () => {
    for (const pid of [...procs.map((p) => p.pid), ...(serverPid === null ? [] : [serverPid])]) {
      try {
        process.kill(pid, 'SIGKILL');
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

  it('a withheld post is repaired from a member over tor', async () => {
    const dataDir = join(root, 'server');
    const server = spawn(process.execPath, [SERVER_BIN, '--data-dir', dataDir, '--network', 'tor', '--tor-config', join(root, 'torrc.extra')], { stdio: ['ignore', 'pipe', 'pipe'] });
    serverPid = server.pid!;
    const bundle = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout }).once('line', (l) => resolve(l.trim()));
      server.once('exit', (code) => reject(new Error(`cwtch-server exited ${String(code)}`)));
    });
    const bob = start('bob');
    const carol = start('carol');
    await Promise.all([bob, carol].map((p) => p.waitFor((e) => e.event === 'tor' && e.state === 'ready', 120_000, 'tor ready')));
    const ob = (await bob.call({ cmd: 'create-profile', name: 'bob', password: '' }, 'profile', 90_000)).onion as string;
    const oc = (await carol.call({ cmd: 'create-profile', name: 'carol', password: '' }, 'profile', 90_000)).onion as string;
    await bob.call({ cmd: 'add', text: oc }, 'contact');
    await carol.call({ cmd: 'add', text: ob }, 'contact');
    await carol.waitFor((e) => e.event === 'peer-state' && e.onion === ob && e.state === 'Authenticated', 180_000, 'peers up');

    const g = await bob.call({ cmd: 'create-group', server: bundle, name: 'over tor' }, 'group', 60_000);
    const synced = (p: HeadlessProc) => p.waitFor((e) => e.event === 'server-state' && e.server === g.server && e.state === 'Synced', 180_000, 'synced');
    await synced(bob);
    await carol.call({ cmd: 'add', text: g.invite }, 'group', 60_000);
    await synced(carol);
    const post = async (text: string): Promise<string> => {
      const m = await bob.call({ cmd: 'send', to: g.groupId, text }, 'message');
      await bob.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 120_000, `ack of ${text}`);
      return m.messageId as string;
    };
    await post('hello');
    await carol.waitFor((e) => e.event === 'message' && e.text === 'hello', 120_000, 'hello at carol');

    await carol.call({ cmd: 'lowbw', on: true }, 'lowbw');
    await post('one');
    const two = await post('two');
    await post('three');
    const db = new Database(join(dataDir, MESSAGES_DB_FILE));
    try {
      expect(db.prepare('DELETE FROM messages WHERE signature = ?').run(Buffer.from(fromBase64(two)!)).changes).toBe(1);
    } finally {
      db.close();
    }

    await carol.call({ cmd: 'sync', server: g.server }, 'ok', 180_000);
    await carol.waitFor((e) => e.event === 'message' && e.text === 'three', 60_000, 'three at carol');
    const closed = await carol.waitFor((e) => e.event === 'gap-closed' && e.group === g.groupId, 180_000, 'gap repaired');
    expect(closed).toMatchObject({ closedBy: 'peer', from: ob });
    const h = await carol.history(g.groupId as string, 20);
    expect(h.map((m) => m.text)).toEqual(['hello', 'one', 'two', 'three']);
    expect(await bob.quit()).toBe(0);
    expect(await carol.quit()).toBe(0);
  }, 600_000);
});

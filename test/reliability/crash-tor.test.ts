// Crash campaign, tor variant: kill -9 of the tor process under a running client (found through its own
// control port, `GETINFO process/pid` — never by name) on the private tor network. The client's supervisor
// restarts tor and republishes the onion; the peer connection comes back without any command, and a message
// written while tor was dead is delivered exactly once. Under CI=true a missing tor fails (torAvailable).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlPort } from '../../src/tor/control-port.js';
import { torrcPaths } from '../../src/tor/torrc.js';
import { startTornet, torAvailable, type Tornet } from '../tor/tornet.js';
import { authenticated, duplicates, eventually, Peer } from './peers.js';

const haveTor = torAvailable();

/** The PID of the tor that a client started under `home`, asked of that tor itself. */
async function torPidOf(home: string): Promise<number> {
  const p = torrcPaths(join(home, 'tor'));
  const m = /PORT=127\.0\.0\.1:(\d+)/.exec(readFileSync(p.controlPortFile, 'utf8'));
  if (!m) throw new Error('no control port file');
  const cp = await ControlPort.connect('127.0.0.1', Number(m[1]));
  try {
    await cp.authenticate({ cookieFile: p.cookieFile });
    const pid = Number((await cp.getInfo('process/pid')).get('process/pid'));
    if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error('bad pid');
    return pid;
  } finally {
    cp.close();
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!haveTor)('kill -9 of the tor under a client', () => {
  let net: Tornet;
  let root: string;
  let a: Peer;
  let b: Peer;

  beforeAll(async () => {
    net = await startTornet();
    root = mkdtempSync(join(tmpdir(), 'cwtch-crash-tor-'));
    writeFileSync(join(root, 'torrc.extra'), net.torrcNetwork);
    const args = ['--network', 'tor', '--tor-config', join(root, 'torrc.extra')];
    a = new Peer('alice', join(root, 'alice'), args);
    b = new Peer('bob', join(root, 'bob'), args);
    await Promise.all([a.create(), b.create()]);
  }, 180_000);

  afterAll(async () => {
    a?.killNow();
    b?.killNow();
    await net?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('reconnects by itself and delivers what was queued while tor was dead, exactly once', async () => {
    await a.proc.call({ cmd: 'add', text: b.onion }, 'contact', 60_000);
    await b.proc.call({ cmd: 'add', text: a.onion }, 'contact', 60_000);
    await a.proc.waitFor(authenticated(b.onion), 120_000, 'alice ↔ bob over tor');
    await a.proc.call({ cmd: 'send', to: b.onion, text: 'before the crash' }, 'message', 30_000);
    await a.proc.waitFor((e) => e.event === 'ack', 60_000, 'first ack');

    const torPid = await torPidOf(join(root, 'alice'));
    const eventsBefore = a.proc.events.length;
    process.kill(torPid, 'SIGKILL');
    await eventually(async () => !alive(torPid), 10_000, 'tor gone');
    // Written while our tor is dead: it must wait in the outbox, then go out once.
    const queued = await a.proc.call({ cmd: 'send', to: b.onion, text: 'while tor was dead' }, 'message', 30_000);

    // The supervisor reports the crash and comes back to ready with a new tor; the contact reconnects.
    await a.proc.waitFor((e) => a.proc.events.indexOf(e) >= eventsBefore && e.event === 'tor' && e.state !== 'ready', 30_000, 'tor status after the crash');
    await a.proc.waitFor((e) => a.proc.events.indexOf(e) >= eventsBefore && e.event === 'tor' && e.state === 'ready', 120_000, 'tor ready again');
    await a.proc.waitFor((e) => e.event === 'ack' && e.messageId === queued.messageId, 180_000, 'ack of the queued message');
    const newPid = await torPidOf(join(root, 'alice'));
    expect(newPid).not.toBe(torPid);

    await a.proc.call({ cmd: 'send', to: b.onion, text: 'after the crash' }, 'message', 30_000);
    await eventually(async () => (await b.historyWith(a.onion)).some((m) => m.text === 'after the crash'), 120_000, 'bob has the last message');
    const texts = (await b.historyWith(a.onion)).map((m) => m.text);
    for (const t of ['before the crash', 'while tor was dead', 'after the crash']) expect(texts.filter((x) => x === t)).toHaveLength(1);
    expect(duplicates(texts)).toEqual([]);
  }, 420_000);
});

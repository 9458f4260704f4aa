// Pending group posts through a real engine and a real group server (in process, local network): a post made
// while the server is down stays pending across a restart and is delivered when the server is back; a pending-post
// setting with no message behind it (what an older version's crash left) is gone after the next unlock; leaving a
// group leaves none of its pending posts in the profile.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePbkdf2, nodeRandom } from '../../../src/app/platform/node-platform.js';
import { fromBase64, toHex } from '../../../src/core/bytes.js';
import { ProfileStore } from '../../../src/profile/profile-store.js';
import { realPeer, scratch } from '../../ui/helpers/real-engine.js';
import { realServer, type RealServer } from '../../ui/helpers/real-server.js';
import { Client } from './client.js';

const PREFIX = 'groups.post.';
const PASSWORD = 'a';

let dir: ReturnType<typeof scratch>;
let server: RealServer | null = null;
const peers: Client[] = [];

beforeAll(() => {
  dir = scratch('cwtch-pending-');
});
afterAll(async () => {
  for (const c of peers) await c.peer.close();
  await server?.close();
  dir.dispose();
});

async function startServer(): Promise<RealServer> {
  server = await realServer(dir.root, dir.net);
  return server;
}
async function stopServer(): Promise<void> {
  await server?.close();
  server = null;
}
function startAlice(): Client {
  const c = new Client(realPeer(dir.root, dir.net, 'alice'));
  peers.push(c);
  return c;
}
async function stop(c: Client): Promise<void> {
  peers.splice(peers.indexOf(c), 1);
  await c.peer.close();
}

/** Opens the (closed) profile with its own ProfileStore: runs `fn` on the files the engine left. */
function withProfile<T>(c: Client, fn: (p: ReturnType<ProfileStore['unlockProfiles']>['opened'][number]) => T): T {
  const p = new ProfileStore({ pbkdf2: nodePbkdf2, random: nodeRandom }).unlockProfiles(c.peer.home, PASSWORD).opened[0]!;
  try {
    return fn(p);
  } finally {
    p.lock();
  }
}
const pendingKeys = (c: Client): string[] =>
  withProfile(c, (p) => (p.connection.prepare('SELECT key FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key').all(PREFIX.length, PREFIX) as { key: string }[]).map((r) => r.key));
const keyOf = (messageId: string): string => PREFIX + toHex(fromBase64(messageId)!);

describe('pending group posts', () => {
  it('survive a restart and are delivered; orphans are swept at unlock; leave-group leaves none behind', async () => {
    const srv = await startServer();
    let alice = startAlice();
    await alice.call({ cmd: 'create-profile', name: 'alice', password: PASSWORD }, 'profile');
    const g1 = await alice.call({ cmd: 'create-group', server: srv.bundle, name: 'one' }, 'group');
    const g2 = await alice.call({ cmd: 'create-group', server: g1.server, name: 'two' }, 'group');
    await alice.waitFor((e) => e.event === 'server-state' && e.server === g1.server && e.state === 'Synced', 30_000, 'synced');

    // Server down: both posts stay pending (signed EGM setting + outbox row).
    await stopServer();
    const p1 = await alice.call({ cmd: 'send', to: g1.groupId, text: 'while down 1' }, 'message');
    const p2 = await alice.call({ cmd: 'send', to: g2.groupId, text: 'while down 2' }, 'message');
    expect(p1).toMatchObject({ ack: 'pending' });
    // Both wait, and say why: no connection.
    await alice.waitFor((e) => e.event === 'post-queue' && e.server === g1.server && e.queued === 2 && e.waiting === 'connecting', 10_000, 'post-queue connecting');
    await stop(alice);
    expect(pendingKeys(alice)).toEqual([keyOf(p1.messageId), keyOf(p2.messageId)].sort());

    // What an older version's crash between its two writes left: the setting, no message row.
    const orphan = PREFIX + toHex(new Uint8Array(64).fill(7));
    withProfile(alice, (p) => p.db.setSetting(orphan, Uint8Array.of(1, 2, 3)));

    // Restart with the server back: the orphan is swept at unlock, both real posts are delivered.
    await startServer();
    alice = startAlice();
    await alice.call({ cmd: 'unlock', password: PASSWORD }, 'profile');
    await alice.waitFor((e) => e.event === 'ack' && e.messageId === p1.messageId, 30_000, 'ack 1');
    await alice.waitFor((e) => e.event === 'ack' && e.messageId === p2.messageId, 30_000, 'ack 2');
    await alice.waitFor((e) => e.event === 'post-queue' && e.queued === 0 && e.waiting === null, 10_000, 'post-queue empty');
    await stop(alice);
    expect(pendingKeys(alice)).toEqual([]);

    // Server down again: a pending post in each group; leave group one while its post is pending.
    await stopServer();
    alice = startAlice();
    await alice.call({ cmd: 'unlock', password: PASSWORD }, 'profile');
    const q1 = await alice.call({ cmd: 'send', to: g1.groupId, text: 'pending at leave' }, 'message');
    const q2 = await alice.call({ cmd: 'send', to: g2.groupId, text: 'other group' }, 'message');
    await alice.call({ cmd: 'leave-group', group: g1.groupId }, 'group-left');
    await stop(alice);
    // Group one's pending post is gone; group two's is still there, and it is delivered once the server is back.
    expect(pendingKeys(alice)).toEqual([keyOf(q2.messageId)]);
    expect(keyOf(q1.messageId)).not.toBe(keyOf(q2.messageId));
    await startServer();
    alice = startAlice();
    await alice.call({ cmd: 'unlock', password: PASSWORD }, 'profile');
    await alice.waitFor((e) => e.event === 'ack' && e.messageId === q2.messageId, 30_000, 'ack after leave');
    expect(alice.events.some((e) => e.event === 'group' && e.groupId === g1.groupId)).toBe(false);
    await stop(alice);
    expect(pendingKeys(alice)).toEqual([]);
  }, 120_000);
});

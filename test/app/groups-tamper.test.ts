// A hostile member and a hostile invite against a real headless client, through the real server process: a
// message with a bad signature, a message for a group the client is not in, the same message posted twice, a
// message signed for another group, and an invite whose group id does not match its key — dropped or refused,
// never shown as valid. A valid message posted last proves the path works (and that the bad ones were processed
// first: the server delivers in order). Needs `npm run build`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIdentity } from '../../src/core/crypto/identity.js';
import { decodeServerBundle } from '../../src/core/groups/bundle.js';
import { buildGroupMessage, type GroupKeyInfo } from '../../src/core/groups/group-message.js';
import { decodeTofuBundle, groupIdFor, tofuBundleString, type GroupId } from '../../src/core/groups/invite.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { buyTokens } from '../../src/core/tapir/apps/token-app.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { bundleY, connectBoard } from '../server/helpers.js';
import { HeadlessProc, type Ev } from './helpers/headless-proc.js';
import { ServerProc } from './helpers/server-proc.js';

const backend = sodiumNativeBackend;
const deps = { backend, clock: systemClock, random: nodeRandom };
let root: string;
let proc: HeadlessProc | null = null;
let server: ServerProc | null = null;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cwtch-tamper-'));
});
afterAll(async () => {
  try {
    if (proc) process.kill(proc.pid, 'SIGKILL');
  } catch {
    // gone
  }
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('tampered group traffic', () => {
  it('bad signature, foreign group, duplicate post, cross-group signature and a forged invite are never shown', async () => {
    const net = join(root, 'net');
    server = await ServerProc.start(net, join(root, 'server'));
    const p = (proc = HeadlessProc.local(net, join(root, 'v')));
    await p.call({ cmd: 'create-profile', name: 'victim', password: '' }, 'profile');
    const g = await p.call({ cmd: 'create-group', server: server.bundle, name: 'g' }, 'group');
    const group = g.groupId as string;
    await p.waitFor((e) => e.event === 'server-state' && e.state === 'Synced', 30_000);

    // The attacker is a member (it has the invite), posting with its own identity and real tokens.
    const tofu = decodeTofuBundle(backend, nodePbkdf2, g.invite as string);
    if (!tofu.ok) throw new Error('invite did not decode');
    const bundle = decodeServerBundle(backend, server.bundle);
    if (!bundle.ok) throw new Error('bundle did not decode');
    const acn = localAcn(net);
    const me = newIdentity(backend, nodeRandom);
    const ours: GroupKeyInfo = { groupId: tofu.value.invite.groupId, key: tofu.value.invite.sharedKey, server: bundle.value.server };
    const otherKey = nodeRandom.bytes(32);
    const foreign: GroupKeyInfo = { groupId: groupIdFor(nodePbkdf2, otherKey, bundle.value.server), key: otherKey, server: bundle.value.server };
    const build = (gi: GroupKeyInfo, text: string): EncryptedGroupMessage => {
      const r = buildGroupMessage(deps, me, gi, JSON.stringify({ o: 1, d: text }), null);
      if (!r.ok) throw new Error('build failed');
      return r.value.egm;
    };
    const badSig = build(ours, 'bad signature');
    badSig.signature.set(nodeRandom.bytes(64));
    // Signed for the foreign group but sealed with our key: decrypts, signature names the wrong group.
    const crossSealed = build(foreign, 'cross group');
    const cross = { ciphertext: build(ours, 'x').ciphertext, signature: crossSealed.signature };
    const dup = build(ours, 'posted twice');
    const valid = build(ours, 'valid at last');
    const posts = [badSig, build(foreign, 'not your group'), cross, dup, dup, valid];

    const tokens = await buyTokens({ acn, tokenService: bundle.value.tokenService, Y: bundleY(bundle.value), ...deps });
    if (!tokens.ok) throw new Error('no tokens');
    const board = await connectBoard(acn, bundle.value);
    await board.synced;
    try {
      for (const [i, e] of posts.entries()) {
        const r = board.client.post(tokens.value[i]!, e, bundle.value.server);
        if (!r.ok) throw new Error('post failed');
        expect((await r.value).accepted).toBe(true);
      }
      await p.waitFor((e) => e.event === 'message' && e.text === 'valid at last', 30_000, 'valid message');
      const shown = p.events.filter((e): e is Ev => e.event === 'message' && e.conversation === group);
      expect(shown.map((e) => e.text)).toEqual(['posted twice', 'valid at last']);
      expect(p.events.some((e) => e.event === 'message' && e.conversation !== group && e.overlay === 1)).toBe(false);
      const hist = await p.call({ cmd: 'history', conversation: group }, 'history');
      expect((hist.messages as { text: string }[]).map((m) => m.text).sort()).toEqual(['posted twice', 'valid at last']);
    } finally {
      await board.close();
      await acn.close();
    }

    // An invite whose group id is not derived from its key and server is refused before anything is stored.
    const forged = tofuBundleString(bundle.value, { ...tofu.value.invite, groupId: '0123456789abcdef0123456789abcdef' as GroupId, groupName: 'forged' });
    const err = await p.call({ cmd: 'add', text: forged }, 'error');
    expect(err.code).toBe('invite.group-id-mismatch');
    expect(p.events.some((e) => e.event === 'group' && e.groupId === '0123456789abcdef0123456789abcdef')).toBe(false);
    await p.quit();
  }, 120_000);
});

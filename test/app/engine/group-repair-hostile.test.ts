// A hostile member against gap repair (docs/protocol.md §12.3): carol (a real engine) has a gap and asks mallory, a
// group member and approved contact who speaks the real peer protocol from a script. Mallory answers with a wrong
// request id, a forged message, another group's message, a message carol already has, a malformed entry, then an
// unsolicited flood, and sends requests sealed under a key that is no group's. Everything is dropped and counted,
// no gap closes falsely, carol stays up and stops asking mallory — and an honest member then repairs the gap.

import { describe, expect, it } from 'vitest';
import { nodePbkdf2, nodeRandom, systemClock } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend as backend } from '../../../src/app/platform/sodium-native-backend.js';
import { fromBase64 } from '../../../src/core/bytes.js';
import { newIdentity } from '../../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import type { EncryptedGroupMessage } from '../../../src/core/groups/board-messages.js';
import { decodeServerBundle } from '../../../src/core/groups/bundle.js';
import { buildGroupMessage, type GroupKeyInfo } from '../../../src/core/groups/group-message.js';
import { decodeTofuBundle, groupIdFor } from '../../../src/core/groups/invite.js';
import { OVERLAY_GROUP_REPAIR_REPLY, OVERLAY_GROUP_REPAIR_REQUEST, openRepairRequest, repairKey, sealRepairReplies, sealRepairRequest } from '../../../src/core/groups/repair.js';
import { decodeOverlay, encodeOverlay } from '../../../src/core/peer/overlay.js';
import { EXTENSION_GROUP_REPAIR, EXTENSIONS_PATH, encodeRetVal } from '../../../src/core/peer/peer-app.js';
import { CONTEXT_GET_VAL, CONTEXT_RAW, CONTEXT_RET_VAL, decodePeerMessage, encodePeerMessage, versionAnnouncement } from '../../../src/core/peer/peer-message.js';
import { AuthApp } from '../../../src/core/tapir/apps/auth-app.js';
import { buyTokens } from '../../../src/core/tapir/apps/token-app.js';
import type { Connection } from '../../../src/core/tapir/connection.js';
import { TapirService } from '../../../src/core/tapir/service.js';
import { localAcn } from '../../../src/tor/local-acn.js';
import { bundleY, connectBoard } from '../../server/helpers.js';
import { ScriptApp } from '../helpers/script-app.js';
import { engineWorld, got, type Client, type Ev } from './client.js';

const world = engineWorld('cwtch-repair-hostile-');
const start = (name: string): Client => world.start(name);
const synced = (c: Client, srv: string) => c.waitFor((e) => e.event === 'server-state' && e.server === srv && e.state === 'Synced', 30_000, 'synced');
async function post(c: Client, group: string, text: string): Promise<string> {
  const m = await c.call({ cmd: 'send', to: group, text }, 'message');
  await c.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, `ack of ${text}`);
  return m.messageId;
}

describe('a hostile member answering repair requests', () => {
  it('forged, foreign, replayed, malformed, mis-addressed and unsolicited replies and a non-member request flood: all dropped and counted; then an honest member repairs', async () => {
    const server = world.server();
    const alice = start('alice');
    const carol = start('carol');
    await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    const oc = (await carol.call({ cmd: 'create-profile', name: 'carol', password: 'c' }, 'profile')).onion;
    const g = await alice.call({ cmd: 'create-group', server: server.bundle, name: 'club' }, 'group');
    await synced(alice, g.server);
    await carol.call({ cmd: 'add', text: g.invite }, 'group');
    await synced(carol, g.server);
    // Bob: an honest member who is not yet carol's contact (so not asked until the end).
    const bob = start('bob');
    const ob = (await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile')).onion;
    await bob.call({ cmd: 'add', text: g.invite }, 'group');
    await synced(bob, g.server);
    await post(bob, g.groupId, 'bob here');
    await got(carol, g.groupId, 'bob here');

    // Mallory: a member (holds the invite's key, posts once) with a scripted peer identity.
    const acn = localAcn(world.dir().net);
    world.onClose(() => acn.close());
    const mallory = newIdentity(backend, nodeRandom);
    const tofu = decodeTofuBundle(backend, nodePbkdf2, g.invite);
    const bundle = decodeServerBundle(backend, server.bundle);
    if (!tofu.ok || !bundle.ok) throw new Error('bad invite or bundle');
    const ours: GroupKeyInfo = { groupId: tofu.value.invite.groupId, key: tofu.value.invite.sharedKey, server: bundle.value.server };
    const deps = { backend, random: nodeRandom, clock: systemClock };
    const build = (gi: GroupKeyInfo, text: string, prev: Uint8Array | null): EncryptedGroupMessage => {
      const r = buildGroupMessage(deps, mallory, gi, JSON.stringify({ o: 1, d: text }), prev);
      if (!r.ok) throw new Error('build failed');
      return r.value.egm;
    };
    const board = await connectBoard(acn, bundle.value);
    world.onClose(() => board.close());
    await board.synced;
    const tokens = await buyTokens({ acn, tokenService: bundle.value.tokenService, Y: bundleY(bundle.value), ...deps });
    if (!tokens.ok) throw new Error('no tokens');
    const hello = build(ours, 'mallory here', null);
    const r = board.client.post(tokens.value[0]!, hello, bundle.value.server);
    expect(r.ok && (await r.value).accepted).toBe(true);
    await got(carol, g.groupId, 'mallory here');

    // Carol goes quiet; alice posts; the server withholds 'two' from carol.
    await carol.call({ cmd: 'lowbw', on: true }, 'lowbw');
    const one = await post(alice, g.groupId, 'one');
    const two = await post(alice, g.groupId, 'two');
    await post(alice, g.groupId, 'three');
    await new Promise((res) => setTimeout(res, 300));
    const egmOf = (id: string): EncryptedGroupMessage => board.received.find((e) => Buffer.from(e.signature).equals(Buffer.from(fromBase64(id)!)))!;
    const twoEgm = egmOf(two);
    const oneEgm = egmOf(one);
    expect(twoEgm).toBeDefined();
    server.withhold(two);

    // Carol adds mallory as a contact; mallory connects in and speaks v2.
    await carol.call({ cmd: 'add', text: mallory.onion }, 'contact');
    const key = repairKey(tofu.value.invite.sharedKey);
    const otherKey = nodeRandom.bytes(32);
    const foreign: GroupKeyInfo = { groupId: groupIdFor(nodePbkdf2, otherKey, bundle.value.server), key: otherKey, server: bundle.value.server };
    const repliesToMallory: number[] = [];
    let requestsSeen = 0;
    const svc = new TapirService({ acn, identity: mallory, backend, random: nodeRandom, clock: systemClock });
    world.onClose(() => svc.close());
    let nextId = 5000;
    const overlayMsg = (overlay: number, data: string): Uint8Array => encodePeerMessage({ id: String(nextId++), context: CONTEXT_RAW, data: encodeOverlay({ overlay, data }) }, 2);
    const sealRaw = (pt: Uint8Array): string => {
      const nonce = nodeRandom.bytes(24);
      const box = backend.secretboxSeal(pt, nonce, key);
      return Buffer.concat([nonce, box]).toString('base64');
    };
    const script = async (conn: Connection): Promise<void> => {
      conn.send(encodePeerMessage(versionAnnouncement(), 1));
      for (;;) {
        const m = await conn.expect();
        if (m === null) return;
        const d = decodePeerMessage(m);
        // Say we speak the extension (carol asks every peer at session start).
        if (d.ok && d.value.context === CONTEXT_GET_VAL && new TextDecoder().decode(d.value.data).includes(EXTENSIONS_PATH)) {
          conn.send(encodePeerMessage({ id: d.value.id, context: CONTEXT_RET_VAL, data: encodeRetVal(EXTENSION_GROUP_REPAIR, true) }, 2));
          continue;
        }
        if (!d.ok || d.value.context !== CONTEXT_RAW) continue;
        const o = decodeOverlay(d.value.data);
        if (!o.ok) continue;
        if (o.value.overlay === OVERLAY_GROUP_REPAIR_REPLY) repliesToMallory.push(1);
        if (o.value.overlay !== OVERLAY_GROUP_REPAIR_REQUEST) continue;
        requestsSeen++;
        const req = openRepairRequest(backend, [{ repairKey: key }], o.value.data);
        if (!req.ok) throw new Error('carol sent a request mallory cannot open');
        const reqId = req.value.request.reqId;
        const part = (egms: EncryptedGroupMessage[], id = reqId): string => sealRepairReplies(backend, nodeRandom, key, id, egms, false)[0]!;
        const forged = { ciphertext: twoEgm.ciphertext.slice(), signature: twoEgm.signature };
        forged.ciphertext[40]! ^= 1;
        const malformed = new Uint8Array(16 + 2 + 2 + 10);
        malformed.set(reqId);
        malformed[16] = 0;
        malformed[17] = 1;
        malformed[18] = 0xff; // an entry of 65 280+ bytes in a 30-byte part
        for (const data of [
          part([twoEgm], nodeRandom.bytes(16)), // another request's id
          part([forged]),
          part([build(foreign, 'not your group', null)]),
          part([oneEgm]), // carol has it already
          sealRaw(malformed),
        ]) conn.send(overlayMsg(OVERLAY_GROUP_REPAIR_REPLY, data));
        // End the request with nothing useful, then flood replies no one asked for.
        conn.send(overlayMsg(OVERLAY_GROUP_REPAIR_REPLY, sealRepairReplies(backend, nodeRandom, key, reqId, [])[0]!));
        for (let i = 0; i < 25; i++) conn.send(overlayMsg(OVERLAY_GROUP_REPAIR_REPLY, part([twoEgm])));
        // And a request flood under a key that is no group's (what a non-member can make).
        for (let i = 0; i < 15; i++) {
          conn.send(overlayMsg(OVERLAY_GROUP_REPAIR_REQUEST, sealRepairRequest(backend, nodeRandom, nodeRandom.bytes(32), { reqId: nodeRandom.bytes(16), max: 500, want: twoEgm.signature, have: [] })));
        }
      }
    };
    void svc.connect(oc as OnionAddress, new ScriptApp(new AuthApp({ identity: mallory, backend, random: nodeRandom }), script));
    await carol.waitFor((e) => e.event === 'peer-state' && e.onion === mallory.onion && e.state === 'Authenticated', 30_000, 'mallory up');

    await carol.call({ cmd: 'sync', server: g.server }, 'ok');
    await got(carol, g.groupId, 'three');
    const gap = (await carol.waitFor((e) => e.event === 'gap' && e.group === g.groupId, 10_000, 'gap')) as Ev<'gap'>;
    await carol.waitFor((e) => e.event === 'gap-repair' && e.gapId === gap.gapId && e.from === mallory.onion, 20_000, 'asking mallory');
    await carol.waitFor(() => (carol.peer.engine.repairStats?.refused ?? 0) >= 15, 20_000, 'request flood counted');
    const stats = carol.peer.engine.repairStats!;
    // 1 other request id + 1 forged + 1 foreign + 1 malformed + 25 unsolicited (those after the final part).
    expect(stats.rejected).toBeGreaterThanOrEqual(29);
    expect(stats.duplicates).toBe(1);
    expect(stats.repaired).toBe(0);
    expect(stats.refused).toBe(15);
    expect(repliesToMallory).toEqual([]); // carol answered none of the flood
    expect(carol.events.some((e) => e.event === 'gap-closed')).toBe(false);
    expect(carol.events.some((e) => e.event === 'message' && e.conversation === g.groupId && (e as Ev<'message'>).text === 'two')).toBe(false);
    // Bob's and mallory's first posts are both roots: within the same second their order is by signature.
    const texts = (await carol.call({ cmd: 'history', conversation: g.groupId }, 'history')).messages.map((m) => m.text);
    expect([...texts.slice(0, 2)].sort()).toEqual(['bob here', 'mallory here']);
    expect(texts.slice(2)).toEqual(['one', 'three']);
    // Mallory is not asked again, however often something pokes the repair.
    await carol.call({ cmd: 'sync', server: g.server }, 'ok');
    await new Promise((res) => setTimeout(res, 500));
    expect(requestsSeen).toBe(1);

    // An honest member becomes carol's contact: bob (who saw 'two' live) repairs it.
    await got(bob, g.groupId, 'two');
    await bob.call({ cmd: 'add', text: oc }, 'contact');
    await carol.call({ cmd: 'add', text: ob }, 'contact');
    const closed = (await carol.waitFor((e) => e.event === 'gap-closed' && e.gapId === gap.gapId, 30_000, 'closed by bob')) as Ev<'gap-closed'>;
    expect(closed).toMatchObject({ closedBy: 'peer', from: ob });
    await got(carol, g.groupId, 'two');
  }, 120_000);
});

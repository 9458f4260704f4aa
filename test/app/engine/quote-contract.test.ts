// One message contract (docs/protocol.md §6.3): a quoted reply is decoded once, in the engine, which finds the
// original by its content hash; the UI reducer draws what the engine's events say and never parses protocol JSON.
// A Cwtch 1.x member (a scripted identity posting real group messages to a real server) quotes a message of the
// group and one this profile never held; Bob's REAL engine events, live and from history, go through the reducer.

import { describe, expect, it } from 'vitest';
import { nodePbkdf2, nodeRandom, systemClock } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend as backend } from '../../../src/app/platform/sodium-native-backend.js';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { newIdentity } from '../../../src/core/crypto/identity.js';
import { decodeServerBundle } from '../../../src/core/groups/bundle.js';
import { buildGroupMessage, type GroupKeyInfo } from '../../../src/core/groups/group-message.js';
import { decodeTofuBundle } from '../../../src/core/groups/invite.js';
import { contentHash, encodeOverlay, OVERLAY_QUOTED_REPLY } from '../../../src/core/peer/overlay.js';
import { buyTokens } from '../../../src/core/tapir/apps/token-app.js';
import { localAcn } from '../../../src/tor/local-acn.js';
import { reduce } from '../../../src/ui/view-model/reducer.js';
import { initialState } from '../../../src/ui/view-model/state.js';
import { bundleY, connectBoard } from '../../server/helpers.js';
import { engineWorld, got, type Ev } from './client.js';

const world = engineWorld('cwtch-quote-');

describe('quoted replies, from a real engine to the view model', () => {
  it('the engine names the original (or says it is not held); the reducer shows it, live and from history', async () => {
    const server = world.server();
    const alice = world.start('alice');
    const bob = world.start('bob');
    const a = await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    const g = await alice.call({ cmd: 'create-group', server: server.bundle, name: 'club' }, 'group');
    await bob.call({ cmd: 'add', text: g.invite }, 'group');
    await bob.waitFor((e) => e.event === 'server-state' && e.server === g.server && e.state === 'Synced', 30_000, 'bob synced');
    const original = await alice.call({ cmd: 'send', to: g.groupId, text: 'the original' }, 'message');
    await got(bob, g.groupId, 'the original');

    // A Cwtch 1.x member replies, quoting Alice's message by its content hash, and then something nobody here has.
    const acn = localAcn(world.dir().net);
    world.onClose(() => acn.close());
    const carla = newIdentity(backend, nodeRandom);
    const tofu = decodeTofuBundle(backend, nodePbkdf2, g.invite);
    const bundle = decodeServerBundle(backend, server.bundle);
    if (!tofu.ok || !bundle.ok) throw new Error('bad invite or bundle');
    const gi: GroupKeyInfo = { groupId: tofu.value.invite.groupId, key: tofu.value.invite.sharedKey, server: bundle.value.server };
    const deps = { backend, random: nodeRandom, clock: systemClock };
    const board = await connectBoard(acn, bundle.value);
    world.onClose(() => board.close());
    await board.synced;
    const tokens = await buyTokens({ acn, tokenService: bundle.value.tokenService, Y: bundleY(bundle.value), ...deps });
    if (!tokens.ok) throw new Error('no tokens');
    const rawOriginal = new TextDecoder().decode(encodeOverlay({ overlay: 1, data: 'the original' }));
    const quote = (quotedHash: string, body: string): string => new TextDecoder().decode(encodeOverlay({ overlay: OVERLAY_QUOTED_REPLY, data: JSON.stringify({ quotedHash, body }) }));
    let prev: Uint8Array | null = null;
    for (const [i, msg] of [quote(contentHash(a.onion, rawOriginal), 'so true'), quote(contentHash(a.onion, 'never sent'), 'what was that?')].entries()) {
      const built = buildGroupMessage(deps, carla, gi, msg, prev);
      if (!built.ok) throw new Error('build failed');
      prev = built.value.egm.signature;
      const r = board.client.post(tokens.value[i]!, built.value.egm, bundle.value.server);
      expect(r.ok && (await r.value).accepted).toBe(true);
    }
    const reply = (await got(bob, g.groupId, 'so true')) as Ev<'message'>;
    const lost = (await got(bob, g.groupId, 'what was that?')) as Ev<'message'>;
    expect(reply).toMatchObject({ overlay: OVERLAY_QUOTED_REPLY, quote: { messageId: original.messageId, text: 'the original' } });
    expect(lost.quote).toEqual({});

    // Live: every event Bob's engine emitted, through the reducer.
    const live = bob.events.reduce((s, e: EngineEvent) => reduce(s, e), initialState());
    const store = live.messages.get(g.groupId)!;
    expect(store.byId(reply.messageId)).toMatchObject({ text: 'so true', quote: 'the original' });
    expect(store.byId(lost.messageId)).toMatchObject({ text: 'what was that?', quote: '(quoted message not on this device)' });

    // From history only (a UI that starts later): the same.
    const h = await bob.call({ cmd: 'history', conversation: g.groupId }, 'history');
    const fresh = reduce(reduce(initialState(), bob.events.find((e) => e.event === 'group')!), h);
    const again = fresh.messages.get(g.groupId)!;
    expect(again.byId(reply.messageId)).toMatchObject({ text: 'so true', quote: 'the original' });
    expect(again.byId(lost.messageId)?.quote).toBe('(quoted message not on this device)');
    expect(again.byId(original.messageId)?.quote).toBeUndefined();
  }, 90_000);
});

// GroupRepair's own rate against one peer (REPAIR_ASKS_PER_PEER_PER_MINUTE) with a test clock, behind the real
// GroupRepairDeps interface (wired for real in groups.ts and driven end to end in group-repair.test.ts). A gap
// that needs more requests than the minute allows must not stall: the repair comes back when the minute is up,
// even when nothing else happens (a member in low-bandwidth mode gets no other poke).

import { describe, expect, it } from 'vitest';
import { GroupRepair, type RepairGroup } from '../../../src/app/engine/group-repair.js';
import { sodiumNativeBackend as backend } from '../../../src/app/platform/sodium-native-backend.js';
import { nodeRandom as random } from '../../../src/app/platform/node-platform.js';
import { toBase64 } from '../../../src/core/bytes.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import { OVERLAY_GROUP_REPAIR_REPLY, openRepairRequest, repairKey, sealRepairReplies } from '../../../src/core/groups/repair.js';
import type { TimelineGap } from '../../../src/core/groups/timeline-gaps.js';
import { REPAIR_ASKS_PER_PEER_PER_MINUTE } from '../../../src/core/limits.js';
import { EXTENSION_GROUP_REPAIR, type PeerSession } from '../../../src/core/peer/peer-app.js';
import type { Overlay } from '../../../src/core/peer/overlay.js';
import type { ConversationId } from '../../../src/profile/profile-db.js';
import { FakeClock } from '../../core/tapir/helpers.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('GroupRepair against its own per-peer rate', () => {
  it('a gap that moves back request after request keeps being asked for once the minute is up', async () => {
    const clock = new FakeClock();
    const group: RepairGroup = { conversation: 1 as ConversationId, groupId: 'ab'.repeat(16), key: new Uint8Array(32).fill(4) };
    const peer = 'p'.repeat(56) as OnionAddress;
    const sent: Overlay[] = [];
    const session: PeerSession = {
      onion: peer,
      outbound: true,
      closed: false,
      framing: 2,
      extensions: new Set([EXTENSION_GROUP_REPAIR]),
      // The repair sends overlays, never pre-encoded bytes.
      sendMessage: (_id, o) => (sent.push(o as Overlay), { ok: true, value: undefined }),
      close: () => {},
    };
    // Each answered request moves the gap one step back (a new gap id), as a long repair does.
    let step = 0;
    const gap = (): TimelineGap => ({ id: `gap:${step}`, group: group.groupId as never, cause: 'withheld', missingSig: toBase64(new Uint8Array(64).fill(step + 1)), after: `m${step}`, before: null, firstSeen: 0 });
    const repair = new GroupRepair({
      backend,
      random,
      clock,
      log: () => {},
      emit: () => {},
      groups: () => [group],
      replaying: () => false,
      openGaps: () => [gap()],
      sigsBefore: () => [],
      members: () => [peer],
      session: () => session,
      isApproved: () => true,
      chainBack: () => [],
      receive: () => 'new',
    });
    const answerLast = async (): Promise<void> => {
      const req = openRepairRequest(backend, [{ repairKey: repairKey(group.key) }], sent.at(-1)!.data);
      if (!req.ok) throw new Error('cannot open our own request');
      step++; // the answer filled one message: the gap is now further back
      repair.onOverlay(session, { overlay: OVERLAY_GROUP_REPAIR_REPLY, data: sealRepairReplies(backend, random, repairKey(group.key), req.value.request.reqId, [])[0]! });
      clock.advance(0); // the poke that follows
      await flush();
    };
    repair.poke();
    clock.advance(0);
    for (let i = 0; i < REPAIR_ASKS_PER_PEER_PER_MINUTE + 2; i++) {
      expect(sent.length).toBe(Math.min(i + 1, REPAIR_ASKS_PER_PEER_PER_MINUTE));
      if (sent.length === i + 1) await answerLast();
    }
    // The minute's asks are used up: nothing more now…
    expect(sent.length).toBe(REPAIR_ASKS_PER_PEER_PER_MINUTE);
    // …and the repair comes back by itself when the minute is up.
    clock.advance(60_001);
    clock.advance(0);
    expect(sent.length).toBe(REPAIR_ASKS_PER_PEER_PER_MINUTE + 1);
    repair.close();
  });
});

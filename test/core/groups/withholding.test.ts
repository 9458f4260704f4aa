// A server-withholding simulation: three members share a group on one server, modelled as the array of EGMs the
// server stores. Each member sends and receives through the real code (buildGroupMessage → EGM JSON on the wire →
// decodeEgm → tryDecryptGroupMessage → GroupTimeline). The server is the adversary: it withholds, replays, prunes
// and injects; what a member's timeline then shows is asserted.

import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import { identityFromSeed, type Identity } from '../../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import {
  buildGroupMessage,
  composeGroupMessage,
  decodeEgm,
  encodeEgm,
  paddingLength,
  sealAndSign,
  signedGroupIdBytes,
  tryDecryptGroupMessage,
  type EncryptedGroupMessage,
  type GroupKeyInfo,
} from '../../../src/core/groups/group-message.js';
import { groupIdFor } from '../../../src/core/groups/invite.js';
import { GroupTimeline, messageId } from '../../../src/core/groups/timeline.js';
import type { TimelineEvent } from '../../../src/core/groups/timeline-gaps.js';
import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { fixedClock, seqRandom } from './helpers.js';

const b = nobleBackend;
const serverOnion = identityFromSeed(b, new Uint8Array(32).fill(0xee)).onion;
const key = new Uint8Array(32).fill(0x11);
const group: GroupKeyInfo = { groupId: groupIdFor(nodePbkdf2, key, serverOnion), key, server: serverOnion };
const otherKey = new Uint8Array(32).fill(0x22);
const otherGroup: GroupKeyInfo = { groupId: groupIdFor(nodePbkdf2, otherKey, serverOnion), key: otherKey, server: serverOnion };

class Member {
  readonly id: Identity;
  readonly timeline = new GroupTimeline(group.groupId);
  readonly events: TimelineEvent[] = [];
  readonly dropped: string[] = [];
  private seconds = 1_700_000_000;

  constructor(
    seed: number,
    readonly groups: readonly GroupKeyInfo[] = [group],
  ) {
    this.id = identityFromSeed(b, new Uint8Array(32).fill(seed));
  }

  /** Write a message naming the newest one we hold, as the real client does. */
  post(text: string, inGroup: GroupKeyInfo = group): EncryptedGroupMessage {
    this.seconds += 60;
    const deps = { backend: b, clock: fixedClock(this.seconds * 1000), random: seqRandom(this.seconds) };
    const r = buildGroupMessage(deps, this.id, inGroup, text, this.timeline.latest()?.signature ?? null);
    if (!r.ok) throw new Error(r.error.code);
    this.receive(r.value.egm); // our own post comes back from the server; the timeline de-duplicates
    return r.value.egm;
  }

  /** One EGM off the wire: JSON bytes → decode → trial-decrypt → timeline. */
  receive(egm: EncryptedGroupMessage): void {
    const wire = decodeEgm(encodeEgm(egm));
    if (!wire.ok) throw new Error('wire');
    const r = tryDecryptGroupMessage(b, wire.value, this.groups);
    if (!r.ok) {
      this.dropped.push(r.error.code);
      return;
    }
    const m = r.value.message;
    const res = this.timeline.add({ signature: r.value.signature, previousSig: m.previousMessageSig, sender: r.value.sender, timestamp: m.timestamp, receivedAt: m.timestamp * 1000 });
    if (!res.added) this.dropped.push('duplicate');
    this.events.push(...res.events);
  }

  texts(server: readonly EncryptedGroupMessage[]): string[] {
    // Map ids back to texts via the server's copy (the test's view, not the member's).
    const byId = new Map(server.map((e) => [messageId(e.signature), e] as const));
    return this.timeline.entries().map((e) => {
      const r = tryDecryptGroupMessage(b, byId.get(e.id)!, [group]);
      return r.ok ? r.value.message.text : '?';
    });
  }
}

describe('three members, one server that withholds', () => {
  it('a message withheld from one member shows as a gap between its neighbours, and closes when delivered later', () => {
    const alice = new Member(1);
    const bob = new Member(2);
    const carol = new Member(3);
    const members = [alice, bob, carol];
    const server: EncryptedGroupMessage[] = [];
    const withheldFromCarol = new Set<number>();
    const broadcast = (egm: EncryptedGroupMessage): void => {
      server.push(egm);
      for (const m of members) if (!(m === carol && withheldFromCarol.has(server.length - 1))) m.receive(egm);
    };

    broadcast(alice.post('hi all'));
    broadcast(bob.post('hello'));
    withheldFromCarol.add(server.length); // the server drops the next one for carol
    broadcast(bob.post('the secret plan'));
    broadcast(alice.post('agreed <3'));
    broadcast(carol.post('what plan?'));

    expect(alice.timeline.openGaps()).toEqual([]);
    expect(bob.timeline.openGaps()).toEqual([]);
    const gaps = carol.timeline.openGaps();
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      cause: 'withheld',
      missingSig: messageId(server[2]!.signature),
      after: messageId(server[3]!.signature), // 'agreed <3' named it
      before: messageId(server[1]!.signature), // 'hello' is the last message carol holds before it
    });
    expect(carol.texts(server)).toEqual(['hi all', 'hello', 'agreed <3', 'what plan?']);
    expect(carol.events.filter((e) => e.type === 'gap')).toHaveLength(1);

    // Later the server (or a new replay) hands it over.
    carol.receive(server[2]!);
    expect(carol.events.at(-1)).toEqual({ type: 'gap-closed', gapId: gaps[0]!.id });
    expect(carol.timeline.openGaps()).toEqual([]);
    const all = ['hi all', 'hello', 'the secret plan', 'agreed <3', 'what plan?'];
    for (const m of members) expect(m.texts(server)).toEqual(all);
  });

  it("a pruned server's full resync: the lost stretch is marked 'pruned' between our last message and the first replayed", () => {
    const alice = new Member(1);
    const carol = new Member(3);
    const server: EncryptedGroupMessage[] = [];
    const post = (m: Member, t: string): void => {
      server.push(m.post(t));
      for (const x of [alice, carol]) if (x !== m) x.receive(server.at(-1)!);
    };
    post(alice, 'one');
    post(carol, 'two');
    const carolLast = carol.timeline.latest()!.signature;
    // carol goes offline; alice carries on.
    server.push(alice.post('three'), alice.post('four'), alice.post('five'));
    // The server prunes everything up to 'four'; carol's LastCommit ('two') is unknown → FullResync from 'five'.
    const kept = server.slice(4);
    for (const egm of kept) carol.receive(egm);
    const ev = carol.timeline.markPrunedResync({ lastKnown: carolLast, firstReplayed: kept[0]!.signature });
    expect(ev).toEqual([{ type: 'gap', gap: expect.objectContaining({ cause: 'pruned', before: messageId(carolLast), after: messageId(kept[0]!.signature) }) }]);
    expect(carol.texts(server)).toEqual(['one', 'two', 'five']);
  });
});

describe('what the server injects is dropped, never shown as valid', () => {
  const alice = new Member(1);
  const carol = new Member(3, [otherGroup, group]);
  const good = alice.post('genuine');
  carol.receive(good);
  const before = carol.timeline.size;

  it('bad signature (tampered bytes)', () => {
    const sig = Uint8Array.from(good.signature);
    sig[0]! ^= 0x80;
    const n = carol.dropped.length;
    carol.receive({ ciphertext: good.ciphertext, signature: sig });
    expect(carol.dropped.slice(n)).toEqual(['group.bad-signature']);
    const ct = Uint8Array.from(good.ciphertext);
    ct[100]! ^= 1; // breaks the secretbox MAC: no key opens it
    carol.receive({ ciphertext: ct, signature: good.signature });
    expect(carol.dropped.at(-1)).toBe('group.not-ours');
  });

  it('a message for a group we are not in', () => {
    const outsiderGroup: GroupKeyInfo = { ...group, groupId: groupIdFor(nodePbkdf2, new Uint8Array(32).fill(0x33), serverOnion), key: new Uint8Array(32).fill(0x33) };
    const outsider = new Member(4, [outsiderGroup]);
    carol.receive(outsider.post('elsewhere', outsiderGroup));
    expect(carol.dropped.at(-1)).toBe('group.not-ours');
  });

  it('a replay of a message we hold (same signature twice)', () => {
    carol.receive(good);
    expect(carol.dropped.at(-1)).toBe('duplicate');
  });

  it("a member's message whose SignedGroupID is another group's", () => {
    const mallory = identityFromSeed(b, new Uint8Array(32).fill(9));
    const c = composeGroupMessage({ group, sender: mallory.onion as OnionAddress, text: 'x', timestamp: 5, previousSig: null, padding: new Uint8Array(paddingLength('x')) });
    if (!c.ok) throw new Error('setup');
    const s = sealAndSign(b, mallory, group, { ...c.value, signedGroupId: signedGroupIdBytes(otherGroup.groupId) }, new Uint8Array(24).fill(4));
    if (!s.ok) throw new Error('setup');
    carol.receive(s.value.egm);
    expect(carol.dropped.at(-1)).toBe('group.wrong-group');
  });

  it('none of it reached the timeline', () => {
    expect(carol.timeline.size).toBe(before);
    expect(carol.timeline.openGaps()).toEqual([]);
  });
});

// TrialOpener must pick exactly the group tryDecryptGroupMessage would pick (or none), with or without a backend
// that opens into a reused buffer, and must not leave a plaintext behind in that buffer.
import { describe, expect, it } from 'vitest';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import { identityFromSeed } from '../../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import { buildGroupMessage, tryDecryptGroupMessage, type GroupKeyInfo } from '../../../src/core/groups/group-message.js';
import type { GroupId } from '../../../src/core/groups/invite.js';
import { TrialOpener } from '../../../src/core/groups/trial-open.js';
import { fixedClock, seqRandom } from './helpers.js';

const server = 'a'.repeat(56) as OnionAddress;
const groups: GroupKeyInfo[] = [0, 1, 2, 3].map((i) => ({ groupId: `${i}`.repeat(32) as GroupId, key: new Uint8Array(32).fill(i + 1), server }));

describe.each([
  ['sodium-native (opens into a reused buffer)', sodiumNativeBackend],
  ['noble (allocating fallback)', nobleBackend],
] as const)('TrialOpener with %s', (_name, backend) => {
  const sender = identityFromSeed(backend, new Uint8Array(32).fill(5));
  const deps = { backend, clock: fixedClock(1_700_000_000_000), random: seqRandom(3) };
  const egmFor = (g: GroupKeyInfo) => {
    const r = buildGroupMessage(deps, sender, g, 'hi', null);
    if (!r.ok) throw new Error(r.error.code);
    return r.value.egm;
  };

  it('finds the group whose key opens it, as the full receive path does; null for strangers and junk', () => {
    const opener = new TrialOpener(backend);
    const held = groups.slice(0, 3);
    for (const g of groups) {
      const egm = egmFor(g);
      const found = opener.find(egm.ciphertext, held);
      const full = tryDecryptGroupMessage(backend, egm, held);
      expect(found?.groupId ?? null).toBe(full.ok ? full.value.group.groupId : null);
      if (found !== null) expect(tryDecryptGroupMessage(backend, egm, [found])).toEqual(full);
    }
    expect(opener.find(new Uint8Array(10), held)).toBeNull();
    expect(opener.find(new Uint8Array(100), held)).toBeNull();
    expect(opener.find(egmFor(groups[0]!).ciphertext, [])).toBeNull();
  });

  it('leaves no plaintext in its buffer after a hit', () => {
    const opener = new TrialOpener(backend);
    expect(opener.find(egmFor(groups[1]!).ciphertext, groups)).toBe(groups[1]);
    const scratch = (opener as unknown as { scratch: Uint8Array }).scratch;
    expect(scratch.every((b) => b === 0)).toBe(true);
  });
});

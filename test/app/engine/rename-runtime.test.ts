// A local name wins over what the peer announces: the announced name is still stored (and would show again if the
// local name were cleared), but a later announcement neither changes what is shown nor emits a contact event.
// A real ProfileRuntime on a real encrypted profile; the network is the in-memory Acn and is never dialled here
// (the contact's onion has no listener), and the PeerSession is only the onion the handler reads.

import { afterEach, describe, expect, it } from 'vitest';
import { ProfileRuntime } from '../../../src/app/engine/profile-runtime.js';
import { microtaskScheduler, nodePbkdf2, nodeRandom, systemClock } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { onionFromPublicKey } from '../../../src/core/crypto/onion.js';
import { MemoryNetwork } from '../../../src/core/net/memory-acn.js';
import type { PeerSession } from '../../../src/core/peer/peer-app.js';
import { cleanupTempDirs, store, tempDir } from '../../profile/helpers.js';

afterEach(cleanupTempDirs);

describe('rename vs the name a peer announces', () => {
  it('the peer renaming itself after our rename changes nothing shown', async () => {
    const profile = store().createProfile(tempDir(), { name: 'me', password: 'pw' });
    const events: EngineEvent[] = [];
    const rt = new ProfileRuntime(
      { backend: sodiumNativeBackend, pbkdf2: nodePbkdf2, random: nodeRandom, clock: systemClock, acn: new MemoryNetwork({ scheduler: microtaskScheduler }).acn(), log: () => {} },
      profile,
      (e) => void events.push(e),
    );
    try {
      const peer = onionFromPublicKey(new Uint8Array(32).fill(3));
      const session = { onion: peer } as PeerSession;
      rt.add(peer);
      rt.name(session, 'Announced');
      expect(events.at(-1)).toMatchObject({ event: 'contact', onion: peer, name: 'Announced' });

      rt.rename(peer, 'Mine', 'r1');
      expect(events.at(-1)).toMatchObject({ id: 'r1', event: 'contact', onion: peer, name: 'Mine' });
      const n = events.length;
      rt.name(session, 'Changed its mind');
      expect(events.length).toBe(n);
      expect(profile.db.findConversation(peer)).toMatchObject({ name: 'Changed its mind', localName: 'Mine' });
      expect(rt.snapshot().find((e) => e.event === 'contact')).toMatchObject({ name: 'Mine' });
    } finally {
      await rt.close(); // stops the re-dial timer `add` started, and locks the profile
    }
  });
});

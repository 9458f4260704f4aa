// Contact verification through real engines (docs/protocol.md §12.7): both sides compute the same code from the two
// onion keys, each from its own profile; the verified mark is the user's, stored in the profile, shown on the
// contact event, kept across a restart, and refused for an address that is not a contact.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { engineWorld, type Ev } from './client.js';

const world = engineWorld('cwtch-verify-');

describe('verification codes and the verified mark', () => {
  it('the same code on both sides; the mark is stored, shown and survives a restart', async () => {
    const alice = world.start('alice');
    let bob = world.start('bob');
    const carol = world.start('carol');
    const a = await alice.call({ cmd: 'create-profile', name: 'alice', password: 'a' }, 'profile');
    const b = await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    const c = await carol.call({ cmd: 'create-profile', name: 'carol', password: 'c' }, 'profile');
    await alice.call({ cmd: 'add', text: b.onion }, 'contact');
    await alice.call({ cmd: 'add', text: c.onion }, 'contact');
    await bob.call({ cmd: 'add', text: a.onion }, 'contact');

    const fromAlice = await alice.call({ cmd: 'verify-code', onion: b.onion }, 'verify-code');
    const fromBob = await bob.call({ cmd: 'verify-code', onion: a.onion }, 'verify-code');
    expect(fromAlice).toMatchObject({ onion: b.onion });
    expect(fromAlice.code).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(fromBob.code).toBe(fromAlice.code);
    // Another contact, another code (Alice's half is common to both).
    const withCarol = await alice.call({ cmd: 'verify-code', onion: c.onion }, 'verify-code');
    expect(withCarol.code).not.toBe(fromAlice.code);

    const marked = await bob.call({ cmd: 'set-verified', onion: a.onion, on: true }, 'contact');
    expect(marked).toMatchObject({ onion: a.onion, verified: true });
    expect((await bob.call({ cmd: 'set-verified', onion: c.onion, on: true }, 'contact')) as EngineEvent).toMatchObject({ event: 'error', code: 'contact.unknown' });
    expect((await bob.call({ cmd: 'verify-code', onion: 'not an onion' }, 'verify-code')) as EngineEvent).toMatchObject({ event: 'error', code: 'contact.unknown' });

    await world.stop(bob);
    bob = world.start('bob');
    await bob.call({ cmd: 'unlock', password: 'b' }, 'profile');
    const again = (await bob.waitFor((e) => e.event === 'contact' && e.onion === a.onion, 5_000, 'alice after restart')) as Ev<'contact'>;
    expect(again.verified).toBe(true);
    const taken = await bob.call({ cmd: 'set-verified', onion: a.onion, on: false }, 'contact');
    expect(taken.verified).toBe(false);
    // Alice never marked anyone: her contacts say so.
    expect(alice.events.filter((e): e is Ev<'contact'> => e.event === 'contact').every((e) => e.verified === false)).toBe(true);
  }, 60_000);
});

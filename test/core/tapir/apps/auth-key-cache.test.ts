// AuthApp's cache of peers' long-term X25519 keys: a reconnect skips the conversion, the cache stays within its
// bound in least-recently-used order, an invalid key is never kept, and a cached key lets no impostor in.

import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../../../src/core/crypto/backend.js';
import type { Identity } from '../../../../src/core/crypto/identity.js';
import { AUTH_PEER_KEY_CACHE_ENTRIES } from '../../../../src/core/limits.js';
import { memoryStreamPair } from '../../../../src/core/net/memory-acn.js';
import { AuthApp } from '../../../../src/core/tapir/apps/auth-app.js';
import { encodeAuthMessage } from '../../../../src/core/tapir/apps/auth-message.js';
import { Connection } from '../../../../src/core/tapir/connection.js';
import { AUTH_CAPABILITY } from '../../../../src/core/tapir/wire-constants.js';
import { backend, makeIdentity, random, scheduler } from '../helpers.js';

/** The real backend, counting public-key conversions (a wrapper behind the CryptoBackend interface). */
function counting(be: CryptoBackend): { be: CryptoBackend; conversions: () => number } {
  let n = 0;
  return {
    be: {
      ...be,
      edPublicToX25519: (pub) => {
        n++;
        return be.edPublicToX25519(pub);
      },
    },
    conversions: () => n,
  };
}

/** One handshake: `dialler` dials `listener` (whose onion is `to`); returns both connections afterwards. */
async function handshake(dialler: AuthApp, listener: AuthApp, to: Identity): Promise<{ out: Connection; inb: Connection }> {
  const [x, y] = memoryStreamPair({ scheduler });
  const out = new Connection(x, { outbound: true, hostname: to.onion, backend, random, scheduler });
  const inb = new Connection(y, { outbound: false, backend, random, scheduler });
  await Promise.all([dialler.newInstance().init(out), listener.newInstance().init(inb)]);
  return { out, inb };
}

const authed = (c: Connection) => c.hasCapability(AUTH_CAPABILITY);

describe('AuthApp peer key cache', () => {
  it('converts a peer’s long-term key once; later handshakes convert only the ephemeral key and still authenticate', async () => {
    const alice = makeIdentity();
    const bob = makeIdentity();
    const ca = counting(backend);
    const a = new AuthApp({ identity: alice, backend: ca.be, random });
    const b = new AuthApp({ identity: bob, backend, random });

    const first = await handshake(b, a, alice);
    expect(authed(first.out) && authed(first.inb)).toBe(true);
    expect(ca.conversions()).toBe(2); // Bob's long-term and ephemeral keys
    expect(a.cachedPeerKeys).toBe(1);

    for (let i = 0; i < 3; i++) {
      const again = await handshake(b, a, alice);
      expect(authed(again.out) && authed(again.inb)).toBe(true);
      expect(again.inb.hostname).toBe(bob.onion);
      // The session works: the cached key gave the same session key as Bob's side.
      again.out.send(new TextEncoder().encode(`ping ${i}`));
      expect(new TextDecoder().decode((await again.inb.expect())!)).toBe(`ping ${i}`);
    }
    expect(ca.conversions()).toBe(2 + 3); // one ephemeral key each
    expect(a.cachedPeerKeys).toBe(1);
  });

  it('keeps at most its bound, evicting the least recently used peer', async () => {
    expect(AUTH_PEER_KEY_CACHE_ENTRIES).toBeGreaterThan(0);
    const alice = makeIdentity();
    const ca = counting(backend);
    const a = new AuthApp({ identity: alice, backend: ca.be, random, peerKeyCacheEntries: 2 });
    const [p, q, r] = [makeIdentity(), makeIdentity(), makeIdentity()].map((identity) => new AuthApp({ identity, backend, random }));
    const dial = async (app: AuthApp): Promise<number> => {
      const before = ca.conversions();
      const h = await handshake(app, a, alice);
      expect(authed(h.inb)).toBe(true);
      return ca.conversions() - before;
    };
    expect(await dial(p!)).toBe(2);
    expect(await dial(q!)).toBe(2);
    expect(await dial(p!)).toBe(1); // hit: p is now the most recent
    expect(await dial(r!)).toBe(2); // evicts q
    expect(a.cachedPeerKeys).toBe(2);
    expect(await dial(p!)).toBe(1);
    expect(await dial(q!)).toBe(2);
    expect(a.cachedPeerKeys).toBe(2);
  });

  it('never caches a long-term key that is not a valid point, and closes on it', async () => {
    const alice = makeIdentity();
    const a = new AuthApp({ identity: alice, backend, random });
    // y = 2 has no x on edwards25519: the conversion refuses it.
    const bad = new Uint8Array(32);
    bad[0] = 2;
    expect(backend.edPublicToX25519(bad)).toBeNull();
    const [x, y] = memoryStreamPair({ scheduler });
    const hostile = new Connection(x, { outbound: false, backend, random, scheduler });
    const inb = new Connection(y, { outbound: false, backend, random, scheduler });
    const done = a.newInstance().init(inb);
    hostile.send(encodeAuthMessage({ longTermPublicKey: bad, ephemeralPublicKey: makeIdentity().publicKey }));
    await done;
    expect(inb.closeCode).toBe('protocol');
    expect(a.cachedPeerKeys).toBe(0);
  });

  it('a cached key lets no impostor in: presenting Bob’s public key without his seed fails the challenge', async () => {
    const alice = makeIdentity();
    const bob = makeIdentity();
    const a = new AuthApp({ identity: alice, backend, random });
    const b = new AuthApp({ identity: bob, backend, random });
    expect(authed((await handshake(b, a, alice)).inb)).toBe(true);
    expect(a.cachedPeerKeys).toBe(1);

    const mallory = makeIdentity();
    const posing: Identity = { seed: mallory.seed, publicKey: bob.publicKey, onion: bob.onion };
    const m = new AuthApp({ identity: posing, backend, random });
    const h = await handshake(m, a, alice);
    expect(authed(h.inb)).toBe(false);
    expect(h.inb.closed).toBe(true);
    expect(authed(h.out)).toBe(false);
  });
});

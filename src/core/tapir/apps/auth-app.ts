// The authentication app: ephemeral 3DH over both long-term identities, a session key, and an encrypted
// transcript challenge. Grants AuthenticationCapability; on any failure it closes, sending no error.
// docs/protocol.md §4; handbook "Authentication Protocol". [unverified] details live in ../wire-constants.ts.

import { bytesKey, concatBytes, constantTimeEqual, utf8, wipe } from '../../bytes.js';
import type { CryptoBackend, Pbkdf2 } from '../../crypto/backend.js';
import { isAllZero } from '../../crypto/backend.js';
import { newIdentity, type Identity } from '../../crypto/identity.js';
import { onionFromPublicKey } from '../../crypto/onion.js';
import { AUTH_PEER_KEY_CACHE_ENTRIES } from '../../limits.js';
import type { Random } from '../../ports.js';
import type { Connection } from '../connection.js';
import {
  AUTH_CAPABILITY,
  AUTH_CHALLENGE_BYTES,
  AUTH_LABELS,
  AUTH_PROTOCOL_LABEL,
  deriveSessionKey,
  type SessionKdf,
} from '../wire-constants.js';
import { TranscriptApp } from './application.js';
import { decodeAuthMessage, encodeAuthMessage } from './auth-message.js';

export interface AuthAppOptions {
  readonly identity: Identity;
  readonly backend: CryptoBackend;
  readonly random: Random;
  /** Session KDF; defaults to the primary [unverified] choice in wire-constants. */
  readonly kdf?: SessionKdf;
  readonly pbkdf2?: Pbkdf2;
  /** Peers' converted long-term keys kept; defaults to AUTH_PEER_KEY_CACHE_ENTRIES. */
  readonly peerKeyCacheEntries?: number;
}


/** A Map kept in use order (a hit moves its entry to the end), dropping the least recently used past `max`. */
class LruMap<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
  get size(): number {
    return this.m.size;
  }
}

/** What one AuthApp and all its per-connection instances share. */
interface AuthShared {
  /** Our long-term X25519 private key, converted once when the app is made. */
  readonly myLongTerm: Uint8Array;
  /** Peers' long-term X25519 public keys by their ed25519 key (only valid points are kept). */
  readonly peerLongTerm: LruMap<Uint8Array>;
}

export class AuthApp extends TranscriptApp {
  private readonly shared: AuthShared;

  /** `shared` is for newInstance only: callers pass just the options. */
  constructor(
    private readonly opts: AuthAppOptions,
    shared?: AuthShared,
  ) {
    super();
    this.shared = shared ?? {
      myLongTerm: opts.backend.edSeedToX25519(opts.identity.seed),
      peerLongTerm: new LruMap(opts.peerKeyCacheEntries ?? AUTH_PEER_KEY_CACHE_ENTRIES),
    };
  }

  override newInstance(): AuthApp {
    return new AuthApp(this.opts, this.shared);
  }

  /** Peers' converted long-term keys held now (for tests: the cache stays within its bound). */
  get cachedPeerKeys(): number {
    return this.shared.peerLongTerm.size;
  }

  /**
   * A peer's long-term key in Montgomery form, from the cache when it connected lately. Cached on first sight,
   * whether or not its handshake then succeeds: a prober who presents someone else's public key to time our reply
   * (was that peer here lately?) gets one sample, then only hits, until it evicts the key with a cache's worth of
   * its own handshakes; each sample is tens of microseconds under Tor's milliseconds of jitter.
   */
  private peerLongTerm(ed: Uint8Array): Uint8Array | null {
    const k = bytesKey(ed);
    const hit = this.shared.peerLongTerm.get(k);
    if (hit !== undefined) return hit;
    const x = this.opts.backend.edPublicToX25519(ed);
    if (x !== null) this.shared.peerLongTerm.set(k, x);
    return x;
  }

  override async init(conn: Connection): Promise<void> {
    const transcript = this.initTranscript();
    const { identity, backend, random } = this.opts;
    const eph = newIdentity(backend, random);
    const mine = encodeAuthMessage({ longTermPublicKey: identity.publicKey, ephemeralPublicKey: eph.publicKey });
    // Both sides send first, then read: no initiator, no deadlock.
    if (!conn.send(mine).ok) return;
    const theirs = await conn.expect();
    if (theirs === null) return;
    const remote = decodeAuthMessage(theirs);
    if (!remote.ok) return conn.close('protocol');
    const remoteOnion = onionFromPublicKey(remote.value.longTermPublicKey);
    // Tor proves whom we dialled; a different long-term key is an impostor.
    if (conn.outbound && conn.hostname !== remoteOnion) return conn.close('protocol');

    // identity.edh for each pair, with each key converted to Montgomery form once (the conversion of a
    // public key costs about as much as the DH itself); long-term keys come converted from the shared cache.
    const theirLt = this.peerLongTerm(remote.value.longTermPublicKey);
    const theirEph = backend.edPublicToX25519(remote.value.ephemeralPublicKey);
    if (theirLt === null || theirEph === null) return conn.close('protocol');
    const myEph = backend.edSeedToX25519(eph.seed);
    wipe(eph.seed);
    const myLt = this.shared.myLongTerm;
    const dh = (priv: Uint8Array, pub: Uint8Array): Uint8Array | null => {
      const out = backend.x25519(priv, pub);
      return out === null || isAllZero(out) ? null : out;
    };
    // Strictly ordered: DH(outLT, inE) ‖ DH(inLT, outE) ‖ DH(outE, inE).
    const parts = conn.outbound
      ? [dh(myLt, theirEph), dh(myEph, theirLt), dh(myEph, theirEph)]
      : [dh(myEph, theirLt), dh(myLt, theirEph), dh(myEph, theirEph)];
    wipe(myEph);
    if (parts.some((p) => p === null)) return conn.close('protocol');
    const secret = concatBytes(...(parts as Uint8Array[]));
    for (const p of parts) wipe(p!);
    const key = deriveSessionKey(secret, this.opts.kdf, this.opts.pbkdf2);
    wipe(secret);
    conn.setEncryptionKey(key);
    wipe(key);

    const [outOnion, inOnion] = conn.outbound ? [identity.onion, remoteOnion] : [remoteOnion, identity.onion];
    const [outMsg, inMsg] = conn.outbound ? [mine, theirs] : [theirs, mine];
    transcript.newProtocol(AUTH_PROTOCOL_LABEL);
    transcript.addToTranscript(AUTH_LABELS.outboundHostname, utf8(outOnion));
    transcript.addToTranscript(AUTH_LABELS.inboundHostname, utf8(inOnion));
    transcript.addToTranscript(AUTH_LABELS.outboundChallenge, outMsg);
    transcript.addToTranscript(AUTH_LABELS.inboundChallenge, inMsg);
    const challenge = transcript.commitToTranscript(AUTH_LABELS.challenge);
    if (!conn.send(challenge).ok) return;
    const echo = await conn.expect();
    if (echo === null) return;
    if (echo.length !== AUTH_CHALLENGE_BYTES || !constantTimeEqual(echo, challenge)) return conn.close('protocol');
    conn.setHostname(remoteOnion);
    conn.setCapability(AUTH_CAPABILITY);
  }
}

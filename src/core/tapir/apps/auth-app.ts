// The authentication app: ephemeral 3DH over both long-term identities, a session key, and an encrypted
// transcript challenge. Grants AuthenticationCapability; on any failure it closes, sending no error.
// protocol.md §4; handbook "Authentication Protocol". [unverified] details live in ../wire-constants.ts.

import { concatBytes, constantTimeEqual, utf8, wipe } from '../../bytes.js';
import type { CryptoBackend, Pbkdf2 } from '../../crypto/backend.js';
import { isAllZero } from '../../crypto/backend.js';
import { newIdentity, type Identity } from '../../crypto/identity.js';
import { onionFromPublicKey } from '../../crypto/onion.js';
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
import { TranscriptApp, type Application } from './application.js';
import { decodeAuthMessage, encodeAuthMessage } from './auth-message.js';

export interface AuthAppOptions {
  readonly identity: Identity;
  readonly backend: CryptoBackend;
  readonly random: Random;
  /** Session KDF; defaults to the primary [unverified] choice in wire-constants. */
  readonly kdf?: SessionKdf;
  readonly pbkdf2?: Pbkdf2;
}

export class AuthApp extends TranscriptApp {
  constructor(private readonly opts: AuthAppOptions) {
    super();
  }

  override newInstance(): Application {
    const app = new AuthApp(this.opts);
    app.ltX25519 = this.longTermX25519();
    return app;
  }

  /** Our long-term X25519 private key, derived once and shared by the instances of this app. */
  private ltX25519: Uint8Array | null = null;
  private longTermX25519(): Uint8Array {
    this.ltX25519 ??= this.opts.backend.edSeedToX25519(this.opts.identity.seed);
    return this.ltX25519;
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
    // public key costs about as much as the DH itself).
    const theirLt = backend.edPublicToX25519(remote.value.longTermPublicKey);
    const theirEph = backend.edPublicToX25519(remote.value.ephemeralPublicKey);
    if (theirLt === null || theirEph === null) return conn.close('protocol');
    const myEph = backend.edSeedToX25519(eph.seed);
    wipe(eph.seed);
    const myLt = this.longTermX25519();
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

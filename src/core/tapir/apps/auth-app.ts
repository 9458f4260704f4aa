// The authentication app: ephemeral 3DH over both long-term identities, a session key, and an encrypted
// transcript challenge. Grants AuthenticationCapability; on any failure it closes, sending no error.
// protocol.md §4; handbook "Authentication Protocol". [unverified] details live in ../wire-constants.ts.

import { concatBytes, constantTimeEqual, utf8, wipe } from '../../bytes.js';
import type { CryptoBackend, Pbkdf2 } from '../../crypto/backend.js';
import { edh, newIdentity, type Identity } from '../../crypto/identity.js';
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
    return new AuthApp(this.opts);
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

    const { longTermPublicKey: theirLt, ephemeralPublicKey: theirEph } = remote.value;
    // Strictly ordered: DH(outLT, inE) ‖ DH(inLT, outE) ‖ DH(outE, inE).
    const parts = conn.outbound
      ? [edh(backend, identity.seed, theirEph), edh(backend, eph.seed, theirLt), edh(backend, eph.seed, theirEph)]
      : [edh(backend, eph.seed, theirLt), edh(backend, identity.seed, theirEph), edh(backend, eph.seed, theirEph)];
    wipe(eph.seed);
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

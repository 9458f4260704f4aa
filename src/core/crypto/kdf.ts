// Key derivation Cwtch uses for profiles, encrypted server configs (docs/protocol.md §8, §7.6) and group ids (§7.2).

import { toHex, utf8 } from '../bytes.js';
import { KDF_ITERATIONS } from '../limits.js';
import type { Pbkdf2 } from './backend.js';

/** The password of profiles created "without a password" (cwtch-ui DefaultPassword). Protects nothing. */
export const DEFAULT_PASSWORD = 'be gay do crime';

/** key = PBKDF2-HMAC-SHA3-512(password, salt, 4096, 32). */
export function deriveProfileKey(pbkdf2: Pbkdf2, password: string, salt: Uint8Array): Uint8Array {
  return pbkdf2('sha3-512', utf8(password), salt, KDF_ITERATIONS, 32);
}

/** GroupID = hex(PBKDF2-HMAC-SHA512(groupKey, serverEd25519Pub, 4096, 16)). [confirmed] */
export function deriveGroupId(pbkdf2: Pbkdf2, groupKey: Uint8Array, serverPublicKey: Uint8Array): string {
  return toHex(pbkdf2('sha512', groupKey, serverPublicKey, KDF_ITERATIONS, 16));
}

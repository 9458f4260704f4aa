// The cheap first half of trial decryption: which of our group keys (if any) opens an EGM's ciphertext. Nearly all
// replayed messages belong to other groups, so every key fails on them; failing into one reused buffer (when the
// backend can open into one) spares allocating and collecting a ciphertext-sized array per key per message.
// tryDecryptGroupMessage(backend, egm, [found]) then does the full receive path for the rare one that opens.

import { SECRETBOX_NONCE_BYTES, SECRETBOX_TAG_BYTES, type CryptoBackend } from '../crypto/backend.js';
import { openGroupCiphertext, type GroupKeyInfo } from './group-message.js';

export class TrialOpener {
  private scratch = new Uint8Array(0);

  constructor(private readonly backend: CryptoBackend) {}

  /** The first group in `groups` whose key opens `ciphertext` (the one tryDecryptGroupMessage would pick), or null. */
  find(ciphertext: Uint8Array, groups: readonly GroupKeyInfo[]): GroupKeyInfo | null {
    const { backend } = this;
    if (ciphertext.length < SECRETBOX_NONCE_BYTES + SECRETBOX_TAG_BYTES) return null;
    if (backend.secretboxOpenInto === undefined) {
      for (const g of groups) if (openGroupCiphertext(backend, g.key, ciphertext) !== null) return g;
      return null;
    }
    const size = ciphertext.length - SECRETBOX_NONCE_BYTES - SECRETBOX_TAG_BYTES;
    if (this.scratch.length < size) this.scratch = new Uint8Array(size);
    const out = this.scratch.subarray(0, size);
    const nonce = ciphertext.subarray(0, SECRETBOX_NONCE_BYTES);
    const box = ciphertext.subarray(SECRETBOX_NONCE_BYTES);
    let found: GroupKeyInfo | null = null;
    for (const g of groups) {
      if (backend.secretboxOpenInto(out, box, nonce, g.key)) {
        found = g;
        break;
      }
    }
    // A plaintext of ours must not linger in a long-lived buffer.
    if (found !== null) out.fill(0);
    return found;
  }
}

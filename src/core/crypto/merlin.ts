// Merlin transcripts (gtank/merlin, dalek merlin) on STROBE-128. docs/protocol.md §3.1; vectors in merlin.json.

import { concatBytes, utf8 } from '../bytes.js';
import { Strobe128 } from './strobe.js';

const MERLIN_PROTOCOL_LABEL = 'Merlin v1.0';

function le32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

export class MerlinTranscript {
  private readonly strobe = new Strobe128(MERLIN_PROTOCOL_LABEL);

  constructor(label: string) {
    this.appendMessage('dom-sep', utf8(label));
  }

  /** meta-AD(label ‖ LE32(len)) as one operation (gtank's form; dalek's two-part form gives the same bytes), then AD(msg). */
  appendMessage(label: string, msg: Uint8Array): void {
    if (msg.length > 0xffffffff) throw new RangeError('merlin: message too long');
    this.strobe.metaAd(concatBytes(utf8(label), le32(msg.length)), false);
    this.strobe.ad(msg, false);
  }

  /** The requested length is bound into the transcript: a 64-byte challenge does not extend a 32-byte one. */
  challengeBytes(label: string, n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('merlin: bad challenge length');
    this.strobe.metaAd(concatBytes(utf8(label), le32(n)), false);
    return this.strobe.prf(n, false);
  }
}

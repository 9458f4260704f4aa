// The replay's raw EGM packets, built into one reused buffer with Node's native base64: the exact bytes of
// encodeEgm (src/core/groups/board-messages.ts, property-tested equal) without a fresh array and a JS base64 pass per
// replayed message. Valid because Connection.send copies its payload into the packet before returning.

import { Buffer } from 'node:buffer';

const HEAD = '{"Ciphertext":"';
const MID = '","Signature":"';
const TAIL = '"}';

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const b64Len = (n: number): number => 4 * Math.ceil(n / 3);

export class EgmWriter {
  private buf = Buffer.allocUnsafe(0);

  /** encodeEgm({ciphertext, signature}) as a view of this writer's buffer: valid until the next write. */
  write(ciphertext: Uint8Array, signature: Uint8Array): Uint8Array {
    return this.writeFrom(asBuffer(ciphertext), 0, ciphertext.length, asBuffer(signature), 0, signature.length);
  }

  /** write() of ciphertext = src[c0, c1) and signature = sigSrc[s0, s1), without making views of them. */
  writeFrom(src: Buffer, c0: number, c1: number, sigSrc: Buffer, s0: number, s1: number): Uint8Array {
    const size = HEAD.length + b64Len(c1 - c0) + MID.length + b64Len(s1 - s0) + TAIL.length;
    // Grown, never shrunk: one buffer of the largest message seen (ciphertexts are capped by BOARD_MAX_CIPHERTEXT_BYTES).
    if (this.buf.length < size) this.buf = Buffer.allocUnsafe(size);
    const b = this.buf;
    let o = b.write(HEAD, 0, 'latin1');
    o += b.write(src.toString('base64', c0, c1), o, 'latin1');
    o += b.write(MID, o, 'latin1');
    o += b.write(sigSrc.toString('base64', s0, s1), o, 'latin1');
    o += b.write(TAIL, o, 'latin1');
    return b.subarray(0, o);
  }
}

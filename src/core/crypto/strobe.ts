// STROBE-128 over Keccak-f[1600], only the operations Merlin needs (docs/protocol.md §3.1).
// Follows dalek-cryptography/merlin src/strobe.rs byte for byte; gtank/merlin (StrobeGo) produces the same bytes.

import { keccakP } from '@noble/hashes/sha3.js';
import { utf8 } from '../bytes.js';

/** Rate in bytes: 200 − 2·(128/8) − 2. */
const STROBE_R = 166;

const FLAG_I = 1;
const FLAG_A = 1 << 1;
const FLAG_C = 1 << 2;
const FLAG_T = 1 << 3;
const FLAG_M = 1 << 4;
const FLAG_K = 1 << 5;

export class Strobe128 {
  // keccakP works on 50 little-endian u32 words; the Uint32Array view shares the byte buffer, which is
  // correct on little-endian hosts (every Node platform we ship on).
  private readonly st = new Uint8Array(200);
  private readonly st32 = new Uint32Array(this.st.buffer);
  private pos = 0;
  private posBegin = 0;
  private curFlags = 0;

  constructor(protocolLabel: Uint8Array | string) {
    this.st.set([1, STROBE_R + 2, 1, 0, 1, 96], 0);
    this.st.set(utf8('STROBEv1.0.2'), 6);
    keccakP(this.st32);
    this.metaAd(typeof protocolLabel === 'string' ? utf8(protocolLabel) : protocolLabel, false);
  }

  metaAd(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_M | FLAG_A, more);
    this.absorb(data);
  }

  ad(data: Uint8Array, more: boolean): void {
    this.beginOp(FLAG_A, more);
    this.absorb(data);
  }

  prf(n: number, more: boolean): Uint8Array {
    this.beginOp(FLAG_I | FLAG_A | FLAG_C, more);
    return this.squeeze(n);
  }

  private runF(): void {
    this.st[this.pos]! ^= this.posBegin;
    this.st[this.pos + 1]! ^= 0x04;
    this.st[STROBE_R + 1]! ^= 0x80;
    keccakP(this.st32);
    this.pos = 0;
    this.posBegin = 0;
  }

  private absorb(data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      this.st[this.pos]! ^= data[i]!;
      this.pos++;
      if (this.pos === STROBE_R) this.runF();
    }
  }

  private squeeze(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.st[this.pos]!;
      this.st[this.pos] = 0;
      this.pos++;
      if (this.pos === STROBE_R) this.runF();
    }
    return out;
  }

  private beginOp(flags: number, more: boolean): void {
    if (more) {
      // Continuing an operation is only meaningful with the same flags (strobe.rs asserts the same).
      if (this.curFlags !== flags) throw new Error('strobe: continued operation with different flags');
      return;
    }
    if ((flags & FLAG_T) !== 0) throw new Error('strobe: transport operations are not supported');
    const oldBegin = this.posBegin;
    this.posBegin = this.pos + 1;
    this.curFlags = flags;
    this.absorb(Uint8Array.of(oldBegin, flags));
    const forceF = (flags & (FLAG_C | FLAG_K)) !== 0;
    if (forceF && this.pos !== 0) this.runF();
  }
}

import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../src/core/bytes.js';
import { MerlinTranscript } from '../../../src/core/crypto/merlin.js';
import { loadVector } from '../../vectors/load.js';

interface MerlinVector {
  name: string;
  ops: unknown[];
  expected_hex?: string;
  expected_hex_last_challenge?: string;
}
const vectors = loadVector<{ vectors: MerlinVector[] }>('merlin').vectors;
const byName = (n: string): MerlinVector => vectors.find((v) => v.name === n)!;

/** Runs the flat op lists of merlin.json: ["new", label], ["append", label, text], ["challenge", label, n]. */
function runFlat(ops: unknown[]): Uint8Array {
  let t: MerlinTranscript | undefined;
  let last: Uint8Array = new Uint8Array();
  for (const op of ops as [string, string, string | number][]) {
    if (op[0] === 'new') t = new MerlinTranscript(op[1]);
    else if (op[0] === 'append') t!.appendMessage(op[1], utf8(op[2] as string));
    else if (op[0] === 'challenge') last = t!.challengeBytes(op[1], op[2] as number);
    else throw new Error(`unknown op ${op[0]}`);
  }
  return last;
}

describe('MerlinTranscript (merlin.json)', () => {
  for (const name of ['simple', 'simple_64', 'tapir_like']) {
    it(`reproduces ${name}`, () => {
      const v = byName(name);
      expect(toHex(runFlat(v.ops))).toBe(v.expected_hex);
    });
  }

  it('reproduces gtank TestComplexTranscript', () => {
    const t = new MerlinTranscript('test protocol');
    t.appendMessage('step1', utf8('some data'));
    const big = new Uint8Array(1024).fill(0x63);
    let c: Uint8Array = new Uint8Array();
    for (let i = 0; i < 32; i++) {
      c = t.challengeBytes('challenge', 32);
      t.appendMessage('bigdata', big);
      t.appendMessage('challengedata', c);
    }
    expect(toHex(c)).toBe(byName('complex').expected_hex_last_challenge);
  });

  it('binds the requested length: a 64-byte extract does not start with the 32-byte one', () => {
    const a = new MerlinTranscript('x').challengeBytes('c', 32);
    const b = new MerlinTranscript('x').challengeBytes('c', 64);
    expect(toHex(b.subarray(0, 32))).not.toBe(toHex(a));
  });

  it('extracts longer than the STROBE rate (166 bytes) are deterministic and distinct per label', () => {
    const a = new MerlinTranscript('x').challengeBytes('c', 500);
    const b = new MerlinTranscript('x').challengeBytes('c', 500);
    const c = new MerlinTranscript('x').challengeBytes('d', 500);
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).not.toBe(toHex(c));
  });
});

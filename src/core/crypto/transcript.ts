// tapir primitives/core Transcript: a thin layer over Merlin (docs/protocol.md §3.2).
// Everything marked [unverified] in docs/protocol.md §3.2/§11 is a named constant or one function in this module, so a
// correction after testing against a real Go peer touches only this file.

import { shake256 } from '@noble/hashes/sha3.js';
import { utf8 } from '../bytes.js';
import { MerlinTranscript } from './merlin.js';
import {
  UNIFORM_BYTES,
  elementFromUniformBytes,
  scalarFromUniformBytes,
  type RistrettoPointType,
} from './ristretto.js';

/** [unverified: tapir primitives/core/transcript.go, docs/protocol.md §11] NewProtocol(l) = AppendMessage(this label, l). */
export const NEW_PROTOCOL_LABEL = 'protocol';
/** [unverified: docs/protocol.md §11] CommitToTranscript extracts this many bytes (the Rust port returns [u8; 64]). */
export const COMMIT_BYTES = 64;
/** [unverified: docs/protocol.md §11] CommitToPRNG: a 64-byte extract seeds SHAKE-256; each Next() reads this many bytes. */
export const PRNG_SEED_BYTES = 64;
export const PRNG_OUTPUT_BYTES = 64;
/** [unverified: handbook tapir] label of the transcript TranscriptApp.Init creates. */
export const TAPIR_TRANSCRIPT_LABEL = 'tapir-transcript';

/** A deterministic stream of scalars drawn from the transcript (CommitToPRNG). */
export interface TranscriptPrng {
  next(): bigint;
}

export class Transcript {
  private readonly merlin: MerlinTranscript;

  constructor(label: string) {
    this.merlin = new MerlinTranscript(label);
  }

  addToTranscript(label: string, b: Uint8Array): void {
    this.merlin.appendMessage(label, b);
  }

  /** el is the 32-byte ristretto255 encoding. */
  addElementToTranscript(label: string, el: Uint8Array): void {
    if (el.length !== 32) throw new RangeError('transcript: element encoding must be 32 bytes');
    this.addToTranscript(label, el);
  }

  newProtocol(label: string): void {
    this.addToTranscript(NEW_PROTOCOL_LABEL, utf8(label));
  }

  commitToTranscript(label: string): Uint8Array {
    return this.merlin.challengeBytes(label, COMMIT_BYTES);
  }

  commitToTranscriptScalar(label: string): bigint {
    return scalarFromUniformBytes(this.commitToTranscript(label));
  }

  commitToGenerator(label: string): RistrettoPointType {
    return elementFromUniformBytes(this.commitToTranscript(label));
  }

  /** Labels `<label>-<i>` as Go fmt.Sprintf("%v-%d"). */
  commitToGenerators(label: string, n: number): RistrettoPointType[] {
    const out: RistrettoPointType[] = [];
    for (let i = 0; i < n; i++) out.push(this.commitToGenerator(`${label}-${i}`));
    return out;
  }

  commitToPRNG(label: string): TranscriptPrng {
    return prngFromSeed(this.merlin.challengeBytes(label, PRNG_SEED_BYTES));
  }
}

/** The SHAKE-256 PRNG behind CommitToPRNG, exposed so vectors that record the seed can be checked. */
export function prngFromSeed(seed: Uint8Array): TranscriptPrng {
  const xof = shake256.create({}).update(seed);
  return {
    next: () => scalarFromUniformBytes(xof.xof(PRNG_OUTPUT_BYTES)),
  };
}

// Keep the module's uniform-size assumption visible: scalars/generators come from 64-byte extracts.
if (COMMIT_BYTES !== UNIFORM_BYTES) throw new Error('transcript: COMMIT_BYTES must equal the uniform input size');

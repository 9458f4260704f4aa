// The proof-of-work app (docs/protocol.md §5.2): the server sends a random seed; the client searches the transcript PRNG
// for a 32-byte value whose SHA-256 together with the transcript challenge starts with enough zero bits. Grants
// SuccessfulProofOfWorkCapability. Runs inside an ApplicationChain, on the chain's transcript. [unverified details
// are constants in ../../privacypass/constants.ts]

import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../../bytes.js';
import { encodeScalar } from '../../crypto/ristretto.js';
import type { Transcript, TranscriptPrng } from '../../crypto/transcript.js';
import type { Random } from '../../ports.js';
import {
  POW_CAPABILITY,
  POW_DIFFICULTY_BITS,
  POW_LABELS,
  POW_SEED_BYTES,
  POW_SOLUTION_BYTES,
} from '../../privacypass/constants.js';
import type { Connection } from '../connection.js';
import { TapirStateError } from '../errors.js';
import { TranscriptApp, type Application } from './application.js';

/** SHA-256(solution ‖ challenge) starts with `bits` zero bits. */
export function powHashOk(solution: Uint8Array, challenge: Uint8Array, bits: number): boolean {
  const h = sha256(concatBytes(solution, challenge));
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (h[i] !== 0) return false;
  return bits === 0 || h[i]! >> (8 - bits) === 0;
}

/** Draw candidates from the transcript PRNG (scalar encodings) until one passes; bounded by `maxTries`. */
export function solvePow(prng: TranscriptPrng, challenge: Uint8Array, bits: number, maxTries = 2 ** (bits + 8)): Uint8Array | null {
  for (let i = 0; i < maxTries; i++) {
    const candidate = encodeScalar(prng.next());
    if (powHashOk(candidate, challenge, bits)) return candidate;
  }
  return null;
}

/** The chain's transcript, propagated before init; running outside a chain is a bug. */
export function chainTranscript(app: Application): Transcript {
  const t = app.transcript();
  if (t === null) throw new TapirStateError('tapir.no-transcript', 'this app runs inside an application chain');
  return t;
}

export interface PowAppOptions {
  readonly random: Random;
  /** Leading zero bits; default POW_DIFFICULTY_BITS. Both sides must agree (tests lower it). */
  readonly difficultyBits?: number;
}

export class PowApp extends TranscriptApp {
  constructor(private readonly opts: PowAppOptions) {
    super();
  }

  override newInstance(): Application {
    return new PowApp(this.opts);
  }

  override async init(conn: Connection): Promise<void> {
    const tr = chainTranscript(this);
    const bits = this.opts.difficultyBits ?? POW_DIFFICULTY_BITS;
    tr.newProtocol(POW_LABELS.app);
    if (conn.outbound) {
      const seed = await conn.expect();
      if (seed === null) return;
      if (seed.length !== POW_SEED_BYTES) return conn.close('protocol');
      tr.addToTranscript(POW_LABELS.seed, seed);
      const challenge = tr.commitToTranscript(POW_LABELS.challenge);
      const solution = solvePow(tr.commitToPRNG(POW_LABELS.prng), challenge, bits);
      if (solution === null) return conn.close('protocol');
      tr.addToTranscript(POW_LABELS.solution, solution);
      if (!conn.send(solution).ok) return;
      conn.setCapability(POW_CAPABILITY);
      return;
    }
    const seed = this.opts.random.bytes(POW_SEED_BYTES);
    tr.addToTranscript(POW_LABELS.seed, seed);
    if (!conn.send(seed).ok) return;
    const solution = await conn.expect();
    if (solution === null) return;
    if (solution.length < POW_SOLUTION_BYTES) return conn.close('protocol');
    const challenge = tr.commitToTranscript(POW_LABELS.challenge);
    // The "soft commitment": replayed so both transcripts stay identical into the token app.
    tr.commitToPRNG(POW_LABELS.prng);
    // Go adds the whole message but checks only its first 32 bytes.
    tr.addToTranscript(POW_LABELS.solution, solution);
    if (powHashOk(solution.subarray(0, POW_SOLUTION_BYTES), challenge, bits)) conn.setCapability(POW_CAPABILITY);
  }
}

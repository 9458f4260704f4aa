// What every room of the engine is given (the platform's ports, the network, the shared meters): one module, so
// the profile runtime and the groups it holds do not import each other for it.

import type { Acn } from '../../core/net/acn.js';
import type { CryptoBackend, Pbkdf2 } from '../../core/crypto/backend.js';
import type { Clock, Random } from '../../core/ports.js';
import type { ByteMeter } from './byte-meter.js';
import type { DataBudget } from './data-budget.js';

export interface RuntimeDeps {
  readonly backend: CryptoBackend;
  readonly pbkdf2: Pbkdf2;
  readonly random: Random;
  readonly clock: Clock;
  readonly acn: Acn;
  readonly log: (line: string) => void;
  /** Override the re-dial back-off (tests of the back-off itself use a fake clock instead). */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** Counts bytes per contact and server (the engine's meter); absent: nothing is counted. */
  readonly meter?: ByteMeter;
  /** Token-service PoW difficulty (tests lower it on both ends); default POW_DIFFICULTY_BITS. */
  readonly powDifficultyBits?: number;
  /** The engine's day count and data budget; absent: no budget. */
  readonly budget?: DataBudget;
}

/** The command id an event answers, spread into the event (none: an event nobody asked for). */
export function withId(id: string | undefined): { id?: string } {
  return id !== undefined ? { id } : {};
}

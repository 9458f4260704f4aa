// Feed a list of keypresses to the composer state machine and collect what it emits.

import type { KeyInfo } from '../../../src/ui/keys/bindings.js';
import { EMPTY_COMPOSER, feedKey, type ComposerOut, type ComposerState } from '../../../src/ui/keys/composer.js';

export type Press = readonly [string, KeyInfo];

export function feed(presses: readonly Press[], s: ComposerState = EMPTY_COMPOSER): { state: ComposerState; out: ComposerOut[] } {
  const out: ComposerOut[] = [];
  for (const [input, key] of presses) {
    const step = feedKey(s, input, key);
    s = step.state;
    out.push(...step.out);
  }
  return { state: s, out };
}

// Reads a vector file from test/vectors (copied unchanged from the project's shared vectors; see PROVENANCE.md).

import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/core/bytes.js';

export function loadVector<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Hex that must be valid in a vector file; a bad vector fails the test loudly. */
export function hex(s: string): Uint8Array {
  const b = fromHex(s);
  if (b === null) throw new Error(`bad hex in vector: ${s.slice(0, 16)}…`);
  return b;
}

// Names and fingerprints for the view model, through src/core/text (the one place that decides what
// is safe to draw and what looks alike).

import { sha3_256 } from '@noble/hashes/sha3.js';
import { utf8 } from '../../core/bytes.js';
import { decodeOnion } from '../../core/crypto/onion.js';
import { fingerprint, FINGERPRINT_PALETTE_SIZE, type Fingerprint } from '../../core/text/fingerprint.js';
import { displayName, nameSkeleton } from '../../core/text/names.js';
import { untrustedLine, type SafeText } from '../text.js';

export type { Fingerprint };

/** Terminal colours for fingerprint colour indexes; exactly FINGERPRINT_PALETTE_SIZE of them, none red (red means danger). */
export const FINGERPRINT_COLOURS: readonly string[] = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'cyanBright', 'greenBright', 'magentaBright'];
if (FINGERPRINT_COLOURS.length !== FINGERPRINT_PALETTE_SIZE) throw new Error('fingerprint palette size mismatch');

export function nameOf(raw: string): SafeText {
  return displayName(raw);
}

/**
 * The fingerprint of a contact or server onion; a group id (32 hex, not an onion) gets the same
 * short shape and a colour from its hash so groups look like everything else.
 */
export function fingerprintOf(id: string): Fingerprint {
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const fp = computeFingerprint(id);
  // Every row of every frame asks for its sender's fingerprint (two SHA3 each): remember them. Bounded,
  // because group members are unbounded in principle; clearing is crude but correct.
  if (cache.size >= FINGERPRINT_CACHE_ENTRIES) cache.clear();
  cache.set(id, fp);
  return fp;
}

const FINGERPRINT_CACHE_ENTRIES = 4096;
const cache = new Map<string, Fingerprint>();

function computeFingerprint(id: string): Fingerprint {
  const d = decodeOnion(id);
  if (d.ok) return fingerprint(d.value.onion);
  const colour = sha3_256(utf8(`cwtch-tui group colour v1|${id}`))[0]! % FINGERPRINT_PALETTE_SIZE;
  return { short: untrustedLine(id.length > 12 ? `${id.slice(0, 6)}…${id.slice(-4)}` : id), colour };
}

/** The look-alike key of a raw name (names.ts nameSkeleton: same skeleton = looks the same). */
export function lookalikeKey(raw: string): string {
  return nameSkeleton(raw);
}

/** Ids whose look-alike key is shared with at least one other id. O(n): one pass to count, one to flag. */
export function lookalikeIds(keys: ReadonlyMap<string, string>): Set<string> {
  const count = new Map<string, number>();
  for (const k of keys.values()) if (k !== '') count.set(k, (count.get(k) ?? 0) + 1);
  const out = new Set<string>();
  for (const [id, k] of keys) if (k !== '' && (count.get(k) ?? 0) > 1) out.add(id);
  return out;
}

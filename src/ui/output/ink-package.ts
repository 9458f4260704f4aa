// Where Ink is installed and which release it is: what we stand in for in Ink (its Output.get(), ink-output.ts)
// is verified against one release and used only with it.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The Ink release whose internals src/ui/output/ stands in for (their source was read and equivalence tested). */
export const VERIFIED_INK_VERSION = '6.8.0';

export interface InkPackage {
  readonly version: string;
  /** file: URL of Ink's build directory, ending in '/'. */
  readonly buildUrl: string;
}

/**
 * Ink as installed, if it is the verified release and uses the very copies of `sharedDeps` we import (a nested
 * copy under ink/node_modules would mean our stand-in runs different code than Ink's would). Else undefined.
 */
export function verifiedInk(sharedDeps: readonly string[]): InkPackage | undefined {
  try {
    // Ink exports only its entry point; its internals are reached by file URL, as its own modules import them.
    const entry = createRequire(import.meta.url).resolve('ink');
    const inkDir = join(dirname(entry), '..');
    if (sharedDeps.some((dep) => existsSync(join(inkDir, 'node_modules', dep)))) return undefined;
    const version = (JSON.parse(readFileSync(join(inkDir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    if (version !== VERIFIED_INK_VERSION) return undefined;
    return { version, buildUrl: pathToFileURL(dirname(entry)).href + '/' };
  } catch {
    return undefined;
  }
}

// Where Ink is installed and which release it is: what we stand in for in Ink (its Output.get(), ink-output.ts)
// is verified against one release and used only with it.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Ink release whose internals src/ui/output/ stands in for (their source was read and equivalence tested). */
export const VERIFIED_INK_VERSION = '6.8.0';

export interface InkPackage {
  readonly version: string;
  /** file: URL of Ink's build directory, ending in '/'. */
  readonly buildUrl: string;
}

/**
 * The folder a bare `import dep` from `fromFile` loads (the node_modules walk ESM and CommonJS share; some
 * packages export no path `require.resolve` may use, so the folder is found, not the entry).
 */
function packageDirFrom(fromFile: string, dep: string): string | undefined {
  for (const dir of createRequire(fromFile).resolve.paths(dep) ?? []) {
    if (existsSync(join(dir, dep, 'package.json'))) return realpathSync(join(dir, dep));
  }
  return undefined;
}

/**
 * Ink as installed, if it is the verified release and imports the very copies of `sharedDeps` we import (another
 * copy — nested under Ink, or elsewhere in a pnpm-style layout — would mean our stand-in runs different code than
 * Ink's would). Else undefined. `from` is the module whose imports count as ours (tests give another layout).
 */
export function verifiedInk(sharedDeps: readonly string[], from: string = import.meta.url): InkPackage | undefined {
  try {
    // Ink exports only its entry point; its internals are reached by file URL, as its own modules import them.
    const here = fileURLToPath(from);
    const entry = createRequire(here).resolve('ink');
    const inkDir = join(dirname(entry), '..');
    const sameCopy = (dep: string): boolean => {
      const inks = packageDirFrom(entry, dep);
      return inks !== undefined && inks === packageDirFrom(here, dep);
    };
    if (!sharedDeps.every(sameCopy)) return undefined;
    const version = (JSON.parse(readFileSync(join(inkDir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    if (version !== VERIFIED_INK_VERSION) return undefined;
    return { version, buildUrl: pathToFileURL(dirname(entry)).href + '/' };
  } catch {
    return undefined;
  }
}

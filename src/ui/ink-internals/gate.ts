// The one gate in front of Ink's private parts. Everything in src/ui/ink-internals/ that reaches past Ink's public
// API (fastGet on its Output class, the raw-keys hook on its stdin emitter) asks inkGate() first and keeps to
// Ink's public behaviour when it is closed. The gate is open only for the Ink release whose source we read and
// tested against, installed so that it imports the very copies of the libraries fastGet calls in its place. The
// check reads a few package.json files; it runs once, on first use (the first mount), never at import.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Ink release whose internals src/ui/ink-internals/ uses (their source was read and equivalence tested). */
export const VERIFIED_INK_VERSION = '6.8.0';

/** The libraries fastGet calls in Ink's place: they must be the very copies Ink uses, not its own nested ones. */
const SHARED_WITH_INK = ['@alcalzone/ansi-tokenize', 'slice-ansi', 'string-width'] as const;

export interface InkPackage {
  readonly version: string;
  /** Ink's build directory (a filesystem path). */
  readonly buildDir: string;
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
    // Ink exports only its entry point; its internals are reached by path, as its own modules import them.
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
    return { version, buildDir: dirname(entry) };
  } catch {
    return undefined;
  }
}

/** May Ink's internals be used: open (with where Ink is) or closed (use Ink's public behaviour only). */
export type InkGate = ({ readonly open: true } & InkPackage) | { readonly open: false };

let checked: InkGate | undefined;
let override: InkGate | undefined;

/** The gate, checked against the installed Ink the first time it is asked and remembered after that. */
export function inkGate(): InkGate {
  if (override !== undefined) return override;
  if (checked === undefined) {
    const pkg = verifiedInk(SHARED_WITH_INK);
    checked = pkg === undefined ? { open: false } : { open: true, ...pkg };
  }
  return checked;
}

/** Tests: answer `gate` instead of the installed Ink's check (`{open: false}` is an unverified Ink); undefined undoes it. */
export function overrideInkGate(gate: InkGate | undefined): void {
  override = gate;
}

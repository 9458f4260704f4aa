// The gate in front of Ink's internals. The verified-Ink check refuses an Ink that would import a different copy of a library than we do (nested
// under Ink, or elsewhere), and accepts one that shares ours — on package layouts built on disk.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { inkGate, verifiedInk, VERIFIED_INK_VERSION } from '../../../src/ui/ink-internals/gate.js';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function pkg(dir: string, json: object, main = 'index.js'): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(json));
  writeFileSync(join(dir, main), '');
}

/** app/x.js importing ink (at `version`) and slice-ansi; with `nested`, Ink has its own slice-ansi. */
function layout(version: string, nested: boolean): string {
  root = mkdtempSync(join(tmpdir(), 'ink-layout-'));
  const nm = join(root, 'app', 'node_modules');
  mkdirSync(join(nm, 'ink', 'build'), { recursive: true });
  writeFileSync(join(nm, 'ink', 'package.json'), JSON.stringify({ name: 'ink', version, exports: { default: './build/index.js' } }));
  writeFileSync(join(nm, 'ink', 'build', 'index.js'), '');
  pkg(join(nm, 'slice-ansi'), { name: 'slice-ansi', version: '8.0.0' });
  if (nested) pkg(join(nm, 'ink', 'node_modules', 'slice-ansi'), { name: 'slice-ansi', version: '8.0.1' });
  writeFileSync(join(root, 'app', 'x.js'), '');
  return pathToFileURL(join(root, 'app', 'x.js')).href;
}

it('accepts the verified Ink sharing our copy of a library', () => {
  expect(verifiedInk(['slice-ansi'], layout(VERIFIED_INK_VERSION, false))?.version).toBe(VERIFIED_INK_VERSION);
});

it('refuses an Ink with its own copy of a library we stand in for, another release, or a library it lacks', () => {
  expect(verifiedInk(['slice-ansi'], layout(VERIFIED_INK_VERSION, true))).toBeUndefined();
  expect(verifiedInk(['slice-ansi'], layout('6.8.1', false))).toBeUndefined();
  expect(verifiedInk(['no-such-lib'], layout(VERIFIED_INK_VERSION, false))).toBeUndefined();
});

it('is open for the Ink installed here (the pinned release, sharing our libraries)', () => {
  const gate = inkGate();
  expect(gate.open).toBe(true);
  expect(gate.open && gate.version).toBe(VERIFIED_INK_VERSION);
  // Checked once: the same answer object after that.
  expect(inkGate()).toBe(gate);
});

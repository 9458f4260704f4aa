// fastGet on Ink's Output class while a TUI is mounted: installInkOutput('fast') puts a fastGet (fast-get.ts) on
// Ink's Output.prototype.get and restore() puts Ink's own back, so nothing of ours stays in Ink once the last TUI
// has closed (its grid and caches go with it). Only behind the gate (gate.ts); a closed gate, or an Ink whose
// Output class is not where and what 6.8.0's is, leaves Ink's own get() in place.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createFastGet, type FastGet, type GetFn, type InkOutputClass } from './fast-get.js';
import { inkGate, type InkPackage } from './gate.js';

/** Ink's Output class, its own get() and Ink's version. */
export interface InkOutput {
  readonly Output: InkOutputClass;
  readonly stockGet: GetFn;
  readonly version: string;
}

function load(ink: InkPackage): InkOutput | undefined {
  try {
    // Ink is ESM and exports only its entry point. require() of an ES module (Node ≥ 20.19, see engines) loads its
    // build/output.js synchronously, so a mount needs no await and the UI no top-level one, and it returns the very
    // module Ink's renderer imported (ESM and require share one module cache).
    const mod = createRequire(import.meta.url)(join(ink.buildDir, 'output.js')) as { default?: InkOutputClass };
    const Output = mod.default;
    if (typeof Output !== 'function' || typeof Output.prototype.get !== 'function') return undefined;
    return { Output, stockGet: Output.prototype.get, version: ink.version };
  } catch {
    return undefined;
  }
}

/** null: loading was tried and failed. */
let loaded: InkOutput | null | undefined;

/** Ink's Output class (loaded the first time it is asked for), or undefined when the gate is closed or it failed. */
export function inkOutput(): InkOutput | undefined {
  const gate = inkGate();
  if (!gate.open) return undefined;
  loaded ??= load(gate) ?? null;
  return loaded ?? undefined;
}

/** The fastGet on Ink's prototype now and how many mounted TUIs use it. */
let installed: { readonly ink: InkOutput; readonly fast: FastGet; users: number } | undefined;

export interface InkOutputUse {
  /** Which get() builds this TUI's frames. */
  readonly mode: 'fast' | 'stock';
  /** This TUI no longer needs fastGet; the last one to say so puts Ink's own get() back. Idempotent. */
  restore(): void;
}

/**
 * Build Ink's frames with a fastGet ('fast') or leave Ink's own get() ('stock'), until restore(). 'fast' takes
 * effect only when the gate is open; TUIs mounted at once share one fastGet. 'stock' changes nothing, so while
 * another TUI is mounted with 'fast' its frames are built by fastGet too (the same bytes).
 */
export function installInkOutput(mode: 'fast' | 'stock'): InkOutputUse {
  const ink = mode === 'fast' ? inkOutput() : undefined;
  if (ink === undefined) return { mode: 'stock', restore: () => {} };
  if (installed === undefined) {
    const fast = createFastGet(ink.stockGet);
    ink.Output.prototype.get = fast.get;
    installed = { ink, fast, users: 0 };
  }
  const use = installed;
  use.users++;
  let restored = false;
  return {
    mode: 'fast',
    restore: () => {
      if (restored) return;
      restored = true;
      use.users--;
      if (use.users > 0 || installed !== use) return;
      use.ink.Output.prototype.get = use.ink.stockGet;
      installed = undefined;
    },
  };
}

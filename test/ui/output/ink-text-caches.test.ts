// Our stand-ins for Ink's measure-text and wrap-text give Ink's results and stay bounded; and in a real Node
// process the resolve hook really makes Ink's own modules use them (the built dist/, as the app runs it).

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TUI_INK_TEXT_CACHE_ENTRIES } from '../../../src/core/limits.js';
import measureText, { measureCacheSize } from '../../../src/ui/output/ink-measure-text.js';
import { verifiedInk } from '../../../src/ui/output/ink-package.js';
import wrapText, { wrapCacheSize } from '../../../src/ui/output/ink-wrap-text.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DIST = process.env.CWTCH_TEST_DIST ?? join(REPO, 'dist');
const ink = verifiedInk([])!;
type Measure = (t: string) => { width: number; height: number };
type Wrap = (t: string, w: number, mode: string) => string;
const inkMeasure = ((await import(`${ink.buildUrl}measure-text.js`)) as { default: Measure }).default;
const inkWrap = ((await import(`${ink.buildUrl}wrap-text.js`)) as { default: Wrap }).default;

const PIECES = ['a', 'word', ' ', '  ', '\n', '中文', '👍🏽', 'e\u0301', '\u001b[31m', '\u001b[39m', '\u001b[1m', '\u001b[22m', '…', '\t', 'longerwordhere'];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((xs) => xs.join(''));
const MODES = ['wrap', 'truncate', 'truncate-end', 'truncate-middle', 'truncate-start', 'end', 'middle'] as const;

describe("bounded stand-ins for Ink's text caches", () => {
  it("measure like Ink's measure-text", () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(measureText(t)).toEqual(inkMeasure(t));
      }),
      { numRuns: 2000 },
    );
  });

  it("wrap and truncate like Ink's wrap-text", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 30 }), fc.constantFrom(...MODES), (t, w, mode) => {
        // (Ink's key, text + width + mode with nothing between, can collide; these generators make no digit-led
        // text after a width, so it does not here.)
        expect(wrapText(t, w, mode)).toBe(inkWrap(t, w, mode));
      }),
      { numRuns: 2000 },
    );
  });

  it('forget the oldest texts instead of keeping every one ever drawn', () => {
    for (let i = 0; i < 3 * TUI_INK_TEXT_CACHE_ENTRIES; i++) {
      measureText(`draft ${i}`);
      wrapText(`draft ${i}`, 5, 'truncate');
    }
    expect(measureCacheSize()).toBeLessThanOrEqual(2 * TUI_INK_TEXT_CACHE_ENTRIES);
    expect(wrapCacheSize()).toBeLessThanOrEqual(2 * TUI_INK_TEXT_CACHE_ENTRIES);
  });

  it('replace Ink’s own in a real process once boundInkCaches() has run (dist build)', () => {
    const n = 3 * TUI_INK_TEXT_CACHE_ENTRIES;
    const req = createRequire(join(REPO, 'package.json'));
    const code = `
      import { EventEmitter } from 'node:events';
      const { boundInkCaches } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'src/ui/output/ink-caches.js')).href)});
      const state = boundInkCaches();
      const mt = await import(${JSON.stringify(pathToFileURL(join(DIST, 'src/ui/output/ink-measure-text.js')).href)});
      const { render, Text } = await import(${JSON.stringify(pathToFileURL(req.resolve('ink')).href)});
      const React = await import(${JSON.stringify(pathToFileURL(req.resolve('react')).href)});
      class Out extends EventEmitter { columns = 80; rows = 24; write() { return true; } }
      const el = (t) => React.createElement(Text, null, t);
      const app = render(el('start'), { stdout: new Out(), debug: true, patchConsole: false, exitOnCtrlC: false });
      for (let i = 0; i < ${n}; i++) { app.rerender(el('draft ' + i)); if (i % 256 === 0) await new Promise((r) => setImmediate(r)); }
      await new Promise((r) => setTimeout(r, 50));
      app.unmount();
      console.log(JSON.stringify({ state, size: mt.measureCacheSize() }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, env: { ...process.env, NODE_ENV: 'production' }, encoding: 'utf8', timeout: 60_000 });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { state: string; size: number };
    expect(r.state).toBe('bounded');
    // Ink measured its texts with our module (else it would hold nothing), and kept at most two generations.
    expect(r.size).toBeGreaterThan(TUI_INK_TEXT_CACHE_ENTRIES / 2);
    expect(r.size).toBeLessThanOrEqual(2 * TUI_INK_TEXT_CACHE_ENTRIES);
  });
});

// fastGet must build exactly the frame Ink's own Output.get() builds, for any operations Ink records — including
// the odd ones (writes outside the grid, fractional or negative positions, wide characters at the edge, clips on
// either axis, colour transformers) — and it must stay exact across frames, where it reuses rows it built before.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFastGet } from '../../../src/ui/ink-internals/fast-get.js';
import { VERIFIED_INK_VERSION } from '../../../src/ui/ink-internals/gate.js';
import { inkOutput } from '../../../src/ui/ink-internals/output-patch.js';

const ink = inkOutput()!;
const fast = createFastGet(ink.stockGet);
const fastGet = fast.get;
const resetFastGetRows = (): void => fast.resetRows();

const PIECES = ['a', 'hello', ' ', '  ', 'x y', '中文', '한', '👍', '👍🏽', '🏳️‍🌈', 'e\u0301', '\t', '\n', '\u001b[31m', '\u001b[1m', '\u001b[39m', '\u001b[22m', '\u001b[2m', '\u001b[7m', '\u001b[27m', '\u001b[49m', '\u001b[0m', '\u001b[48;5;21m', '\u001b[38;2;1;2;3m', '\u001b]8;;https://x\u0007link\u001b]8;;\u0007', '…', '⟂', '🇺', '\u200b', '\u00ad', '\u009b31m', '\u001b[?25l', '\u001b]8;;no end'];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((xs) => xs.join(''));
const coord = fc.oneof(fc.integer({ min: -4, max: 34 }), fc.constantFrom(1.5, -0.5));
const maybe = (a: fc.Arbitrary<number>): fc.Arbitrary<number | undefined> => fc.option(a, { nil: undefined });
type Transformer = (line: string, index: number) => string;
const TRANSFORMERS: Transformer[] = [(l) => `\u001b[32m${l}\u001b[39m`, (l) => l.toUpperCase(), (l, i) => `${i}${l}`, (l) => `\u001b[1m${l}`, (l) => `${l}\n${l}`, (l) => `\u001b[7m${l}\u001b[27m`];
const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('write' as const), x: coord, y: coord, text, transformers: fc.subarray(TRANSFORMERS) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('clip' as const), clip: fc.record({ x1: maybe(coord), x2: maybe(coord), y1: maybe(coord), y2: maybe(coord) }) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'unclip' as const }) },
);
const frame = fc.record({ width: fc.integer({ min: 0, max: 30 }), height: fc.integer({ min: 0, max: 12 }), ops: fc.array(op, { maxLength: 14 }) });
type Frame = typeof frame extends fc.Arbitrary<infer F> ? F : never;

function build(f: Frame): InstanceType<typeof ink.Output> {
  const o = new ink.Output({ width: f.width, height: f.height });
  for (const p of f.ops) {
    if (p.type === 'write') o.write(p.x, p.y, p.text, { transformers: p.transformers });
    else if (p.type === 'clip') o.clip(p.clip);
    else o.unclip();
  }
  return o;
}

describe('fastGet (Ink frames without a fresh grid per frame)', () => {
  it('finds the Ink version it was verified against', () => {
    expect(ink).toBeDefined();
    expect(ink.version).toBe(VERIFIED_INK_VERSION);
    // Ink's own, not ours: loading the class for these tests installs nothing.
    expect(ink.Output.prototype.get).toBe(ink.stockGet);
  });

  it('builds the same frame as Ink for any operations, frame after frame', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), (frames) => {
        for (const f of frames) {
          const o = build(f);
          expect(fastGet.call(o)).toEqual(ink.stockGet.call(o));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('stays exact when the same screen is drawn again with one row changed (the row memo)', () => {
    fc.assert(
      fc.property(frame, fc.nat(), text, (f, which, replacement) => {
        resetFastGetRows();
        const a = build(f);
        expect(fastGet.call(a)).toEqual(ink.stockGet.call(a));
        const ops = f.ops.map((p, i) => (p.type === 'write' && i === which % Math.max(1, f.ops.length) ? { ...p, text: replacement } : p));
        const b = build({ ...f, ops });
        expect(fastGet.call(b)).toEqual(ink.stockGet.call(b));
        // And back: rows memoised from the changed frame must not leak into the original.
        expect(fastGet.call(a)).toEqual(ink.stockGet.call(a));
      }),
      { numRuns: 500 },
    );
  });

  it('stays exact when only the styles of a frame change (a selection moving): the memo compares cells, not characters', () => {
    fc.assert(
      fc.property(frame, fc.subarray(TRANSFORMERS, { minLength: 1 }), (f, styles) => {
        resetFastGetRows();
        const a = build(f);
        expect(fastGet.call(a)).toEqual(ink.stockGet.call(a));
        const b = build({ ...f, ops: f.ops.map((p) => (p.type === 'write' ? { ...p, transformers: styles } : p)) });
        expect(fastGet.call(b)).toEqual(ink.stockGet.call(b));
        expect(fastGet.call(a)).toEqual(ink.stockGet.call(a));
      }),
      { numRuns: 500 },
    );
  });

  it('a frame that throws half-built leaves the next frame exact', () => {
    const hello = build({ width: 10, height: 2, ops: [{ type: 'write', x: 0, y: 0, text: 'hello', transformers: [] }] });
    expect(fastGet.call(hello).output).toBe('hello\n');
    const boom = build({ width: 10, height: 2, ops: [{ type: 'write', x: 0, y: 0, text: 'world', transformers: [] }, { type: 'write', x: 0, y: 1, text: 'x', transformers: [() => { throw new Error('transformer'); }] }] });
    expect(() => fastGet.call(boom)).toThrow('transformer');
    const world = build({ width: 10, height: 2, ops: [{ type: 'write', x: 0, y: 0, text: 'world', transformers: [] }] });
    expect(fastGet.call(world)).toEqual(ink.stockGet.call(world));
  });

  it('leaves sizes that are not whole cells to Ink', () => {
    for (const [width, height] of [[10.5, 2], [10, 1.5], [-1, 2], [Number.NaN, 1]] as const) {
      const o = build({ width, height, ops: [{ type: 'write', x: 0, y: 0, text: 'hi', transformers: [] }] });
      expect(fastGet.call(o)).toEqual(ink.stockGet.call(o));
    }
  });
});

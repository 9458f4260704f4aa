// Fuzz harness: a target is a decoder at a trust boundary plus a generator and a property. The same targets are
// driven by `npm run fuzz` (test/fuzz/run.ts, long campaigns in a worker with a watchdog) and by vitest
// (test/fuzz/corpus-replay.test.ts, corpus replay plus a short campaign). Coverage-guided fuzzing is not used:
// generators are structure-aware (valid inputs with mutations, JSON with hostile field values) instead.

import fc from 'fast-check';

/** How an input is stored in test/corpus/<target>/. */
export type InputKind = 'bytes' | 'string' | 'chunks';
export type InputOf<K extends InputKind> = K extends 'bytes' ? Uint8Array : K extends 'string' ? string : Uint8Array[];

/** A shape of input for the linear-time test: make(n) builds an input of about n units. */
export interface LinearCase<I> {
  readonly shape: string;
  readonly make: (n: number) => I;
  /** Sizes the decoder accepts, smallest first; consecutive sizes differ by a factor of 8. */
  readonly sizes: readonly number[];
  /** What to time; defaults to the target's check (use this when the check does much more than decode). */
  readonly run?: (input: I) => void;
}

export interface FuzzTarget<K extends InputKind = InputKind> {
  readonly name: string;
  readonly kind: K;
  /** Valid (or interesting) inputs: written to the corpus and used as mutation bases. */
  readonly seeds: () => InputOf<K>[];
  /** Structure-aware generator; the harness adds seed mutations and raw random input around it. */
  readonly generator: (seeds: readonly InputOf<K>[]) => fc.Arbitrary<InputOf<K>>;
  /** Runs the decoder(s). Must return normally; a throw (from the decoder or a violated invariant) is a failure. */
  readonly check: (input: InputOf<K>) => void;
  readonly linear?: readonly LinearCase<InputOf<K>>[];
}

export class PropertyViolation extends Error {
  readonly code = 'fuzz.property';
}

/** Throws a PropertyViolation unless `cond` holds. */
export function expectThat(cond: boolean, what: string): asserts cond {
  if (!cond) throw new PropertyViolation(what);
}

/** Result values must be `{ ok: true, value }` or `{ ok: false, error: { code: string, reason: string } }`. */
export function expectResult(r: unknown, what: string): void {
  expectThat(typeof r === 'object' && r !== null, `${what}: not a result`);
  const o = r as { ok?: unknown; error?: { code?: unknown; reason?: unknown } };
  if (o.ok === true) return;
  expectThat(o.ok === false && typeof o.error?.code === 'string' && typeof o.error.reason === 'string', `${what}: malformed error result`);
}

// ---- Corpus encoding ----

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

export function toHexString(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

function fromHexString(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** File extension and bytes of an input. Strings keep lone surrogates by going through JSON. */
export function encodeCorpus<K extends InputKind>(kind: K, input: InputOf<K>): { ext: string; data: Uint8Array } {
  if (kind === 'bytes') return { ext: 'bin', data: input as Uint8Array };
  if (kind === 'string') {
    const s = input as string;
    const lossless = dec.decode(enc.encode(s)) === s;
    return lossless ? { ext: 'txt', data: enc.encode(s) } : { ext: 'json', data: enc.encode(JSON.stringify(s)) };
  }
  return { ext: 'json', data: enc.encode(JSON.stringify({ chunks: (input as Uint8Array[]).map(toHexString) })) };
}

export function decodeCorpus<K extends InputKind>(kind: K, file: string, data: Uint8Array): InputOf<K> {
  if (kind === 'bytes') return data as InputOf<K>;
  if (kind === 'string') return (file.endsWith('.json') ? JSON.parse(dec.decode(data)) : dec.decode(data)) as InputOf<K>;
  if (file.endsWith('.json')) return (JSON.parse(dec.decode(data)) as { chunks: string[] }).chunks.map(fromHexString) as InputOf<K>;
  return [data] as InputOf<K>;
}

// ---- Mutation of seeds ----

/** Byte values that tend to matter to parsers: delimiters, escapes, varint continuation bits, extremes. */
const INTERESTING_BYTES = [0x00, 0x01, 0x0a, 0x0d, 0x1b, 0x20, 0x22, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x3a, 0x3d, 0x5b, 0x5c, 0x5d, 0x7b, 0x7c, 0x7d, 0x7f, 0x80, 0x9b, 0xc0, 0xed, 0xef, 0xf0, 0xfe, 0xff];
/** UTF-16 units that matter to text handling: controls, lone surrogates, separators, marks, joiners, BOM. */
const INTERESTING_UNITS = [
  ...INTERESTING_BYTES.filter((b) => b < 0x80),
  0x85, 0x9b, 0x9c, 0xad, 0x300, 0x301, 0x200b, 0x200d, 0x200e, 0x202e, 0x2028, 0x2029, 0x2066, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfe0f, 0xfeff, 0xfffd, 0xffff,
];

type Op = readonly [op: number, a: number, b: number, c: number];
const opArb: fc.Arbitrary<Op> = fc.tuple(fc.nat(9), fc.nat(), fc.nat(), fc.nat());

/**
 * Applies byte-level (or code-unit-level) mutations: flip, set, insert, delete, duplicate, truncate, splice.
 * Takes ownership of `units` (callers pass a fresh copy) and only reads `other`: copying 24 KiB seeds three
 * times per input used to be 99 % of a tapir campaign's time.
 */
function mutateUnits(units: number[], ops: readonly Op[], interesting: readonly number[], max: number, other: ArrayLike<number> & { slice(a: number, b: number): ArrayLike<number> }): number[] {
  let u = units;
  for (const [op, a, b, c] of ops) {
    const at = u.length === 0 ? 0 : a % (u.length + 1);
    switch (op) {
      case 0: // flip one bit
        if (u.length > 0) u[a % u.length] = u[a % u.length]! ^ (1 << (b % 8));
        break;
      case 1: // set an interesting unit
        if (u.length > 0) u[a % u.length] = interesting[b % interesting.length]!;
        break;
      case 2: // insert interesting units
        u.splice(at, 0, ...Array.from({ length: 1 + (c % 4) }, (_, i) => interesting[(b + i) % interesting.length]!));
        break;
      case 3: // delete a range
        u.splice(at, 1 + (b % 16));
        break;
      case 4: // duplicate a range (repeated fields, doubled separators)
        u.splice(at, 0, ...u.slice(b % (u.length + 1), (b % (u.length + 1)) + 1 + (c % 64)));
        break;
      case 5: // truncate
        u = u.slice(0, a % (u.length + 1));
        break;
      case 6: // random unit
        if (u.length > 0) u[a % u.length] = b % max;
        break;
      case 7: // splice in part of another seed
        u.splice(at, c % 8, ...Array.from(other.slice(b % (other.length + 1), (b % (other.length + 1)) + 1 + (c % 128))));
        break;
      case 8: // repeat one unit many times (long runs, deep nesting)
        if (u.length > 0) u.splice(at, 0, ...new Array<number>(1 + (c % 512)).fill(u[b % u.length]!));
        break;
      default: // swap two units
        if (u.length > 1) {
          const i = a % u.length;
          const j = b % u.length;
          [u[i], u[j]] = [u[j]!, u[i]!];
        }
    }
  }
  return u;
}

export function mutatedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.nat(), fc.nat(), fc.array(opArb, { minLength: 1, maxLength: 6 })).map(([i, j, ops]) => {
    const s = seeds[i % seeds.length]!;
    const other = seeds[j % seeds.length]!;
    return new Uint8Array(mutateUnits(unitsOfBytes(s), ops, INTERESTING_BYTES, 256, other));
  });
}

/** A plain loop: spreading a typed array goes through the iterator protocol and is several times slower. */
function unitsOfBytes(b: Uint8Array): number[] {
  const out: number[] = new Array<number>(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b[i]!;
  return out;
}

function unitsOf(s: string): number[] {
  const out: number[] = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function fromUnits(u: readonly number[]): string {
  let s = '';
  for (let i = 0; i < u.length; i += 4096) s += String.fromCharCode(...u.slice(i, i + 4096));
  return s;
}

export function mutatedStrings(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.nat(), fc.array(opArb, { minLength: 1, maxLength: 6 })).map(([i, j, ops]) => {
    const s = seeds[i % seeds.length]!;
    const other = seeds[j % seeds.length]!;
    // Only op 7 reads `other`, a few units of it: no need to copy a 1 MiB hostile seed for that.
    const otherUnits = { length: other.length, slice: (a: number, b: number) => unitsOf(other.slice(a, b)) };
    return fromUnits(mutateUnits(unitsOf(s), ops, INTERESTING_UNITS, 0x10000, otherUnits));
  });
}

function mutatedChunks(seeds: readonly Uint8Array[][]): fc.Arbitrary<Uint8Array[]> {
  const flat = seeds.map((c) => concat(c));
  return fc.tuple(mutatedBytes(flat), fc.array(fc.nat(), { maxLength: 8 })).map(([b, cuts]) => splitAt(b, cuts));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Splits `b` at the given positions (taken modulo its length), so a stream arrives in odd chunks. */
export function splitAt(b: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (b.length === 0 ? 0 : c % b.length)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(b.slice(prev, p));
    prev = p;
  }
  out.push(b.slice(prev));
  return out;
}

/** The full generator of a target: seed mutations, its own structure-aware generator, and unstructured input. */
export function inputArbitrary<K extends InputKind>(t: FuzzTarget<K>, seeds: readonly InputOf<K>[]): fc.Arbitrary<InputOf<K>> {
  const own = t.generator(seeds);
  let mutated: fc.Arbitrary<unknown>;
  let raw: fc.Arbitrary<unknown>;
  if (t.kind === 'bytes') {
    mutated = mutatedBytes(seeds as unknown as Uint8Array[]);
    raw = fc.uint8Array({ maxLength: 512 });
  } else if (t.kind === 'string') {
    mutated = mutatedStrings(seeds as unknown as string[]);
    raw = fc.string({ unit: 'binary', maxLength: 256 });
  } else {
    mutated = mutatedChunks(seeds as unknown as Uint8Array[][]);
    raw = fc.array(fc.uint8Array({ maxLength: 256 }), { maxLength: 6 });
  }
  return fc.oneof(
    { weight: 4, arbitrary: mutated as fc.Arbitrary<InputOf<K>> },
    { weight: 4, arbitrary: own },
    { weight: 1, arbitrary: raw as fc.Arbitrary<InputOf<K>> },
  );
}

// ---- Campaign ----

export interface CampaignStats {
  readonly target: string;
  readonly inputs: number;
  readonly seconds: number;
  readonly maxMsPerInput: number;
  readonly failures: readonly { readonly input: unknown; readonly error: string }[];
}

/** Deterministic batches: batch b of a campaign with seed s is fc.sample(arb, { seed: s + b }). */
export const BATCH = 1000;

export function sampleBatch<I>(arb: fc.Arbitrary<I>, seed: number, batch: number, size = BATCH): I[] {
  return fc.sample(arb, { seed: seed + batch, numRuns: size });
}

/** Runs one input and returns the error text when the property fails. */
export function runOne<K extends InputKind>(t: FuzzTarget<K>, input: InputOf<K>): string | null {
  try {
    t.check(input);
    return null;
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

/**
 * In-process campaign of `runs` inputs (used by vitest and by the worker). `onInput` is told the batch and index
 * before each input so a watchdog can regenerate the input that hung.
 */
export interface CampaignOptions<K extends InputKind> {
  readonly runs: number;
  readonly seed: number;
  /** Mutation bases besides t.seeds() (the corpus on disk). */
  readonly extraSeeds?: readonly InputOf<K>[];
  readonly onInput?: (batch: number, index: number) => void;
  /** An input that takes longer than this counts as a failure (a hang in the making). */
  readonly slowMs?: number;
  readonly maxFailures?: number;
}

export function campaignArbitrary<K extends InputKind>(t: FuzzTarget<K>, extraSeeds: readonly InputOf<K>[] = []): fc.Arbitrary<InputOf<K>> {
  return inputArbitrary(t, [...t.seeds(), ...extraSeeds]);
}

export function campaign<K extends InputKind>(t: FuzzTarget<K>, opts: CampaignOptions<K>): CampaignStats {
  const { runs, seed, onInput, slowMs = Infinity, maxFailures = 10 } = opts;
  const arb = campaignArbitrary(t, opts.extraSeeds);
  const failures: { input: unknown; error: string }[] = [];
  let maxMs = 0;
  let done = 0;
  const start = performance.now();
  for (let b = 0; done < runs; b++) {
    const batch = sampleBatch(arb, seed, b, Math.min(BATCH, runs - done));
    for (let i = 0; i < batch.length; i++) {
      onInput?.(b, i);
      const t0 = performance.now();
      let error = runOne(t, batch[i]!);
      const ms = performance.now() - t0;
      if (ms > maxMs) maxMs = ms;
      if (error === null && ms > slowMs) error = `slow input: ${ms.toFixed(0)} ms`;
      if (error !== null && failures.length < maxFailures) failures.push({ input: batch[i], error });
    }
    done += batch.length;
  }
  return { target: t.name, inputs: done, seconds: (performance.now() - start) / 1000, maxMsPerInput: maxMs, failures };
}

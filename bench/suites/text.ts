// toSafeText throughput (MB/s of UTF-8 input) on ordinary and hostile text, and name skeleton speed.

import { findLookalikes, nameSkeleton } from '../../src/core/text/names.js';
import { toSafeText } from '../../src/core/text/safe-text.js';
import { loadHostileCorpus } from '../../test/fixtures/hostile-text/load.js';
import { opsPerSecondSync, type BenchResult, type BenchSuite } from '../harness.js';

const MIB = 1 << 20;
// Caps above the input size, so the whole text goes through the filter rather than being cut first.
const UNCAPPED = { maxLength: 4 * MIB, maxLines: MIB, maxLineLength: 4 * MIB };

function fill(unit: string, units: number): string {
  return unit.repeat(Math.ceil(units / unit.length)).slice(0, units);
}

const ENGLISH = 'The quick brown fox jumps over the lazy dog, again and again; "quoted" (parens) 1234567890.\n';
const MULTILINGUAL = 'Grüße aus Köln! Привет, мир. 日本語のテキスト。नमस्ते दुनिया। مرحبا بالعالم. Tiếng Việt. 👩‍💻🏳️‍🌈👍🏽\n';

const suite: BenchSuite = async ({ quick }) => {
  const ms = quick ? 300 : 1500;
  const utf8Length = (s: string): number => new TextEncoder().encode(s).length;
  const results: BenchResult[] = [];
  const mbps = (name: string, texts: string[], opts: object, note: string): void => {
    const bytes = texts.reduce((n, t) => n + utf8Length(t), 0);
    const ops = opsPerSecondSync(() => {
      for (const t of texts) toSafeText(t, opts);
    }, ms);
    results.push({ name, value: (ops * bytes) / 1e6, unit: 'MB/s', note });
  };

  mbps('text: safe text, 1 MiB English', [fill(ENGLISH, MIB)], UNCAPPED, 'only newlines to handle');
  mbps('text: safe text, 1 MiB multilingual', [fill(MULTILINGUAL, MIB)], UNCAPPED, 'marks, emoji joiners, selectors');
  const corpus = loadHostileCorpus().map((e) => e.text);
  mbps('text: safe text, hostile corpus (default caps)', corpus, {}, `${corpus.length} entries incl. a 1 MiB line`);
  mbps('text: safe text, hostile corpus (uncapped)', corpus, UNCAPPED, 'whole 1 MiB line kept');

  const names = Array.from({ length: 1000 }, (_, i) => `contact ${i} Ålice-${(i * 7919).toString(36)}`);
  results.push({ name: 'text: nameSkeleton', value: opsPerSecondSync(() => nameSkeleton('Аlice Wonderland 1'), ms), unit: 'ops/s' });
  results.push({
    name: 'text: findLookalikes over 1000 contacts',
    value: opsPerSecondSync(() => findLookalikes('alice', names.map((name, i) => ({ id: String(i), name }))), ms),
    unit: 'ops/s',
  });
  return results;
};

export default suite;

// The corpus on disk: test/corpus/<target>/ holds seeds and every input that ever failed (saved automatically).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeCorpus, encodeCorpus, type FuzzTarget, type InputKind, type InputOf } from './harness.js';

export const CORPUS_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'corpus');

export interface CorpusEntry<K extends InputKind> {
  readonly file: string;
  readonly input: InputOf<K>;
}

export function loadCorpus<K extends InputKind>(t: FuzzTarget<K>): CorpusEntry<K>[] {
  const dir = join(CORPUS_ROOT, t.name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((file) => ({ file, input: decodeCorpus(t.kind, file, new Uint8Array(readFileSync(join(dir, file)))) }));
}

/** Writes an input as <prefix>-<8 hex of its hash>.<ext>; returns the file name (the same input gives the same name). */
export function saveInput<K extends InputKind>(t: FuzzTarget<K>, input: InputOf<K>, prefix: string): string {
  const { ext, data } = encodeCorpus(t.kind, input);
  const name = `${prefix}-${createHash('sha256').update(data).digest('hex').slice(0, 8)}.${ext}`;
  const path = join(CORPUS_ROOT, t.name, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return name;
}

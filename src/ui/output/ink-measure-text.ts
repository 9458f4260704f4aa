// Ink 6.8.0's build/measure-text.js, with its cache bounded. Ink's keeps every distinct text it ever measured
// in a module-level Map (every composer draft, every status-line byte count, every message row): a long-running
// client grows without end (vadimdemedes/ink#986, fixed only in Ink releases that need Node 22). ink-caches.ts
// makes Ink's dom.js import this module instead; the results are the same (equivalence-tested).

import widestLine from 'widest-line';
import { TUI_INK_TEXT_CACHE_ENTRIES } from '../../core/limits.js';
import { GenerationalCache } from './generational-cache.js';

interface Dimensions {
  width: number;
  height: number;
}

const cache = new GenerationalCache<Dimensions>(TUI_INK_TEXT_CACHE_ENTRIES);

const measureText = (text: string): Dimensions => {
  if (text.length === 0) return { width: 0, height: 0 };
  return cache.get(text, (t) => ({ width: widestLine(t), height: t.split('\n').length }));
};

/** Texts held now (for the test that Ink really uses this module, and that it stays bounded). */
export const measureCacheSize = (): number => cache.size;

export default measureText;

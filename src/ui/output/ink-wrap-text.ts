// Ink 6.8.0's build/wrap-text.js, with its cache bounded (Ink's is a plain object keyed by text, width and wrap
// mode that never forgets; see ink-measure-text.ts). Same results, equivalence-tested; our key also cannot
// collide (Ink's joins text and width with nothing between: "x1"+"23" and "x12"+"3" share an entry).

import cliTruncate from 'cli-truncate';
import wrapAnsi from 'wrap-ansi';
import { TUI_INK_TEXT_CACHE_ENTRIES } from '../../core/limits.js';
import { GenerationalCache } from './generational-cache.js';

type WrapType = 'wrap' | 'end' | 'middle' | 'truncate-end' | 'truncate' | 'truncate-middle' | 'truncate-start';

const cache = new GenerationalCache<string>(TUI_INK_TEXT_CACHE_ENTRIES);

function wrap(text: string, maxWidth: number, wrapType: WrapType): string {
  if (wrapType === 'wrap') return wrapAnsi(text, maxWidth, { trim: false, hard: true });
  if (wrapType.startsWith('truncate')) {
    const position = wrapType === 'truncate-middle' ? 'middle' : wrapType === 'truncate-start' ? 'start' : 'end';
    return cliTruncate(text, maxWidth, { position });
  }
  return text;
}

const wrapText = (text: string, maxWidth: number, wrapType: WrapType): string =>
  cache.get(`${maxWidth}\u0000${wrapType}\u0000${text}`, () => wrap(text, maxWidth, wrapType));

export const wrapCacheSize = (): number => cache.size;

export default wrapText;

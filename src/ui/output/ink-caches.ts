// Bound Ink's text caches: make Ink's own modules load our ink-measure-text.js / ink-wrap-text.js in place of its
// build/measure-text.js / wrap-text.js, through a resolve hook. Must run before anything imports Ink; only for
// the verified Ink release using the same widest-line, wrap-ansi and cli-truncate as we do.

import { register } from 'node:module';
import { verifiedInk } from './ink-package.js';

const SHARED_WITH_INK = ['widest-line', 'wrap-ansi', 'cli-truncate', 'string-width'];

let state: 'bounded' | 'stock' | undefined;

/** Install the hook (once); 'stock' when Ink is not the verified release or the hook cannot be registered. */
export function boundInkCaches(): 'bounded' | 'stock' {
  if (state !== undefined) return state;
  const ink = verifiedInk(SHARED_WITH_INK);
  if (ink === undefined) return (state = 'stock');
  try {
    register(new URL('./ink-cache-loader.js', import.meta.url), {
      data: {
        redirects: {
          [`${ink.buildUrl}measure-text.js`]: new URL('./ink-measure-text.js', import.meta.url).href,
          [`${ink.buildUrl}wrap-text.js`]: new URL('./ink-wrap-text.js', import.meta.url).href,
        },
      },
    });
    return (state = 'bounded');
  } catch {
    return (state = 'stock');
  }
}

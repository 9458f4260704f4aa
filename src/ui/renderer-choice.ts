// Which renderer draws the TUI, read from the environment. Its own module (no Ink import), so the app can decide
// before Ink is loaded (ink-caches.ts must run first).

/**
 * 'frames' (default): Ink renders whole frames into our FrameWriter, which rewrites only the changed rows with
 * absolute cursor moves (~50 B per typed key at 120x40), Ink's frames built by fastGet, its text caches bounded.
 * 'ink': Ink exactly as shipped, with its own full redraw (~4.4 KB per key), kept as a fallback;
 * CWTCH_TUI_RENDER=ink selects it.
 */
export type TuiRenderer = 'frames' | 'ink';

export function rendererFromEnv(env: Readonly<Record<string, string | undefined>>): TuiRenderer {
  return env['CWTCH_TUI_RENDER'] === 'ink' ? 'ink' : 'frames';
}

// A peer sends every hostile-text corpus entry as its name, a message, a tor summary and an error:
// every byte the UI writes holds no escape sequence but Ink's own colour codes, no control character
// but newline, and none of the payloads.

import { describe, expect, it } from 'vitest';
import { containsTerminalControl } from '../../../src/core/text/safe-text.js';
import { App } from '../../../src/ui/App.js';
import { createUiStore } from '../../../src/ui/view-model/ui-store.js';
import { loadHostileCorpus } from '../../fixtures/hostile-text/load.js';
import { contactEvent, messageEvent, onion, profileEvent } from '../helpers/fixtures.js';
import { KEYS, renderTerminal } from '../helpers/render.js';
import { ScriptedEngine } from '../helpers/scripted-engine.js';

/** Ink's SGR styling (colours, bold, dim, inverse) is ours; remove it before looking for anything else. */
const SGR = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const stripOwnSgr = (s: string): string => s.replace(SGR, '');

const corpus = loadHostileCorpus();

describe('hostile text reaches the terminal harmless', () => {
  it('the corpus is there', () => {
    expect(corpus.length).toBeGreaterThan(30);
  });

  it.each(corpus.map((e) => [e.name, e] as const))('%s', async (_name, entry) => {
    const engine = new ScriptedEngine();
    const store = createUiStore(engine);
    const A = onion(1);
    for (const e of [
      profileEvent(entry.text),
      { event: 'tor', state: 'starting', progress: 10, summary: entry.text } as const,
      contactEvent(1, entry.text),
      contactEvent(2, entry.text, { authorization: 'unknown' }),
      messageEvent(A, 1, { text: entry.text }),
      messageEvent(A, 2, { text: entry.text, outgoing: true, ack: 'failed', failReason: entry.text }),
      { event: 'error', code: 'x', message: entry.text } as const,
    ])
      engine.emit(e);
    const term = await renderTerminal(<App store={store} onQuit={() => {}} />, { columns: 120, rows: 30 });
    try {
      await term.press(KEYS.alt('r'));
      await term.press(KEYS.ctrlK);
      await term.press(KEYS.esc);
      await term.press(KEYS.alt('1'));
      const written = stripOwnSgr(term.stdout.frames.join(''));
      expect(written).not.toContain('\u001b');
      // Newlines separate frame lines; nothing else may act on the terminal.
      expect(containsTerminalControl(written)).toBe(false);
      for (const hidden of entry.mustHide) expect(written).not.toContain(hidden);
    } finally {
      term.unmount();
    }
  });
});

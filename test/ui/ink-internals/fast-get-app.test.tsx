// The whole App, in colour, through screens that exercise what the frame builder must get right (borders, wide
// and combining characters, hostile names, a gap marker, scrolling, the help sheet, resizes): every frame Ink
// builds is built both by Ink's own get() and by fastGet, and they must be identical.

import { afterAll, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { App } from '../../../src/ui/App.js';
import { createFastGet, type InkOutputState } from '../../../src/ui/ink-internals/fast-get.js';
import { inkOutput } from '../../../src/ui/ink-internals/output-patch.js';
import { createUiStore } from '../../../src/ui/view-model/ui-store.js';
import { at, contactEvent, ME, messageEvent, onion, profileEvent, nextPosition } from '../helpers/fixtures.js';
import { useChalkColour } from '../helpers/colour.js';
import { KEYS, renderTerminal } from '../helpers/render.js';
import { ScriptedEngine } from '../helpers/scripted-engine.js';

const ink = inkOutput()!;
const fast = createFastGet(ink.stockGet);
afterAll(() => {
  ink.Output.prototype.get = ink.stockGet;
});
useChalkColour();

it('builds every frame of a colour session exactly as Ink does', async () => {
  let frames = 0;
  let sgrFrames = 0;
  const mismatches: { stock: string; fast: string }[] = [];
  ink.Output.prototype.get = function (this: InkOutputState) {
    const stock = ink.stockGet.call(this);
    const built = fast.get.call(this);
    frames++;
    if (stock.output.includes('\u001b[')) sgrFrames++;
    if (stock.output !== built.output || stock.height !== built.height) mismatches.push({ stock: stock.output, fast: built.output });
    return stock;
  };
  const A = onion(1);
  const B = onion(2);
  const G = 'b'.repeat(32);
  const S = onion(60);
  const engine = new ScriptedEngine();
  const store = createUiStore(engine);
  const events: EngineEvent[] = [
    profileEvent(),
    contactEvent(1, 'alice 中文', { lastActivity: 5 }),
    contactEvent(2, 'bob 👍🏽\u001b[31mred', { unread: 3, lastActivity: 4 }),
    contactEvent(3, 'e\u0301ve\u202e', { authorization: 'unknown' }),
    { event: 'server', onion: S, imported: true },
    { event: 'group', groupId: G, position: nextPosition(), name: 'club 🏳️‍🌈', server: S, invite: '' },
    ...Array.from({ length: 120 }, (_, i) => messageEvent(A, i, { text: i % 7 === 0 ? `長い行 ${'ｗ'.repeat(i % 40)} 🎉` : `message ${i} ${'x'.repeat(i % 90)}`, from: i % 3 === 0 ? ME : A, outgoing: i % 3 === 0, time: at(9, 0, 1 + (i % 3)) + i * 1000 })),
    messageEvent(G, 1, { from: A, time: at(12, 3) }),
    messageEvent(G, 2, { from: B, time: at(12, 41) }),
    { event: 'gap', group: G, gapId: 'g1', before: 'm1', after: 'm2', beforeTime: at(12, 3), afterTime: at(12, 41), cause: 'pruned' },
  ];
  for (const e of events) engine.emit(e);
  const term = await renderTerminal(<App store={store} onQuit={() => {}} />, { columns: 100, rows: 30 });
  try {
    for (const key of ['h', 'i', ' ', '中', KEYS.altEnter, 'x', KEYS.pageUp, KEYS.pageUp, KEYS.pageDown, KEYS.altHome, KEYS.altEnd, KEYS.ctrlN, KEYS.ctrlN, KEYS.ctrlP, KEYS.ctrlK, 'cl', KEYS.esc, '?', KEYS.esc, KEYS.alt('s'), KEYS.esc]) {
      await term.press(key);
    }
    await term.resize(60, 20);
    await term.press(KEYS.pageUp);
    await term.resize(132, 43);
    await term.press('y');
  } finally {
    term.unmount();
  }
  expect(mismatches).toEqual([]);
  expect(frames).toBeGreaterThan(25);
  expect(sgrFrames).toBeGreaterThan(25);
});

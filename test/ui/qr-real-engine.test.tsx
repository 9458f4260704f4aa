// /me qr and /server qr on a real engine, in an 80×24 terminal without colour (as over SSH with NO_COLOR): the code
// is drawn whole, and a QR decoder (jsQR, an implementation independent of the qrcode encoder) reads back exactly
// the profile's onion address and the server's bundle. A code that does not fit says how big the window must be.

import jsqr from 'jsqr';
import { act } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/core/api/events.js';
import { App } from '../../src/ui/App.js';
import { createUiStore, type UiStore } from '../../src/ui/view-model/ui-store.js';
import { KEYS, renderTerminal, type TestTerminal } from './helpers/render.js';
import { ActGate, realPeer, scratch, settle, type RealPeer } from './helpers/real-engine.js';
import { realServer } from './helpers/real-server.js';

// jsqr is CommonJS: its function is both the module and its `default` (TypeScript's NodeNext types see the latter).
const jsQR = jsqr.default;

let dir: ReturnType<typeof scratch>;
const open: { peer: RealPeer; store: UiStore; term: TestTerminal }[] = [];
const closers: (() => Promise<void>)[] = [];
beforeAll(() => void (dir = scratch('cwtch-ui-qr-')));
afterAll(async () => {
  for (const s of open) {
    await act(async () => s.term.unmount());
    s.store.dispose();
    await s.peer.close();
  }
  for (const c of closers) await c();
  dir.dispose();
});

async function side(name: string, columns: number, rows: number): Promise<{ term: TestTerminal; events: EngineEvent[] }> {
  const peer = realPeer(dir.root, dir.net, name);
  const gate = new ActGate(peer.engine);
  const store = createUiStore(gate);
  peer.reportStatus();
  const events: EngineEvent[] = [];
  peer.engine.subscribe((e) => void events.push(e));
  const term = await renderTerminal(<App store={store} noColor onQuit={() => {}} />, { columns, rows });
  open.push({ peer, store, term });
  await term.press(KEYS.tab);
  for (const k of [name, KEYS.enter, `${name}-pw`, KEYS.enter, `${name}-pw`, KEYS.enter]) await term.press(k);
  await settle(() => expect(term.lastFrame()).toContain('No contacts yet'));
  return { term, events };
}

/** The QR rows of a frame (between the title and "Esc closes"), read back as a picture and decoded. */
function decodeFrame(frame: string, title: string): string | null {
  const rows = frame.split('\n');
  const start = rows.findIndex((r) => r.includes(title));
  const end = rows.findIndex((r, i) => i > start && r.includes('Esc closes'));
  expect(start).toBeGreaterThanOrEqual(0);
  const code = rows.slice(start + 1, end).map((r) => r.trimEnd());
  const width = Math.max(...code.map((r) => r.length));
  expect(code.every((r) => /^[█▀▄ ]+$/u.test(r))).toBe(true);
  // Each cell is two modules, top and bottom; 4×4 pixels per module, with a white border around.
  const S = 4;
  const B = 8;
  const w = (width + 2 * B) * S;
  const h = (code.length * 2 + 2 * B) * S;
  const px = new Uint8ClampedArray(w * h * 4).fill(255);
  code.forEach((r, y) => {
    [...r.padEnd(width, ' ')].forEach((ch, x) => {
      const halves = [ch === '█' || ch === '▀', ch === '█' || ch === '▄'];
      halves.forEach((light, half) => {
        if (light) return;
        for (let dy = 0; dy < S; dy++) {
          for (let dx = 0; dx < S; dx++) {
            const i = (((2 * y + half + B) * S + dy) * w + (x + B) * S + dx) * 4;
            px[i] = px[i + 1] = px[i + 2] = 0;
          }
        }
      });
    });
  });
  return jsQR(px, w, h, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

describe('QR codes on a real engine', () => {
  it('/me qr at 80×24 without colour: the whole code, and it reads back as exactly our address', async () => {
    const { term, events } = await side('qri', 80, 24);
    const me = events.find((e): e is Extract<EngineEvent, { event: 'profile' }> => e.event === 'profile')!;
    await term.press('/me qr');
    await term.press(KEYS.enter);
    await settle(() => expect(term.lastFrame()).toContain('Esc closes'));
    expect(decodeFrame(term.lastFrame(), 'Your address')).toBe(me.onion);
    await term.press(KEYS.esc);
    await settle(() => expect(term.lastFrame()).not.toContain('Esc closes'));
  }, 60_000);

  it('/server qr: the bundle needs more than 80×24 and says so; in a bigger window it reads back as the bundle', async () => {
    const srv = await realServer(dir.root, dir.net, { dataDir: 'qr' });
    closers.push(() => srv.close());
    for (const [name, columns, rows, fits] of [['qrs', 80, 24, false], ['qrb', 120, 60, true]] as const) {
      const { term, events } = await side(name, columns, rows);
      await term.press(`/server ${srv.bundle}`);
      await term.press(KEYS.enter);
      await settle(() => expect(events.some((e) => e.event === 'server' && e.imported)).toBe(true));
      await term.press('/server qr');
      await term.press(KEYS.enter);
      if (!fits) {
        await settle(() => expect(term.lastFrame()).toMatch(/This code needs \d+×\d+ cells; the window has 80×\d+/));
        continue;
      }
      await settle(() => expect(term.lastFrame()).toContain('Esc closes. On a light'));
      expect(decodeFrame(term.lastFrame(), 'its bundle')).toBe(srv.bundle);
    }
  }, 60_000);
});

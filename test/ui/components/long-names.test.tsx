// Long (self-chosen) names are cut, never the fingerprint that tells two contacts apart: in the contact list (a
// list too narrow for both falls back to one cut line that stays inside its column) and in a message's head,
// which leaves the message text its room.

import stringWidth from 'string-width';
import { expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { listWidth } from '../../../src/ui/components/MainView.js';
import { contactEvent, messageEvent, onion, profileEvent } from '../helpers/fixtures.js';
import { type TestTerminal } from '../helpers/render.js';
import { useScriptedApp } from '../helpers/scripted-app.js';

const startApp = useScriptedApp();

const A = onion(1);
const B = onion(2);
const LONG = 'a very long self-chosen display name that goes on';

const LIST = [profileEvent(), contactEvent(2, 'bob', { lastActivity: 2 }), contactEvent(1, LONG, { unread: 120, lastActivity: 1 })];

async function start(columns: number, events: readonly EngineEvent[] = LIST): Promise<TestTerminal> {
  return (await startApp(events, { size: { columns, rows: 20 } })).term;
}

const fp = (o: string): string => `#${o.slice(0, 6)}…${o.slice(-4)}`;

it('cuts a long name and keeps the fingerprint and unread count whole', async () => {
  const t = await start(100);
  const lw = listWidth(100);
  const rows = t.lastFrame().split('\n').map((l) => l.slice(0, lw));
  const long = rows.find((r) => r.includes(fp(A)))!;
  expect(long).toBeDefined();
  expect(long).toContain('(99+)');
  expect(long).toContain('a very');
  expect(long).not.toContain('goes on');
  expect(stringWidth(long.trimEnd())).toBeLessThanOrEqual(lw);
  expect(rows.some((r) => r.includes('bob') && r.includes(fp(B)))).toBe(true);
});

it('stays inside a narrow list column', async () => {
  const t = await start(40);
  const lw = listWidth(40);
  for (const line of t.lastFrame().split('\n')) {
    expect(stringWidth(line)).toBeLessThanOrEqual(40);
  }
  // The conversation column starts where the list ends: nothing of the list spills past it.
  const rows = t.lastFrame().split('\n');
  const long = rows.find((r) => /^2 . a very/.test(r))!;
  expect(long).toBeDefined();
  expect(long.slice(lw)).not.toContain('#');
});

it('cuts a long sender name in a message head, keeping the fingerprint and the start of the text', async () => {
  const t = await start(80, [profileEvent(), contactEvent(1, LONG, { lastActivity: 2 }), messageEvent(A, 1, { text: 'hi there, a message' })]);
  const lw = listWidth(80);
  const row = t.lastFrame().split('\n').find((r) => r.slice(lw).includes('09:00'))!;
  expect(row).toBeDefined();
  // The pane is what follows the list and its one-column gap: a cut name, the whole fingerprint, then the text.
  expect(row.slice(lw).trimStart()).toMatch(new RegExp(`^09:00 a very long self-chos[^ ]*… ${fp(A)} hi( there,)?\\s*$`));
  expect(stringWidth(row.slice(lw + 1).trimEnd())).toBeLessThanOrEqual(80 - lw - 1);
  // The rest wraps between words on the rows below.
  expect(t.lastFrame()).toMatch(/^\s+(there, )?a message/m);
  expect(stringWidth(row)).toBeLessThanOrEqual(80);
});

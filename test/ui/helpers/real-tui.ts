// Key-driven steps the real-engine TUI tests share: a profile created on the first-run form, and two sides made
// contacts (A types /add with B's address, B accepts with "a").

import { expect } from 'vitest';
import type { UiStore } from '../../../src/ui/view-model/ui-store.js';
import { KEYS, type TestTerminal } from './render.js';
import { settle } from './real-engine.js';

export interface TuiSide {
  readonly store: UiStore;
  readonly term: TestTerminal;
}

/** Create a profile with keys only: Tab to the create form, name, password twice. */
export async function createProfileByKeys(s: TuiSide, name: string, password: string): Promise<void> {
  for (const k of [KEYS.tab, name, KEYS.enter, password, KEYS.enter, password, KEYS.enter]) await s.term.press(k);
  await settle(() => expect(s.term.lastFrame()).toContain('No contacts yet'));
}

/** A adds B by typing /add with B's address, B accepts the request with "a"; both sides see the other approved. */
export async function befriend(a: TuiSide, b: TuiSide): Promise<{ onionA: string; onionB: string }> {
  const onionA = a.store.getState().profile!.onion;
  const onionB = b.store.getState().profile!.onion;
  await a.term.press(`/add ${onionB}`);
  await a.term.press(KEYS.enter);
  await settle(() => expect(b.term.lastFrame()).toContain('Contact request from'));
  await b.term.press('a');
  await settle(() => expect(b.store.getState().conversations.get(onionA)?.authorization).toBe('approved'));
  await settle(() => expect(a.store.getState().conversations.get(onionB)?.authorization).toBe('approved'));
  return { onionA, onionB };
}

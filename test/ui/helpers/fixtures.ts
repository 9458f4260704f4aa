// Deterministic identities and events for UI tests.

import type { EngineEvent } from '../../../src/core/api/events.js';
import { onionFromPublicKey } from '../../../src/core/crypto/onion.js';

/** A valid v3 onion address derived from a seed byte. */
export function onion(seed: number): string {
  return onionFromPublicKey(new Uint8Array(32).fill(seed & 255));
}

export const ME = onion(200);

export function profileEvent(name = 'me'): EngineEvent {
  return { event: 'profile', profileId: 'p1', onion: ME, name, defaultPassword: false };
}

export function contactEvent(seed: number, name: string, over: Partial<{ authorization: 'unknown' | 'approved' | 'blocked'; unread: number; lastActivity: number; verified: boolean }> = {}): EngineEvent {
  return { event: 'contact', onion: onion(seed), position: nextPosition(), name, authorization: over.authorization ?? 'approved', unread: over.unread ?? 0, lastActivity: over.lastActivity ?? 0, verified: over.verified ?? false };
}

/** Local time (tests format times with the same local clock the UI uses). */
export function at(h: number, m: number, day = 1): number {
  return new Date(2026, 0, day, h, m).getTime();
}

export function messageEvent(conversation: string, i: number, over: Partial<Extract<EngineEvent, { event: 'message' }>> = {}): EngineEvent {
  return {
    event: 'message',
    conversation,
    from: conversation,
    text: `message ${i}`,
    time: at(9, 0) + i * 1000,
    messageId: `m${i}`,
    outgoing: false,
    ack: 'acknowledged',
    overlay: 1,
    ...over,
  };
}

let positions = 0;
/** A conversation's position as the engine gives it: each one added later gets a larger one (events in test order). */
export function nextPosition(): number {
  return ++positions;
}

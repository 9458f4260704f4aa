// The message half of the reducer: a message or a history page into its conversation's store, acks, and the
// conversation list they touch (numbers that stay put). reducer.ts routes the events here.

import type { EngineEvent, HistoryMessage, MessageQuote } from '../../core/api/events.js';
import { uiText, untrustedLine, type SafeText } from '../text.js';
import { fingerprintOf } from './identity.js';
import { MessageStore, StoredMessage, type MessageRow } from './message-store.js';
import type { ConversationVm, UiState } from './state.js';

type Ev<K extends EngineEvent['event']> = Extract<EngineEvent, { event: K }>;

/**
 * Conversation numbers stay put (WeeChat's buffers): `order` is the order conversations were added to the profile
 * (the engine's `position`), the same after a restart, and activity never reorders them; the status line's hotlist
 * says where the new messages are instead.
 */
export function withConversations(state: UiState, changed: readonly ConversationVm[]): UiState {
  const conversations = new Map(state.conversations);
  const added: ConversationVm[] = [];
  for (const c of changed) {
    if (!conversations.has(c.id)) added.push(c);
    conversations.set(c.id, c);
  }
  if (added.length === 0) return { ...state, conversations };
  const order = [...state.order];
  for (const c of added) {
    // In the engine's order of when they were added (so a restart gives every conversation its old number); one
    // added during the session has the largest position and goes last.
    const at = c.position === undefined ? -1 : order.findIndex((id) => (conversations.get(id)?.position ?? -Infinity) > c.position!);
    if (at < 0) order.push(c.id);
    else order.splice(at, 0, c.id);
  }
  return { ...state, conversations, order };
}

/** "bob #3fa2…" for a member: their name as we know it and their fingerprint (names are not identities). */
export function memberLabel(state: UiState, from: string): SafeText {
  return untrustedLine(`${senderName(state, from)} #${fingerprintOf(from).short}`);
}

export function senderName(state: UiState, from: string): SafeText {
  if (state.profile !== undefined && from === state.profile.onion) return state.profile.name;
  const c = state.conversations.get(from);
  if (c !== undefined) return c.verified === true ? untrustedLine(`${c.name} ✓`) : c.name;
  // An unknown group member: their onion's fingerprint is the only honest label — unless it looks like a verified
  // contact's, which is what an impersonator grinds for.
  const fp = fingerprintOf(from).short;
  for (const v of state.conversations.values()) {
    if (v.verified === true && v.fingerprint.short === fp) return untrustedLine(`${fp} ⚠ not your verified ${v.name}`);
  }
  return fp;
}

function storeFor(state: UiState, conversation: string): { state: UiState; store: MessageStore } {
  const existing = state.messages.get(conversation);
  if (existing !== undefined) return { state, store: existing };
  const store = new MessageStore();
  const messages = new Map(state.messages);
  messages.set(conversation, store);
  return { state: { ...state, messages }, store };
}

function toRow(state: UiState, store: MessageStore, m: HistoryMessage & { failReason?: string }): MessageRow {
  const fromName = m.outgoing && state.profile !== undefined ? state.profile.name : senderName(state, m.from);
  // A group invite is a line, not its base64 (Alt+I reviews an incoming one in the paste box).
  // (The name on one line: a card is one line whatever the sender put in it.)
  const invited = m.groupInvite === undefined ? '' : untrustedLine(m.groupInvite.groupName);
  const text = m.groupInvite === undefined ? m.text : m.outgoing ? `✉ group invite sent: “${invited}”` : `✉ group invite: “${invited}” (Alt+I reviews it)`;
  const row = new StoredMessage(m.messageId, m.from, fromName, text, m.time, m.outgoing, m.ack);
  if (m.failReason !== undefined) row.failReason = untrustedLine(m.failReason);
  if (m.quote !== undefined) row.quote = quotedText(store, m.quote);
  return row;
}

/** A quoted reply's original, as the engine found it (or, failing that, a message of this history with its id). */
function quotedText(store: MessageStore, q: MessageQuote): SafeText {
  if (q.text !== undefined) return untrustedLine(q.text);
  return (q.messageId !== undefined ? store.byId(q.messageId)?.text : undefined) ?? uiText('(quoted message not on this device)');
}

export function message(state0: UiState, e: Ev<'message'>): UiState {
  const { state, store } = storeFor(state0, e.conversation);
  const added = store.append(toRow(state, store, e));
  const c = state.conversations.get(e.conversation);
  if (c === undefined) return state === state0 && !added ? state : { ...state };
  const counted = added && e.signature !== undefined && c.server !== undefined ? countServerMessage(state, c.server, e.outgoing) : state;
  // Someone else's new message: the bell (use-bell.ts) decides from this whether to ring.
  const arrived = added && !e.outgoing ? { ...counted, arrival: { seq: (counted.arrival?.seq ?? 0) + 1, conversation: e.conversation } } : counted;
  return bumpConversation(arrived, c, e, added);
}

/** A new group message through `server`: one more fetched (theirs) or echoed (ours). */
function countServerMessage(state: UiState, server: string, outgoing: boolean): UiState {
  const old = state.serverMessages.get(server) ?? { fetched: 0, ours: 0 };
  const serverMessages = new Map(state.serverMessages);
  serverMessages.set(server, outgoing ? { ...old, ours: old.ours + 1 } : { ...old, fetched: old.fetched + 1 });
  return { ...state, serverMessages };
}

function bumpConversation(state: UiState, c: ConversationVm, e: Ev<'message'>, added: boolean): UiState {
  const bumped: ConversationVm = {
    ...c,
    lastActivity: Math.max(c.lastActivity, e.time),
    unread: added && !e.outgoing ? c.unread + 1 : c.unread,
  };
  return withConversations(state, [bumped]);
}

export function ack(state: UiState, conversation: string, messageId: string, a: 'sent' | 'acknowledged' | 'failed', reason?: SafeText): UiState {
  const store = state.messages.get(conversation);
  if (store === undefined || !store.setAck(messageId, a, reason)) return state;
  return { ...state };
}

export function history(state0: UiState, e: Ev<'history'>): UiState {
  const { state, store } = storeFor(state0, e.conversation);
  const added = store.merge(e.messages.map((m) => toRow(state, store, m)));
  // The page the UI asked for: a full one means older messages may be left.
  const asked = state.historyLoaded?.get(e.conversation);
  if (asked?.state === 'loading') {
    const historyLoaded = new Map(state.historyLoaded);
    historyLoaded.set(e.conversation, { state: e.messages.length >= asked.limit ? 'more' : 'all', limit: asked.limit });
    return { ...state, historyLoaded };
  }
  return added === 0 && state === state0 ? state : { ...state };
}


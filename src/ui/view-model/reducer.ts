// reduce(state, event): the whole view model as a pure function of the event stream, except that
// message stores are mutated in place (see message-store.ts) so a 100k-message conversation costs
// O(1) per live message.

import type { EngineEvent, HistoryMessage, MessageQuote, PeerState } from '../../core/api/events.js';
import { untrusted, untrustedLine, uiText, type SafeText } from '../text.js';
import { fingerprintOf, lookalikeIds, lookalikeKey, nameOf } from './identity.js';
import { MessageStore, StoredMessage, type MessageRow } from './message-store.js';
import type { ConversationVm, GapVm, SyncPromptVm, UiState } from './state.js';

type Ev<K extends EngineEvent['event']> = Extract<EngineEvent, { event: K }>;

export function reduce(state: UiState, e: EngineEvent): UiState {
  switch (e.event) {
    case 'profile':
      return { ...state, profile: { onion: e.onion, name: nameOf(e.name), defaultPassword: e.defaultPassword } };
    case 'tor':
      return { ...state, tor: { state: e.state, progress: clampPercent(e.progress), summary: untrustedLine(e.summary) } };
    case 'contact':
      return upsertConversation(state, {
        id: e.onion,
        kind: 'contact',
        rawName: e.name,
        authorization: e.authorization,
        unread: e.unread,
        lastActivity: e.lastActivity,
        verified: e.verified,
        muted: e.muted === true,
      });
    case 'search':
      return {
        ...state,
        search: {
          query: untrustedLine(e.query),
          more: e.more,
          hits: e.results.map((h) => ({
            conversation: h.conversation,
            messageId: h.messageId,
            who: state.profile !== undefined && h.from === state.profile.onion ? uiText('you') : memberLabel(state, h.from),
            where: state.conversations.get(h.conversation)?.name ?? fingerprintOf(h.conversation).short,
            text: untrustedLine(h.text),
            time: h.time,
          })),
        },
      };
    case 'profiles':
      return { ...state, profileCount: e.count };
    case 'verify-code':
      return { ...state, verifyCode: { onion: e.onion, code: untrustedLine(e.code) } };
    case 'group':
      return upsertConversation(state, {
        id: e.groupId,
        kind: 'group',
        rawName: e.name,
        authorization: 'approved',
        server: e.server,
        ...(e.forkedTo !== undefined ? { forkedTo: e.forkedTo } : {}),
        ...(e.servers !== undefined ? { servers: e.servers.map((x) => x.server) } : {}),
        ...(e.move !== undefined ? { moveWaiting: e.move.waiting.length } : {}),
        muted: e.muted === true,
      });
    case 'peer-state': {
      const c = state.conversations.get(e.onion);
      if (c === undefined) return state;
      return withConversations(state, [{ ...c, online: e.state }]);
    }
    case 'server-state':
      return serverState(state, e.server, e.state, e.reason, e.retryAt);
    case 'post-queue': {
      const postQueues = new Map(state.postQueues);
      const queued = Number.isSafeInteger(e.queued) && e.queued > 0 ? e.queued : 0;
      if (queued === 0) postQueues.delete(e.server);
      else postQueues.set(e.server, { queued, waiting: e.waiting, ...(e.retryAt !== undefined ? { retryAt: e.retryAt } : {}) });
      return { ...state, postQueues };
    }
    case 'server': {
      const servers = new Map(state.servers);
      const old = servers.get(e.onion);
      servers.set(e.onion, { onion: e.onion, fingerprint: fingerprintOf(e.onion), state: old?.state ?? 'Disconnected', imported: e.imported, ...(e.bundle !== undefined ? { bundle: e.bundle } : old?.bundle !== undefined ? { bundle: old.bundle } : {}) });
      return { ...state, servers };
    }
    case 'message':
      return message(state, e);
    case 'sent':
      return ack(state, e.conversation, e.messageId, 'sent');
    case 'ack':
      return ack(state, e.conversation, e.messageId, 'acknowledged');
    case 'failed':
      return ack(state, e.conversation, e.messageId, 'failed', untrustedLine(e.reason));
    case 'history':
      return history(state, e);
    case 'group-left':
      return removeConversation(state, e.groupId);
    case 'invite':
      return {
        ...state,
        invites: [...state.invites, { from: e.from, fromName: senderName(state, e.from), groupId: e.groupId, groupName: nameOf(e.groupName), text: e.text }],
      };
    case 'gap':
      return gap(state, e);
    case 'gap-closed': {
      const list = state.gaps.get(e.group);
      if (list === undefined) return state;
      const gaps = new Map(state.gaps);
      const closedFrom = e.closedBy === 'peer' && e.from !== undefined ? memberLabel(state, e.from) : undefined;
      gaps.set(
        e.group,
        list.map((g) => {
          if (g.gapId !== e.gapId) return g;
          const { repairing: _was, ...rest } = g;
          return { ...rest, open: false, closedBy: e.closedBy, ...(closedFrom !== undefined ? { closedFrom } : {}) };
        }),
      );
      return { ...state, gaps };
    }
    case 'gap-repair': {
      const list = state.gaps.get(e.group);
      if (list === undefined) return state;
      const gaps = new Map(state.gaps);
      gaps.set(
        e.group,
        list.map((g) => {
          if (g.gapId !== e.gapId || !g.open) return g;
          const { repairing: _was, ...rest } = g;
          return e.from === null ? rest : { ...rest, repairing: memberLabel(state, e.from) };
        }),
      );
      return { ...state, gaps };
    }
    case 'sync-cost': {
      const prompt: SyncPromptVm = {
        server: e.server,
        messages: e.messages,
        bytes: e.bytes,
        ...(e.estimated === true ? { estimated: true } : {}),
        ...(e.overBudget === true ? { overBudget: { today: e.today ?? 0, budget: e.budget ?? 0 } } : {}),
      };
      return { ...state, syncPrompts: [...state.syncPrompts.filter((p) => p.server !== e.server), prompt] };
    }
    case 'bytes': {
      const bytes = new Map(state.bytes);
      bytes.set(`${e.scope}:${e.scope === 'total' ? '' : e.key}`, { sent: e.sent, received: e.received });
      const day = e.scope === 'total' && e.today !== undefined ? { dataDay: { today: e.today, budget: e.budget ?? 0 } } : {};
      return { ...state, bytes, ...day };
    }
    case 'lowbw':
      return { ...state, lowBandwidth: e.on };
    case 'ok':
      return { ...state, lastOk: e.id === undefined ? { cmd: e.cmd } : { cmd: e.cmd, id: e.id } };
    case 'error': {
      const lastError = { code: e.code, message: untrusted(e.message) };
      return { ...state, lastError: e.id === undefined ? lastError : { ...lastError, id: e.id } };
    }
    default:
      return state;
  }
}

/** A group we left: gone from the list, with its messages and gaps (the engine deleted them on this device). */
function removeConversation(state: UiState, id: string): UiState {
  if (!state.conversations.has(id)) return state;
  const conversations = new Map(state.conversations);
  conversations.delete(id);
  const messages = new Map(state.messages);
  messages.delete(id);
  const gaps = new Map(state.gaps);
  gaps.delete(id);
  const nameKeys = new Map(state.nameKeys ?? []);
  nameKeys.delete(id);
  // A look-alike pair loses its warning when one side goes.
  return flagLookalikes({ ...state, conversations, order: state.order.filter((x) => x !== id), messages, gaps, nameKeys });
}

/** The UI opened a conversation: its unread counter drops to zero. */
export function markRead(state: UiState, id: string): UiState {
  const c = state.conversations.get(id);
  if (c === undefined || c.unread === 0) return state;
  return withConversations(state, [{ ...c, unread: 0 }]);
}

/** The user answered a sync-cost prompt (either way): forget it. */
export function dismissSyncPrompt(state: UiState, server: string): UiState {
  return { ...state, syncPrompts: state.syncPrompts.filter((p) => p.server !== server) };
}

export function clearError(state: UiState): UiState {
  if (state.lastError === undefined) return state;
  const { lastError: _dropped, ...rest } = state;
  return rest;
}

function clampPercent(p: number): number {
  if (!Number.isFinite(p)) return 0;
  return Math.max(0, Math.min(100, Math.round(p)));
}

interface Upsert {
  readonly id: string;
  readonly kind: 'contact' | 'group';
  readonly rawName: string;
  readonly authorization: ConversationVm['authorization'];
  readonly unread?: number;
  readonly lastActivity?: number;
  readonly server?: string;
  readonly forkedTo?: string;
  readonly servers?: readonly string[];
  readonly moveWaiting?: number;
  readonly verified?: boolean;
  readonly muted?: boolean;
}

function upsertConversation(state: UiState, u: Upsert): UiState {
  const old = state.conversations.get(u.id);
  const online: PeerState = u.kind === 'group' && u.server !== undefined ? (state.servers.get(u.server)?.state ?? old?.online ?? 'Disconnected') : (old?.online ?? 'Disconnected');
  const c: ConversationVm = {
    id: u.id,
    kind: u.kind,
    name: nameOf(u.rawName),
    fingerprint: old?.fingerprint ?? fingerprintOf(u.id),
    lookalike: false,
    authorization: u.authorization,
    online,
    unread: u.unread ?? old?.unread ?? 0,
    lastActivity: u.lastActivity ?? old?.lastActivity ?? 0,
    ...(u.server !== undefined ? { server: u.server } : {}),
    ...(u.forkedTo !== undefined ? { forkedTo: u.forkedTo } : {}),
    ...(u.servers !== undefined && (u.servers.length !== 1 || u.servers[0] !== u.server) ? { servers: u.servers } : {}),
    ...(u.moveWaiting !== undefined ? { moveWaiting: u.moveWaiting } : {}),
    ...(u.verified === true ? { verified: true as const } : {}),
    ...(u.muted === true ? { muted: true as const } : {}),
  };
  const nameKeys = new Map(state.nameKeys ?? []);
  nameKeys.set(u.id, lookalikeKey(u.rawName));
  return flagLookalikes(withConversations({ ...state, nameKeys }, [c]));
}

/**
 * Flags are recomputed from the cached keys on every contact/group change: O(conversations). A conversation that is
 * not verified and shares a name skeleton or a short fingerprint with a verified contact resembles it.
 */
function flagLookalikes(state: UiState): UiState {
  const keys = state.nameKeys ?? new Map<string, string>();
  const flagged = lookalikeIds(keys);
  const verifiedBy = new Map<string, ConversationVm>();
  for (const c of state.conversations.values()) {
    if (c.verified !== true) continue;
    const k = keys.get(c.id);
    if (k !== undefined && k !== '') verifiedBy.set(`n:${k}`, c);
    verifiedBy.set(`f:${c.fingerprint.short}`, c);
  }
  const changed: ConversationVm[] = [];
  for (const c of state.conversations.values()) {
    const want = flagged.has(c.id);
    const k = keys.get(c.id);
    const like = c.verified === true ? undefined : ((k !== undefined && k !== '' ? verifiedBy.get(`n:${k}`) : undefined) ?? verifiedBy.get(`f:${c.fingerprint.short}`));
    const resembles = like !== undefined && like.id !== c.id ? like.name : undefined;
    if (c.lookalike === want && c.resembles === resembles) continue;
    const { resembles: _old, ...rest } = c;
    changed.push({ ...rest, lookalike: want, ...(resembles !== undefined ? { resembles } : {}) });
  }
  return changed.length === 0 ? state : withConversations(state, changed);
}

/**
 * Conversation numbers stay put (WeeChat's buffers): a conversation keeps its place in `order` from when it first
 * appeared (the unlock snapshot comes most recent first), new ones go at the end, and activity never reorders
 * them — the status line's hotlist says where the new messages are instead.
 */
function withConversations(state: UiState, changed: readonly ConversationVm[]): UiState {
  const conversations = new Map(state.conversations);
  const added: string[] = [];
  for (const c of changed) {
    if (!conversations.has(c.id)) added.push(c.id);
    conversations.set(c.id, c);
  }
  return { ...state, conversations, order: added.length === 0 ? state.order : [...state.order, ...added] };
}

function serverState(state: UiState, server: string, s: PeerState, reason?: string, retryAt?: number): UiState {
  const servers = new Map(state.servers);
  const old = servers.get(server);
  // Everything else known of the server (its bundle) stays; why it is down goes once it is up again.
  const { reason: _r, retryAt: _t, ...kept } = old ?? { onion: server, fingerprint: fingerprintOf(server), imported: false, state: s };
  const online = s === 'Authenticated' || s === 'Synced' || s === 'Connecting' || s === 'Connected';
  servers.set(server, {
    ...kept,
    state: s,
    ...(reason !== undefined ? { reason: untrustedLine(reason) } : !online && old?.reason !== undefined ? { reason: old.reason } : {}),
    ...(retryAt !== undefined ? { retryAt } : {}),
  });
  const groups = [...state.conversations.values()].filter((c) => c.kind === 'group' && c.server === server).map((c) => ({ ...c, online: s }));
  const next = { ...state, servers };
  return groups.length === 0 ? next : withConversations(next, groups);
}

/** "bob #3fa2…" for a member: their name as we know it and their fingerprint (names are not identities). */
function memberLabel(state: UiState, from: string): SafeText {
  return untrustedLine(`${senderName(state, from)} #${fingerprintOf(from).short}`);
}

function senderName(state: UiState, from: string): SafeText {
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

function message(state0: UiState, e: Ev<'message'>): UiState {
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

function ack(state: UiState, conversation: string, messageId: string, a: 'sent' | 'acknowledged' | 'failed', reason?: SafeText): UiState {
  const store = state.messages.get(conversation);
  if (store === undefined || !store.setAck(messageId, a, reason)) return state;
  return { ...state };
}

function history(state0: UiState, e: Ev<'history'>): UiState {
  const { state, store } = storeFor(state0, e.conversation);
  const added = store.merge(e.messages.map((m) => toRow(state, store, m)));
  return added === 0 && state === state0 ? state : { ...state };
}

function gap(state: UiState, e: Ev<'gap'>): UiState {
  const g: GapVm = {
    gapId: e.gapId,
    cause: e.cause,
    open: true,
    ...(e.before !== undefined ? { before: e.before } : {}),
    ...(e.after !== undefined ? { after: e.after } : {}),
    ...(e.beforeTime !== undefined ? { beforeTime: e.beforeTime } : {}),
    ...(e.afterTime !== undefined ? { afterTime: e.afterTime } : {}),
  };
  const gaps = new Map(state.gaps);
  const list = (gaps.get(e.group) ?? []).filter((x) => x.gapId !== e.gapId);
  gaps.set(e.group, [...list, g]);
  return { ...state, gaps };
}

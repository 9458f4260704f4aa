// reduce(state, event): the whole view model as a pure function of the event stream, except that
// message stores are mutated in place (see message-store.ts) so a 100k-message conversation costs
// O(1) per live message.

import type { EngineEvent, PeerState } from '../../core/api/events.js';
import { untrusted, untrustedLine, uiText } from '../text.js';
import { fingerprintOf, lookalikeIds, lookalikeKey, nameOf } from './identity.js';
import { ack, history, memberLabel, message, senderName, withConversations } from './reduce-messages.js';
import { forOtherProfile, type ConversationVm, type GapVm, type SyncPromptVm, type UiState } from './state.js';

type Ev<K extends EngineEvent['event']> = Extract<EngineEvent, { event: K }>;

export function reduce(state: UiState, e: EngineEvent): UiState {
  switch (e.event) {
    case 'profile': {
      // Another profile became active: nothing of the one before stays on screen.
      const base = state.profile !== undefined && state.profile.profileId !== e.profileId ? forOtherProfile(state) : state;
      return { ...base, profile: { profileId: e.profileId, onion: e.onion, name: nameOf(e.name), defaultPassword: e.defaultPassword } };
    }
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
        position: e.position,
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
    case 'profiles': {
      const openProfiles = e.open.map((p) => ({ profileId: p.profileId, onion: p.onion, name: nameOf(p.name), active: p.active }));
      const next = { ...state, profileCount: e.count, openProfiles };
      // None open any more (the last one deleted): back to the unlock screen, with nothing of it left.
      if (state.profile === undefined || openProfiles.some((p) => p.profileId === state.profile!.profileId)) return next;
      const { profile: _gone, ...rest } = forOtherProfile(next);
      return rest;
    }
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
        position: e.position,
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
  readonly position?: number;
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
    ...(u.position !== undefined ? { position: u.position } : {}),
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

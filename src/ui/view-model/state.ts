// The UI's view of the world, built only from engine events. Everything drawn is SafeText.

import type { Authorization, PeerState, PostWaiting } from '../../core/api/events.js';
import { DEFAULT_UI_SETTINGS, type UiSettingsValues } from '../../core/api/ui-settings.js';
import { uiText, type SafeText } from '../text.js';
import type { MessageStore } from './message-store.js';

export type { Fingerprint } from '../../core/text/fingerprint.js';
import type { Fingerprint } from '../../core/text/fingerprint.js';

export interface ConversationVm {
  readonly id: string;
  readonly kind: 'contact' | 'group';
  readonly name: SafeText;
  readonly fingerprint: Fingerprint;
  /** The name resembles another conversation's name: draw a warning. */
  readonly lookalike: boolean;
  readonly authorization: Authorization;
  /** Contact: peer state; group: its server's state. */
  readonly online: PeerState;
  readonly unread: number;
  readonly lastActivity: number;
  /** Groups: the server onion they live on. */
  readonly server?: string;
  /** Groups: forked into this group id; read-only. */
  readonly forkedTo?: string;
  /** Groups: every server it lives on (mirrors, a move), when more than `server`. */
  readonly servers?: readonly string[];
  /** Groups: a move we lead, with how many members have not yet followed. */
  readonly moveWaiting?: number;
  /** The engine's order of when it was added (contacts and groups alike): numbers follow it, across restarts. */
  readonly position?: number;
  /** Muted by the user: its news is counted apart in the hotlist and its name drawn dim. */
  readonly muted?: true;
  /** Contacts the user marked verified (their verification code matched). */
  readonly verified?: true;
  /**
   * Not verified, but its name or fingerprint looks like this VERIFIED contact's (its name, safe to draw): the
   * strongest warning, as this is what an impersonator looks like.
   */
  readonly resembles?: SafeText;
}

export interface GapVm {
  readonly gapId: string;
  readonly before?: string;
  readonly after?: string;
  readonly beforeTime?: number;
  readonly afterTime?: number;
  readonly cause: 'withheld' | 'pruned';
  readonly open: boolean;
  /** Being asked of this member now (name and fingerprint, safe to draw). */
  readonly repairing?: SafeText;
  /** How it closed; for 'peer', who gave the messages (their label). A peer-closed marker stays, dimmed. */
  readonly closedBy?: 'server' | 'mirror' | 'peer';
  readonly closedFrom?: SafeText;
}

export interface InviteVm {
  readonly from: string;
  readonly fromName: SafeText;
  readonly groupId: string;
  readonly groupName: SafeText;
  readonly text: string;
}

export interface ServerVm {
  readonly onion: string;
  readonly fingerprint: Fingerprint;
  readonly state: PeerState;
  readonly imported: boolean;
  /** The shareable bundle text ("server:…"), for /server qr. */
  readonly bundle?: string;
  /** Why the last try failed (the engine's words, safe to draw), kept until a try gets through. */
  readonly reason?: SafeText;
  /** When the next try is (ms since the epoch), while it waits. */
  readonly retryAt?: number;
}

/** Our group posts to one server not yet accepted by it, and why they wait (the engine's `post-queue`). */
export interface PostQueueVm {
  readonly queued: number;
  readonly waiting: PostWaiting | null;
  readonly retryAt?: number;
}

/** Group messages that came through one server in this session (from `message` events with a signature). */
export interface ServerMessageCount {
  /** Other members' messages fetched from the server. */
  readonly fetched: number;
  /** Our own posts to the server. */
  readonly ours: number;
}

export interface ByteCount {
  readonly sent: number;
  readonly received: number;
}

export interface UiState {
  readonly profile?: { readonly profileId: string; readonly onion: string; readonly name: SafeText; readonly defaultPassword: boolean };
  /** The profiles open now (the engine's `profiles`), the active one marked; `/profile NAME` switches among them. */
  readonly openProfiles?: readonly OpenProfileVm[];
  readonly tor: { readonly state: 'starting' | 'ready' | 'failed' | 'closed'; readonly progress: number; readonly summary: SafeText };
  readonly conversations: ReadonlyMap<string, ConversationVm>;
  /** Conversation ids in display order, which is their numbers' (Alt+1…): first appearance, never reordered. */
  readonly order: readonly string[];
  /** Mutable stores (see message-store.ts); their `version` tells React what changed. */
  readonly messages: ReadonlyMap<string, MessageStore>;
  readonly gaps: ReadonlyMap<string, readonly GapVm[]>;
  readonly servers: ReadonlyMap<string, ServerVm>;
  /** Per server onion; absent: nothing queued. */
  readonly postQueues: ReadonlyMap<string, PostQueueVm>;
  readonly invites: readonly InviteVm[];
  /** Byte meters by `${scope}:${key}`; `total:` is today's total. */
  readonly bytes: ReadonlyMap<string, ByteCount>;
  /** Per server onion. */
  readonly serverMessages: ReadonlyMap<string, ServerMessageCount>;
  readonly lowBandwidth: boolean;
  readonly syncPrompts: readonly SyncPromptVm[];
  /** The last message the engine refused to send (too long, read-only group, …): the composer gets it back. */
  readonly refusedSend?: { readonly id: string; readonly to: string; readonly text: string };
  /** The last search's answer: the words, the hits (safe to draw), and whether there were more. */
  readonly search?: { readonly query: SafeText; readonly hits: readonly SearchHitVm[]; readonly more: boolean };
  /** What the last command the user gave did, in one line (answers.ts). */
  readonly answer?: AnswerVm;
  /** Profiles in the home folder, as the engine said at start (0: a first run). */
  readonly profileCount?: number;
  /** The last verification code the engine gave, for the contact it is about (shown while that contact is open). */
  readonly verifyCode?: { readonly onion: string; readonly code: SafeText };
  /** The engine's day count and data budget (bytes; budget 0: none), from the total's `bytes` events. */
  readonly dataDay?: { readonly today: number; readonly budget: number };
  readonly lastError?: { readonly code: string; readonly message: SafeText; readonly id?: string };
  readonly lastOk?: { readonly cmd: string; readonly id?: string };
  /** Look-alike key (name skeleton) per conversation, computed once per name change; never drawn. */
  readonly nameKeys?: ReadonlyMap<string, string>;
  /** The UI's own preferences (theme, keys, timestamps, bell …), as `/set` left them. */
  readonly settings: UiSettingsValues;
  /**
   * Per conversation, how much of its stored history the UI has read: asked for (`loading`, with the page size),
   * older messages left (`more`), or all of it. Absent: not read yet (it is, when the conversation opens).
   */
  readonly historyLoaded?: ReadonlyMap<string, { readonly state: 'loading' | 'more' | 'all'; readonly limit: number }>;
  /** The last message that arrived from someone else (a count, and where), for the bell. */
  readonly arrival?: { readonly seq: number; readonly conversation: string };
}

export interface OpenProfileVm {
  readonly profileId: string;
  readonly name: SafeText;
  readonly onion: string;
  readonly active: boolean;
}

export interface SearchHitVm {
  readonly conversation: string;
  readonly messageId: string;
  /** "bob #3fa2…" or "you". */
  readonly who: SafeText;
  /** The conversation's name. */
  readonly where: SafeText;
  readonly text: SafeText;
  readonly time: number;
}

/** What a command the user gave did (answers.ts), and the conversation to open if it made one. */
export interface AnswerVm {
  readonly text: SafeText;
  readonly open?: string;
}

/** A sync waiting for the user's yes: what it costs, and whether the day's data budget is why it asks. */
export interface SyncPromptVm {
  readonly server: string;
  readonly messages: number;
  readonly bytes: number;
  readonly estimated?: boolean;
  readonly overBudget?: { readonly today: number; readonly budget: number };
}

export function initialState(opts: { lowBandwidth?: boolean; settings?: UiSettingsValues } = {}): UiState {
  return {
    tor: { state: 'starting', progress: 0, summary: uiText('') },
    conversations: new Map(),
    order: [],
    messages: new Map(),
    gaps: new Map(),
    servers: new Map(),
    postQueues: new Map(),
    invites: [],
    bytes: new Map(),
    serverMessages: new Map(),
    lowBandwidth: opts.lowBandwidth ?? false,
    syncPrompts: [],
    settings: opts.settings ?? DEFAULT_UI_SETTINGS,
  };
}

/** Today's traffic (sent + received; the engine's day count, across restarts), or 0 before the engine reports any. */
export function bytesToday(s: UiState): number {
  if (s.dataDay !== undefined) return s.dataDay.today;
  const t = s.bytes.get('total:');
  return t === undefined ? 0 : t.sent + t.received;
}

export function openGapCount(s: UiState, group: string): number {
  return (s.gaps.get(group) ?? []).filter((g) => g.open).length;
}

/**
 * The hotlist: the numbers (1-based) of conversations with unread messages or a pending request, with counts;
 * muted ones are counted apart (`muted`), never in the list.
 */
export function hotlist(state: UiState): { readonly slot: number; readonly unread: number; readonly request: boolean; readonly muted?: true }[] {
  const out: { slot: number; unread: number; request: boolean; muted?: true }[] = [];
  state.order.forEach((id, i) => {
    const c = state.conversations.get(id);
    if (c !== undefined && (c.unread > 0 || c.authorization === 'unknown')) out.push({ slot: i + 1, unread: c.unread, request: c.authorization === 'unknown', ...(c.muted === true ? { muted: true as const } : {}) });
  });
  return out;
}

/**
 * What stays when the open profile changes (a switch, a delete): the network, the settings and the engine-wide
 * meters; every conversation, message, server and prompt was the other profile's.
 */
export function forOtherProfile(s: UiState): UiState {
  return {
    ...initialState({ lowBandwidth: s.lowBandwidth, settings: s.settings }),
    tor: s.tor,
    bytes: s.bytes,
    ...(s.profileCount !== undefined ? { profileCount: s.profileCount } : {}),
    ...(s.openProfiles !== undefined ? { openProfiles: s.openProfiles } : {}),
    ...(s.dataDay !== undefined ? { dataDay: s.dataDay } : {}),
    // What the last command did (the switch or the delete itself) is the UI's, not the profile's.
    ...(s.answer !== undefined ? { answer: s.answer } : {}),
  };
}

/** Whether a message that arrived in `conversation` rings the bell: the setting is on, it is not open, not muted. */
export function shouldRing(s: UiState, conversation: string, selected: string | undefined): boolean {
  if (s.settings.bell !== 'on' || conversation === selected) return false;
  return s.conversations.get(conversation)?.muted !== true;
}

// Linear mode's voice: each engine event that matters to a person becomes one plain line (docs/ux.md: screen
// readers read box drawing and spinners aloud). Pure apart from its own small memory (what was last said about tor
// and about each contact), so every line is unit-tested from events alone.
//
// It reads the view model AFTER the event was reduced (names, fingerprints, groups come from there) and never
// prints a raw string: every line goes through untrustedLine (SafeText) as the last step.

import type { EngineEvent, PeerState, PostWaiting } from '../../core/api/events.js';
import { LINEAR_TOR_PROGRESS_STEP } from '../../core/limits.js';
import { untrustedLine, type SafeText } from '../text.js';
import { ONLINE_STATES, postQueueText, serverTroubleText, syncPromptText, verifyCodeText } from '../view-model/format.js';
import { fingerprintOf } from '../view-model/identity.js';
import { clockTime, dayLabel, gapSpanText } from '../view-model/pane-layout.js';
import type { ConversationVm, UiState } from '../view-model/state.js';

type Ev<K extends EngineEvent['event']> = Extract<EngineEvent, { event: K }>;

/** Server states worth a line; Connecting/Connected come and go on every retry and would only be noise. */
const SERVER_SAID: ReadonlySet<PeerState> = new Set(['Authenticated', 'Synced', 'Failed', 'Disconnected']);

/** A person's label: their (self-chosen) name and the short fingerprint that tells look-alikes apart. */
export function who(c: Pick<ConversationVm, 'name' | 'fingerprint' | 'lookalike' | 'verified' | 'resembles'>): string {
  const mark = c.verified === true ? ' [verified]' : c.resembles !== undefined ? ` [WARNING: looks like your verified contact ${c.resembles}, but is not]` : c.lookalike ? ' [looks like another name]' : '';
  return `${c.name} (${c.fingerprint.short})${mark}`;
}

/** A message's text on one line: its own line breaks read as " / ". */
export function oneLine(text: string): string {
  return text.replace(/\r\n?|\n/g, ' / ');
}

/** `12:03`, or `2026-11-26 12:03` when not from the day of `now`. */
export function stamp(time: number, now: number): string {
  return dayLabel(time) === dayLabel(now) ? clockTime(time) : `${dayLabel(time)} ${clockTime(time)}`;
}

export interface NarratorOptions {
  /** Milliseconds since the epoch (the same clock as message times). */
  readonly now: () => number;
}

export class Narrator {
  private torStep = -1;
  private torState: string | undefined;
  /** After a `profile` event the engine sends every contact and group in one burst: summarised, not read out. */
  private inSnapshot = false;
  private readonly known = new Map<string, { readonly name: string; readonly authorization: string; readonly verified?: boolean }>();
  private readonly online = new Map<string, boolean>();
  private readonly serverState = new Map<string, PeerState>();
  /** The last "why down, next try" line said per server, so a retry loop says it once per change. */
  private readonly serverTrouble = new Map<string, string>();
  /** Per server: the reason its posts were last said to wait (only changes are said). */
  private readonly postWaiting = new Map<string, PostWaiting>();
  /** Ids of history requests this UI made (/open); only their answers are printed. */
  private readonly historyIds = new Set<string>();

  constructor(private readonly opts: NarratorOptions) {}

  /** Print the answer to the history command sent with this id. */
  expectHistory(id: string): void {
    this.historyIds.add(id);
  }

  /** The burst after `profile` is over: one summary line (call from a microtask after the profile event). */
  endSnapshot(state: UiState): SafeText[] {
    if (!this.inSnapshot) return [];
    this.inSnapshot = false;
    for (const c of state.conversations.values()) {
      this.known.set(c.id, { name: c.name, authorization: c.authorization });
      this.online.set(c.id, ONLINE_STATES.has(c.online));
    }
    const n = state.order.length;
    if (n === 0) return [untrustedLine('No contacts yet. Give people your address (/me), or /add theirs.')];
    const unread = [...state.conversations.values()].reduce((k, c) => k + c.unread, 0);
    const requests = [...state.conversations.values()].filter((c) => c.authorization === 'unknown').length;
    const parts = [`${n} conversation${n === 1 ? '' : 's'}`, `${unread} unread`, ...(requests > 0 ? [`${requests} request${requests === 1 ? '' : 's'} waiting`] : [])];
    return [untrustedLine(`${parts.join(', ')}. /list shows them, /open NAME opens one.`)];
  }

  get snapshotting(): boolean {
    return this.inSnapshot;
  }

  /** The lines for one event, given the view model after it. */
  event(e: EngineEvent, s: UiState): SafeText[] {
    return this.say(e, s).map((l) => untrustedLine(l));
  }

  private say(e: EngineEvent, s: UiState): string[] {
    switch (e.event) {
      case 'tor':
        return this.tor(e);
      case 'profile': {
        this.inSnapshot = true;
        const p = s.profile!;
        const lines = [`Profile ${p.name} (${fingerprintOf(p.onion).short}) is open. Your address: ${p.onion}`];
        if (p.defaultPassword) lines.push('Warning: this profile has no password, so anyone who can read your files can read your messages.');
        return lines;
      }
      case 'contact':
      case 'group':
        return this.inSnapshot ? [] : this.conversation(e.event === 'contact' ? e.onion : e.groupId, s);
      case 'peer-state':
        return this.inSnapshot ? [] : this.peer(e.onion, e.state, s);
      case 'server-state':
        return this.server(e.server, e.state, s, e.reason !== undefined || e.retryAt !== undefined ? serverTroubleText({ state: e.state, ...(e.reason !== undefined ? { reason: oneLine(e.reason) } : {}), ...(e.retryAt !== undefined ? { retryAt: e.retryAt } : {}) }) : null);
      case 'post-queue':
        return this.postQueue(e, s);
      case 'server':
        return e.imported ? [`Server ${fingerprintOf(e.onion).short} imported. /group ${e.onion} NAME creates a group on it.`] : [];
      case 'message':
        return e.outgoing ? [] : [this.message(e.conversation, e.from, e.text, e.time, s)];
      case 'history':
        if (e.id === undefined || !this.historyIds.delete(e.id)) return [];
        if (e.messages.length === 0) return ['No messages yet.'];
        return e.messages.map((m) => this.message(e.conversation, m.from, m.text, m.time, s, m.outgoing));
      case 'ack':
        return [`delivered to ${this.label(e.conversation, s)}`];
      case 'failed':
        return [`not sent to ${this.label(e.conversation, s)}: ${oneLine(e.reason)}`];
      case 'gap':
        return [`gap in ${this.label(e.group, s)}: ${gapSpan(e)} (${e.cause})`];
      case 'gap-closed':
        return [`gap in ${this.label(e.group, s)} closed: the missing messages arrived${e.closedBy === 'peer' && e.from !== undefined ? ` from ${this.label(e.from, s)} (checked)` : e.closedBy === 'mirror' ? ' from another server of the group' : ''}`];
      case 'gap-repair':
        return e.from === null ? [] : [`gap in ${this.label(e.group, s)}: asking ${this.label(e.from, s)} for the missing messages`];
      case 'invite':
        return [`Group invite from ${this.label(e.from, s)} to “${s.invites.find((i) => i.groupId === e.groupId)?.groupName ?? ''}”. /join accepts it (groups are experimental).`];
      case 'sync-cost':
        return [syncPromptText(e)];
      case 'search':
        return [
          `${e.results.length}${e.more ? '+' : ''} found for “${oneLine(e.query)}”${e.results.length === 0 ? '.' : ':'}`,
          ...(s.search?.hits ?? []).map((h) => `[${clockTime(h.time, false)}] ${h.who} in ${h.where}: ${h.text}`),
        ];
      case 'verify-code':
        return [verifyCodeText(s, e.onion, e.code).join('. ')];
      case 'lowbw':
        return [`low-bandwidth mode ${e.on ? 'on: servers sync only when you type /sync' : 'off'}`];
      case 'error':
        return [`error: ${oneLine(e.message)}`];
      case 'group-left': {
        const name = this.known.get(e.groupId)?.name;
        this.known.delete(e.groupId);
        return [`You left group ${name ?? fingerprintOf(e.groupId).short}; its messages on this device are deleted.`];
      }
      case 'sent':
      case 'ok':
      case 'profiles':
      case 'bytes':
        // "sent" only means it left for tor; "delivered" (the peer's ack) is the line worth reading.
        return [];
    }
  }

  private tor(e: Ev<'tor'>): string[] {
    const was = this.torState;
    this.torState = e.state;
    if (e.state === 'starting') {
      const step = Math.floor(Math.max(0, Math.min(100, e.progress)) / LINEAR_TOR_PROGRESS_STEP);
      if (step <= this.torStep) return [];
      this.torStep = step;
      return [`tor: ${step * LINEAR_TOR_PROGRESS_STEP} %`];
    }
    if (e.state === was) return [];
    this.torStep = -1;
    return e.state === 'failed' ? [`tor: failed: ${oneLine(e.summary)}`] : [`tor: ${e.state}`];
  }

  private conversation(id: string, s: UiState): string[] {
    const c = s.conversations.get(id);
    if (c === undefined) return [];
    const old = this.known.get(id);
    this.known.set(id, { name: c.name, authorization: c.authorization, verified: c.verified === true });
    const label = who(c);
    if (old === undefined) {
      if (c.kind === 'group') return [`Group ${label} added (experimental). /open it, then /invite CONTACT.`];
      if (c.authorization === 'unknown') return [`Contact request from ${label}. Names are chosen by their owners: check the fingerprint. /accept ${c.id} or /block ${c.id}.`];
      return [`Contact ${label} added.`];
    }
    const lines: string[] = [];
    if (old.name !== c.name) lines.push(`${old.name} (${c.fingerprint.short}) is now called ${c.name}`);
    if (old.authorization !== c.authorization) lines.push(`${label} is now ${c.authorization === 'approved' ? 'accepted' : c.authorization}`);
    if ((old.verified ?? false) !== (c.verified === true)) lines.push(c.verified === true ? `${label}: marked verified` : `${label}: no longer marked verified`);
    return lines;
  }

  private peer(onion: string, state: PeerState, s: UiState): string[] {
    const c = s.conversations.get(onion);
    if (c === undefined || c.kind !== 'contact') return [];
    const on = ONLINE_STATES.has(state);
    const was = this.online.get(onion) ?? false;
    this.online.set(onion, on);
    if (on === was) return [];
    return [`${who(c)} is ${on ? 'online' : 'offline'}`];
  }

  private server(onion: string, state: PeerState, _s: UiState, trouble: string | null): string[] {
    const was = this.serverState.get(onion);
    this.serverState.set(onion, state);
    // A retry scheduled after a failure is worth a line once per failure (why, and when the next try is).
    if (trouble !== null && trouble !== this.serverTrouble.get(onion)) {
      this.serverTrouble.set(onion, trouble);
      return [`server ${fingerprintOf(onion).short}: ${state}: ${trouble}`];
    }
    if (was === state || !SERVER_SAID.has(state) || (was === undefined && state === 'Disconnected')) return [];
    if (ONLINE_STATES.has(state)) this.serverTrouble.delete(onion);
    return [`server ${fingerprintOf(onion).short}: ${state}`];
  }

  /** A reason change only ('connecting' goes without saying: the server's state lines say it). */
  private postQueue(e: Ev<'post-queue'>, s: UiState): string[] {
    const was = this.postWaiting.get(e.server);
    const now = e.queued > 0 && e.waiting !== null && e.waiting !== 'connecting' ? e.waiting : undefined;
    if (now === was) return [];
    if (now === undefined) {
      this.postWaiting.delete(e.server);
      return e.queued > 0 ? [`server ${fingerprintOf(e.server).short}: posts going out again`] : [];
    }
    this.postWaiting.set(e.server, now);
    return [`server ${fingerprintOf(e.server).short}: ${postQueueText(s.postQueues.get(e.server)) ?? ''}`];
  }

  /** A conversation or sender's label; unknown ids (a group member we have not added) show their fingerprint only. */
  private label(id: string, s: UiState): string {
    const c = s.conversations.get(id);
    if (c !== undefined) return c.kind === 'group' ? `#${c.name} (${c.fingerprint.short})` : who(c);
    return fingerprintOf(id).short;
  }

  private message(conversation: string, from: string, text: string, time: number, s: UiState, outgoing = false): string {
    const c = s.conversations.get(conversation);
    const sender = outgoing ? 'you' : from === conversation && c !== undefined ? who(c) : this.label(from, s);
    const where = c?.kind === 'group' ? ` in #${c.name}` : '';
    return `[${stamp(time, this.opts.now())}] ${sender}${where}: ${oneLine(text)}`;
  }
}

function gapSpan(e: Ev<'gap'>): string {
  const span = gapSpanText(e);
  return span === undefined ? 'messages missing' : `messages missing ${span}`;
}

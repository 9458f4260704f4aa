// One unlocked profile at work: its long-term Tapir service (listening on its onion), a PeerApp per
// connection, the per-contact connection manager (dial, back-off with jitter, reset on success) and the outbox.
// Durability (ARCHITECTURE.md rules): a message we send is committed to the outbox before it is on the wire;
// a message we receive is acknowledged only after its row is committed; the outbox is re-sent on every new
// connection to that contact, and after restarts, until the ack arrives; the receiver de-duplicates by message
// id (ProfileDb's unique (conversation, protocol_id)).

import { toBase64 } from '../../core/bytes.js';
import type { AckState, EngineEvent, GroupInviteCard, HistoryMessage, SearchHit } from '../../core/api/events.js';
import { identityFromSeed, type Identity } from '../../core/crypto/identity.js';
import { decodeOnion, type OnionAddress } from '../../core/crypto/onion.js';
import { verifyCode } from '../../core/crypto/verify-code.js';
import { CwtchError, UsageError } from '../../core/errors.js';
import {
  MAX_DISPLAY_NAME_LENGTH,
  MAX_UNKNOWN_CONVERSATIONS,
  PEER_OUTBOX_BATCH,
  PEER_RETRY_JITTER,
  PEER_RETRY_MAX_MS,
  PEER_RETRY_MIN_MS,
  SEARCH_MAX_RESULTS,
  SEARCH_MAX_SCAN,
} from '../../core/limits.js';
import { decodePaste } from '../../core/paste.js';
import { decodeOverlay, encodeOverlay, OVERLAY_GROUP_INVITE, OVERLAY_GROUP_SERVERS, OVERLAY_TEXT, overlayText, type Overlay } from '../../core/peer/overlay.js';
import { validateDisplayName } from '../../core/text/names.js';
import { chatMessageFits, EXTENSION_GROUP_SERVERS, newMessageId, PeerApp, type PeerHandler, type PeerSession } from '../../core/peer/peer-app.js';
import type { TimerHandle } from '../../core/ports.js';
import { AuthApp } from '../../core/tapir/apps/auth-app.js';
import { TapirService } from '../../core/tapir/service.js';
import type { Conversation, Message, MessageId, ProfileDb } from '../../profile/profile-db.js';
import { ATTR_NAME, type Profile } from '../../profile/profile-store.js';
import { countingAcn } from './byte-meter.js';
import { messageIdOf, quoteOf } from './quotes.js';
import { decodeBudget, decodeDayRecord, encodeBudget, encodeDayRecord, type DayRecord } from './data-budget.js';
import type { RuntimeDeps } from './deps.js';
import { ProfileGroups } from './groups.js';

/** Secret setting key: "1" when low-bandwidth mode is on (persisted per profile). */
export const SETTING_LOW_BANDWIDTH = 'engine.low-bandwidth';

/** Secret setting keys: the data budget (bytes a day, as text) and the day's count (data-budget.ts DayRecord). */
export const SETTING_DATA_BUDGET = 'engine.data-budget';
export const SETTING_DATA_DAY = 'engine.data-day';

/** Secret setting key: "1" when peers we have not approved are disconnected right after auth. */
export const SETTING_BLOCK_UNKNOWN = 'engine.block-unknown';

type Emit = (e: EngineEvent) => void;

interface RetryState {
  failures: number;
  timer: TimerHandle | null;
  dialing: boolean;
}

export class ProfileRuntime implements PeerHandler {
  readonly identity: Identity;
  private readonly service: TapirService;
  private readonly app: PeerApp;
  private readonly sessions = new Map<OnionAddress, Set<PeerSession>>();
  private readonly retry = new Map<OnionAddress, RetryState>();
  private closing = false;
  readonly groups: ProfileGroups;
  /** Set by the engine: whether this profile's events reach the UI (the active profile). */
  emit: Emit;

  constructor(
    private readonly deps: RuntimeDeps,
    readonly profile: Profile,
    emit: Emit,
  ) {
    this.emit = emit;
    const id = profile.db.identity();
    if (id === null) throw new CwtchError('profile.no-identity', 'the profile has no identity');
    this.identity = identityFromSeed(deps.backend, id.ed25519Seed);
    const { backend, random, clock, meter } = deps;
    const acn = meter === undefined ? deps.acn : countingAcn(deps.acn, meter, (onion) => ({ scope: 'contact', key: onion }));
    this.groups = new ProfileGroups(deps, profile.db, this.identity, (e) => this.emit(e), {
      session: (onion) => this.session(onion as OnionAddress),
      isApproved: (onion) => this.db.findConversation(onion)?.authorization === 'approved',
    });
    this.service = new TapirService({ acn, identity: this.identity, backend, random, clock });
    this.service.onStateChange((c) => {
      const conv = this.profile.isLocked ? null : this.db.findConversation(c.hostname);
      // Only contacts we know (and have not blocked) get a state; an unknown peer gets one once admitted.
      if (conv === null || conv.authorization === 'blocked' || c.state === 'Authenticated') return;
      if (c.state === 'Disconnected' && this.hasSession(c.hostname)) return;
      this.emit({ event: 'peer-state', onion: c.hostname, state: c.state });
    });
    this.app = new PeerApp({ auth: new AuthApp({ identity: this.identity, backend, random }), handler: this, clock, random });
  }

  private get db() {
    return this.profile.db;
  }

  get onion(): OnionAddress {
    return this.identity.onion;
  }

  get profileName(): string {
    return this.db.getAttribute(ATTR_NAME) ?? '';
  }

  /** Publish the onion and dial every approved contact. */
  async start(lowBandwidth = false): Promise<void> {
    await this.service.listen(this.app);
    this.groups.start(lowBandwidth || this.db.getSetting(SETTING_LOW_BANDWIDTH)?.[0] === 1);
    for (const c of this.db.listConversations()) if (c.kind === 'contact' && c.authorization === 'approved') void this.dial(c.handle as OnionAddress);
  }

  async close(): Promise<void> {
    await this.stop();
    this.profile.lock();
  }

  /** Offline, the profile still open (a password change re-keys it and starts a fresh runtime on it). */
  async stop(): Promise<void> {
    this.closing = true;
    for (const r of this.retry.values()) if (r.timer !== null) this.deps.clock.clearTimeout(r.timer);
    this.retry.clear();
    await this.groups.close();
    await this.service.close();
  }

  /** A group invite overlay that decodes: its group (the invite event and the message's one-line card). */
  private inviteCard(overlay: Overlay): GroupInviteCard | undefined {
    if (overlay.overlay !== OVERLAY_GROUP_INVITE) return undefined;
    const p = decodePaste(this.deps.backend, this.deps.pbkdf2, overlay.data);
    return p.ok && (p.value.kind === 'invite' || p.value.kind === 'tofubundle') ? { groupId: p.value.invite.groupId, groupName: p.value.invite.groupName } : undefined;
  }

  /** This profile's data budget and its record of the day's bytes (null: none kept, or unreadable). */
  budgetSettings(): { readonly perDay: number | null; readonly day: DayRecord | null } {
    return { perDay: decodeBudget(this.db.getSetting(SETTING_DATA_BUDGET)), day: decodeDayRecord(this.db.getSetting(SETTING_DATA_DAY)) };
  }

  saveBudget(perDay: number): void {
    this.db.setSetting(SETTING_DATA_BUDGET, encodeBudget(perDay));
  }

  saveDay(r: DayRecord): void {
    if (!this.profile.isLocked) this.db.setSetting(SETTING_DATA_DAY, encodeDayRecord(r));
  }

  /** Events that describe this profile from scratch (after unlock, or when it becomes active). */
  snapshot(id?: string): EngineEvent[] {
    const out: EngineEvent[] = [{ ...(id !== undefined ? { id } : {}), event: 'profile', onion: this.onion, name: this.profileName, defaultPassword: this.profile.isDefaultPassword }];
    for (const c of this.db.listConversations()) {
      if (c.kind !== 'contact') continue;
      out.push(contactEvent(c));
      if (c.authorization !== 'blocked') out.push({ event: 'peer-state', onion: c.handle, state: this.hasSession(c.handle as OnionAddress) ? 'Authenticated' : 'Disconnected' });
    }
    out.push(...this.groups.snapshot());
    return out;
  }

  /** Low-bandwidth mode for this profile's servers; persisted. */
  setLowBandwidth(on: boolean): void {
    this.db.setSetting(SETTING_LOW_BANDWIDTH, Uint8Array.of(on ? 1 : 0));
    this.groups.setLowBandwidth(on);
  }

  createGroup(server: string, name: string, id?: string): void {
    this.groups.createGroup(server, name, id);
  }

  /** Send a group invite (overlay 101 with the tofubundle text) to a contact. */
  invite(to: string, groupId: string, id?: string): void {
    this.sendOverlay(to, { overlay: OVERLAY_GROUP_INVITE, data: this.groups.inviteText(groupId) }, id);
  }

  /**
   * `fork-group`: a fresh key ("fork groups … to provide some level of forward secrecy", handbook), the members we
   * know (those who posted) who are approved contacts invited over 1:1 — through the outbox, so one who is offline
   * gets it when back — and the old group read-only with a pointer. Answered by the new group's `group` event.
   */
  forkGroup(groupId: string, server: string | undefined, id?: string): void {
    const { members, newGroupId } = this.groups.fork(groupId, server, id);
    for (const m of members) {
      const conv = this.db.findConversation(m);
      if (conv?.authorization === 'approved') this.invite(m, newGroupId);
    }
  }

  /** `mirror`: the group lives on another server too (docs/protocol.md §12.6); the members hear of it. */
  mirrorGroup(groupId: string, server: string, id?: string): void {
    this.groups.mirror(groupId, server, id);
  }

  /** `move-group`: see ProfileGroups.move. */
  moveGroup(groupId: string, server: string, id?: string): void {
    this.groups.move(groupId, server, id);
  }

  sync(server: string, confirm: boolean, id?: string): void {
    this.groups.sync(server, confirm, id);
  }

  /** Delete a group from this profile; resolves once its server's sync has stopped (when no other group uses it). */
  leaveGroup(groupId: string, id?: string): Promise<void> {
    return this.groups.leave(groupId, id);
  }

  /**
   * A local name for a contact or a group: validated like any name the user types (names.ts), stored, never
   * sent; the contact or group event goes out again with it. A peer's later announcement does not override it.
   */
  rename(conversation: string, name: string, id?: string): void {
    const v = validateDisplayName(name);
    if (!v.ok) throw new UsageError(v.error.code, v.error.reason);
    if (this.groups.isGroup(conversation)) return this.groups.rename(conversation, v.value, id);
    const conv = this.contact(conversation);
    this.db.setLocalName(conv.id, v.value);
    this.emit({ ...withId(id), ...contactEvent(this.db.getConversation(conv.id)!) });
  }

  // ---- commands ----

  add(text: string, id?: string): void {
    const p = decodePaste(this.deps.backend, this.deps.pbkdf2, text);
    if (!p.ok) throw new UsageError(p.error.code, p.error.reason);
    const v = p.value;
    if (v.kind === 'onion') {
      const onion = v.onion.onion;
      if (onion === this.onion) throw new UsageError('contact.self', 'that is your own address');
      let conv = this.db.findConversation(onion);
      if (conv === null) conv = this.db.createConversation({ kind: 'contact', handle: onion, authorization: 'approved', lastActivity: this.deps.clock.now() });
      else if (conv.authorization !== 'approved') {
        this.db.updateConversation(conv.id, { authorization: 'approved' });
        conv = this.db.getConversation(conv.id)!;
      }
      this.emit({ ...withId(id), ...contactEvent(conv) });
      this.afterApprove(onion);
      return;
    }
    if (v.kind === 'server') {
      this.groups.importServer(v.bundle, id);
      return;
    }
    this.groups.join(text, id);
  }

  accept(onion: string, id?: string): void {
    const conv = this.contact(onion);
    this.db.updateConversation(conv.id, { authorization: 'approved' });
    this.emit({ ...withId(id), ...contactEvent(this.db.getConversation(conv.id)!) });
    this.afterApprove(conv.handle as OnionAddress);
  }

  block(onion: string, id?: string): void {
    const conv = this.contact(onion);
    this.db.updateConversation(conv.id, { authorization: 'blocked' });
    const h = conv.handle as OnionAddress;
    const r = this.retry.get(h);
    if (r?.timer) this.deps.clock.clearTimeout(r.timer);
    this.retry.delete(h);
    for (const s of this.sessions.get(h) ?? []) s.close();
    this.service.kill(h);
    this.emit({ ...withId(id), ...contactEvent(this.db.getConversation(conv.id)!) });
  }

  /** `verify-code`: the code both sides compute from the two onion keys (docs/protocol.md §12.7). */
  verifyCode(onion: string, id?: string): void {
    const conv = this.contact(onion);
    const theirs = decodeOnion(conv.handle);
    if (!theirs.ok) throw new UsageError('contact.unknown', 'no such contact; add it first');
    const code = verifyCode(this.deps.pbkdf2, this.identity.publicKey, theirs.value.publicKey);
    this.emit({ ...withId(id), event: 'verify-code', onion: conv.handle, code });
  }

  /** `mute`: a contact's or a group's news counted apart (the UI's hotlist), remembered by the profile. */
  mute(conversation: string, on: boolean, id?: string): void {
    const conv = this.db.findConversation(conversation);
    if (conv === null) throw new UsageError('conversation.unknown', 'no such conversation');
    this.db.setMuted(conv.id, on);
    if (conv.kind === 'contact') this.emit({ ...withId(id), ...contactEvent(this.db.getConversation(conv.id)!) });
    else this.groups.announce(conv.handle, id);
  }

  /** `set-verified`: the user read the code with them and it matched (or takes that back). Not for blocked peers. */
  setVerified(onion: string, on: boolean, id?: string): void {
    const conv = this.contact(onion);
    if (on && conv.authorization === 'blocked') throw new UsageError('contact.blocked', 'unblock the contact before marking it verified');
    this.db.setVerified(conv.id, on ? (conv.verifiedAt ?? this.deps.clock.now()) : null);
    this.emit({ ...withId(id), ...contactEvent(this.db.getConversation(conv.id)!) });
  }

  setBlockUnknown(on: boolean): void {
    this.db.setSetting(SETTING_BLOCK_UNKNOWN, Uint8Array.of(on ? 1 : 0));
  }

  private blockUnknown(): boolean {
    return this.db.getSetting(SETTING_BLOCK_UNKNOWN)?.[0] === 1;
  }

  send(to: string, text: string, id?: string): void {
    if (this.groups.isGroup(to)) return this.groups.send(to, text, id);
    this.sendOverlay(to, { overlay: OVERLAY_TEXT, data: text }, id);
  }

  private sendOverlay(to: string, overlay: Overlay, id?: string): void {
    const conv = this.contact(to);
    if (conv.authorization === 'blocked') throw new UsageError('contact.blocked', 'you blocked this contact; unblock it by accepting it first');
    const messageId = newMessageId(this.deps.random);
    if (!chatMessageFits(messageId, overlay)) throw new UsageError('message.too-long', 'the message is too long to send in one piece; split it');
    const now = this.deps.clock.now();
    const r = this.db.queueOutgoing({ conversation: conv.id, sender: this.onion, body: bodyOf(overlay), sentAt: now, receivedAt: now, protocolId: messageId }, now);
    const card = this.inviteCard(overlay);
    this.emit({
      ...withId(id),
      event: 'message',
      conversation: conv.handle,
      from: this.onion,
      text: overlayText(overlay),
      time: now,
      messageId,
      outgoing: true,
      ack: 'pending',
      overlay: overlay.overlay,
      ...(card !== undefined ? { groupInvite: card } : {}),
    });
    const h = conv.handle as OnionAddress;
    const s = this.session(h);
    if (s !== null) this.transmit(s, conv, this.db.getMessage(r.id)!);
    else void this.dial(h);
  }

  history(conversation: string, limit: number | undefined, before: string | undefined, id?: string): void {
    const conv = this.db.findConversation(conversation);
    if (conv === null) throw new UsageError('conversation.unknown', 'no such conversation');
    let beforeId: MessageId | undefined;
    if (before !== undefined) {
      const m = this.db.findMessageByProtocolId(conv.id, before);
      if (m === null) throw new UsageError('history.before', '"before" is not a message of this conversation');
      beforeId = m.id;
    }
    let rows = this.db.messagesPage(conv.id, beforeId, limit ?? 200);
    // A group's order is its hash-chained timeline (causal), not arrival order.
    if (conv.kind === 'group') rows = this.groups.inTimelineOrder(conv.id, rows);
    this.db.markRead(conv.id);
    this.emit({ ...withId(id), event: 'history', conversation: conv.handle, messages: rows.map((m) => historyMessage(this.db, m, (o) => this.inviteCard(o))) });
  }

  /** `search`: the messages whose text holds `text` (any case), newest first, within SEARCH_MAX_SCAN messages read. */
  search(text: string, conversation: string | undefined, limit: number | undefined, id?: string): void {
    const q = text.trim().toLocaleLowerCase();
    if (q.length === 0) throw new UsageError('search.empty', 'give the words to search for');
    const one = conversation === undefined ? null : this.db.findConversation(conversation);
    if (conversation !== undefined && one === null) throw new UsageError('conversation.unknown', 'no such conversation');
    const convs = one !== null ? [one] : this.db.listConversations();
    const max = Math.max(1, Math.min(limit ?? SEARCH_MAX_RESULTS, SEARCH_MAX_RESULTS));
    const hits: SearchHit[] = [];
    let scanned = 0;
    let more = false;
    for (const c of convs) {
      let before: MessageId | undefined;
      for (;;) {
        const page = this.db.messagesPage(c.id, before, 500);
        if (page.length === 0) break;
        for (const m of page) {
          const o = decodeOverlay(m.body);
          const t = o.ok ? overlayText(o.value) : '';
          if (t.toLocaleLowerCase().includes(q)) hits.push({ conversation: c.handle, messageId: messageIdOf(m), from: m.sender, text: t, time: m.receivedAt });
        }
        scanned += page.length;
        before = page[0]!.id;
        if (scanned >= SEARCH_MAX_SCAN) break;
      }
      if (scanned >= SEARCH_MAX_SCAN) {
        more = true;
        break;
      }
    }
    hits.sort((a, b) => b.time - a.time);
    this.emit({ ...withId(id), event: 'search', query: text, results: hits.slice(0, max), more: more || hits.length > max });
  }

  private contact(onion: string): Conversation {
    const d = decodeOnion(onion);
    const conv = d.ok ? this.db.findConversation(d.value.onion) : null;
    if (conv === null || conv.kind !== 'contact') throw new UsageError('contact.unknown', 'no such contact; add it first');
    return conv;
  }

  private afterApprove(onion: OnionAddress): void {
    const s = this.session(onion);
    if (s !== null) {
      this.flush(s);
      // Already connected (it dialled us as a request): a new contact may be a member who can repair a gap.
      this.groups.repair.poke();
    } else void this.dial(onion);
  }

  // ---- connections ----

  private hasSession(onion: OnionAddress): boolean {
    return this.session(onion) !== null;
  }

  private session(onion: OnionAddress): PeerSession | null {
    for (const s of this.sessions.get(onion) ?? []) if (!s.closed) return s;
    return null;
  }

  private retryState(onion: OnionAddress): RetryState {
    let r = this.retry.get(onion);
    if (r === undefined) {
      r = { failures: 0, timer: null, dialing: false };
      this.retry.set(onion, r);
    }
    return r;
  }

  private async dial(onion: OnionAddress): Promise<void> {
    if (this.closing || this.hasSession(onion)) return;
    const conv = this.db.findConversation(onion);
    if (conv === null || conv.authorization !== 'approved') return;
    const r = this.retryState(onion);
    if (r.dialing) return;
    r.dialing = true;
    const c = await this.service.connect(onion, this.app);
    if (!c.ok) {
      r.dialing = false;
      if (c.error.code !== 'tapir.already-connected') this.scheduleRetry(onion);
      return;
    }
    c.value.onClose(() => {
      r.dialing = false;
      if (!this.hasSession(onion)) this.scheduleRetry(onion);
    });
  }

  /** Exponential back-off with jitter: min·2^failures, capped, ±PEER_RETRY_JITTER; reset when a session opens. */
  private scheduleRetry(onion: OnionAddress): void {
    if (this.closing || this.profile.isLocked) return;
    const conv = this.db.findConversation(onion);
    if (conv === null || conv.authorization !== 'approved') return;
    const r = this.retryState(onion);
    if (r.timer !== null) return;
    const base = Math.min(this.deps.retryMaxMs ?? PEER_RETRY_MAX_MS, (this.deps.retryMinMs ?? PEER_RETRY_MIN_MS) * 2 ** Math.min(r.failures, 30));
    const b = this.deps.random.bytes(2);
    const unit = ((b[0]! << 8) | b[1]!) / 0xffff;
    const delay = Math.round(base * (1 + PEER_RETRY_JITTER * (2 * unit - 1)));
    r.failures++;
    r.timer = this.deps.clock.setTimeout(() => {
      r.timer = null;
      void this.dial(onion);
    }, delay);
  }

  // ---- PeerHandler ----

  admit(onion: OnionAddress): boolean {
    if (this.closing || this.profile.isLocked) return false;
    const conv = this.db.findConversation(onion);
    if (conv !== null) return conv.authorization !== 'blocked' && !(conv.authorization === 'unknown' && this.blockUnknown());
    if (this.blockUnknown()) return false;
    const unknown = this.db.listConversations().filter((c) => c.authorization === 'unknown').length;
    if (unknown >= MAX_UNKNOWN_CONVERSATIONS) return false;
    const created = this.db.createConversation({ kind: 'contact', handle: onion, authorization: 'unknown', lastActivity: this.deps.clock.now() });
    this.emit(contactEvent(created));
    return true;
  }

  opened(s: PeerSession): void {
    let set = this.sessions.get(s.onion);
    if (set === undefined) this.sessions.set(s.onion, (set = new Set()));
    const first = this.session(s.onion) === null;
    set.add(s);
    const r = this.retryState(s.onion);
    r.failures = 0;
    if (r.timer !== null) this.deps.clock.clearTimeout(r.timer);
    r.timer = null;
    if (first) this.emit({ event: 'peer-state', onion: s.onion, state: 'Authenticated' });
    // Flush once the PeerApp has sent its version announcement (same tick, after opened returns).
    queueMicrotask(() => {
      if (!s.closed && !this.closing) this.flush(s);
    });
  }

  closed(s: PeerSession): void {
    const set = this.sessions.get(s.onion);
    set?.delete(s);
    if (set?.size === 0) this.sessions.delete(s.onion);
    if (this.closing || this.hasSession(s.onion)) return;
    this.scheduleRetry(s.onion);
  }

  message(s: PeerSession, id: string, overlay: Overlay): boolean {
    if (this.closing || this.profile.isLocked) return false;
    const conv = this.db.findConversation(s.onion);
    if (conv === null || conv.authorization === 'blocked') return false;
    const now = this.deps.clock.now();
    let r;
    try {
      r = this.db.insertMessage({ conversation: conv.id, direction: 'in', sender: s.onion, body: bodyOf(overlay), receivedAt: now, protocolId: id });
    } catch (e) {
      // Not committed (disk full, …): no ack, so the sender keeps it and tries again later.
      this.deps.log(`engine: could not store a message (${e instanceof CwtchError ? e.code : 'error'})`);
      return false;
    }
    if (!r.isNew) return true;
    const quote = quoteOf(this.db, conv.id, overlay);
    const card = this.inviteCard(overlay);
    this.emit({
      event: 'message',
      conversation: s.onion,
      from: s.onion,
      text: overlayText(overlay),
      time: now,
      messageId: id,
      outgoing: false,
      ack: 'acknowledged',
      overlay: overlay.overlay,
      ...(quote !== undefined ? { quote } : {}),
      ...(card !== undefined ? { groupInvite: card } : {}),
    });
    if (card !== undefined) this.emit({ event: 'invite', from: s.onion, groupId: card.groupId, groupName: card.groupName, text: overlay.data });
    return true;
  }

  ack(s: PeerSession, id: string): void {
    if (this.profile.isLocked) return;
    const conv = this.db.findConversation(s.onion);
    if (conv === null) return;
    const m = this.db.findMessageByProtocolId(conv.id, id);
    if (m === null || m.direction !== 'out' || m.ack === 'acknowledged') return;
    this.db.markAck(m.id, 'acknowledged');
    this.emit({ event: 'ack', conversation: conv.handle, messageId: id });
  }

  name(s: PeerSession, name: string): void {
    if (this.profile.isLocked) return;
    const conv = this.db.findConversation(s.onion);
    // Stored bounded; the UI makes it safe to show (names.ts) when drawing.
    const bounded = [...name].slice(0, MAX_DISPLAY_NAME_LENGTH * 4).join('');
    if (conv === null || conv.name === bounded) return;
    this.db.updateConversation(conv.id, { name: bounded });
    // Renamed by the user: the announced name is kept, but what is shown does not change.
    if (conv.localName === null) this.emit(contactEvent(this.db.getConversation(conv.id)!));
  }

  publicName(): string {
    return this.profile.isLocked ? '' : this.profileName;
  }

  /** A member came online (and speaks v2): it may hold what a server withheld. */
  upgraded(s: PeerSession): void {
    if (this.closing || this.profile.isLocked) return;
    this.groups.repair.poke();
    if (s.framing === 2 && s.extensions.has(EXTENSION_GROUP_SERVERS) && this.db.findConversation(s.onion)?.authorization === 'approved') this.groups.notices.sessionUp(s);
  }

  extension(s: PeerSession, overlay: Overlay): void {
    if (this.closing || this.profile.isLocked) return;
    if (overlay.overlay === OVERLAY_GROUP_SERVERS) this.groups.notices.onOverlay(s, overlay);
    else this.groups.repair.onOverlay(s, overlay);
  }

  ignored(_s: PeerSession, code: string): void {
    this.deps.log(`peer: ignored a message (${code})`);
  }

  // ---- outbox ----

  /** Send every unacknowledged message of this contact (oldest first) on `s`. */
  private flush(s: PeerSession): void {
    const conv = this.db.findConversation(s.onion);
    if (conv === null || conv.authorization !== 'approved') return;
    const due = this.db.outbox.forConversation(conv.id);
    for (const e of due.slice(0, PEER_OUTBOX_BATCH)) {
      if (s.closed) return;
      this.transmit(s, conv, e.message);
    }
  }

  private transmit(s: PeerSession, conv: Conversation, m: Message): void {
    if (m.protocolId === null) return;
    const o = decodeOverlay(m.body);
    const r = o.ok ? s.sendMessage(m.protocolId, o.value) : { ok: false as const, error: { code: 'peer.too-large', reason: '' } };
    if (!r.ok) {
      if (r.error.code === 'peer.too-large') this.fail(conv, m, 'the message is too long to send in one piece');
      return;
    }
    if (m.ack === 'pending') {
      this.db.markAck(m.id, 'sent');
      this.emit({ event: 'sent', conversation: conv.handle, messageId: m.protocolId });
    }
  }

  private fail(conv: Conversation, m: Message, reason: string): void {
    this.db.markAck(m.id, 'failed', reason);
    this.emit({ event: 'failed', conversation: conv.handle, messageId: m.protocolId ?? String(m.id), reason });
  }
}

/** Messages are stored as their overlay JSON, as Cwtch does; history decodes it again. */
function bodyOf(o: Overlay): string {
  return new TextDecoder().decode(encodeOverlay(o));
}

function withId(id: string | undefined): { id?: string } {
  return id !== undefined ? { id } : {};
}

function contactEvent(c: Conversation): Extract<EngineEvent, { event: 'contact' }> {
  return { event: 'contact', onion: c.handle, name: c.localName ?? c.name, authorization: c.authorization, unread: c.unread, lastActivity: c.lastActivity, verified: c.verifiedAt !== null, ...(c.muted ? { muted: true } : {}) };
}

function historyMessage(db: ProfileDb, m: Message, inviteCard: (o: Overlay) => GroupInviteCard | undefined): HistoryMessage {
  const o = decodeOverlay(m.body);
  const sig = m.groupSignature === null ? null : toBase64(m.groupSignature);
  const quote = o.ok ? quoteOf(db, m.conversation, o.value) : undefined;
  const card = o.ok ? inviteCard(o.value) : undefined;
  return {
    ...(sig !== null ? { signature: sig } : {}),
    messageId: messageIdOf(m),
    from: m.sender,
    text: o.ok ? overlayText(o.value) : '',
    time: m.receivedAt,
    outgoing: m.direction === 'out',
    ack: m.ack as AckState,
    ...(quote !== undefined ? { quote } : {}),
    ...(card !== undefined ? { groupInvite: card } : {}),
  };
}

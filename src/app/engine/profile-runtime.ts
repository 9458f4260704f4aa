// One unlocked profile at work: its long-term Tapir service (listening on its onion), a PeerApp per
// connection, the per-contact connection manager (dial, back-off with jitter, reset on success: peer-redial.ts),
// what a connection brings in (peer-inbox.ts) and the outbox (peer-outbox.ts); history and search in
// history-search.ts; its groups in groups.ts.
// Durability (ARCHITECTURE.md rules): a message we send is committed to the outbox before it is on the wire;
// a message we receive is acknowledged only after its row is committed; the outbox is re-sent on every new
// connection to that contact, and after restarts, until the ack arrives; the receiver de-duplicates by message
// id (ProfileDb's unique (conversation, protocol_id)).

import type { EngineEvent, GroupInviteCard } from '../../core/api/events.js';
import { identityFromSeed, type Identity } from '../../core/crypto/identity.js';
import { decodeOnion, type OnionAddress } from '../../core/crypto/onion.js';
import { verifyCode } from '../../core/crypto/verify-code.js';
import { CwtchError, UsageError } from '../../core/errors.js';
import { decodePaste } from '../../core/paste.js';
import { OVERLAY_GROUP_INVITE, OVERLAY_GROUP_SERVERS, OVERLAY_TEXT, type Overlay } from '../../core/peer/overlay.js';
import { validateDisplayName } from '../../core/text/names.js';
import { EXTENSION_GROUP_SERVERS, PeerApp, type PeerHandler, type PeerSession } from '../../core/peer/peer-app.js';
import { AuthApp } from '../../core/tapir/apps/auth-app.js';
import { TapirService } from '../../core/tapir/service.js';
import type { Conversation } from '../../profile/profile-db.js';
import { ATTR_NAME, type Profile } from '../../profile/profile-store.js';
import { countingAcn } from './byte-meter.js';
import { decodeBudget, decodeDayRecord, encodeBudget, encodeDayRecord, type DayRecord } from './data-budget.js';
import { withId, type RuntimeDeps } from './deps.js';
import { ProfileGroups } from './groups.js';
import { historyEvent, inviteCard, searchEvent } from './history-search.js';
import { contactEvent, PeerInbox, SETTING_BLOCK_UNKNOWN } from './peer-inbox.js';
import { PeerOutbox } from './peer-outbox.js';
import { PeerRedial } from './peer-redial.js';

/** Secret setting key: "1" when low-bandwidth mode is on (persisted per profile). */
export const SETTING_LOW_BANDWIDTH = 'engine.low-bandwidth';

/** Secret setting keys: the data budget (bytes a day, as text) and the day's count (data-budget.ts DayRecord). */
export const SETTING_DATA_BUDGET = 'engine.data-budget';
export const SETTING_DATA_DAY = 'engine.data-day';

type Emit = (e: EngineEvent) => void;

export class ProfileRuntime implements PeerHandler {
  readonly identity: Identity;
  private readonly service: TapirService;
  private readonly app: PeerApp;
  private readonly sessions = new Map<OnionAddress, Set<PeerSession>>();
  private readonly redial: PeerRedial;
  private readonly outbox: PeerOutbox;
  private readonly inbox: PeerInbox;
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
    this.redial = new PeerRedial(deps, {
      offline: () => this.closing || this.profile.isLocked,
      isApproved: (onion) => this.db.findConversation(onion)?.authorization === 'approved',
      hasSession: (onion) => this.hasSession(onion),
      connect: (onion) => this.service.connect(onion, this.app),
    });
    this.outbox = new PeerOutbox(deps, profile, {
      onion: this.identity.onion,
      emit: (e) => this.emit(e),
      session: (onion) => this.session(onion),
      dial: (onion) => void this.redial.dial(onion),
      inviteCard: (o) => this.inviteCard(o),
    });
    this.inbox = new PeerInbox(deps, profile, { emit: (e) => this.emit(e), inviteCard: (o) => this.inviteCard(o) });
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
    for (const c of this.db.listConversations()) if (c.kind === 'contact' && c.authorization === 'approved') void this.redial.dial(c.handle as OnionAddress);
  }

  async close(): Promise<void> {
    await this.stop();
    this.profile.lock();
  }

  /** Offline, the profile still open (a password change re-keys it and starts a fresh runtime on it). */
  async stop(): Promise<void> {
    this.closing = true;
    this.redial.stop();
    await this.groups.close();
    await this.service.close();
  }

  /** A group invite overlay that decodes: its group (the invite event and the message's one-line card). */
  private inviteCard(overlay: Overlay): GroupInviteCard | undefined {
    return inviteCard(this.deps.backend, this.deps.pbkdf2, overlay);
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
    const out: EngineEvent[] = [{ ...(id !== undefined ? { id } : {}), event: 'profile', profileId: this.profile.id, onion: this.onion, name: this.profileName, defaultPassword: this.profile.isDefaultPassword }];
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
    this.outbox.send(this.contact(to), { overlay: OVERLAY_GROUP_INVITE, data: this.groups.inviteText(groupId) }, id);
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
    this.redial.forget(h);
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

  send(to: string, text: string, id?: string): void {
    if (this.groups.isGroup(to)) return this.groups.send(to, text, id);
    this.outbox.send(this.contact(to), { overlay: OVERLAY_TEXT, data: text }, id);
  }

  history(conversation: string, limit: number | undefined, before: string | undefined, id?: string): void {
    this.emit(historyEvent(this.db, conversation, limit, before, (conv, rows) => this.groups.inTimelineOrder(conv, rows), (o) => this.inviteCard(o), id));
  }

  /** `search`: the messages whose text holds `text` (any case), newest first, within SEARCH_MAX_SCAN messages read. */
  search(text: string, conversation: string | undefined, limit: number | undefined, id?: string): void {
    this.emit(searchEvent(this.db, text, conversation, limit, id));
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
      this.outbox.flush(s);
      // Already connected (it dialled us as a request): a new contact may be a member who can repair a gap.
      this.groups.repair.poke();
    } else void this.redial.dial(onion);
  }

  // ---- connections ----

  private hasSession(onion: OnionAddress): boolean {
    return this.session(onion) !== null;
  }

  private session(onion: OnionAddress): PeerSession | null {
    for (const s of this.sessions.get(onion) ?? []) if (!s.closed) return s;
    return null;
  }

  // ---- PeerHandler ----

  admit(onion: OnionAddress): boolean {
    if (this.closing || this.profile.isLocked) return false;
    return this.inbox.admit(onion);
  }

  opened(s: PeerSession): void {
    let set = this.sessions.get(s.onion);
    if (set === undefined) this.sessions.set(s.onion, (set = new Set()));
    const first = this.session(s.onion) === null;
    set.add(s);
    this.redial.reset(s.onion);
    if (first) this.emit({ event: 'peer-state', onion: s.onion, state: 'Authenticated' });
    // Flush once the PeerApp has sent its version announcement (same tick, after opened returns).
    queueMicrotask(() => {
      if (!s.closed && !this.closing) this.outbox.flush(s);
    });
  }

  closed(s: PeerSession): void {
    const set = this.sessions.get(s.onion);
    set?.delete(s);
    if (set?.size === 0) this.sessions.delete(s.onion);
    if (this.closing || this.hasSession(s.onion)) return;
    this.redial.scheduleRetry(s.onion);
  }

  message(s: PeerSession, id: string, overlay: Overlay): boolean {
    if (this.closing || this.profile.isLocked) return false;
    return this.inbox.message(s, id, overlay);
  }

  ack(s: PeerSession, id: string): void {
    this.inbox.ack(s, id);
  }

  name(s: PeerSession, name: string): void {
    this.inbox.name(s, name);
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
}

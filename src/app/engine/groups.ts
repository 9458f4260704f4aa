// Groups for one unlocked profile (docs/protocol.md §7): servers imported by TOFU, groups created or joined
// from invites, a ServerSync per server that holds groups, the receive path (trial-decrypt every server message
// with every key we hold on that server, verify, store once per signature), the hash-chained timeline per group
// with its gap events, and our posts (pending until the server echoes them back, then 'ack').
//
// Persistence: messages carry their group signature and PreviousMessageSig, so every timeline (and its withheld
// gaps) is rebuilt from rows after a restart; a full resync's 'pruned' mark is stored in the gaps table
// (before = the LastCommit we asked from, after = the first message of the group in that replay); a post not yet
// echoed keeps its signed EGM in a secret setting so it is re-posted byte for byte (same signature) after a restart.

import type { EngineEvent, PeerState } from '../../core/api/events.js';
import { toBase64, toHex, utf8 } from '../../core/bytes.js';
import { decodeOnion, type OnionAddress } from '../../core/crypto/onion.js';
import { decodeElement, elementFromBase64, encodeElement } from '../../core/crypto/ristretto.js';
import { CwtchError, UsageError } from '../../core/errors.js';
import { decodeEgm, encodeEgm, type EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import { decodeServerBundleJson, KEY_BULLETIN_BOARD, KEY_PRIVACY_PASS, KEY_TOKEN_SERVICE, serverBundleJson, type ServerBundle } from '../../core/groups/bundle.js';
import { buildGroupMessage, GROUP_RECEIVE_ERRORS, tryDecryptGroupMessage, type GroupKeyInfo } from '../../core/groups/group-message.js';
import { TrialOpener } from '../../core/groups/trial-open.js';
import { fail } from '../../core/result.js';
import { groupIdFor, isGroupId, tofuBundleString, type GroupId, type GroupInvite } from '../../core/groups/invite.js';
import { gapEngineEvent, GroupTimeline, type TimelineEvent, type TimelineMessage } from '../../core/groups/timeline.js';
import type { SyncInfo } from '../../core/groups/token-board-client.js';
import { decodePaste } from '../../core/paste.js';
import { decodeOverlay, encodeOverlay, OVERLAY_TEXT, overlayText, type Overlay } from '../../core/peer/overlay.js';
import type { Token } from '../../core/privacypass/token.js';
import { PACKET_SIZE } from '../../core/tapir/wire-constants.js';
import { POST_QUEUE_EVENT_INTERVAL_MS } from '../../core/limits.js';
import type { TimerHandle } from '../../core/ports.js';
import type { ConversationId, Group, ProfileDb } from '../../profile/profile-db.js';
import type { Identity } from '../../core/crypto/identity.js';
import { countingAcn, type ByteMeter } from './byte-meter.js';
import type { RuntimeDeps } from './profile-runtime.js';
import type { PostQueueStatus } from './post-pump.js';
import { ServerSync, type QueuedPost } from './server-sync.js';
import { GroupRepair, type RepairedOutcome, type RepairGroup } from './group-repair.js';
import type { PeerSession } from '../../core/peer/peer-app.js';

type Emit = (e: EngineEvent) => void;
type ClosedBy = { readonly closedBy: 'server' | 'peer'; readonly from?: string };

/** Secret setting key: a signed post not yet echoed by its server (value: the EGM JSON). */
const PENDING_POST_PREFIX = 'groups.post.';
/** Setting key: this group was forked (value: the new group's id, UTF-8); it is read-only. */
const FORKED_PREFIX = 'groups.forked.';

export interface GroupsDeps extends RuntimeDeps {
  readonly meter?: ByteMeter;
  /** Test servers use a lower PoW difficulty; both ends must agree. */
  readonly powDifficultyBits?: number;
}

/** What a received message did, for counters (bench, tests). */
export interface ReceiveStats {
  total: number;
  ours: number;
  notOurs: number;
  rejected: number;
  duplicates: number;
}

export class ProfileGroups {
  readonly stats: ReceiveStats = { total: 0, ours: 0, notOurs: 0, rejected: 0, duplicates: 0 };
  private readonly timelines = new Map<ConversationId, GroupTimeline>();
  private readonly syncs = new Map<string, ServerSync>();
  private readonly keys = new Map<string, GroupKeyInfo[]>();
  /** Per server, during a replay: the first message of each group seen (for a full resync's 'pruned' mark). */
  private readonly firstInReplay = new Map<string, Map<ConversationId, Uint8Array>>();
  /** Per server: the last signature seen but not yet written (replays write once at the end). */
  private readonly unsavedCommit = new Map<string, Uint8Array>();
  /** Servers whose next from-scratch replay the user confirmed (low-bandwidth cost prompt), with the command id. */
  private readonly confirmed = new Set<string>();
  private readonly syncIds = new Map<string, string | undefined>();
  /** Per server: the last `post-queue` event sent, the newest state, and a pending count-only update. */
  private readonly postQueue = new Map<string, { sent: PostQueueStatus | null; latest: PostQueueStatus; timer: TimerHandle | null }>();
  private lowBandwidth = false;
  private closing = false;
  private opener: TrialOpener | null = null;

  /** Gap repair from peers (docs/protocol.md §12.3): asks members for what a server withheld, answers members. */
  readonly repair: GroupRepair;

  constructor(
    private readonly deps: GroupsDeps,
    private readonly db: ProfileDb,
    private readonly identity: Identity,
    private readonly emit: Emit,
    peers: { session(onion: string): PeerSession | null; isApproved(onion: string): boolean },
  ) {
    let groupsCache: { list: readonly Group[]; out: RepairGroup[] } | null = null;
    this.repair = new GroupRepair({
      backend: deps.backend,
      random: deps.random,
      clock: deps.clock,
      log: deps.log,
      emit,
      groups: () => {
        const list = this.db.listGroups();
        // Same array while the groups are the same, so the repair keys are derived once.
        if (groupsCache === null || groupsCache.list.length !== list.length || groupsCache.list.some((g, i) => g.conversation !== list[i]!.conversation)) {
          groupsCache = { list, out: list.map((g) => ({ conversation: g.conversation, groupId: g.groupId, key: g.groupKey })) };
        }
        return groupsCache.out;
      },
      replaying: (conv) => {
        const g = this.db.getGroup(conv);
        return g !== null && this.firstInReplay.has(g.server);
      },
      openGaps: (conv) => {
        const g = this.db.getGroup(conv);
        return g === null ? [] : this.timeline(g).openGaps();
      },
      sigsBefore: (conv, id, n) => {
        const g = this.db.getGroup(conv);
        if (g === null) return [];
        const t = this.timeline(g);
        const out: Uint8Array[] = [];
        for (let i = t.indexOf(id) - 1; i >= 0 && out.length < n; i--) out.push(t.at(i)!.message.signature);
        return out;
      },
      members: (conv) => this.db.groupSenders(conv).filter((m) => m !== this.identity.onion),
      session: (onion) => {
        const s = peers.session(onion);
        return s !== null && s.framing === 2 ? s : null;
      },
      isApproved: peers.isApproved,
      chainBack: (conv, want, stop, max, maxBytes) => this.db.groupChainBack(conv, want, stop, max, maxBytes),
      receive: (conv, egm, from) => {
        const g = this.db.getGroup(conv);
        return g === null ? 'rejected' : this.receiveOne(g.server, egm, 'peer', { only: this.keyInfo(g), from });
      },
    });
  }

  /** Rebuild timelines from rows and start a ServerSync for every server that holds a group. */
  start(lowBandwidth: boolean): void {
    this.lowBandwidth = lowBandwidth;
    // Signed posts that can never be sent (no outbox row: a crash of an older version between its two writes, or
    // between an echo's ack and the setting's delete) are data we must not keep.
    // Cleanup only: a failed write here (disk full, a long-held lock) must not fail the unlock.
    try {
      const orphans = this.db.deleteOrphanedPendingPosts(PENDING_POST_PREFIX);
      if (orphans > 0) this.deps.log(`groups: deleted ${orphans} orphaned pending post(s)`);
    } catch {
      this.deps.log('groups: could not delete orphaned pending posts; trying again at the next unlock');
    }
    for (const g of this.db.listGroups()) this.timeline(g);
    for (const s of this.serversInUse()) this.syncFor(s);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.repair.close();
    for (const t of this.postQueue.values()) if (t.timer !== null) this.deps.clock.clearTimeout(t.timer);
    await Promise.all([...this.syncs.values()].map((s) => s.close()));
    this.syncs.clear();
  }

  get isLowBandwidth(): boolean {
    return this.lowBandwidth;
  }

  /** Low-bandwidth on: hang up every server and buy nothing in the background. Off: connect again. */
  setLowBandwidth(on: boolean): void {
    this.lowBandwidth = on;
    for (const s of this.syncs.values()) s.setStanding(!on);
  }

  snapshot(): EngineEvent[] {
    const out: EngineEvent[] = [];
    for (const s of this.db.listServers()) out.push({ event: 'server', onion: s.onion, imported: false });
    for (const g of this.db.listGroups()) {
      out.push(this.groupEvent(g));
      const t = this.timeline(g);
      for (const gap of t.openGaps()) out.push(gapEngineEvent(t, gap));
    }
    for (const [server, s] of this.syncs) out.push({ event: 'server-state', server, state: s.currentState });
    return out;
  }

  /** Whether `to` names one of our groups (a `send` goes here then). */
  isGroup(to: string): boolean {
    return isGroupId(to) && this.db.findGroup(to) !== null;
  }

  // ---- commands ----

  /** `add` of a server bundle: TOFU import. */
  importServer(b: ServerBundle, id?: string): void {
    const imported = this.db.importServer({
      onion: b.server,
      bundle: serverBundleJson(b),
      keyBulletinBoard: b.keys.get(KEY_BULLETIN_BOARD) ?? '',
      keyTokenService: b.keys.get(KEY_TOKEN_SERVICE) ?? '',
      keyPrivacyPass: b.keys.get(KEY_PRIVACY_PASS) ?? '',
      importedAt: this.deps.clock.now(),
    });
    this.emit({ ...withId(id), event: 'server', onion: b.server, imported });
  }

  /** `add` of an invite: a tofubundle imports its server first; a bare invite needs the server imported already. */
  join(text: string, id?: string): void {
    const p = decodePaste(this.deps.backend, this.deps.pbkdf2, text);
    if (!p.ok) throw new UsageError(p.error.code, p.error.reason);
    let invite: GroupInvite;
    if (p.value.kind === 'tofubundle') {
      this.importServer(p.value.bundle, id);
      invite = p.value.invite;
    } else if (p.value.kind === 'invite') {
      invite = p.value.invite;
      if (this.db.getServer(invite.serverHost) === null) throw new UsageError('group.server-unknown', 'import the group server first (paste its "server:" bundle), or ask for a full invite');
    } else {
      throw new UsageError('group.not-invite', 'that is not a group invite');
    }
    let g = this.db.findGroup(invite.groupId);
    const isNew = g === null;
    if (g === null) {
      g = this.db.addGroup({ groupId: invite.groupId, groupKey: invite.sharedKey, server: invite.serverHost, name: invite.groupName });
      this.keys.delete(g.server);
    }
    this.timeline(g);
    this.emit({ ...withId(id), ...this.groupEvent(g) });
    // A joined group needs its history: a connection already open replays from another group's last commit, so
    // connect again (the replay then starts from scratch, see lastCommit).
    if (isNew && this.syncs.has(g.server)) void this.reconnect(g.server);
    else this.syncFor(g.server);
  }

  /** Close the server's sync and start a new one (a new ephemeral connection, a new replay). */
  private async reconnect(server: string): Promise<void> {
    const old = this.syncs.get(server);
    this.syncs.delete(server);
    await old?.close();
    if (!this.closing && !this.syncs.has(server) && this.serversInUse().includes(server)) this.syncFor(server);
  }

  /** See ProfileRuntime.forkGroup. Returns the members to invite and the new group's id. */
  fork(groupId: string, serverText: string | undefined, id?: string): { members: string[]; newGroupId: string } {
    const old = this.group(groupId);
    if (this.forkedTo(old) !== null) throw new UsageError('group.forked', 'this group was forked already: fork the new one');
    const newGroupId = this.createGroup(serverText ?? old.server, old.localName ?? old.name, id);
    this.db.setSetting(FORKED_PREFIX + old.groupId, utf8(newGroupId));
    this.emit(this.groupEvent(this.group(groupId)));
    return { members: this.db.groupSenders(old.conversation).filter((m) => m !== this.identity.onion), newGroupId };
  }

  private forkedTo(g: Group): string | null {
    const v = this.db.getSetting(FORKED_PREFIX + g.groupId);
    return v === null ? null : new TextDecoder().decode(v);
  }

  createGroup(serverText: string, name: string, id?: string): string {
    let server: string;
    const d = decodeOnion(serverText);
    if (d.ok) server = d.value.onion;
    else {
      const p = decodePaste(this.deps.backend, this.deps.pbkdf2, serverText);
      if (!p.ok || p.value.kind !== 'server') throw new UsageError('group.server', 'give the server as its "server:" bundle or the onion of an imported server');
      this.importServer(p.value.bundle, id);
      server = p.value.bundle.server;
    }
    if (this.db.getServer(server) === null) throw new UsageError('group.server-unknown', 'that server is not imported: paste its "server:" bundle first');
    const key = this.deps.random.bytes(32);
    const groupId = groupIdFor(this.deps.pbkdf2, key, server as OnionAddress);
    // A new group has no history: replay from where the server's other groups are, not from scratch.
    const sibling = this.db.listGroups().find((x) => x.server === server && x.lastSeenSignature !== null);
    const g = this.db.addGroup({ groupId, groupKey: key, server, name });
    if (sibling?.lastSeenSignature) this.db.setLastSeenSignature(g.conversation, sibling.lastSeenSignature);
    this.keys.delete(server);
    this.timeline(g);
    this.emit({ ...withId(id), ...this.groupEvent(g) });
    this.syncFor(server);
    return g.groupId;
  }

  /** The tofubundle text that invites someone to `groupId` (sent by the caller as overlay 101). */
  inviteText(groupId: string): string {
    const g = this.group(groupId);
    return this.inviteFor(g);
  }

  send(groupId: string, text: string, id?: string): void {
    const g = this.group(groupId);
    if (this.forkedTo(g) !== null) throw new UsageError('group.read-only', 'this group was forked and is read-only: write in the new group');
    const t = this.timeline(g);
    const overlay: Overlay = { overlay: OVERLAY_TEXT, data: text };
    const body = new TextDecoder().decode(encodeOverlay(overlay));
    const built = buildGroupMessage(this.deps, this.identity, this.keyInfo(g), body, t.latest()?.signature ?? null);
    if (!built.ok) throw new UsageError(built.error.code, 'the message is too long for a group; split it');
    const { egm, message } = built.value;
    const now = this.deps.clock.now();
    // The signed EGM and the row + outbox entry in one commit: a crash keeps both (re-posted) or neither.
    this.db.queueGroupPost(
      PENDING_POST_PREFIX + toHex(egm.signature),
      encodeEgm(egm),
      { conversation: g.conversation, sender: this.identity.onion, body, sentAt: message.timestamp * 1000, receivedAt: now, groupSignature: egm.signature, previousSignature: message.previousMessageSig, groupCiphertext: egm.ciphertext },
      now,
    );
    const sig = toBase64(egm.signature);
    this.emit({ ...withId(id), event: 'message', conversation: g.groupId, from: this.identity.onion, text, time: now, messageId: sig, outgoing: true, ack: 'pending', overlay: OVERLAY_TEXT, signature: sig });
    this.feed(t, { signature: egm.signature, previousSig: message.previousMessageSig, sender: this.identity.onion, timestamp: message.timestamp, receivedAt: now });
    const s = this.syncFor(g.server);
    s.post({ key: toHex(egm.signature), egm });
    // Low-bandwidth: a send is an explicit request, so it may connect (replay from our last commit, post, hang up).
    if (!s.synced && this.lowBandwidth) void this.runSync(g.server, undefined);
  }

  /**
   * `leave-group`: the group's key, messages, gaps, pending posts and sync state are deleted in one commit; from
   * then on its messages on the server no longer open with any key we hold. The server stays imported with its
   * tokens; its sync stops when no other group of ours uses it.
   */
  async leave(groupId: string, id?: string): Promise<void> {
    const g = this.group(groupId);
    // Every pending-post setting without an outbox row goes in the same commit (this group's outbox rows are
    // deleted with it; an older version's crash may have left settings that no row names).
    this.db.deleteGroup(g.conversation, [FORKED_PREFIX + g.groupId], { pendingPostPrefix: PENDING_POST_PREFIX });
    this.timelines.delete(g.conversation);
    this.keys.delete(g.server);
    for (const f of this.firstInReplay.values()) f.delete(g.conversation);
    if (!this.serversInUse().includes(g.server)) {
      const s = this.syncs.get(g.server);
      this.syncs.delete(g.server);
      this.confirmed.delete(g.server);
      this.syncIds.delete(g.server);
      this.unsavedCommit.delete(g.server);
      this.firstInReplay.delete(g.server);
      await s?.close();
    }
    this.emit({ ...withId(id), event: 'group-left', groupId: g.groupId });
  }

  /** `rename` of a group: a local name (the invites we send keep the invite's name). `name` is validated. */
  rename(groupId: string, name: string, id?: string): void {
    const g = this.group(groupId);
    this.db.setLocalName(g.conversation, name);
    this.emit({ ...withId(id), ...this.groupEvent(this.group(groupId)) });
  }

  /** `sync {server}`: connect now (normal mode) or once (low-bandwidth, with the cost prompt). `server` may be a group id. */
  sync(serverOrGroup: string, confirm: boolean, id?: string): void {
    const d = decodeOnion(serverOrGroup);
    const server = isGroupId(serverOrGroup) ? this.group(serverOrGroup).server : d.ok ? d.value.onion : undefined;
    if (server === undefined || !this.serversInUse().includes(server)) throw new UsageError('server.unknown', 'no group of yours uses that server');
    if (confirm) this.confirmed.add(server);
    else this.confirmed.delete(server);
    if (!this.lowBandwidth) {
      this.syncFor(server).kick();
      this.emit({ ...withId(id), event: 'ok', cmd: 'sync' });
      return;
    }
    void this.runSync(server, id);
  }

  private async runSync(server: string, id: string | undefined): Promise<void> {
    this.syncIds.set(server, id);
    const r = await this.syncFor(server).syncOnce();
    this.confirmed.delete(server);
    if (r === 'synced') this.emit({ ...withId(id), event: 'ok', cmd: 'sync' });
    else if (r === 'failed') this.emit({ ...withId(id), event: 'error', code: 'server.unreachable', message: 'could not sync with the group server; try again later' });
  }

  // ---- servers ----

  private serversInUse(): string[] {
    return [...new Set(this.db.listGroups().map((g) => g.server))];
  }

  private syncFor(server: string): ServerSync {
    let s = this.syncs.get(server);
    if (s !== undefined) return s;
    const row = this.db.getServer(server);
    const Y = row === null ? null : elementFromBase64(row.keyPrivacyPass);
    const tokenService = row === null ? null : decodeOnion(row.keyTokenService);
    if (row === null || Y === null || tokenService === null || !tokenService.ok) throw new CwtchError('server.keys', 'the group server\'s stored keys are unusable; import its bundle again');
    const { meter } = this.deps;
    const acn = meter === undefined ? this.deps.acn : countingAcn(this.deps.acn, meter, () => ({ scope: 'server', key: server }));
    s = new ServerSync({
      backend: this.deps.backend,
      random: this.deps.random,
      clock: this.deps.clock,
      acn,
      log: this.deps.log,
      server: server as OnionAddress,
      tokenService: tokenService.value.onion,
      Y,
      ...(this.deps.powDifficultyBits !== undefined ? { powDifficultyBits: this.deps.powDifficultyBits } : {}),
      ...(this.deps.retryMinMs !== undefined ? { retryMinMs: this.deps.retryMinMs } : {}),
      ...(this.deps.retryMaxMs !== undefined ? { retryMaxMs: this.deps.retryMaxMs } : {}),
      lastCommit: () => this.lastCommit(server),
      // receive() reads the ciphertext only while it runs (it keeps the signature, always a fresh array), so the
      // replay may decode every ciphertext into one reused buffer.
      transientCiphertext: true,
      onMessage: (egm, source) => this.receive(server, egm, source),
      onReplayResult: (info, askedFrom) => this.replayResult(server, info, askedFrom),
      onSynced: (info, askedFrom) => this.synced(server, info, askedFrom),
      onState: (state: PeerState) => {
        // A replay cut short is over: its gaps are the repair's to work on again.
        if (state === 'Disconnected' || state === 'Failed') {
          if (this.firstInReplay.delete(server)) this.repair.poke();
        }
        this.emit({ event: 'server-state', server, state });
      },
      pendingPosts: () => this.pendingPosts(server),
      pendingCount: () => this.db.listGroups().reduce((n, g) => (g.server === server ? n + this.db.groupOutboxCount(g.conversation) : n), 0),
      isPending: (key) => this.db.getSetting(PENDING_POST_PREFIX + key) !== null,
      onPostQueue: (q) => this.postQueueEvent(server, q),
      takeToken: () => {
        const t = this.db.takeToken(server);
        const W = t === null ? null : decodeElement(t.w);
        return t === null || W === null ? null : { t: t.token, r: 0n, W };
      },
      addTokens: (tokens: Token[]) => this.db.addTokens(server, tokens.filter((t) => t.W !== null).map((t) => ({ token: t.t, w: encodeElement(t.W!) }))),
      unspentTokens: () => this.db.unspentTokens(server),
    });
    this.syncs.set(server, s);
    s.setStanding(!this.lowBandwidth);
    return s;
  }

  /** LastCommit for a server: null (everything) while any of its groups has never synced (a group just joined needs its history). */
  private lastCommit(server: string): Uint8Array | null {
    const gs = this.db.listGroups().filter((g) => g.server === server);
    if (gs.length === 0 || gs.some((g) => g.lastSeenSignature === null)) return null;
    return gs[0]!.lastSeenSignature;
  }

  private saveCommit(server: string): void {
    const sig = this.unsavedCommit.get(server);
    if (sig === undefined) return;
    this.unsavedCommit.delete(server);
    for (const g of this.db.listGroups()) if (g.server === server) this.db.setLastSeenSignature(g.conversation, sig);
  }

  private replayResult(server: string, info: SyncInfo, askedFrom: Uint8Array | null): boolean {
    this.firstInReplay.set(server, new Map());
    if (!this.lowBandwidth || info.replayed === 0 || this.confirmed.has(server)) return true;
    if (askedFrom !== null && !info.fullResync) return true;
    // From scratch: say what it costs (one fixed-size packet per message) and wait for `sync … confirm`.
    const id = this.syncIds.get(server);
    this.emit({ ...withId(id), event: 'sync-cost', server, messages: info.replayed, bytes: info.replayed * PACKET_SIZE });
    return false;
  }

  private synced(server: string, info: SyncInfo, askedFrom: Uint8Array | null): void {
    this.saveCommit(server);
    const firsts = this.firstInReplay.get(server);
    this.firstInReplay.delete(server);
    // Whatever the replay did not fill may be a member's to give.
    this.repair.poke();
    if (!info.fullResync || firsts === undefined) return;
    for (const [conv, first] of firsts) {
      const g = this.db.getGroup(conv);
      if (g === null) continue;
      this.db.addGap({ group: conv, beforeSignature: askedFrom, afterSignature: first, firstSeen: this.deps.clock.now() });
      const t = this.timeline(g);
      this.forward(t, t.markPrunedResync({ lastKnown: askedFrom, firstReplayed: first }));
    }
  }

  private pendingPosts(server: string): QueuedPost[] {
    const out: QueuedPost[] = [];
    for (const g of this.db.listGroups()) {
      if (g.server !== server) continue;
      for (const m of this.db.groupOutbox(g.conversation)) {
        const key = toHex(m.groupSignature!);
        const raw = this.db.getSetting(PENDING_POST_PREFIX + key);
        const egm = raw === null ? null : decodeEgm(raw);
        if (egm?.ok) out.push({ key, egm: egm.value });
      }
    }
    return out;
  }

  /**
   * `post-queue` events: a change of reason (or of retry time) goes out at once; a change of the count alone at
   * most once per POST_QUEUE_EVENT_INTERVAL_MS (a burst of 1,000 posts is not 1,000 events), the last one always.
   */
  private postQueueEvent(server: string, q: PostQueueStatus): void {
    const t = (this.postQueue.get(server) ?? { sent: null, timer: null, latest: q });
    this.postQueue.set(server, t);
    t.latest = q;
    const send = (): void => {
      t.sent = t.latest;
      const l = t.latest;
      this.emit({ event: 'post-queue', server, queued: l.queued, waiting: l.waiting, ...(l.retryAt !== undefined ? { retryAt: l.retryAt } : {}) });
    };
    const s = t.sent;
    if (s !== null && s.queued === q.queued && s.waiting === q.waiting && s.retryAt === q.retryAt) return;
    if (s === null || s.waiting !== q.waiting || s.retryAt !== q.retryAt || q.queued === 0) {
      if (t.timer !== null) this.deps.clock.clearTimeout(t.timer);
      t.timer = null;
      send();
      return;
    }
    t.timer ??= this.deps.clock.setTimeout(() => {
      t.timer = null;
      if (!this.closing) send();
    }, POST_QUEUE_EVENT_INTERVAL_MS);
  }

  // ---- receive ----

  /** One EGM from `server`: ours or not, verified or dropped; stored once per signature. */
  receive(server: string, egm: EncryptedGroupMessage, source: 'replay' | 'live'): void {
    this.stats.total++;
    if (egm.signature.length > 0) this.unsavedCommit.set(server, egm.signature);
    this.receiveOne(server, egm, source);
    // The commit moves past a message only after it is stored (or acked): the next replay starts from the commit
    // inclusive and the board client skips that very message as already seen, so a crash between the two must not
    // leave the commit ahead of what we hold.
    if (source === 'live') this.saveCommit(server);
  }

  /**
   * The receive path of every group message, whatever brought it. `peer`: a repair reply from `repairer.from`, tried
   * with its own group's key only (another group's message is refused like a forgery).
   */
  private receiveOne(server: string, egm: EncryptedGroupMessage, source: 'replay' | 'live' | 'peer', repairer?: { only: GroupKeyInfo; from: string }): RepairedOutcome {
    // Almost every replayed message is another group's: find the key first (cheap, no allocation), and run the
    // full receive path only with the key that opened it (the same group the full search would pick).
    const found = (this.opener ??= new TrialOpener(this.deps.backend)).find(egm.ciphertext, repairer !== undefined ? [repairer.only] : this.keyInfos(server));
    const r = found === null ? fail(GROUP_RECEIVE_ERRORS.notOurs, 'no group key opens this message') : tryDecryptGroupMessage(this.deps.backend, egm, [found]);
    if (!r.ok) {
      if (r.error.code === GROUP_RECEIVE_ERRORS.notOurs) this.stats.notOurs++;
      else {
        this.stats.rejected++;
        this.deps.log(`groups: dropped a message (${r.error.code})`);
      }
      return 'rejected';
    }
    this.stats.ours++;
    const { message, sender, signature } = r.value;
    const g = this.db.findGroup(r.value.group.groupId);
    if (g === null) return 'rejected';
    if (source === 'replay') {
      const f = this.firstInReplay.get(server);
      if (f !== undefined && !f.has(g.conversation)) f.set(g.conversation, signature);
    }
    const sig = toBase64(signature);
    const now = this.deps.clock.now();
    if (sender === this.identity.onion) {
      // Our own post came back: delivered. The pending EGM setting exists exactly until then.
      const key = PENDING_POST_PREFIX + toHex(signature);
      const wasPending = this.db.getSetting(key) !== null;
      const row = this.db.markAckByGroupSignature(g.conversation, signature);
      if (wasPending) this.db.deleteSetting(key);
      if (row !== null) {
        this.db.fillGroupCiphertext(g.conversation, signature, egm.ciphertext);
        if (wasPending) this.emit({ event: 'ack', conversation: g.groupId, messageId: sig });
        else this.stats.duplicates++;
        return wasPending ? 'new' : 'duplicate';
      }
    }
    const o = decodeOverlay(message.text);
    // A client that posts plain text instead of overlay JSON: keep it as a text message.
    const overlay: Overlay = o.ok ? o.value : { overlay: OVERLAY_TEXT, data: message.text };
    const body = new TextDecoder().decode(encodeOverlay(overlay));
    const ins = this.db.insertMessage({
      conversation: g.conversation,
      direction: sender === this.identity.onion ? 'out' : 'in',
      sender,
      body,
      sentAt: message.timestamp * 1000,
      receivedAt: now,
      ack: 'acknowledged',
      groupSignature: signature,
      previousSignature: message.previousMessageSig,
      // A copy: a replay hands us a reused buffer. Kept so we can give the original to a member repairing a gap.
      groupCiphertext: egm.ciphertext.slice(),
    });
    if (!ins.isNew) {
      // A row from before messages kept their ciphertext gets it now, so we can give it to a member later.
      this.db.fillGroupCiphertext(g.conversation, signature, egm.ciphertext);
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.emit({
      event: 'message',
      conversation: g.groupId,
      from: sender,
      text: overlayText(overlay),
      time: now,
      messageId: sig,
      outgoing: sender === this.identity.onion,
      ack: 'acknowledged',
      overlay: overlay.overlay,
      signature: sig,
    });
    this.feed(this.timeline(g), { signature, previousSig: message.previousMessageSig, sender, timestamp: message.timestamp, receivedAt: now }, repairer === undefined ? { closedBy: 'server' } : { closedBy: 'peer', from: repairer.from });
    return 'new';
  }

  private feed(t: GroupTimeline, m: TimelineMessage, how: ClosedBy = { closedBy: 'server' }): void {
    this.forward(t, t.add(m).events, how);
  }

  private forward(t: GroupTimeline, events: readonly TimelineEvent[], how: ClosedBy = { closedBy: 'server' }): void {
    for (const e of events) {
      if (e.type === 'gap') {
        this.emit(gapEngineEvent(t, e.gap));
        this.repair.poke();
      } else {
        this.repair.gapClosed(e.gapId);
        this.emit({ event: 'gap-closed', group: t.group, gapId: e.gapId, ...how });
      }
    }
  }

  /** Group rows sorted by their place in the timeline (rows without a signature keep arrival order, last). */
  inTimelineOrder<M extends { readonly groupSignature: Uint8Array | null; readonly id: number }>(conv: ConversationId, rows: readonly M[]): M[] {
    const g = this.db.getGroup(conv);
    if (g === null) return [...rows];
    const t = this.timeline(g);
    const pos = (m: M): number => (m.groupSignature === null ? Number.MAX_SAFE_INTEGER : t.indexOf(toBase64(m.groupSignature)));
    return [...rows].sort((x, y) => pos(x) - pos(y) || x.id - y.id);
  }

  // ---- helpers ----

  private group(groupId: string): Group {
    const g = isGroupId(groupId) ? this.db.findGroup(groupId) : null;
    if (g === null) throw new UsageError('group.unknown', 'no such group');
    return g;
  }

  private keyInfo(g: Group): GroupKeyInfo {
    return { groupId: g.groupId as GroupId, key: g.groupKey, server: g.server as OnionAddress };
  }

  private keyInfos(server: string): GroupKeyInfo[] {
    let k = this.keys.get(server);
    if (k === undefined) this.keys.set(server, (k = this.db.listGroups().filter((g) => g.server === server).map((g) => this.keyInfo(g))));
    return k;
  }

  private timeline(g: Group): GroupTimeline {
    let t = this.timelines.get(g.conversation);
    if (t !== undefined) return t;
    const rows = this.db.groupTimelineRows(g.conversation).map((r) => ({
      signature: r.signature,
      previousSig: r.previousSignature,
      sender: r.sender,
      timestamp: Math.floor((r.sentAt ?? r.receivedAt) / 1000),
      receivedAt: r.receivedAt,
    }));
    const marks = this.db.gaps(g.conversation, { includeClosed: true }).map((m) => ({ lastKnown: m.beforeSignature, firstReplayed: m.afterSignature }));
    t = GroupTimeline.rebuild(g.groupId as GroupId, rows, marks);
    this.timelines.set(g.conversation, t);
    return t;
  }

  private inviteFor(g: Group): string {
    const row = this.db.getServer(g.server);
    const b = row === null ? null : decodeServerBundleJson(this.deps.backend, utf8(row.bundle));
    if (b === null || !b.ok) throw new CwtchError('server.keys', 'the group server\'s stored bundle is unusable');
    return tofuBundleString(b.value, { groupId: g.groupId as GroupId, groupName: g.name, sharedKey: g.groupKey, serverHost: g.server as OnionAddress });
  }

  private groupEvent(g: Group): Extract<EngineEvent, { event: 'group' }> {
    const forkedTo = this.forkedTo(g);
    return { event: 'group', groupId: g.groupId, name: g.localName ?? g.name, server: g.server, invite: this.inviteFor(g), ...(forkedTo !== null ? { forkedTo } : {}) };
  }
}

function withId(id: string | undefined): { id?: string } {
  return id !== undefined ? { id } : {};
}

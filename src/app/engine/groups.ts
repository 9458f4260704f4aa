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
import { fromHex, toBase64, toHex, utf8 } from '../../core/bytes.js';
import { decodeOnion, type OnionAddress } from '../../core/crypto/onion.js';
import { decodeElement, elementFromBase64, encodeElement } from '../../core/crypto/ristretto.js';
import { CwtchError, UsageError } from '../../core/errors.js';
import { decodeEgm, encodeEgm, type EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import { decodeServerBundleJson, KEY_BULLETIN_BOARD, KEY_PRIVACY_PASS, KEY_TOKEN_SERVICE, SERVER_BUNDLE_PREFIX, serverBundleJson, serverBundleString, type ServerBundle } from '../../core/groups/bundle.js';
import { buildGroupMessage, GROUP_RECEIVE_ERRORS, tryDecryptGroupMessage, type GroupKeyInfo } from '../../core/groups/group-message.js';
import { TrialOpener } from '../../core/groups/trial-open.js';
import { fail } from '../../core/result.js';
import { groupIdFor, inviteCreated, isGroupId, tofuBundleString, type GroupId, type GroupInvite } from '../../core/groups/invite.js';
import { GroupTimeline, type TimelineMessage } from '../../core/groups/timeline.js';
import { gapEngineEvent, type TimelineEvent } from '../../core/groups/timeline-gaps.js';
import type { ReplayEstimate, SyncInfo } from '../../core/groups/token-board-client.js';
import { syncSince } from '../../core/groups/sync-window.js';
import { decodePaste } from '../../core/paste.js';
import { decodeOverlay, encodeOverlay, OVERLAY_TEXT, overlayText, type Overlay } from '../../core/peer/overlay.js';
import type { Token } from '../../core/privacypass/token.js';
import { PACKET_SIZE } from '../../core/tapir/wire-constants.js';
import { BOARD_ESTIMATE_SLACK, GROUP_MAX_SERVERS, MIRROR_GAP_GRACE_MS, POST_QUEUE_EVENT_INTERVAL_MS } from '../../core/limits.js';
import type { TimerHandle } from '../../core/ports.js';
import type { ConversationId, Group, GroupServer, ProfileDb } from '../../profile/profile-db.js';
import type { Identity } from '../../core/crypto/identity.js';
import { countingAcn, type ByteMeter } from './byte-meter.js';
import type { RuntimeDeps } from './deps.js';
import type { PostQueueStatus } from './post-pump.js';
import { quoteOf } from './quotes.js';
import { ServerSync, type QueuedPost, type ServerStateDetail } from './server-sync.js';
import { GroupRepair, type RepairedOutcome, type RepairGroup } from './group-repair.js';
import { decodeDropped, decodeMove, encodeJsonSetting, GroupServerNotices, type MoveState, type NoticeGroup } from './group-servers.js';
import type { PeerSession } from '../../core/peer/peer-app.js';

type Emit = (e: EngineEvent) => void;
/** What brought a message: a server (by its onion) or a member's repair reply. */
type Via = { readonly server: string } | { readonly peer: string };

/** Secret setting key: a signed post not yet echoed by its server (value: the EGM JSON). */
const PENDING_POST_PREFIX = 'groups.post.';
/** Setting key: this group was forked (value: the new group's id, UTF-8); it is read-only. */
const FORKED_PREFIX = 'groups.forked.';
/** Setting key: the servers this group left or is leaving (JSON array of onions; grows only, see group-servers.ts). */
const DROPPED_PREFIX = 'groups.dropped.';
/** Setting key: a move of this group that we lead (JSON MoveState). */
const MOVE_PREFIX = 'groups.move.';

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
  /** Servers whose low-bandwidth estimate needed no question, with the messages it announced. */
  private readonly estimates = new Map<string, number>();
  /** Servers whose next from-scratch replay the user confirmed (low-bandwidth cost prompt), with the command id. */
  private readonly confirmed = new Set<string>();
  private readonly syncIds = new Map<string, string | undefined>();
  /** Servers whose replay is a full resync (our LastCommit was not found), while it runs. */
  private readonly resyncing = new Set<string>();
  /** Servers whose current low-bandwidth sync stopped at the data budget (said once). */
  private readonly budgetStopped = new Set<string>();
  /** Per server: the last `post-queue` event sent, the newest state, and a pending count-only update. */
  private readonly postQueue = new Map<string, { sent: PostQueueStatus | null; latest: PostQueueStatus; timer: TimerHandle | null }>();
  /** Per gap id: the server whose message showed it (a later fill from another server is closedBy 'mirror'). */
  private readonly gapOpener = new Map<string, string>();
  /**
   * Gaps of a group on several servers, not shown yet: another server of the group may still bring the message
   * (it is replaying, has not synced yet, or its live push is on the way). Shown once every other server has had
   * its say and MIRROR_GAP_GRACE_MS passed; never shown when closed before that.
   */
  private readonly heldGaps = new Map<string, { conv: ConversationId; since: number; timer: TimerHandle | null }>();
  private lowBandwidth = false;
  private closing = false;
  private opener: TrialOpener | null = null;

  /** Gap repair from peers (docs/protocol.md §12.3): asks members for what a server withheld, answers members. */
  readonly repair: GroupRepair;
  /** Which servers each group lives on, told member to member (docs/protocol.md §12.6): mirrors and moves. */
  readonly notices: GroupServerNotices;

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
      replaying: (conv) => this.db.groupServers(conv).some((x) => this.firstInReplay.has(x.server)),
      openGaps: (conv) => {
        const g = this.db.getGroup(conv);
        return g === null ? [] : this.timeline(g).openGaps().filter((gap) => !this.heldGaps.has(gap.id));
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
        return g === null ? 'rejected' : this.receiveOne({ peer: from }, egm, 'peer', this.keyInfo(g));
      },
    });
    let noticeCache: { list: readonly Group[]; out: NoticeGroup[] } | null = null;
    this.notices = new GroupServerNotices({
      backend: deps.backend,
      random: deps.random,
      log: deps.log,
      groups: () => {
        const list = this.db.listGroups().filter((g) => this.forkedTo(g) === null);
        if (noticeCache === null || noticeCache.list.length !== list.length || noticeCache.list.some((g, i) => g.conversation !== list[i]!.conversation)) {
          noticeCache = { list, out: list.map((g) => ({ conversation: g.conversation, groupId: g.groupId, key: g.groupKey, server: g.server })) };
        }
        return noticeCache.out;
      },
      servers: (conv) => this.db.groupServers(conv),
      bundle: (server) => {
        const row = this.db.getServer(server);
        const b = row === null ? null : decodeServerBundleJson(this.deps.backend, utf8(row.bundle));
        return b?.ok ? b.value : null;
      },
      dropped: (conv) => this.dropped(conv),
      move: (conv) => this.moveOf(conv),
      setMove: (conv, m) => {
        const g = this.db.getGroup(conv);
        if (g === null) return;
        if (m === null) this.db.deleteSetting(MOVE_PREFIX + g.groupId);
        else this.db.setSetting(MOVE_PREFIX + g.groupId, encodeJsonSetting(m));
      },
      members: (conv) => this.db.groupSenders(conv).filter((m) => m !== this.identity.onion),
      session: (onion) => peers.session(onion),
      isApproved: peers.isApproved,
      adopt: (conv, b) => {
        const g = this.db.getGroup(conv);
        if (g === null || this.db.groupServers(conv).length >= GROUP_MAX_SERVERS) return false;
        try {
          this.importServer(b);
        } catch {
          return false; // TOFU: a server we know with other keys is refused, not replaced
        }
        this.addServer(g, b.server);
        return true;
      },
      retire: (conv, server) => {
        const g = this.db.getGroup(conv);
        if (g !== null) this.retireServer(g, server);
      },
      changed: (conv) => {
        const g = this.db.getGroup(conv);
        if (g !== null) this.emit(this.groupEvent(g));
      },
    });
  }

  private dropped(conv: ConversationId): string[] {
    const g = this.db.getGroup(conv);
    return g === null ? [] : decodeDropped(this.db.getSetting(DROPPED_PREFIX + g.groupId));
  }

  private moveOf(conv: ConversationId): MoveState | null {
    const g = this.db.getGroup(conv);
    return g === null ? null : decodeMove(this.db.getSetting(MOVE_PREFIX + g.groupId));
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
    for (const h of this.heldGaps.values()) if (h.timer !== null) this.deps.clock.clearTimeout(h.timer);
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
    for (const s of this.db.listServers()) out.push({ event: 'server', onion: s.onion, imported: false, bundle: SERVER_BUNDLE_PREFIX + toBase64(utf8(s.bundle)) });
    for (const g of this.db.listGroups()) {
      out.push(this.groupEvent(g));
      const t = this.timeline(g);
      for (const gap of t.openGaps()) if (!this.heldGaps.has(gap.id)) out.push(gapEngineEvent(t, gap));
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
    this.emit({ ...withId(id), event: 'server', onion: b.server, imported, bundle: serverBundleString(b) });
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
      // The invite's creation time (ours carry one) lets the first sync skip what came before the group.
      g = this.db.addGroup({
        groupId: invite.groupId,
        groupKey: invite.sharedKey,
        server: invite.serverHost,
        name: invite.groupName,
        createdAt: invite.created === undefined ? null : invite.created * 1000,
      });
      this.keys.clear();
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

  /**
   * `mirror`: the group lives on `serverText` too (docs/protocol.md §12.6). From now on our posts go to every
   * active server of the group, each server is synced from its own commit, and a message is stored once whichever
   * server brings it. Returns the server's onion. The members hear of it from `GroupServersNotices`.
   */
  mirror(groupId: string, serverText: string, id?: string): string {
    const g = this.group(groupId);
    if (this.forkedTo(g) !== null) throw new UsageError('group.read-only', 'this group was forked and is read-only: mirror the new group');
    const server = this.resolveServer(serverText, id);
    const servers = this.db.groupServers(g.conversation);
    if (servers.some((x) => x.server === server && x.state === 'active')) throw new UsageError('group.mirror-exists', 'the group is on that server already');
    if (servers.filter((x) => x.server !== server).length >= GROUP_MAX_SERVERS) throw new UsageError('group.too-many-servers', `a group lives on at most ${GROUP_MAX_SERVERS} servers`);
    this.undrop(g, server);
    this.addServer(g, server);
    this.emit({ ...withId(id), ...this.groupEvent(this.group(groupId)) });
    this.notices.broadcast(g.conversation);
    return server;
  }

  /**
   * `move-group`: the group goes to `serverText` (same key, same members). It is mirrored there at once; the
   * server it moves from stays until every member we know of has said (in its notice) that it dropped it, then it
   * is synced once more and dropped. Members follow when they get our notice (docs/protocol.md §12.6).
   */
  move(groupId: string, serverText: string, id?: string): void {
    const g = this.group(groupId);
    if (this.forkedTo(g) !== null) throw new UsageError('group.read-only', 'this group was forked and is read-only: move the new group');
    if (this.moveOf(g.conversation) !== null) throw new UsageError('group.moving', 'this group is moving already; wait for its members');
    const to = this.resolveServer(serverText, id);
    const from = this.activeServers(g).find((x) => x !== to);
    if (from === undefined) throw new UsageError('group.mirror-exists', 'the group is on that server already');
    if (!this.activeServers(g).includes(to)) {
      if (this.db.groupServers(g.conversation).length >= GROUP_MAX_SERVERS) throw new UsageError('group.too-many-servers', `a group lives on at most ${GROUP_MAX_SERVERS} servers`);
      this.undrop(g, to);
      this.addServer(g, to);
    }
    if (id !== undefined) this.emit({ id, event: 'ok', cmd: 'move-group' });
    this.notices.startMove(g.conversation, from, to);
  }

  /** Going back to a server we dropped is the user's choice (mirror, move): it is no longer listed as dropped. */
  private undrop(g: Group, server: string): void {
    const dropped = this.dropped(g.conversation);
    if (dropped.includes(server)) this.db.setSetting(DROPPED_PREFIX + g.groupId, encodeJsonSetting(dropped.filter((x) => x !== server)));
  }

  /** Adds a server to a group (the replay from it starts from scratch, or from the server's other groups' commit). */
  addServer(g: Group, server: string): void {
    // No commit: the server may hold the group's messages already (a member mirrored it first), and a replay from
    // its other groups' commit would skip them. Its next replay starts from scratch, once.
    if (!this.db.addGroupServer(g.conversation, server, this.deps.clock.now(), null)) return;
    this.keys.clear();
    if (this.syncs.has(server)) void this.reconnect(server);
    else this.syncFor(server);
  }

  /** A server stops taking the group's posts; it is synced once more, then removed (see `synced`). */
  retireServer(g: Group, server: string): void {
    const servers = this.db.groupServers(g.conversation);
    if (!servers.some((x) => x.server === server && x.state === 'active')) return;
    // Never the last server: a group with nowhere to post is lost.
    if (!servers.some((x) => x.server !== server && x.state === 'active')) return;
    this.db.setGroupServerLeaving(g.conversation, server, PENDING_POST_PREFIX);
    const dropped = this.dropped(g.conversation);
    if (!dropped.includes(server)) this.db.setSetting(DROPPED_PREFIX + g.groupId, encodeJsonSetting([...dropped, server]));
    const s = this.syncs.get(server);
    if (s === undefined || !s.connected) this.syncFor(server).kick();
    else void this.reconnect(server);
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

  /** A server given as the onion of an imported server or as its "server:" bundle (imported then). */
  private resolveServer(serverText: string, id?: string): string {
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
    return server;
  }

  createGroup(serverText: string, name: string, id?: string): string {
    const server = this.resolveServer(serverText, id);
    const key = this.deps.random.bytes(32);
    const groupId = groupIdFor(this.deps.pbkdf2, key, server as OnionAddress);
    // A new group has no history: replay from where the server's other groups are, not from scratch.
    const sibling = this.db.groupServers().find((x) => x.server === server && x.lastSeenSignature !== null);
    const g = this.db.addGroup({
      groupId,
      groupKey: key,
      server,
      name,
      lastSeenSignature: sibling?.lastSeenSignature ?? null,
      createdAt: inviteCreated(this.deps.clock.now()) * 1000,
    });
    this.keys.clear();
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
    const servers = this.activeServers(g);
    // The signed EGM, the row + outbox entry and the servers it goes to in one commit: a crash keeps all (re-posted) or none.
    this.db.queueGroupPost(
      PENDING_POST_PREFIX + toHex(egm.signature),
      encodeEgm(egm),
      { conversation: g.conversation, sender: this.identity.onion, body, sentAt: message.timestamp * 1000, receivedAt: now, groupSignature: egm.signature, previousSignature: message.previousMessageSig, groupCiphertext: egm.ciphertext },
      now,
      servers,
    );
    const sig = toBase64(egm.signature);
    this.emit({ ...withId(id), event: 'message', conversation: g.groupId, from: this.identity.onion, text, time: now, messageId: sig, outgoing: true, ack: 'pending', overlay: OVERLAY_TEXT, signature: sig });
    this.feed(t, { signature: egm.signature, previousSig: message.previousMessageSig, sender: this.identity.onion, timestamp: message.timestamp, receivedAt: now }, null, g.conversation);
    for (const server of servers) {
      const s = this.syncFor(server);
      s.post({ key: toHex(egm.signature), egm });
      // Low-bandwidth: a send is an explicit request, so it may connect (replay from our last commit, post, hang up).
      if (!s.synced && this.lowBandwidth) void this.runSync(server, undefined);
    }
  }

  private activeServers(g: Group): string[] {
    return this.db.groupServers(g.conversation).filter((x) => x.state === 'active').map((x) => x.server);
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
    this.db.deleteGroup(g.conversation, [FORKED_PREFIX + g.groupId, DROPPED_PREFIX + g.groupId, MOVE_PREFIX + g.groupId], { pendingPostPrefix: PENDING_POST_PREFIX });
    this.timelines.delete(g.conversation);
    this.keys.clear();
    for (const f of this.firstInReplay.values()) f.delete(g.conversation);
    for (const [gapId, h] of this.heldGaps) if (h.conv === g.conversation) this.unholdGap(gapId);
    await this.stopUnusedSyncs();
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
    // A group: every server it lives on (the first one answers the command).
    const servers = isGroupId(serverOrGroup) ? this.db.groupServers(this.group(serverOrGroup).conversation).map((x) => x.server) : d.ok ? [d.value.onion as string] : [];
    const inUse = new Set(this.serversInUse());
    if (servers.length === 0 || !servers.every((s) => inUse.has(s))) throw new UsageError('server.unknown', 'no group of yours uses that server');
    servers.forEach((server, i) => {
      if (confirm) this.confirmed.add(server);
      else this.confirmed.delete(server);
      const answer = i === 0 ? id : undefined;
      if (!this.lowBandwidth) {
        this.syncFor(server).kick();
        if (i === 0) this.emit({ ...withId(answer), event: 'ok', cmd: 'sync' });
        return;
      }
      void this.runSync(server, answer, i === 0);
    });
  }

  /** Stops the sync of every server no group of ours uses any more. */
  private async stopUnusedSyncs(): Promise<void> {
    const inUse = new Set(this.serversInUse());
    const stops: Promise<void>[] = [];
    for (const [server, s] of this.syncs) {
      if (inUse.has(server)) continue;
      this.syncs.delete(server);
      this.confirmed.delete(server);
      this.syncIds.delete(server);
      this.unsavedCommit.delete(server);
      this.firstInReplay.delete(server);
      this.resyncing.delete(server);
      this.budgetStopped.delete(server);
      stops.push(s.close());
    }
    await Promise.all(stops);
  }

  private async runSync(server: string, id: string | undefined, answer = true): Promise<void> {
    this.syncIds.set(server, id);
    this.budgetStopped.delete(server);
    const r = await this.syncFor(server).syncOnce();
    this.confirmed.delete(server);
    if (!answer) return;
    if (r === 'synced') this.emit({ ...withId(id), event: 'ok', cmd: 'sync' });
    else if (r === 'failed') this.emit({ ...withId(id), event: 'error', code: 'server.unreachable', message: 'could not sync with the group server; try again later' });
  }

  // ---- servers ----

  private serversInUse(): string[] {
    return [...new Set(this.db.groupServers().map((x) => x.server))];
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
      since: () => this.since(server),
      // Low-bandwidth mode asks what a sync costs before anything is sent, unless the user already said yes.
      estimate: { first: () => this.lowBandwidth && !this.confirmed.has(server), on: (e, askedFrom) => this.estimated(server, e, askedFrom) },
      // receive() reads the ciphertext only while it runs (it keeps the signature, always a fresh array), so the
      // replay may decode every ciphertext into one reused buffer.
      transientCiphertext: true,
      onMessage: (egm, source) => this.receive(server, egm, source),
      onReplayResult: (info, askedFrom) => this.replayResult(server, info, askedFrom),
      onSynced: (info, askedFrom) => this.synced(server, info, askedFrom),
      onState: (state: PeerState, detail?: ServerStateDetail) => {
        // A replay cut short is over: its gaps are the repair's to work on again.
        if (state === 'Disconnected' || state === 'Failed') {
          if (this.firstInReplay.delete(server)) this.repair.poke();
        }
        this.emit({ event: 'server-state', server, state, ...(detail?.reason !== undefined ? { reason: detail.reason } : {}), ...(detail?.retryAt !== undefined ? { retryAt: detail.retryAt } : {}) });
        // A server that failed has had its say about the gaps it might have filled.
        if (state === 'Failed' || state === 'Disconnected' || state === 'Synced') this.releaseHeldGaps();
      },
      pendingPosts: () => this.pendingPosts(server),
      pendingCount: () => this.db.pendingGroupPostCount(server),
      isPending: (key) => {
        const sig = fromHex(key);
        return sig !== null && this.db.isGroupPostPending(server, sig);
      },
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
    const gs = this.db.groupServers().filter((x) => x.server === server);
    if (gs.length === 0 || gs.some((x) => x.lastSeenSignature === null)) return null;
    return gs[0]!.lastSeenSignature;
  }

  /** Unix seconds from which this server's groups need messages (syncSince), or null: everything after the LastCommit. */
  private since(server: string): number | null {
    const groups = new Map(this.db.listGroups().map((g) => [g.conversation, g]));
    const bounds = this.db
      .groupServers()
      .filter((x) => x.server === server)
      .map((x) => ({ createdAt: groups.get(x.conversation)?.createdAt ?? null, syncedAt: x.lastSeenSignature !== null ? x.syncedAt : null }));
    return syncSince(bounds);
  }

  /**
   * The server's estimate before a low-bandwidth sync (docs/sync-extension.md §10.3): asks the user, as replayResult
   * does, when the replay would be from scratch or a full resync; nothing has been sent yet.
   */
  private estimated(server: string, e: ReplayEstimate, askedFrom: Uint8Array | null): boolean {
    const bytes = e.packets * PACKET_SIZE;
    const over = e.replayed > 0 && this.overBudget(bytes);
    if (!over && (e.replayed === 0 || (askedFrom !== null && !e.fullResync))) {
      this.estimates.set(server, e.replayed);
      return true;
    }
    const id = this.syncIds.get(server);
    // The replay's own packets, as the count without an estimate gives them (one per message of a plain replay).
    this.emit({ ...withId(id), event: 'sync-cost', server, messages: e.replayed, bytes, estimated: true, ...this.budgetFields(over) });
    return false;
  }

  /** Whether a low-bandwidth sync spending `bytes` more would go past the day's data budget. */
  private overBudget(bytes: number): boolean {
    return this.deps.budget?.wouldExceed(bytes) ?? false;
  }

  private budgetFields(over: boolean): { overBudget?: true; today?: number; budget?: number } {
    const b = this.deps.budget;
    return over && b !== undefined ? { overBudget: true, today: b.today, budget: b.budget } : {};
  }

  /**
   * A low-bandwidth replay reached the day's data budget: hang up and say so. What came is stored and the next sync
   * goes on from it, except after a full resync, whose gap is only marked when it ends (so it starts over).
   */
  private stopAtBudget(server: string): void {
    if (this.budgetStopped.has(server)) return;
    this.budgetStopped.add(server);
    if (this.resyncing.has(server)) this.unsavedCommit.delete(server);
    else this.saveCommit(server);
    const b = this.deps.budget!;
    const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
    this.emit({
      ...withId(this.syncIds.get(server)),
      event: 'error',
      code: 'sync.over-budget',
      message: `sync stopped at today's data budget (${mb(b.today)} of ${mb(b.budget)}); what came is kept, and /sync asks before going past it`,
    });
    this.syncs.get(server)?.stop();
  }

  private saveCommit(server: string): void {
    const sig = this.unsavedCommit.get(server);
    if (sig === undefined) return;
    this.unsavedCommit.delete(server);
    this.db.setServerCommit(server, sig);
  }

  private replayResult(server: string, info: SyncInfo, askedFrom: Uint8Array | null): boolean {
    this.firstInReplay.set(server, new Map());
    const estimate = this.estimates.get(server);
    this.estimates.delete(server);
    if (info.fullResync) this.resyncing.add(server);
    else this.resyncing.delete(server);
    if (!this.lowBandwidth || info.replayed === 0 || this.confirmed.has(server)) return true;
    // The estimate was let through: so is its replay, unless far more arrived in between than posts could explain.
    if (estimate !== undefined && info.replayed <= estimate + BOARD_ESTIMATE_SLACK) return true;
    // One fixed-size packet per message: the cost of a plain replay.
    const bytes = info.replayed * PACKET_SIZE;
    const over = this.overBudget(bytes);
    if (!over && askedFrom !== null && !info.fullResync) return true;
    // From scratch, or past the budget: say what it costs and wait for `sync … confirm`.
    const id = this.syncIds.get(server);
    this.emit({ ...withId(id), event: 'sync-cost', server, messages: info.replayed, bytes, ...this.budgetFields(over) });
    return false;
  }

  private synced(server: string, info: SyncInfo, askedFrom: Uint8Array | null): void {
    this.resyncing.delete(server);
    this.saveCommit(server);
    // We now hold all this server had: a later sync asks only from here (less the skew).
    this.db.setServerSyncedAt(server, this.deps.clock.now());
    const firsts = this.firstInReplay.get(server);
    this.firstInReplay.delete(server);
    // Whatever the replay did not fill may be a member's to give.
    this.repair.poke();
    this.dropLeftServer(server);
    if (!info.fullResync || firsts === undefined) return;
    for (const [conv, first] of firsts) {
      const g = this.db.getGroup(conv);
      if (g === null) continue;
      this.db.addGap({ group: conv, beforeSignature: askedFrom, afterSignature: first, firstSeen: this.deps.clock.now() });
      const t = this.timeline(g);
      this.forward(t, t.markPrunedResync({ lastKnown: askedFrom, firstReplayed: first }), { server }, conv);
    }
  }

  /** A leaving server has been synced once more: it is no longer one of the groups' servers. */
  private dropLeftServer(server: string): void {
    const leaving = this.db.groupServers().filter((x) => x.server === server && x.state === 'leaving');
    if (leaving.length === 0) return;
    for (const x of leaving) {
      this.db.removeGroupServer(x.conversation, server, PENDING_POST_PREFIX);
      const g = this.db.getGroup(x.conversation);
      if (g !== null) this.emit(this.groupEvent(g));
    }
    this.keys.clear();
    if (!this.serversInUse().includes(server)) void this.stopUnusedSyncs();
  }

  private pendingPosts(server: string): QueuedPost[] {
    const out: QueuedPost[] = [];
    for (const p of this.db.pendingGroupPosts(server)) {
      const key = toHex(p.signature);
      const raw = this.db.getSetting(PENDING_POST_PREFIX + key);
      const egm = raw === null ? null : decodeEgm(raw);
      if (egm?.ok) out.push({ key, egm: egm.value });
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
    this.receiveOne({ server }, egm, source);
    // Low-bandwidth syncs keep to the day's budget unless the user said to go past it.
    if (source === 'replay' && this.lowBandwidth && this.deps.budget?.reached === true && !this.confirmed.has(server)) this.stopAtBudget(server);
    // The commit moves past a message only after it is stored (or acked): the next replay starts from the commit
    // inclusive and the board client skips that very message as already seen, so a crash between the two must not
    // leave the commit ahead of what we hold.
    if (source === 'live') this.saveCommit(server);
  }

  /**
   * The receive path of every group message, whatever brought it. From a peer (a repair reply): tried with its own
   * group's key only (`only`; another group's message is refused like a forgery).
   */
  private receiveOne(via: Via, egm: EncryptedGroupMessage, source: 'replay' | 'live' | 'peer', only?: GroupKeyInfo): RepairedOutcome {
    const server = 'server' in via ? via.server : null;
    // Almost every replayed message is another group's: find the key first (cheap, no allocation), and run the
    // full receive path only with the key that opened it (the same group the full search would pick).
    const found = (this.opener ??= new TrialOpener(this.deps.backend)).find(egm.ciphertext, only !== undefined ? [only] : server !== null ? this.keyInfos(server) : []);
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
    if (source === 'replay' && server !== null) {
      const f = this.firstInReplay.get(server);
      if (f !== undefined && !f.has(g.conversation)) f.set(g.conversation, signature);
    }
    const sig = toBase64(signature);
    const now = this.deps.clock.now();
    if (sender === this.identity.onion) {
      // Our own post came back: delivered (acked at the first echo from any server; a member's repair reply had it
      // from a server too). That server no longer waits for it; its EGM setting goes when no server does.
      const row = this.db.groupPostEchoed(g.conversation, signature, server, PENDING_POST_PREFIX + toHex(signature));
      if (row !== null) {
        this.db.fillGroupCiphertext(g.conversation, signature, egm.ciphertext);
        if (row.firstAck) this.emit({ event: 'ack', conversation: g.groupId, messageId: sig });
        else this.stats.duplicates++;
        return row.firstAck ? 'new' : 'duplicate';
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
    const quote = quoteOf(this.db, g.conversation, overlay);
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
      ...(quote !== undefined ? { quote } : {}),
    });
    this.feed(this.timeline(g), { signature, previousSig: message.previousMessageSig, sender, timestamp: message.timestamp, receivedAt: now }, via, g.conversation);
    return 'new';
  }

  private feed(t: GroupTimeline, m: TimelineMessage, via: Via | null, conv: ConversationId): void {
    this.forward(t, t.add(m).events, via, conv);
  }

  /** Timeline events out as engine events; `via`: what brought the message (null: our own post, or a resync mark). */
  private forward(t: GroupTimeline, events: readonly TimelineEvent[], via: Via | null, conv: ConversationId): void {
    for (const e of events) {
      if (e.type === 'gap') {
        if (via !== null && 'server' in via && !this.gapOpener.has(e.gap.id)) this.gapOpener.set(e.gap.id, via.server);
        if (this.holdGap(conv, e.gap.id)) continue;
        this.emit(gapEngineEvent(t, e.gap));
        this.repair.poke();
      } else {
        const opener = this.gapOpener.get(e.gapId);
        this.gapOpener.delete(e.gapId);
        // Held, so never shown: the user never saw it open.
        if (this.unholdGap(e.gapId)) continue;
        this.repair.gapClosed(e.gapId);
        const how =
          via === null || 'server' in via
            ? via !== null && opener !== undefined && opener !== via.server
              ? { closedBy: 'mirror' as const, from: via.server }
              : { closedBy: 'server' as const }
            : { closedBy: 'peer' as const, from: via.peer };
        this.emit({ event: 'gap-closed', group: t.group, gapId: e.gapId, ...how });
      }
    }
  }

  // ---- gaps of a group on several servers ----

  /** Holds a gap (true) while another server of its group may still bring the missing message. */
  private holdGap(conv: ConversationId, gapId: string): boolean {
    if (this.heldGaps.has(gapId)) return true;
    if (this.db.groupServers(conv).filter((x) => x.state === 'active').length < 2) return false;
    this.heldGaps.set(gapId, { conv, since: this.deps.clock.now(), timer: null });
    this.armHeld(gapId);
    return true;
  }

  private armHeld(gapId: string): void {
    const h = this.heldGaps.get(gapId);
    if (h === undefined || h.timer !== null || this.closing) return;
    const wait = Math.max(0, h.since + MIRROR_GAP_GRACE_MS - this.deps.clock.now());
    h.timer = this.deps.clock.setTimeout(() => {
      h.timer = null;
      this.releaseHeldGaps();
    }, wait);
  }

  private unholdGap(gapId: string): boolean {
    const h = this.heldGaps.get(gapId);
    if (h === undefined) return false;
    if (h.timer !== null) this.deps.clock.clearTimeout(h.timer);
    this.heldGaps.delete(gapId);
    return true;
  }

  /** Shows every held gap whose grace is over and whose group's servers have all had their say. */
  private releaseHeldGaps(): void {
    if (this.heldGaps.size === 0 || this.closing) return;
    const now = this.deps.clock.now();
    for (const [gapId, h] of [...this.heldGaps]) {
      if (now < h.since + MIRROR_GAP_GRACE_MS) {
        this.armHeld(gapId);
        continue;
      }
      const servers = this.db.groupServers(h.conv);
      if (servers.some((x) => !this.serverSettled(x))) continue;
      this.unholdGap(gapId);
      const g = this.db.getGroup(h.conv);
      if (g === null) continue;
      const t = this.timeline(g);
      const gap = t.openGaps().find((x) => x.id === gapId);
      if (gap === undefined) continue;
      this.emit(gapEngineEvent(t, gap));
      this.repair.poke();
    }
  }

  /** Whether a server has had its say: not replaying, and synced (or failed) at least once in this run. */
  private serverSettled(x: GroupServer): boolean {
    if (this.firstInReplay.has(x.server)) return false;
    const s = this.syncs.get(x.server);
    return s === undefined || this.lowBandwidth || s.settled;
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

  /** The keys of every group on `server` (its invite's server or a mirror): what a message from it may open with. */
  private keyInfos(server: string): GroupKeyInfo[] {
    let k = this.keys.get(server);
    if (k === undefined) {
      const on = new Set(this.db.groupServers().filter((x) => x.server === server).map((x) => x.conversation));
      this.keys.set(server, (k = this.db.listGroups().filter((g) => on.has(g.conversation)).map((g) => this.keyInfo(g))));
    }
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
    return tofuBundleString(b.value, {
      groupId: g.groupId as GroupId,
      groupName: g.name,
      sharedKey: g.groupKey,
      serverHost: g.server as OnionAddress,
      ...(g.createdAt !== null ? { created: inviteCreated(g.createdAt) } : {}),
    });
  }

  /** The group's event again (after a change the engine made elsewhere, such as mute). */
  announce(groupId: string, id?: string): void {
    this.emit({ ...withId(id), ...this.groupEvent(this.group(groupId)) });
  }

  private groupEvent(g: Group): Extract<EngineEvent, { event: 'group' }> {
    const forkedTo = this.forkedTo(g);
    const muted = this.db.getConversation(g.conversation)?.muted === true;
    const servers = this.db.groupServers(g.conversation).map((x) => ({ server: x.server, state: x.state }));
    const move = this.moveOf(g.conversation);
    return {
      event: 'group',
      groupId: g.groupId,
      ...(muted ? { muted: true } : {}),
      name: g.localName ?? g.name,
      server: g.server,
      servers,
      ...(move !== null ? { move } : {}),
      invite: this.inviteFor(g),
      ...(forkedTo !== null ? { forkedTo } : {}),
    };
  }
}

function withId(id: string | undefined): { id?: string } {
  return id !== undefined ? { id } : {};
}

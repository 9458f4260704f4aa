// Groups for one unlocked profile (docs/protocol.md §7): the rooms put together, and our posts (pending until the
// server echoes them back, then 'ack'). Servers imported by TOFU and groups created or joined: group-create.ts; a
// ServerSync per server that holds groups: group-sync.ts; the receive path (trial-decrypt every server message
// with every key we hold on that server, verify, store once per signature, the hash-chained timeline per group with
// its gap events): group-receive.ts; mirror, move and fork: group-mirror.ts; leave: group-leave.ts; what they
// share: group-context.ts.
//
// Persistence: messages carry their group signature and PreviousMessageSig, so every timeline (and its withheld
// gaps) is rebuilt from rows after a restart; a full resync's 'pruned' mark is stored in the gaps table
// (before = the LastCommit we asked from, after = the first message of the group in that replay); a post not yet
// echoed keeps its signed EGM in a secret setting so it is re-posted byte for byte (same signature) after a restart.

import type { EngineEvent } from '../../core/api/events.js';
import { toBase64, toHex, utf8 } from '../../core/bytes.js';
import type { Identity } from '../../core/crypto/identity.js';
import { UsageError } from '../../core/errors.js';
import { encodeEgm } from '../../core/groups/board-messages.js';
import { SERVER_BUNDLE_PREFIX, type ServerBundle } from '../../core/groups/bundle.js';
import { buildGroupMessage } from '../../core/groups/group-message.js';
import { isGroupId } from '../../core/groups/invite.js';
import { gapEngineEvent } from '../../core/groups/timeline-gaps.js';
import { encodeOverlay, OVERLAY_TEXT, type Overlay } from '../../core/peer/overlay.js';
import type { ConversationId, Group, ProfileDb } from '../../profile/profile-db.js';
import { withId, type RuntimeDeps } from './deps.js';
import { GroupsContext, PENDING_POST_PREFIX, type Emit, type GroupPeers } from './group-context.js';
import { GroupCreation } from './group-create.js';
import { leaveGroup } from './group-leave.js';
import { GroupMirrors } from './group-mirror.js';
import { GroupReceive, type ReceiveStats } from './group-receive.js';
import { GroupRepair, type RepairGroup } from './group-repair.js';
import type { GroupServerNotices } from './group-servers.js';
import { GroupSyncs } from './group-sync.js';

export class ProfileGroups {
  private readonly ctx: GroupsContext;
  private readonly rx: GroupReceive;
  private readonly syncs: GroupSyncs;
  private readonly creation: GroupCreation;
  private readonly mirrors: GroupMirrors;

  /** Gap repair from peers (docs/protocol.md §12.3): asks members for what a server withheld, answers members. */
  readonly repair: GroupRepair;
  /** Which servers each group lives on, told member to member (docs/protocol.md §12.6): mirrors and moves. */
  readonly notices: GroupServerNotices;

  constructor(deps: RuntimeDeps, db: ProfileDb, identity: Identity, emit: Emit, peers: GroupPeers) {
    const ctx = (this.ctx = new GroupsContext(deps, db, identity, emit));
    let groupsCache: { list: readonly Group[]; out: RepairGroup[] } | null = null;
    this.repair = new GroupRepair({
      backend: deps.backend,
      random: deps.random,
      clock: deps.clock,
      log: deps.log,
      emit,
      groups: () => {
        const list = db.listGroups();
        // Same array while the groups are the same, so the repair keys are derived once.
        if (groupsCache === null || groupsCache.list.length !== list.length || groupsCache.list.some((g, i) => g.conversation !== list[i]!.conversation)) {
          groupsCache = { list, out: list.map((g) => ({ conversation: g.conversation, groupId: g.groupId, key: g.groupKey })) };
        }
        return groupsCache.out;
      },
      replaying: (conv) => this.syncs.replaying(conv),
      openGaps: (conv) => {
        const g = db.getGroup(conv);
        return g === null ? [] : ctx.timeline(g).openGaps().filter((gap) => !this.rx.isHeld(gap.id));
      },
      sigsBefore: (conv, id, n) => {
        const g = db.getGroup(conv);
        if (g === null) return [];
        const t = ctx.timeline(g);
        const out: Uint8Array[] = [];
        for (let i = t.indexOf(id) - 1; i >= 0 && out.length < n; i--) out.push(t.at(i)!.message.signature);
        return out;
      },
      members: (conv) => ctx.members(conv),
      session: (onion) => {
        const s = peers.session(onion);
        return s !== null && s.framing === 2 ? s : null;
      },
      isApproved: peers.isApproved,
      chainBack: (conv, want, stop, max, maxBytes) => db.groupChainBack(conv, want, stop, max, maxBytes),
      receive: (conv, egm, from) => {
        const g = db.getGroup(conv);
        return g === null ? 'rejected' : this.rx.receiveOne({ peer: from }, egm, 'peer', ctx.keyInfo(g));
      },
    });
    // The receive path asks the syncs (built next) about replays; the closures run only once both exist.
    this.rx = new GroupReceive(ctx, this.repair, { replayFirsts: (server) => this.syncs.replayFirsts(server), settled: (x) => this.syncs.settled(x) });
    this.syncs = new GroupSyncs(ctx, this.rx, this.repair);
    this.creation = new GroupCreation(ctx, this.syncs);
    this.mirrors = new GroupMirrors(ctx, this.syncs, this.creation, peers);
    this.notices = this.mirrors.notices;
  }

  /** What received messages did (bench, tests). */
  get stats(): ReceiveStats {
    return this.rx.stats;
  }

  /** Rebuild timelines from rows and start a ServerSync for every server that holds a group. */
  start(lowBandwidth: boolean): void {
    const { ctx } = this;
    ctx.lowBandwidth = lowBandwidth;
    // Signed posts that can never be sent (no outbox row: a crash of an older version between its two writes, or
    // between an echo's ack and the setting's delete) are data we must not keep.
    // Cleanup only: a failed write here (disk full, a long-held lock) must not fail the unlock.
    try {
      const orphans = ctx.db.deleteOrphanedPendingPosts(PENDING_POST_PREFIX);
      if (orphans > 0) ctx.deps.log(`groups: deleted ${orphans} orphaned pending post(s)`);
    } catch {
      ctx.deps.log('groups: could not delete orphaned pending posts; trying again at the next unlock');
    }
    for (const g of ctx.db.listGroups()) ctx.timeline(g);
    for (const s of ctx.serversInUse()) this.syncs.syncFor(s);
  }

  async close(): Promise<void> {
    this.ctx.closing = true;
    this.repair.close();
    this.syncs.clearTimers();
    this.rx.close();
    await this.syncs.close();
  }

  get isLowBandwidth(): boolean {
    return this.ctx.lowBandwidth;
  }

  /** Low-bandwidth on: hang up every server and buy nothing in the background. Off: connect again. */
  setLowBandwidth(on: boolean): void {
    this.ctx.lowBandwidth = on;
    this.syncs.setStanding(!on);
  }

  snapshot(): EngineEvent[] {
    const { ctx } = this;
    const out: EngineEvent[] = [];
    for (const s of ctx.db.listServers()) out.push({ event: 'server', onion: s.onion, imported: false, bundle: SERVER_BUNDLE_PREFIX + toBase64(utf8(s.bundle)) });
    for (const g of ctx.db.listGroups()) {
      out.push(ctx.groupEvent(g));
      const t = ctx.timeline(g);
      for (const gap of t.openGaps()) if (!this.rx.isHeld(gap.id)) out.push(gapEngineEvent(t, gap));
    }
    for (const { server, state } of this.syncs.states()) out.push({ event: 'server-state', server, state });
    return out;
  }

  /** Whether `to` names one of our groups (a `send` goes here then). */
  isGroup(to: string): boolean {
    return isGroupId(to) && this.ctx.db.findGroup(to) !== null;
  }

  // ---- commands ----

  /** `add` of a server bundle: TOFU import. */
  importServer(b: ServerBundle, id?: string): void {
    this.creation.importServer(b, id);
  }

  /** `add` of an invite: see GroupCreation.join. */
  join(text: string, id?: string): void {
    this.creation.join(text, id);
  }

  createGroup(serverText: string, name: string, id?: string): string {
    return this.creation.createGroup(serverText, name, id);
  }

  /** The tofubundle text that invites someone to `groupId` (sent by the caller as overlay 101). */
  inviteText(groupId: string): string {
    return this.creation.inviteText(groupId);
  }

  /** `mirror`: see GroupMirrors.mirror. */
  mirror(groupId: string, serverText: string, id?: string): string {
    return this.mirrors.mirror(groupId, serverText, id);
  }

  /** `move-group`: see GroupMirrors.move. */
  move(groupId: string, serverText: string, id?: string): void {
    this.mirrors.move(groupId, serverText, id);
  }

  /** See ProfileRuntime.forkGroup. Returns the members to invite and the new group's id. */
  fork(groupId: string, serverText: string | undefined, id?: string): { members: string[]; newGroupId: string } {
    return this.mirrors.fork(groupId, serverText, id);
  }

  /** `leave-group`: see group-leave.ts. */
  leave(groupId: string, id?: string): Promise<void> {
    return leaveGroup(this.ctx, this.rx, this.syncs, groupId, id);
  }

  /** `sync {server}`: see GroupSyncs.sync. */
  sync(serverOrGroup: string, confirm: boolean, id?: string): void {
    this.syncs.sync(serverOrGroup, confirm, id);
  }

  send(groupId: string, text: string, id?: string): void {
    const { ctx } = this;
    const g = ctx.group(groupId);
    if (ctx.forkedTo(g) !== null) throw new UsageError('group.read-only', 'this group was forked and is read-only: write in the new group');
    const t = ctx.timeline(g);
    const overlay: Overlay = { overlay: OVERLAY_TEXT, data: text };
    const body = new TextDecoder().decode(encodeOverlay(overlay));
    const built = buildGroupMessage(ctx.deps, ctx.identity, ctx.keyInfo(g), body, t.latest()?.signature ?? null);
    if (!built.ok) throw new UsageError(built.error.code, 'the message is too long for a group; split it');
    const { egm, message } = built.value;
    const now = ctx.deps.clock.now();
    const servers = ctx.activeServers(g);
    // The signed EGM, the row + outbox entry and the servers it goes to in one commit: a crash keeps all (re-posted) or none.
    ctx.db.queueGroupPost(
      PENDING_POST_PREFIX + toHex(egm.signature),
      encodeEgm(egm),
      { conversation: g.conversation, sender: ctx.identity.onion, body, sentAt: message.timestamp * 1000, receivedAt: now, groupSignature: egm.signature, previousSignature: message.previousMessageSig, groupCiphertext: egm.ciphertext },
      now,
      servers,
    );
    const sig = toBase64(egm.signature);
    ctx.emit({ ...withId(id), event: 'message', conversation: g.groupId, from: ctx.identity.onion, text, time: now, messageId: sig, outgoing: true, ack: 'pending', overlay: OVERLAY_TEXT, signature: sig });
    this.rx.feed(t, { signature: egm.signature, previousSig: message.previousMessageSig, sender: ctx.identity.onion, timestamp: message.timestamp, receivedAt: now }, null, g.conversation);
    for (const server of servers) {
      const s = this.syncs.syncFor(server);
      s.post({ key: toHex(egm.signature), egm });
      // Low-bandwidth: a send is an explicit request, so it may connect (replay from our last commit, post, hang up).
      if (!s.synced && ctx.lowBandwidth) void this.syncs.runSync(server, undefined);
    }
  }

  /** `rename` of a group: a local name (the invites we send keep the invite's name). `name` is validated. */
  rename(groupId: string, name: string, id?: string): void {
    const g = this.ctx.group(groupId);
    this.ctx.db.setLocalName(g.conversation, name);
    this.ctx.announce(this.ctx.group(groupId), id);
  }

  /** Group rows sorted by their place in the timeline (rows without a signature keep arrival order, last). */
  inTimelineOrder<M extends { readonly groupSignature: Uint8Array | null; readonly id: number }>(conv: ConversationId, rows: readonly M[]): M[] {
    return this.rx.inTimelineOrder(conv, rows);
  }

  /** The group's event again (after a change the engine made elsewhere, such as mute). */
  announce(groupId: string, id?: string): void {
    this.ctx.announce(this.ctx.group(groupId), id);
  }
}

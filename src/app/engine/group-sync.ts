// A ServerSync per server that holds our groups: where each replay starts (LastCommit, Since), the commit saved
// only once what it covers is stored, a full resync's 'pruned' mark, low-bandwidth mode's cost prompt and the
// data budget (checked against the server's estimate, stopped mid-replay), a leaving server synced once more and
// dropped, our posts' queue and its `post-queue` events.

import type { PeerState } from '../../core/api/events.js';
import { fromHex, toHex } from '../../core/bytes.js';
import { decodeOnion, type OnionAddress } from '../../core/crypto/onion.js';
import { decodeElement, elementFromBase64, encodeElement } from '../../core/crypto/ristretto.js';
import { CwtchError, UsageError } from '../../core/errors.js';
import { decodeEgm, type EncryptedGroupMessage } from '../../core/groups/board-messages.js';
import { isGroupId } from '../../core/groups/invite.js';
import { syncSince } from '../../core/groups/sync-window.js';
import type { ReplayEstimate, SyncInfo } from '../../core/groups/token-board-client.js';
import { BOARD_ESTIMATE_SLACK, POST_QUEUE_EVENT_INTERVAL_MS } from '../../core/limits.js';
import type { TimerHandle } from '../../core/ports.js';
import type { Token } from '../../core/privacypass/token.js';
import { PACKET_SIZE } from '../../core/tapir/wire-constants.js';
import type { ConversationId, GroupServer } from '../../profile/profile-db.js';
import { countingAcn } from './byte-meter.js';
import { withId } from './deps.js';
import { PENDING_POST_PREFIX, type GroupsContext } from './group-context.js';
import type { GroupReceive, ReceiveSyncs } from './group-receive.js';
import type { GroupRepair } from './group-repair.js';
import type { PostQueueStatus } from './post-pump.js';
import { ServerSync, type QueuedPost, type ServerStateDetail } from './server-sync.js';

export class GroupSyncs implements ReceiveSyncs {
  private readonly syncs = new Map<string, ServerSync>();
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

  constructor(
    private readonly ctx: GroupsContext,
    private readonly rx: GroupReceive,
    private readonly repair: GroupRepair,
  ) {}

  /** Clears the post-queue timers (the engine's closing: ctx.closing is set). */
  clearTimers(): void {
    for (const t of this.postQueue.values()) if (t.timer !== null) this.ctx.deps.clock.clearTimeout(t.timer);
  }

  async close(): Promise<void> {
    await Promise.all([...this.syncs.values()].map((s) => s.close()));
    this.syncs.clear();
  }

  has(server: string): boolean {
    return this.syncs.has(server);
  }

  get(server: string): ServerSync | undefined {
    return this.syncs.get(server);
  }

  /** Standing connections only out of low-bandwidth mode. */
  setStanding(on: boolean): void {
    for (const s of this.syncs.values()) s.setStanding(on);
  }

  /** Every server's `server-state`, for a snapshot. */
  states(): { server: string; state: PeerState }[] {
    return [...this.syncs].map(([server, s]) => ({ server, state: s.currentState }));
  }

  replayFirsts(server: string): Map<ConversationId, Uint8Array> | undefined {
    return this.firstInReplay.get(server);
  }

  /** A group's server is in the middle of a replay (the repair waits for it). */
  replaying(conv: ConversationId): boolean {
    return this.ctx.db.groupServers(conv).some((x) => this.firstInReplay.has(x.server));
  }

  /** A group left: no replay's first message of it is kept. */
  forgetGroup(conv: ConversationId): void {
    for (const f of this.firstInReplay.values()) f.delete(conv);
  }

  /** Whether a server has had its say: not replaying, and synced (or failed) at least once in this run. */
  settled(x: GroupServer): boolean {
    if (this.firstInReplay.has(x.server)) return false;
    const s = this.syncs.get(x.server);
    return s === undefined || this.ctx.lowBandwidth || s.settled;
  }

  /** One EGM from `server`: ours or not, verified or dropped; stored once per signature. */
  receive(server: string, egm: EncryptedGroupMessage, source: 'replay' | 'live'): void {
    this.rx.stats.total++;
    if (egm.signature.length > 0) this.unsavedCommit.set(server, egm.signature);
    this.rx.receiveOne({ server }, egm, source);
    // Low-bandwidth syncs keep to the day's budget unless the user said to go past it.
    if (source === 'replay' && this.ctx.lowBandwidth && this.ctx.deps.budget?.reached === true && !this.confirmed.has(server)) this.stopAtBudget(server);
    // The commit moves past a message only after it is stored (or acked): the next replay starts from the commit
    // inclusive and the board client skips that very message as already seen, so a crash between the two must not
    // leave the commit ahead of what we hold.
    if (source === 'live') this.saveCommit(server);
  }

  /** `sync {server}`: connect now (normal mode) or once (low-bandwidth, with the cost prompt). `server` may be a group id. */
  sync(serverOrGroup: string, confirm: boolean, id?: string): void {
    const d = decodeOnion(serverOrGroup);
    // A group: every server it lives on (the first one answers the command).
    const servers = isGroupId(serverOrGroup) ? this.ctx.db.groupServers(this.ctx.group(serverOrGroup).conversation).map((x) => x.server) : d.ok ? [d.value.onion as string] : [];
    const inUse = new Set(this.ctx.serversInUse());
    if (servers.length === 0 || !servers.every((s) => inUse.has(s))) throw new UsageError('server.unknown', 'no group of yours uses that server');
    servers.forEach((server, i) => {
      if (confirm) this.confirmed.add(server);
      else this.confirmed.delete(server);
      const answer = i === 0 ? id : undefined;
      if (!this.ctx.lowBandwidth) {
        this.syncFor(server).kick();
        if (i === 0) this.ctx.emit({ ...withId(answer), event: 'ok', cmd: 'sync' });
        return;
      }
      void this.runSync(server, answer, i === 0);
    });
  }

  /** Close the server's sync and start a new one (a new ephemeral connection, a new replay). */
  async reconnect(server: string): Promise<void> {
    const old = this.syncs.get(server);
    this.syncs.delete(server);
    await old?.close();
    if (!this.ctx.closing && !this.syncs.has(server) && this.ctx.serversInUse().includes(server)) this.syncFor(server);
  }

  /** Stops the sync of every server no group of ours uses any more. */
  async stopUnusedSyncs(): Promise<void> {
    const inUse = new Set(this.ctx.serversInUse());
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

  async runSync(server: string, id: string | undefined, answer = true): Promise<void> {
    this.syncIds.set(server, id);
    this.budgetStopped.delete(server);
    const r = await this.syncFor(server).syncOnce();
    this.confirmed.delete(server);
    if (!answer) return;
    if (r === 'synced') this.ctx.emit({ ...withId(id), event: 'ok', cmd: 'sync' });
    else if (r === 'failed') this.ctx.emit({ ...withId(id), event: 'error', code: 'server.unreachable', message: 'could not sync with the group server; try again later' });
  }

  syncFor(server: string): ServerSync {
    let s = this.syncs.get(server);
    if (s !== undefined) return s;
    const { deps, db } = this.ctx;
    const row = db.getServer(server);
    const Y = row === null ? null : elementFromBase64(row.keyPrivacyPass);
    const tokenService = row === null ? null : decodeOnion(row.keyTokenService);
    if (row === null || Y === null || tokenService === null || !tokenService.ok) throw new CwtchError('server.keys', 'the group server\'s stored keys are unusable; import its bundle again');
    const { meter } = deps;
    const acn = meter === undefined ? deps.acn : countingAcn(deps.acn, meter, () => ({ scope: 'server', key: server }));
    s = new ServerSync({
      backend: deps.backend,
      random: deps.random,
      clock: deps.clock,
      acn,
      log: deps.log,
      server: server as OnionAddress,
      tokenService: tokenService.value.onion,
      Y,
      ...(deps.powDifficultyBits !== undefined ? { powDifficultyBits: deps.powDifficultyBits } : {}),
      ...(deps.retryMinMs !== undefined ? { retryMinMs: deps.retryMinMs } : {}),
      ...(deps.retryMaxMs !== undefined ? { retryMaxMs: deps.retryMaxMs } : {}),
      lastCommit: () => this.lastCommit(server),
      since: () => this.since(server),
      // Low-bandwidth mode asks what a sync costs before anything is sent, unless the user already said yes.
      estimate: { first: () => this.ctx.lowBandwidth && !this.confirmed.has(server), on: (e, askedFrom) => this.estimated(server, e, askedFrom) },
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
        this.ctx.emit({ event: 'server-state', server, state, ...(detail?.reason !== undefined ? { reason: detail.reason } : {}), ...(detail?.retryAt !== undefined ? { retryAt: detail.retryAt } : {}) });
        // A server that failed has had its say about the gaps it might have filled.
        if (state === 'Failed' || state === 'Disconnected' || state === 'Synced') this.rx.releaseHeldGaps();
      },
      pendingPosts: () => this.pendingPosts(server),
      pendingCount: () => db.pendingGroupPostCount(server),
      isPending: (key) => {
        const sig = fromHex(key);
        return sig !== null && db.isGroupPostPending(server, sig);
      },
      onPostQueue: (q) => this.postQueueEvent(server, q),
      takeToken: () => {
        const t = db.takeToken(server);
        const W = t === null ? null : decodeElement(t.w);
        return t === null || W === null ? null : { t: t.token, r: 0n, W };
      },
      addTokens: (tokens: Token[]) => db.addTokens(server, tokens.filter((t) => t.W !== null).map((t) => ({ token: t.t, w: encodeElement(t.W!) }))),
      unspentTokens: () => db.unspentTokens(server),
    });
    this.syncs.set(server, s);
    s.setStanding(!this.ctx.lowBandwidth);
    return s;
  }

  /** LastCommit for a server: null (everything) while any of its groups has never synced (a group just joined needs its history). */
  private lastCommit(server: string): Uint8Array | null {
    const gs = this.ctx.db.groupServers().filter((x) => x.server === server);
    if (gs.length === 0 || gs.some((x) => x.lastSeenSignature === null)) return null;
    return gs[0]!.lastSeenSignature;
  }

  /** Unix seconds from which this server's groups need messages (syncSince), or null: everything after the LastCommit. */
  private since(server: string): number | null {
    const groups = new Map(this.ctx.db.listGroups().map((g) => [g.conversation, g]));
    const bounds = this.ctx.db
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
    this.ctx.emit({ ...withId(id), event: 'sync-cost', server, messages: e.replayed, bytes, estimated: true, ...this.budgetFields(over) });
    return false;
  }

  /** Whether a low-bandwidth sync spending `bytes` more would go past the day's data budget. */
  private overBudget(bytes: number): boolean {
    return this.ctx.deps.budget?.wouldExceed(bytes) ?? false;
  }

  private budgetFields(over: boolean): { overBudget?: true; today?: number; budget?: number } {
    const b = this.ctx.deps.budget;
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
    const b = this.ctx.deps.budget!;
    const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
    this.ctx.emit({
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
    this.ctx.db.setServerCommit(server, sig);
  }

  private replayResult(server: string, info: SyncInfo, askedFrom: Uint8Array | null): boolean {
    this.firstInReplay.set(server, new Map());
    const estimate = this.estimates.get(server);
    this.estimates.delete(server);
    if (info.fullResync) this.resyncing.add(server);
    else this.resyncing.delete(server);
    if (!this.ctx.lowBandwidth || info.replayed === 0 || this.confirmed.has(server)) return true;
    // The estimate was let through: so is its replay, unless far more arrived in between than posts could explain.
    if (estimate !== undefined && info.replayed <= estimate + BOARD_ESTIMATE_SLACK) return true;
    // One fixed-size packet per message: the cost of a plain replay.
    const bytes = info.replayed * PACKET_SIZE;
    const over = this.overBudget(bytes);
    if (!over && askedFrom !== null && !info.fullResync) return true;
    // From scratch, or past the budget: say what it costs and wait for `sync … confirm`.
    const id = this.syncIds.get(server);
    this.ctx.emit({ ...withId(id), event: 'sync-cost', server, messages: info.replayed, bytes, ...this.budgetFields(over) });
    return false;
  }

  private synced(server: string, info: SyncInfo, askedFrom: Uint8Array | null): void {
    const { db } = this.ctx;
    this.resyncing.delete(server);
    this.saveCommit(server);
    // We now hold all this server had: a later sync asks only from here (less the skew).
    db.setServerSyncedAt(server, this.ctx.deps.clock.now());
    const firsts = this.firstInReplay.get(server);
    this.firstInReplay.delete(server);
    // Whatever the replay did not fill may be a member's to give.
    this.repair.poke();
    this.dropLeftServer(server);
    if (!info.fullResync || firsts === undefined) return;
    for (const [conv, first] of firsts) {
      const g = db.getGroup(conv);
      if (g === null) continue;
      db.addGap({ group: conv, beforeSignature: askedFrom, afterSignature: first, firstSeen: this.ctx.deps.clock.now() });
      const t = this.ctx.timeline(g);
      this.rx.forward(t, t.markPrunedResync({ lastKnown: askedFrom, firstReplayed: first }), { server }, conv);
    }
  }

  /** A leaving server has been synced once more: it is no longer one of the groups' servers. */
  private dropLeftServer(server: string): void {
    const { db } = this.ctx;
    const leaving = db.groupServers().filter((x) => x.server === server && x.state === 'leaving');
    if (leaving.length === 0) return;
    for (const x of leaving) {
      db.removeGroupServer(x.conversation, server, PENDING_POST_PREFIX);
      const g = db.getGroup(x.conversation);
      if (g !== null) this.ctx.emit(this.ctx.groupEvent(g));
    }
    this.ctx.forgetKeys();
    if (!this.ctx.serversInUse().includes(server)) void this.stopUnusedSyncs();
  }

  private pendingPosts(server: string): QueuedPost[] {
    const out: QueuedPost[] = [];
    for (const p of this.ctx.db.pendingGroupPosts(server)) {
      const key = toHex(p.signature);
      const raw = this.ctx.db.getSetting(PENDING_POST_PREFIX + key);
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
      this.ctx.emit({ event: 'post-queue', server, queued: l.queued, waiting: l.waiting, ...(l.retryAt !== undefined ? { retryAt: l.retryAt } : {}) });
    };
    const s = t.sent;
    if (s !== null && s.queued === q.queued && s.waiting === q.waiting && s.retryAt === q.retryAt) return;
    if (s === null || s.waiting !== q.waiting || s.retryAt !== q.retryAt || q.queued === 0) {
      if (t.timer !== null) this.ctx.deps.clock.clearTimeout(t.timer);
      t.timer = null;
      send();
      return;
    }
    t.timer ??= this.ctx.deps.clock.setTimeout(() => {
      t.timer = null;
      if (!this.ctx.closing) send();
    }, POST_QUEUE_EVENT_INTERVAL_MS);
  }
}

// Which servers a group lives on, agreed member to member (docs/protocol.md §12.6, a cwtch-tui extension): the
// notices one member sends another (OVERLAY_GROUP_SERVERS, sealed under a key derived from the group key), what a
// received one changes here, and the bookkeeping of a move (`move-group`: the old server stays until every member we
// know of has said it dropped it).
//
// A notice carries the sender's whole view (active servers, dropped servers, a move it leads), so one that is lost
// or late does no harm: each session with a member starts with our view of every group that member is in (when
// that view is more than the invite's server), and a notice that changes ours, or shows the sender lacking
// something, is answered once with ours. `Dropped` only grows, so a stale member cannot bring a dropped server back.

import type { CryptoBackend } from '../../core/crypto/backend.js';
import type { ServerBundle } from '../../core/groups/bundle.js';
import { OVERLAY_GROUP_SERVERS, openServerNotice, sealServerNotice, serverNoticeKey, type ServerNotice } from '../../core/groups/server-notice.js';
import { EXTENSION_GROUP_SERVERS, newMessageId, type PeerSession } from '../../core/peer/peer-app.js';
import type { Overlay } from '../../core/peer/overlay.js';
import type { Random } from '../../core/ports.js';
import { utf8 } from '../../core/bytes.js';
import type { ConversationId, GroupServer } from '../../profile/profile-db.js';

export interface NoticeGroup {
  readonly conversation: ConversationId;
  readonly groupId: string;
  readonly key: Uint8Array;
  /** The invite's server: a group on it alone has nothing to tell. */
  readonly server: string;
}

/** A move this profile leads: from, to, and the members whose notice has not yet listed `from` as dropped. */
export interface MoveState {
  readonly from: string;
  readonly to: string;
  readonly waiting: readonly string[];
}

export interface GroupServersDeps {
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly log: (line: string) => void;
  readonly groups: () => readonly NoticeGroup[];
  readonly servers: (conv: ConversationId) => readonly GroupServer[];
  readonly bundle: (server: string) => ServerBundle | null;
  readonly dropped: (conv: ConversationId) => readonly string[];
  readonly move: (conv: ConversationId) => MoveState | null;
  readonly setMove: (conv: ConversationId, m: MoveState | null) => void;
  /** Members we know of (they posted), without us. */
  readonly members: (conv: ConversationId) => readonly string[];
  readonly session: (onion: string) => PeerSession | null;
  readonly isApproved: (onion: string) => boolean;
  /** Imports a member's server bundle (TOFU) and adds it to the group; false when refused (keys changed, too many). */
  readonly adopt: (conv: ConversationId, b: ServerBundle) => boolean;
  /** The server stops taking the group's posts (synced once more, then removed) and is listed as dropped. */
  readonly retire: (conv: ConversationId, server: string) => void;
  /** The group's servers or its move changed (a `group` event). */
  readonly changed: (conv: ConversationId) => void;
}

export class GroupServerNotices {
  /** Per session, per group: the view we last sent on it (so an unchanged view is never sent twice). */
  private readonly sent = new WeakMap<PeerSession, Map<ConversationId, string>>();
  private keyCache: { list: readonly NoticeGroup[]; keys: { group: NoticeGroup; noticeKey: Uint8Array }[] } | null = null;
  readonly stats = { sent: 0, received: 0, rejected: 0 };

  constructor(private readonly d: GroupServersDeps) {}

  /** A member's session came up (it speaks our extensions): tell it our view of every group it is in. */
  sessionUp(s: PeerSession): void {
    for (const g of this.d.groups()) if (this.d.members(g.conversation).includes(s.onion) || this.isWaitingFor(g, s.onion)) this.sendIfNew(s, g, false);
  }

  /** Our view of a group changed: tell every member online. */
  broadcast(conv: ConversationId): void {
    const g = this.d.groups().find((x) => x.conversation === conv);
    if (g === undefined) return;
    const to = new Set([...this.d.members(conv), ...(this.d.move(conv)?.waiting ?? [])]);
    for (const m of to) {
      const s = this.session(m);
      if (s !== null) this.sendIfNew(s, g, false);
    }
  }

  /** A `move-group` starts: the members to wait for are those we know of; none (we are alone) ends it at once. */
  startMove(conv: ConversationId, from: string, to: string): void {
    const waiting = this.d.members(conv).filter((m) => this.d.isApproved(m));
    this.d.setMove(conv, { from, to, waiting });
    if (waiting.length === 0) this.finishMove(conv);
    this.d.changed(conv);
    this.broadcast(conv);
  }

  onOverlay(s: PeerSession, o: Overlay): void {
    if (o.overlay !== OVERLAY_GROUP_SERVERS) return;
    if (!this.d.isApproved(s.onion)) return;
    const r = openServerNotice(this.d.backend, this.keys(), o.data);
    if (!r.ok) {
      this.stats.rejected++;
      this.d.log(`groups: ignored a server notice (${r.error.code})`);
      return;
    }
    this.stats.received++;
    const g = r.value.key.group;
    const before = this.view(g);
    this.merge(g, s.onion, r.value.notice);
    const after = this.view(g);
    if (after !== before) this.d.changed(g.conversation);
    // Answer when ours changed (the sender learns we followed: a move's confirmation) or the sender lacks something.
    if (after !== before || this.lacks(g, r.value.notice)) this.sendIfNew(s, g, true);
    if (after !== before) this.broadcast(g.conversation);
  }

  // ---- internals ----

  private merge(g: NoticeGroup, from: string, n: ServerNotice): void {
    const conv = g.conversation;
    const dropped = new Set(this.d.dropped(conv));
    const mine = this.d.servers(conv);
    const has = (server: string): boolean => mine.some((x) => x.server === server);
    for (const b of n.servers) {
      if (dropped.has(b.server) || has(b.server)) continue;
      if (!this.d.adopt(conv, b)) this.d.log('groups: a member named a server we could not add to the group');
    }
    const move = this.d.move(conv);
    // The sender leads a move: follow it (drop `from`; `to` came with its servers).
    if (n.move !== undefined && move === null) {
      const to = this.d.servers(conv).find((x) => x.server === n.move!.to && x.state === 'active');
      if (to !== undefined) this.d.retire(conv, n.move.from);
    }
    for (const server of n.dropped) {
      if (move !== null && server === move.from) {
        // A member dropped the server we move from: its confirmation.
        const waiting = move.waiting.filter((m) => m !== from);
        if (waiting.length !== move.waiting.length) {
          this.d.setMove(conv, { ...move, waiting });
          if (waiting.length === 0) this.finishMove(conv);
        }
        continue;
      }
      if (mine.some((x) => x.server === server && x.state === 'active')) this.d.retire(conv, server);
    }
  }

  private finishMove(conv: ConversationId): void {
    const move = this.d.move(conv);
    if (move === null) return;
    this.d.setMove(conv, null);
    this.d.retire(conv, move.from);
  }

  /** Whether the sender's notice lacks a server we have or one we dropped. */
  private lacks(g: NoticeGroup, n: ServerNotice): boolean {
    const theirs = new Set([...n.servers.map((b) => b.server), ...n.dropped]);
    const theirDropped = new Set(n.dropped);
    if (this.d.servers(g.conversation).some((x) => x.state === 'active' && !theirs.has(x.server))) return true;
    if (this.d.dropped(g.conversation).some((x) => !theirDropped.has(x))) return true;
    return this.d.move(g.conversation) !== null && n.move === undefined;
  }

  private isWaitingFor(g: NoticeGroup, onion: string): boolean {
    return this.d.move(g.conversation)?.waiting.includes(onion) ?? false;
  }

  /** Our view as a string (what changes it changes this). */
  private view(g: NoticeGroup): string {
    const servers = this.d.servers(g.conversation).map((x) => `${x.server}:${x.state}`);
    const move = this.d.move(g.conversation);
    return JSON.stringify([servers, this.d.dropped(g.conversation), move]);
  }

  private notice(g: NoticeGroup): ServerNotice | null {
    const servers: ServerBundle[] = [];
    for (const x of this.d.servers(g.conversation)) {
      if (x.state !== 'active') continue;
      const b = this.d.bundle(x.server);
      if (b !== null) servers.push(b);
    }
    if (servers.length === 0) return null;
    const move = this.d.move(g.conversation);
    return { servers, dropped: this.d.dropped(g.conversation), ...(move !== null ? { move: { from: move.from, to: move.to } } : {}) };
  }

  /** Sends our view unless it is only the invite's server (and not `always`), or this session had it already. */
  private sendIfNew(s: PeerSession, g: NoticeGroup, always: boolean): void {
    const servers = this.d.servers(g.conversation);
    const trivial = servers.length === 1 && servers[0]!.server === g.server && this.d.dropped(g.conversation).length === 0 && this.d.move(g.conversation) === null;
    if (trivial && !always) return;
    const view = this.view(g);
    let m = this.sent.get(s);
    if (m === undefined) this.sent.set(s, (m = new Map()));
    if (m.get(g.conversation) === view) return;
    const n = this.notice(g);
    if (n === null) return;
    const data = sealServerNotice(this.d.backend, this.d.random, serverNoticeKey(g.key), n);
    if (!s.sendMessage(newMessageId(this.d.random), { overlay: OVERLAY_GROUP_SERVERS, data }).ok) return;
    m.set(g.conversation, view);
    this.stats.sent++;
  }

  private session(onion: string): PeerSession | null {
    const s = this.d.session(onion);
    // Only a peer that said it speaks the extension: a Cwtch app would show our overlay as a malformed message.
    return s !== null && s.framing === 2 && s.extensions.has(EXTENSION_GROUP_SERVERS) && this.d.isApproved(onion) ? s : null;
  }

  private keys(): { group: NoticeGroup; noticeKey: Uint8Array }[] {
    const list = this.d.groups();
    if (this.keyCache === null || this.keyCache.list !== list) this.keyCache = { list, keys: list.map((group) => ({ group, noticeKey: serverNoticeKey(group.key) })) };
    return this.keyCache.keys;
  }
}

/** The stored form of a group's dropped servers and of a move (settings; see ProfileGroups). */
export function encodeJsonSetting(v: unknown): Uint8Array {
  return utf8(JSON.stringify(v));
}

/** A stored dropped list; anything unreadable reads as empty. */
export function decodeDropped(raw: Uint8Array | null): string[] {
  if (raw === null) return [];
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(raw));
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** A stored move; anything unreadable reads as none. */
export function decodeMove(raw: Uint8Array | null): MoveState | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(new TextDecoder().decode(raw)) as Partial<MoveState>;
    if (typeof v.from !== 'string' || typeof v.to !== 'string' || !Array.isArray(v.waiting)) return null;
    return { from: v.from, to: v.to, waiting: v.waiting.filter((x): x is string => typeof x === 'string') };
  } catch {
    return null;
  }
}

// What the rooms of one profile's groups share (groups.ts composes them): the profile, the timelines rebuilt from
// rows, the keys per server, the settings a group keeps beside its row, and the `group` event. The rooms
// (group-receive, group-sync, group-create, group-mirror, group-leave) import this, never each other backwards.

import type { EngineEvent } from '../../core/api/events.js';
import { utf8 } from '../../core/bytes.js';
import type { Identity } from '../../core/crypto/identity.js';
import type { OnionAddress } from '../../core/crypto/onion.js';
import { CwtchError, UsageError } from '../../core/errors.js';
import { decodeServerBundleJson } from '../../core/groups/bundle.js';
import type { GroupKeyInfo } from '../../core/groups/group-message.js';
import { inviteCreated, isGroupId, tofuBundleString, type GroupId } from '../../core/groups/invite.js';
import { GroupTimeline } from '../../core/groups/timeline.js';
import type { PeerSession } from '../../core/peer/peer-app.js';
import type { ConversationId, Group, ProfileDb } from '../../profile/profile-db.js';
import { withId, type RuntimeDeps } from './deps.js';
import { decodeDropped, decodeMove, type MoveState } from './group-servers.js';

export type Emit = (e: EngineEvent) => void;
/** What brought a message: a server (by its onion) or a member's repair reply. */
export type Via = { readonly server: string } | { readonly peer: string };
/** The profile's peer connections, as the groups use them (repair, group-servers notices). */
export interface GroupPeers {
  session(onion: string): PeerSession | null;
  isApproved(onion: string): boolean;
}

/** Secret setting key: a signed post not yet echoed by its server (value: the EGM JSON). */
export const PENDING_POST_PREFIX = 'groups.post.';
/** Setting key: this group was forked (value: the new group's id, UTF-8); it is read-only. */
export const FORKED_PREFIX = 'groups.forked.';
/** Setting key: the servers this group left or is leaving (JSON array of onions; grows only, see group-servers.ts). */
export const DROPPED_PREFIX = 'groups.dropped.';
/** Setting key: a move of this group that we lead (JSON MoveState). */
export const MOVE_PREFIX = 'groups.move.';

export class GroupsContext {
  private readonly timelines = new Map<ConversationId, GroupTimeline>();
  private readonly keys = new Map<string, GroupKeyInfo[]>();
  lowBandwidth = false;
  closing = false;

  constructor(
    readonly deps: RuntimeDeps,
    readonly db: ProfileDb,
    readonly identity: Identity,
    readonly emit: Emit,
  ) {}

  /** The groups or their servers changed: the keys per server are worked out again when next needed. */
  forgetKeys(): void {
    this.keys.clear();
  }

  /** A group left: its timeline goes too. */
  forgetTimeline(conv: ConversationId): void {
    this.timelines.delete(conv);
  }

  group(groupId: string): Group {
    const g = isGroupId(groupId) ? this.db.findGroup(groupId) : null;
    if (g === null) throw new UsageError('group.unknown', 'no such group');
    return g;
  }

  keyInfo(g: Group): GroupKeyInfo {
    return { groupId: g.groupId as GroupId, key: g.groupKey, server: g.server as OnionAddress };
  }

  /** The keys of every group on `server` (its invite's server or a mirror): what a message from it may open with. */
  keyInfos(server: string): GroupKeyInfo[] {
    let k = this.keys.get(server);
    if (k === undefined) {
      const on = new Set(this.db.groupServers().filter((x) => x.server === server).map((x) => x.conversation));
      this.keys.set(server, (k = this.db.listGroups().filter((g) => on.has(g.conversation)).map((g) => this.keyInfo(g))));
    }
    return k;
  }

  timeline(g: Group): GroupTimeline {
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

  forkedTo(g: Group): string | null {
    const v = this.db.getSetting(FORKED_PREFIX + g.groupId);
    return v === null ? null : new TextDecoder().decode(v);
  }

  dropped(conv: ConversationId): string[] {
    const g = this.db.getGroup(conv);
    return g === null ? [] : decodeDropped(this.db.getSetting(DROPPED_PREFIX + g.groupId));
  }

  moveOf(conv: ConversationId): MoveState | null {
    const g = this.db.getGroup(conv);
    return g === null ? null : decodeMove(this.db.getSetting(MOVE_PREFIX + g.groupId));
  }

  activeServers(g: Group): string[] {
    return this.db.groupServers(g.conversation).filter((x) => x.state === 'active').map((x) => x.server);
  }

  serversInUse(): string[] {
    return [...new Set(this.db.groupServers().map((x) => x.server))];
  }

  /** Members we know of (they posted), without us. */
  members(conv: ConversationId): string[] {
    return this.db.groupSenders(conv).filter((m) => m !== this.identity.onion);
  }

  inviteFor(g: Group): string {
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

  /** The group's event, answering command `id` when given. */
  announce(g: Group, id?: string): void {
    this.emit({ ...withId(id), ...this.groupEvent(g) });
  }

  groupEvent(g: Group): Extract<EngineEvent, { event: 'group' }> {
    const forkedTo = this.forkedTo(g);
    const muted = this.db.getConversation(g.conversation)?.muted === true;
    const servers = this.db.groupServers(g.conversation).map((x) => ({ server: x.server, state: x.state }));
    const move = this.moveOf(g.conversation);
    return {
      event: 'group',
      groupId: g.groupId,
      position: Number(g.conversation),
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

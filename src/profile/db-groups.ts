// Groups: the group row beside its conversation (id, key, invite server, creation time), the servers it lives on
// (docs/protocol.md §12.6) with each one's last commit, and the gaps in its timeline.

import { blob, bytes, type DbCore, type Row } from './db-core.js';
import type { Authorization, ConversationId } from './db-conversations.js';
import type { GroupPosts } from './db-group-posts.js';
import type { Settings } from './db-settings.js';

export interface Group {
  readonly conversation: ConversationId;
  readonly groupId: string;
  readonly groupKey: Uint8Array;
  readonly server: string;
  /** The name from the invite (what our own invites carry). */
  readonly name: string;
  /** The user's rename, shown instead of `name`; never sent. */
  readonly localName: string | null;
  /** When the group was created (ms; from its invite, or ours), rounded down; null when the invite did not say (Go's). */
  readonly createdAt: number | null;
}

/** 'active': synced and posted to. 'leaving': synced once more (for what it holds that we lack), then removed. */
export type GroupServerState = 'active' | 'leaving';

/** One server a group lives on (docs/protocol.md §12.6): the invite's server, a mirror, or where it moved. */
export interface GroupServer {
  readonly conversation: ConversationId;
  readonly server: string;
  readonly state: GroupServerState;
  /** The last signature seen from this server: the `LastCommit` of its next ReplayRequest (docs/protocol.md §7.5). */
  readonly lastSeenSignature: Uint8Array | null;
  readonly addedAt: number;
  /** When a replay from this server last finished (ms, our clock): we hold everything it had then. */
  readonly syncedAt: number | null;
}

export interface Gap {
  readonly id: number;
  readonly group: ConversationId;
  readonly beforeSignature: Uint8Array | null;
  readonly afterSignature: Uint8Array;
  readonly firstSeen: number;
  readonly closed: boolean;
}

function toGroup(r: Row): Group {
  return {
    conversation: r.conversation as ConversationId,
    groupId: r.group_id as string,
    groupKey: bytes(r.group_key)!,
    server: r.server as string,
    name: r.name as string,
    localName: (r.local_name as string | null) ?? null,
    createdAt: (r.created_at as number | null) ?? null,
  };
}

function toGroupServer(r: Row): GroupServer {
  return {
    conversation: r.group_conversation as ConversationId,
    server: r.server as string,
    state: r.state as GroupServerState,
    lastSeenSignature: bytes(r.last_seen_sig),
    addedAt: r.added_at as number,
    syncedAt: (r.synced_at as number | null) ?? null,
  };
}

function toGap(r: Row): Gap {
  return {
    id: r.id as number,
    group: r.group_conversation as ConversationId,
    beforeSignature: bytes(r.before_sig),
    afterSignature: bytes(r.after_sig)!,
    firstSeen: r.first_seen as number,
    closed: r.closed === 1,
  };
}

const GROUP_SELECT = 'SELECT g.*, c.name, c.local_name FROM groups g JOIN conversations c ON c.id = g.conversation';

export class Groups {
  constructor(
    private readonly core: DbCore,
    private readonly settings: Settings,
    private readonly posts: GroupPosts,
  ) {}

  /** Creates the group's conversation and group row together. */
  add(g: {
    groupId: string;
    groupKey: Uint8Array;
    server: string;
    name: string;
    authorization?: Authorization;
    lastSeenSignature?: Uint8Array | null;
    createdAt?: number | null;
  }): Group {
    return this.core.write(() => {
      const info = this.core
        .prepare("INSERT INTO conversations (kind, handle, name, authorization) VALUES ('group', ?, ?, ?)")
        .run(g.groupId, g.name, g.authorization ?? 'approved');
      const conv = Number(info.lastInsertRowid);
      this.core
        .prepare('INSERT INTO groups (conversation, group_id, group_key, server, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(conv, g.groupId, blob(g.groupKey), g.server, g.createdAt ?? null);
      this.core.prepare('INSERT INTO group_servers (group_conversation, server, last_seen_sig) VALUES (?, ?, ?)').run(conv, g.server, blob(g.lastSeenSignature));
      return this.row('g.conversation = ?', conv)!;
    });
  }

  private row(where: string, arg: unknown): Group | null {
    const r = this.core.prepare(`${GROUP_SELECT} WHERE ${where}`).get(arg) as Row | undefined;
    return r ? toGroup(r) : null;
  }

  get(conversation: ConversationId): Group | null {
    return this.core.read(() => this.row('g.conversation = ?', conversation));
  }

  find(groupId: string): Group | null {
    return this.core.read(() => this.row('g.group_id = ?', groupId));
  }

  list(): Group[] {
    return this.core.read(() => (this.core.prepare(`${GROUP_SELECT} ORDER BY g.conversation`).all() as Row[]).map(toGroup));
  }

  /**
   * Leave a group: its conversation, key, messages, outbox entries, gaps and last-seen signature (ON DELETE
   * CASCADE), and the secret settings named in `settingKeys` (its posts not yet echoed), in one transaction.
   * With `pendingPostPrefix`, the same commit then sweeps orphaned pending posts (GroupPosts.deleteOrphans; the
   * group's outbox rows are gone by then, so its pending posts go too, whether or not the caller could name them).
   * The server row and its tokens stay. Returns false when there was no such group.
   */
  delete(conversation: ConversationId, settingKeys: readonly string[] = [], opts: { pendingPostPrefix?: string } = {}): boolean {
    return this.core.write(() => {
      const gone = this.core.prepare("DELETE FROM conversations WHERE id = ? AND kind = 'group'").run(conversation).changes > 0;
      if (gone) {
        this.settings.deleteInTx(settingKeys);
        if (opts.pendingPostPrefix !== undefined) this.posts.sweepInTx(opts.pendingPostPrefix);
      }
      return gone;
    });
  }

  // ---- the servers of a group (docs/protocol.md §12.6) ----

  /** The servers of one group, or of every group; in the order they were added. */
  servers(conversation?: ConversationId): GroupServer[] {
    return this.core.read(() => {
      const sql = 'SELECT * FROM group_servers' + (conversation === undefined ? '' : ' WHERE group_conversation = ?') + ' ORDER BY group_conversation, added_at, server';
      const st = this.core.prepare(sql);
      return ((conversation === undefined ? st.all() : st.all(conversation)) as Row[]).map(toGroupServer);
    });
  }

  /** Adds a server to a group (or makes a leaving one active again). Returns false when it was active already. */
  addServer(conversation: ConversationId, server: string, addedAt: number, lastSeenSignature: Uint8Array | null = null): boolean {
    return this.core.write(() => {
      const r = this.core.prepare('SELECT state FROM group_servers WHERE group_conversation = ? AND server = ?').get(conversation, server) as Row | undefined;
      if (r?.state === 'active') return false;
      if (r !== undefined) this.core.prepare("UPDATE group_servers SET state = 'active' WHERE group_conversation = ? AND server = ?").run(conversation, server);
      else this.core.prepare('INSERT INTO group_servers (group_conversation, server, last_seen_sig, added_at) VALUES (?, ?, ?, ?)').run(conversation, server, blob(lastSeenSignature), addedAt);
      return true;
    });
  }

  /**
   * A server stops taking this group's posts and is synced once more before it goes: its waiting posts are no
   * longer its to take (their settings go when no other server waits for them).
   */
  setServerLeaving(conversation: ConversationId, server: string, pendingPostPrefix: string): void {
    this.core.write(() => {
      this.core.prepare("UPDATE group_servers SET state = 'leaving' WHERE group_conversation = ? AND server = ?").run(conversation, server);
      this.posts.dropTargetsInTx(conversation, server, pendingPostPrefix);
    });
  }

  /** Removes a server from a group, with the posts it still waited for (their settings when no other server waits). */
  removeServer(conversation: ConversationId, server: string, pendingPostPrefix: string): void {
    this.core.write(() => {
      this.core.prepare('DELETE FROM group_servers WHERE group_conversation = ? AND server = ?').run(conversation, server);
      this.posts.dropTargetsInTx(conversation, server, pendingPostPrefix);
    });
  }

  /** The last signature seen from `server`, for every group on it: the `LastCommit` of its next ReplayRequest. */
  setServerCommit(server: string, signature: Uint8Array): void {
    this.core.write(() => this.core.prepare('UPDATE group_servers SET last_seen_sig = ? WHERE server = ?').run(blob(signature), server));
  }

  /** A replay from `server` finished at `at` (ms) for every group on it: later syncs need only what came since. */
  setServerSyncedAt(server: string, at: number): void {
    this.core.write(() => this.core.prepare('UPDATE group_servers SET synced_at = ? WHERE server = ?').run(at, server));
  }

  // ---- gaps in a group's timeline ----

  addGap(g: { group: ConversationId; beforeSignature: Uint8Array | null; afterSignature: Uint8Array; firstSeen: number }): number {
    return this.core.write(() =>
      Number(
        this.core
          .prepare('INSERT INTO gaps (group_conversation, before_sig, after_sig, first_seen) VALUES (?, ?, ?, ?)')
          .run(g.group, blob(g.beforeSignature), blob(g.afterSignature), g.firstSeen).lastInsertRowid,
      ),
    );
  }

  gaps(group: ConversationId, opts: { includeClosed?: boolean } = {}): Gap[] {
    const sql = `SELECT * FROM gaps WHERE group_conversation = ?${opts.includeClosed ? '' : ' AND closed = 0'} ORDER BY id`;
    return this.core.read(() => (this.core.prepare(sql).all(group) as Row[]).map(toGap));
  }

  closeGap(id: number): void {
    this.core.write(() => this.core.prepare('UPDATE gaps SET closed = 1 WHERE id = ?').run(id));
  }
}

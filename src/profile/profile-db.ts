// Typed data access over an open, migrated profile database.
//
// Durability rules (each is a test in test/profile/):
//  1. A received message counts only once its row is committed: `insertMessage` returns after COMMIT (WAL,
//     synchronous=FULL), and only then may the caller acknowledge it to the peer.
//  2. `markAck` commits before it returns, so the UI never shows "acknowledged" for something a crash forgets.
//  3. A message we send is in the outbox before it goes on the wire: `queueOutgoing` commits the message row and
//     its outbox row in one transaction; the sender reads `outboxDue` and removes an entry only once it is acked.
// Every write maps a disk-full or I/O failure to a StorageError ('profile.disk-full', …) and leaves the
// transaction rolled back.

import { StorageError } from '../core/errors.js';
import { MAX_MESSAGES_PAGE } from '../core/limits.js';
import type { Db } from './sqlcipher.js';
import { toStorageError } from './sqlcipher.js';

declare const conversationBrand: unique symbol;
/** Row id of a conversation in this profile's db; not meaningful anywhere else. */
export type ConversationId = number & { readonly [conversationBrand]: true };
declare const messageBrand: unique symbol;
/** Row id of a message in this profile's db (ascending = order of arrival). */
export type MessageId = number & { readonly [messageBrand]: true };

export type ConversationKind = 'contact' | 'group';
export type Authorization = 'unknown' | 'approved' | 'blocked';
export type Direction = 'in' | 'out';
export type AckState = 'pending' | 'sent' | 'acknowledged' | 'failed';

export interface Identity {
  readonly ed25519Seed: Uint8Array;
  readonly onion: string;
}

export interface Conversation {
  readonly id: ConversationId;
  readonly kind: ConversationKind;
  /** Peer onion for contacts, group id for groups. */
  readonly handle: string;
  /** The name the peer announced (contacts) or the invite carried (groups). */
  readonly name: string;
  /** The user's own name for it (rename), shown instead of `name`; null when never renamed. */
  readonly localName: string | null;
  readonly authorization: Authorization;
  readonly lastActivity: number;
  readonly unread: number;
  /** When the user marked this contact verified (the verification code matched); null: never, or taken back. */
  readonly verifiedAt: number | null;
  /** The user muted it: its new messages are counted apart and never announced. */
  readonly muted: boolean;
}

export interface NewMessage {
  readonly conversation: ConversationId;
  readonly direction: Direction;
  readonly sender: string;
  readonly body: string;
  /** Sender's clock, when the protocol carries one. */
  readonly sentAt?: number | null;
  readonly receivedAt: number;
  /** The protocol message id (peer messages) used for de-duplication and acks. */
  readonly protocolId?: string | null;
  readonly ack?: AckState;
  readonly groupSignature?: Uint8Array | null;
  readonly previousSignature?: Uint8Array | null;
  /** A group message's EGM ciphertext (with its signature, the original signed message a repairer hands on). */
  readonly groupCiphertext?: Uint8Array | null;
}

export interface Message {
  readonly id: MessageId;
  readonly conversation: ConversationId;
  readonly direction: Direction;
  readonly sender: string;
  readonly body: string;
  readonly sentAt: number | null;
  readonly receivedAt: number;
  readonly protocolId: string | null;
  readonly ack: AckState;
  readonly ackReason: string | null;
  readonly groupSignature: Uint8Array | null;
  readonly previousSignature: Uint8Array | null;
}

export interface InsertResult {
  readonly id: MessageId;
  /** False when the (conversation, protocol id) or (conversation, group signature) was already stored. */
  readonly isNew: boolean;
}

export interface OutboxEntry {
  readonly message: Message;
  readonly attempts: number;
  readonly nextAttemptAt: number;
}

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

export interface Server {
  readonly onion: string;
  /** The signed key bundle JSON as imported. */
  readonly bundle: string;
  readonly keyBulletinBoard: string;
  readonly keyTokenService: string;
  readonly keyPrivacyPass: string;
  readonly importedAt: number;
}

export interface Token {
  readonly id: number;
  readonly server: string;
  readonly token: Uint8Array;
  readonly w: Uint8Array;
}

export interface Gap {
  readonly id: number;
  readonly group: ConversationId;
  readonly beforeSignature: Uint8Array | null;
  readonly afterSignature: Uint8Array;
  readonly firstSeen: number;
  readonly closed: boolean;
}

type Row = Record<string, unknown>;

const bytes = (v: unknown): Uint8Array | null => (v == null ? null : new Uint8Array(v as Uint8Array));
const blob = (b: Uint8Array | null | undefined): Buffer | null => (b == null ? null : Buffer.from(b));

function toConversation(r: Row): Conversation {
  return {
    id: r.id as ConversationId,
    kind: r.kind as ConversationKind,
    handle: r.handle as string,
    name: r.name as string,
    localName: (r.local_name as string | null) ?? null,
    authorization: r.authorization as Authorization,
    lastActivity: r.last_activity as number,
    unread: r.unread as number,
    verifiedAt: (r.verified_at as number | null) ?? null,
    muted: r.muted === 1,
  };
}

function toMessage(r: Row): Message {
  return {
    id: r.id as MessageId,
    conversation: r.conversation as ConversationId,
    direction: r.direction as Direction,
    sender: r.sender as string,
    body: r.body as string,
    sentAt: (r.sent_at as number | null) ?? null,
    receivedAt: r.received_at as number,
    protocolId: (r.protocol_id as string | null) ?? null,
    ack: r.ack as AckState,
    ackReason: (r.ack_reason as string | null) ?? null,
    groupSignature: bytes(r.group_sig),
    previousSignature: bytes(r.prev_sig),
  };
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

function toServer(r: Row): Server {
  return {
    onion: r.onion as string,
    bundle: r.bundle as string,
    keyBulletinBoard: r.key_bulletin_board as string,
    keyTokenService: r.key_token_service as string,
    keyPrivacyPass: r.key_privacy_pass as string,
    importedAt: r.imported_at as number,
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

/** A pending-post setting (`@prefix` + hex signature) whose signature no server still waits for (no post_targets row). */
const PENDING_POST_ORPHAN = `substr(key, 1, length(@prefix)) = @prefix AND substr(key, length(@prefix) + 1) NOT IN
  (SELECT lower(hex(m.group_sig)) FROM post_targets t CROSS JOIN messages m ON m.id = t.message WHERE m.group_sig IS NOT NULL)`;

const MESSAGE_COLUMNS =
  'm.id, m.conversation, m.direction, m.sender, m.body, m.sent_at, m.received_at, m.protocol_id, m.ack, m.ack_reason, m.group_sig, m.prev_sig';

export class ProfileDb {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one transaction; any SQLite failure becomes a StorageError and the transaction rolls back. */
  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      throw toStorageError(e, 'profile.write-failed');
    }
  }

  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw toStorageError(e, 'profile.read-failed');
    }
  }

  // ---- identity and attributes ----

  identity(): Identity | null {
    const r = this.read(() => this.db.prepare('SELECT ed25519_seed, onion FROM identity WHERE id = 1').get() as Row | undefined);
    return r ? { ed25519Seed: bytes(r.ed25519_seed)!, onion: r.onion as string } : null;
  }

  setIdentity(id: Identity): void {
    this.write(() =>
      this.db.prepare('INSERT OR REPLACE INTO identity (id, ed25519_seed, onion) VALUES (1, ?, ?)').run(blob(id.ed25519Seed), id.onion),
    );
  }

  getAttribute(key: string): string | null {
    const r = this.read(() => this.db.prepare('SELECT value FROM attributes WHERE key = ?').get(key) as Row | undefined);
    return r ? (r.value as string) : null;
  }

  setAttribute(key: string, value: string): void {
    this.write(() => this.db.prepare('INSERT OR REPLACE INTO attributes (key, value) VALUES (?, ?)').run(key, value));
  }

  attributes(): Map<string, string> {
    const rows = this.read(() => this.db.prepare('SELECT key, value FROM attributes ORDER BY key').all() as Row[]);
    return new Map(rows.map((r) => [r.key as string, r.value as string]));
  }

  // ---- conversations ----

  createConversation(c: { kind: ConversationKind; handle: string; name?: string; authorization?: Authorization; lastActivity?: number }): Conversation {
    return this.write(() => {
      const info = this.db
        .prepare('INSERT INTO conversations (kind, handle, name, authorization, last_activity) VALUES (?, ?, ?, ?, ?)')
        .run(c.kind, c.handle, c.name ?? '', c.authorization ?? 'unknown', c.lastActivity ?? 0);
      return this.getConversationRow(Number(info.lastInsertRowid) as ConversationId)!;
    });
  }

  private getConversationRow(id: ConversationId): Conversation | null {
    const r = this.db.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined;
    return r ? toConversation(r) : null;
  }

  getConversation(id: ConversationId): Conversation | null {
    return this.read(() => this.getConversationRow(id));
  }

  findConversation(handle: string): Conversation | null {
    const r = this.read(() => this.db.prepare('SELECT * FROM conversations WHERE handle = ?').get(handle) as Row | undefined);
    return r ? toConversation(r) : null;
  }

  /** Most recently active first. */
  listConversations(): Conversation[] {
    return this.read(() => (this.db.prepare('SELECT * FROM conversations ORDER BY last_activity DESC, id').all() as Row[]).map(toConversation));
  }

  updateConversation(id: ConversationId, patch: { name?: string; authorization?: Authorization }): void {
    this.write(() => {
      if (patch.name !== undefined) this.db.prepare('UPDATE conversations SET name = ? WHERE id = ?').run(patch.name, id);
      if (patch.authorization !== undefined) this.db.prepare('UPDATE conversations SET authorization = ? WHERE id = ?').run(patch.authorization, id);
    });
  }

  /** The user's local name for a conversation (null: back to the announced one). */
  setLocalName(id: ConversationId, name: string | null): void {
    this.write(() => this.db.prepare('UPDATE conversations SET local_name = ? WHERE id = ?').run(name, id));
  }

  setMuted(id: ConversationId, on: boolean): void {
    this.write(() => this.db.prepare('UPDATE conversations SET muted = ? WHERE id = ?').run(on ? 1 : 0, id));
  }

  /** Mark a contact verified at `at` (ms), or not (null). */
  setVerified(id: ConversationId, at: number | null): void {
    this.write(() => this.db.prepare('UPDATE conversations SET verified_at = ? WHERE id = ?').run(at, id));
  }

  markRead(id: ConversationId): void {
    this.write(() => this.db.prepare('UPDATE conversations SET unread = 0 WHERE id = ?').run(id));
  }

  /** Deletes the conversation with its messages, outbox entries, group row and gaps (ON DELETE CASCADE). */
  deleteConversation(id: ConversationId): void {
    this.write(() => this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id));
  }

  // ---- messages ----

  private insertMessageRow(m: NewMessage): InsertResult {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO messages
           (conversation, direction, sender, body, sent_at, received_at, protocol_id, ack, group_sig, prev_sig, group_ct)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.conversation,
        m.direction,
        m.sender,
        m.body,
        m.sentAt ?? null,
        m.receivedAt,
        m.protocolId ?? null,
        m.ack ?? (m.direction === 'in' ? 'acknowledged' : 'pending'),
        blob(m.groupSignature),
        blob(m.previousSignature),
        blob(m.groupCiphertext),
      );
    if (info.changes === 0) {
      const existing = this.db
        .prepare('SELECT id FROM messages WHERE conversation = ? AND (protocol_id = ? OR group_sig = ?)')
        .get(m.conversation, m.protocolId ?? null, blob(m.groupSignature)) as Row | undefined;
      if (!existing) throw new StorageError('profile.constraint', 'message was refused');
      return { id: existing.id as MessageId, isNew: false };
    }
    this.db
      .prepare(
        `UPDATE conversations SET last_activity = max(last_activity, ?), unread = unread + ? WHERE id = ?`,
      )
      .run(m.receivedAt, m.direction === 'in' ? 1 : 0, m.conversation);
    return { id: Number(info.lastInsertRowid) as MessageId, isNew: true };
  }

  /**
   * Stores a message and bumps the conversation's activity (and unread count for incoming). Returns after the
   * commit; `isNew` false means a duplicate (same protocol id or group signature) and nothing changed.
   * Acknowledge a received message only after this returns.
   */
  insertMessage(m: NewMessage): InsertResult {
    return this.write(() => this.insertMessageRow(m));
  }

  /**
   * Stores an outgoing message and its outbox entry in one transaction, before anything goes on the wire.
   */
  queueOutgoing(m: Omit<NewMessage, 'direction' | 'ack'>, nextAttemptAt: number): InsertResult {
    return this.write(() => this.queueOutgoingRows(m, nextAttemptAt));
  }

  private queueOutgoingRows(m: Omit<NewMessage, 'direction' | 'ack'>, nextAttemptAt: number): InsertResult {
    const r = this.insertMessageRow({ ...m, direction: 'out', ack: 'pending' });
    if (r.isNew) this.db.prepare('INSERT INTO outbox (message, next_attempt_at) VALUES (?, ?)').run(r.id, nextAttemptAt);
    return r;
  }

  /**
   * A group post: its signed EGM as the secret setting `settingKey` and its message + outbox rows, in one
   * transaction, so a crash leaves both (re-posted after a restart) or neither (no orphan setting).
   */
  queueGroupPost(settingKey: string, settingValue: Uint8Array, m: Omit<NewMessage, 'direction' | 'ack'>, nextAttemptAt: number, servers: readonly string[]): InsertResult {
    return this.write(() => {
      this.putSetting(settingKey, settingValue);
      const r = this.queueOutgoingRows(m, nextAttemptAt);
      if (r.isNew) {
        const st = this.db.prepare('INSERT OR IGNORE INTO post_targets (server, message) VALUES (?, ?)');
        for (const s of servers) st.run(s, r.id);
      }
      return r;
    });
  }

  getMessage(id: MessageId): Message | null {
    const r = this.read(() => this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`).get(id) as Row | undefined);
    return r ? toMessage(r) : null;
  }

  findMessageByProtocolId(conversation: ConversationId, protocolId: string): Message | null {
    const r = this.read(
      () =>
        this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation = ? AND m.protocol_id = ?`).get(conversation, protocolId) as
          | Row
          | undefined,
    );
    return r ? toMessage(r) : null;
  }

  /** Sets the ack state of a message (and clears its outbox entry once acknowledged or failed). Commits first. */
  markAck(id: MessageId, state: AckState, reason?: string): void {
    this.write(() => {
      this.db.prepare('UPDATE messages SET ack = ?, ack_reason = ? WHERE id = ?').run(state, reason ?? null, id);
      if (state === 'acknowledged' || state === 'failed') this.db.prepare('DELETE FROM outbox WHERE message = ?').run(id);
    });
  }

  /**
   * Our own group message came back from `server` (docs/protocol.md §7.5): that server no longer waits for it, the
   * row is acknowledged at the first echo from any server, and its signed EGM (`settingKey`) is deleted once no
   * server waits for it — one transaction. Null when we hold no such message.
   */
  groupPostEchoed(conversation: ConversationId, signature: Uint8Array, server: string | null, settingKey: string): { id: MessageId; firstAck: boolean } | null {
    return this.write(() => {
      const r = this.db.prepare('SELECT id, ack FROM messages WHERE conversation = ? AND group_sig = ?').get(conversation, blob(signature)) as Row | undefined;
      if (!r) return null;
      const firstAck = r.ack !== 'acknowledged';
      if (firstAck) {
        this.db.prepare("UPDATE messages SET ack = 'acknowledged', ack_reason = NULL WHERE id = ?").run(r.id);
        this.db.prepare('DELETE FROM outbox WHERE message = ?').run(r.id);
      }
      // null: not a server's echo (a member's repair reply had it from one): acked, but every server still waits.
      if (server !== null) this.db.prepare('DELETE FROM post_targets WHERE server = ? AND message = ?').run(server, r.id);
      if (this.db.prepare('SELECT 1 FROM post_targets WHERE message = ?').get(r.id) === undefined) this.db.prepare('DELETE FROM settings WHERE key = ?').run(settingKey);
      return { id: r.id as MessageId, firstAck };
    });
  }

  /**
   * Up to `limit` messages of a conversation older than `beforeId` (newest when absent), returned oldest first.
   * Pass the first returned id as the next `beforeId` to page back. Uses the (conversation, id) index.
   */
  messagesPage(conversation: ConversationId, beforeId?: MessageId, limit = 200): Message[] {
    const n = Math.max(0, Math.min(limit, MAX_MESSAGES_PAGE));
    const rows = this.read(
      () =>
        this.db
          .prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`)
          .all(conversation, beforeId ?? Number.MAX_SAFE_INTEGER, n) as Row[],
    );
    return rows.reverse().map(toMessage);
  }

  /** The query plan of `messagesPage`, so a test can prove it walks the index instead of sorting. */
  explainMessagesPage(): string {
    const rows = this.db
      .prepare(`EXPLAIN QUERY PLAN SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`)
      .all(1, 1, 1) as Row[];
    return rows.map((r) => r.detail as string).join('\n');
  }

  // ---- outbox ----

  /** Outgoing messages whose next attempt is due at `now`, earliest first. */
  outboxDue(now: number, limit = 100): OutboxEntry[] {
    const rows = this.read(
      () =>
        this.db
          .prepare(
            `SELECT ${MESSAGE_COLUMNS}, o.attempts, o.next_attempt_at FROM outbox o JOIN messages m ON m.id = o.message
             WHERE o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.message LIMIT ?`,
          )
          .all(now, limit) as Row[],
    );
    return rows.map((r) => ({ message: toMessage(r), attempts: r.attempts as number, nextAttemptAt: r.next_attempt_at as number }));
  }

  /** Records a failed attempt and when to try again. */
  outboxReschedule(id: MessageId, nextAttemptAt: number): void {
    this.write(() => this.db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE message = ?').run(nextAttemptAt, id));
  }

  outboxRemove(id: MessageId): void {
    this.write(() => this.db.prepare('DELETE FROM outbox WHERE message = ?').run(id));
  }

  // ---- groups ----

  /** Creates the group's conversation and group row together. */
  addGroup(g: {
    groupId: string;
    groupKey: Uint8Array;
    server: string;
    name: string;
    authorization?: Authorization;
    lastSeenSignature?: Uint8Array | null;
    createdAt?: number | null;
  }): Group {
    return this.write(() => {
      const info = this.db
        .prepare("INSERT INTO conversations (kind, handle, name, authorization) VALUES ('group', ?, ?, ?)")
        .run(g.groupId, g.name, g.authorization ?? 'approved');
      const conv = Number(info.lastInsertRowid);
      this.db
        .prepare('INSERT INTO groups (conversation, group_id, group_key, server, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(conv, g.groupId, blob(g.groupKey), g.server, g.createdAt ?? null);
      this.db.prepare('INSERT INTO group_servers (group_conversation, server, last_seen_sig) VALUES (?, ?, ?)').run(conv, g.server, blob(g.lastSeenSignature));
      return this.groupRow('g.conversation = ?', conv)!;
    });
  }

  private groupRow(where: string, arg: unknown): Group | null {
    const r = this.db
      .prepare(`SELECT g.*, c.name, c.local_name FROM groups g JOIN conversations c ON c.id = g.conversation WHERE ${where}`)
      .get(arg) as Row | undefined;
    return r ? toGroup(r) : null;
  }

  getGroup(conversation: ConversationId): Group | null {
    return this.read(() => this.groupRow('g.conversation = ?', conversation));
  }

  findGroup(groupId: string): Group | null {
    return this.read(() => this.groupRow('g.group_id = ?', groupId));
  }

  listGroups(): Group[] {
    return this.read(() =>
      (this.db.prepare('SELECT g.*, c.name, c.local_name FROM groups g JOIN conversations c ON c.id = g.conversation ORDER BY g.conversation').all() as Row[]).map(
        toGroup,
      ),
    );
  }

  /**
   * Leave a group: its conversation, key, messages, outbox entries, gaps and last-seen signature (ON DELETE
   * CASCADE), and the secret settings named in `settingKeys` (its posts not yet echoed), in one transaction.
   * With `pendingPostPrefix`, the same commit then runs `deleteOrphanedPendingPosts` (the group's outbox rows are
   * gone by then, so its pending posts go too, whether or not the caller could name them).
   * The server row and its tokens stay. Returns false when there was no such group.
   */
  deleteGroup(conversation: ConversationId, settingKeys: readonly string[] = [], opts: { pendingPostPrefix?: string } = {}): boolean {
    return this.write(() => {
      const gone = this.db.prepare("DELETE FROM conversations WHERE id = ? AND kind = 'group'").run(conversation).changes > 0;
      if (gone) {
        const st = this.db.prepare('DELETE FROM settings WHERE key = ?');
        for (const k of settingKeys) st.run(k);
        if (opts.pendingPostPrefix !== undefined) this.sweepPendingPosts(opts.pendingPostPrefix);
      }
      return gone;
    });
  }

  // ---- the servers of a group (docs/protocol.md §12.6) ----

  /** The servers of one group, or of every group; in the order they were added. */
  groupServers(conversation?: ConversationId): GroupServer[] {
    return this.read(() => {
      const sql = 'SELECT * FROM group_servers' + (conversation === undefined ? '' : ' WHERE group_conversation = ?') + ' ORDER BY group_conversation, added_at, server';
      const st = this.db.prepare(sql);
      return ((conversation === undefined ? st.all() : st.all(conversation)) as Row[]).map(toGroupServer);
    });
  }

  /** Adds a server to a group (or makes a leaving one active again). Returns false when it was active already. */
  addGroupServer(conversation: ConversationId, server: string, addedAt: number, lastSeenSignature: Uint8Array | null = null): boolean {
    return this.write(() => {
      const r = this.db.prepare('SELECT state FROM group_servers WHERE group_conversation = ? AND server = ?').get(conversation, server) as Row | undefined;
      if (r?.state === 'active') return false;
      if (r !== undefined) this.db.prepare("UPDATE group_servers SET state = 'active' WHERE group_conversation = ? AND server = ?").run(conversation, server);
      else this.db.prepare('INSERT INTO group_servers (group_conversation, server, last_seen_sig, added_at) VALUES (?, ?, ?, ?)').run(conversation, server, blob(lastSeenSignature), addedAt);
      return true;
    });
  }

  /**
   * A server stops taking this group's posts and is synced once more before it goes: its waiting posts are no
   * longer its to take (their settings go when no other server waits for them).
   */
  setGroupServerLeaving(conversation: ConversationId, server: string, pendingPostPrefix: string): void {
    this.write(() => {
      this.db.prepare("UPDATE group_servers SET state = 'leaving' WHERE group_conversation = ? AND server = ?").run(conversation, server);
      this.dropTargets(conversation, server, pendingPostPrefix);
    });
  }

  /** Removes a server from a group, with the posts it still waited for (their settings when no other server waits). */
  removeGroupServer(conversation: ConversationId, server: string, pendingPostPrefix: string): void {
    this.write(() => {
      this.db.prepare('DELETE FROM group_servers WHERE group_conversation = ? AND server = ?').run(conversation, server);
      this.dropTargets(conversation, server, pendingPostPrefix);
    });
  }

  private dropTargets(conversation: ConversationId, server: string, pendingPostPrefix: string): void {
    this.db.prepare('DELETE FROM post_targets WHERE server = ? AND message IN (SELECT id FROM messages WHERE conversation = ?)').run(server, conversation);
    this.sweepPendingPosts(pendingPostPrefix);
  }

  /** The last signature seen from `server`, for every group on it: the `LastCommit` of its next ReplayRequest. */
  setServerCommit(server: string, signature: Uint8Array): void {
    this.write(() => this.db.prepare('UPDATE group_servers SET last_seen_sig = ? WHERE server = ?').run(blob(signature), server));
  }

  /** A replay from `server` finished at `at` (ms) for every group on it: later syncs need only what came since. */
  setServerSyncedAt(server: string, at: number): void {
    this.write(() => this.db.prepare('UPDATE group_servers SET synced_at = ? WHERE server = ?').run(at, server));
  }

  /** Our posts `server` still waits for (every group), oldest first. */
  pendingGroupPosts(server: string): { conversation: ConversationId; signature: Uint8Array }[] {
    return this.read(() =>
      (
        this.db
          .prepare('SELECT m.conversation, m.group_sig FROM post_targets t CROSS JOIN messages m ON m.id = t.message WHERE t.server = ? AND m.group_sig IS NOT NULL ORDER BY m.id')
          .all(server) as Row[]
      ).map((r) => ({ conversation: r.conversation as ConversationId, signature: bytes(r.group_sig)! })),
    );
  }

  /** How many posts `server` still waits for (pendingGroupPosts' count, without reading the rows). */
  pendingGroupPostCount(server: string): number {
    return (this.read(() => this.db.prepare('SELECT count(*) AS n FROM post_targets WHERE server = ?').get(server)) as Row).n as number;
  }

  /** Whether `server` still waits for the post with this signature. */
  isGroupPostPending(server: string, signature: Uint8Array): boolean {
    return this.read(
      () => this.db.prepare('SELECT 1 FROM post_targets t CROSS JOIN messages m ON m.id = t.message WHERE t.server = ? AND m.group_sig = ?').get(server, blob(signature)) !== undefined,
    );
  }

  /**
   * For a member repairing a gap: the original EGMs of a group's chain, walking back from `from` by each message's
   * PreviousMessageSig, until a signature in `stop`, a message we lack (or hold without its ciphertext), `max`
   * messages or `maxBytes` of ciphertext. Newest first.
   */
  groupChainBack(conversation: ConversationId, from: Uint8Array, stop: ReadonlySet<string>, max: number, maxBytes: number): { signature: Uint8Array; ciphertext: Uint8Array }[] {
    return this.read(() => {
      const st = this.db.prepare('SELECT group_sig, prev_sig, group_ct FROM messages WHERE conversation = ? AND group_sig = ?');
      const out: { signature: Uint8Array; ciphertext: Uint8Array }[] = [];
      let bytesSoFar = 0;
      let at: Uint8Array | null = from;
      const seen = new Set<string>();
      while (at !== null && out.length < max) {
        const key = Buffer.from(at).toString('hex');
        if (stop.has(key) || seen.has(key)) break;
        seen.add(key);
        const r = st.get(conversation, blob(at)) as Row | undefined;
        const ct = r === undefined ? null : bytes(r.group_ct);
        if (r === undefined || ct === null || bytesSoFar + ct.length > maxBytes) break;
        bytesSoFar += ct.length;
        out.push({ signature: bytes(r.group_sig)!, ciphertext: ct });
        at = bytes(r.prev_sig);
      }
      return out;
    });
  }

  /** Stores a group message's EGM ciphertext where its row has none yet (rows older than schema v4). */
  fillGroupCiphertext(conversation: ConversationId, signature: Uint8Array, ciphertext: Uint8Array): void {
    this.write(() => this.db.prepare('UPDATE messages SET group_ct = ? WHERE conversation = ? AND group_sig = ? AND group_ct IS NULL').run(blob(ciphertext), conversation, blob(signature)));
  }

  /** The distinct senders of a group's messages (the members we know of). */
  groupSenders(conversation: ConversationId): string[] {
    return this.read(() => (this.db.prepare('SELECT DISTINCT sender FROM messages WHERE conversation = ? AND group_sig IS NOT NULL').all(conversation) as Row[]).map((r) => r.sender as string));
  }

  /** Every message of a group that has a signature (what the group timeline is rebuilt from), in arrival order. */
  groupTimelineRows(conversation: ConversationId): { signature: Uint8Array; previousSignature: Uint8Array | null; sender: string; sentAt: number | null; receivedAt: number }[] {
    const rows = this.read(
      () =>
        this.db
          .prepare('SELECT group_sig, prev_sig, sender, sent_at, received_at FROM messages WHERE conversation = ? AND group_sig IS NOT NULL ORDER BY id')
          .all(conversation) as Row[],
    );
    return rows.map((r) => ({
      signature: bytes(r.group_sig)!,
      previousSignature: bytes(r.prev_sig),
      sender: r.sender as string,
      sentAt: (r.sent_at as number | null) ?? null,
      receivedAt: r.received_at as number,
    }));
  }

  // ---- servers (TOFU) ----

  /**
   * Stores an imported server. Trust on first use (docs/protocol.md §7.1): a server already known with different
   * keys is refused with 'profile.server-keys-changed'; the same keys again is a no-op returning false.
   */
  importServer(s: Server): boolean {
    return this.write(() => {
      const r = this.db.prepare('SELECT * FROM servers WHERE onion = ?').get(s.onion) as Row | undefined;
      if (r) {
        const old = toServer(r);
        if (old.keyBulletinBoard !== s.keyBulletinBoard || old.keyTokenService !== s.keyTokenService || old.keyPrivacyPass !== s.keyPrivacyPass) {
          throw new StorageError('profile.server-keys-changed', 'this server was imported before with different keys');
        }
        return false;
      }
      this.db
        .prepare('INSERT INTO servers (onion, bundle, key_bulletin_board, key_token_service, key_privacy_pass, imported_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(s.onion, s.bundle, s.keyBulletinBoard, s.keyTokenService, s.keyPrivacyPass, s.importedAt);
      return true;
    });
  }

  getServer(onion: string): Server | null {
    const r = this.read(() => this.db.prepare('SELECT * FROM servers WHERE onion = ?').get(onion) as Row | undefined);
    return r ? toServer(r) : null;
  }

  listServers(): Server[] {
    return this.read(() => (this.db.prepare('SELECT * FROM servers ORDER BY onion').all() as Row[]).map(toServer));
  }

  /** Deletes the server and its tokens. */
  deleteServer(onion: string): void {
    this.write(() => this.db.prepare('DELETE FROM servers WHERE onion = ?').run(onion));
  }

  // ---- tokens ----

  addTokens(server: string, tokens: readonly { token: Uint8Array; w: Uint8Array }[]): void {
    this.write(() => {
      const st = this.db.prepare('INSERT INTO tokens (server, token, w) VALUES (?, ?, ?)');
      for (const t of tokens) st.run(server, blob(t.token), blob(t.w));
    });
  }

  /**
   * Takes one unspent token and marks it spent in the same commit, before it is shown to the server, so a crash
   * can waste a token but never spend one twice.
   */
  takeToken(server: string): Token | null {
    return this.write(() => {
      const r = this.db.prepare('SELECT * FROM tokens WHERE server = ? AND spent = 0 ORDER BY id LIMIT 1').get(server) as Row | undefined;
      if (!r) return null;
      this.db.prepare('UPDATE tokens SET spent = 1 WHERE id = ?').run(r.id);
      return { id: r.id as number, server: r.server as string, token: bytes(r.token)!, w: bytes(r.w)! };
    });
  }

  unspentTokens(server: string): number {
    return this.read(() => (this.db.prepare('SELECT count(*) AS n FROM tokens WHERE server = ? AND spent = 0').get(server) as Row).n as number);
  }

  // ---- gaps ----

  addGap(g: { group: ConversationId; beforeSignature: Uint8Array | null; afterSignature: Uint8Array; firstSeen: number }): number {
    return this.write(() =>
      Number(
        this.db
          .prepare('INSERT INTO gaps (group_conversation, before_sig, after_sig, first_seen) VALUES (?, ?, ?, ?)')
          .run(g.group, blob(g.beforeSignature), blob(g.afterSignature), g.firstSeen).lastInsertRowid,
      ),
    );
  }

  gaps(group: ConversationId, opts: { includeClosed?: boolean } = {}): Gap[] {
    const sql = `SELECT * FROM gaps WHERE group_conversation = ?${opts.includeClosed ? '' : ' AND closed = 0'} ORDER BY id`;
    return this.read(() => (this.db.prepare(sql).all(group) as Row[]).map(toGap));
  }

  closeGap(id: number): void {
    this.write(() => this.db.prepare('UPDATE gaps SET closed = 1 WHERE id = ?').run(id));
  }

  // ---- secret settings ----

  getSetting(key: string): Uint8Array | null {
    const r = this.read(() => this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined);
    return r ? bytes(r.value) : null;
  }

  setSetting(key: string, value: Uint8Array): void {
    this.write(() => this.putSetting(key, value));
  }

  private putSetting(key: string, value: Uint8Array): void {
    this.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, blob(value));
  }

  /**
   * Deletes every pending-post setting (`prefix` + lowercase hex of a group signature) whose signature is on no
   * outbox row: a post whose group was left, that was delivered (echoed) or failed, or whose setting an older
   * version's crash left without its message row. A post still in the outbox keeps its setting. Returns how many
   * were deleted. `substr` compares the prefix literally (LIKE would treat `%` and `_` as wildcards). CROSS JOIN
   * makes SQLite walk the (short) outbox and look each message up by id; a plain JOIN scanned every message
   * (~20 ms at unlock with 100k messages, ~170 ms with 1M; now 0.2 / 3 ms).
   */
  deleteOrphanedPendingPosts(prefix: string): number {
    return this.write(() => this.sweepPendingPosts(prefix));
  }

  private sweepPendingPosts(prefix: string): number {
    return this.db.prepare(`DELETE FROM settings WHERE ${PENDING_POST_ORPHAN}`).run({ prefix }).changes;
  }

  /** The query plan of the orphan sweep, so a test can prove it walks the outbox, not every message. */
  explainPendingPostSweep(): string {
    const rows = this.db.prepare(`EXPLAIN QUERY PLAN DELETE FROM settings WHERE ${PENDING_POST_ORPHAN}`).all({ prefix: 'p.' }) as Row[];
    return rows.map((r) => r.detail as string).join('\n');
  }

  deleteSetting(key: string): void {
    this.write(() => this.db.prepare('DELETE FROM settings WHERE key = ?').run(key));
  }
}

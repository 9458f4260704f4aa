// Messages: every message of every conversation, in order of arrival; a group message with its signature, the
// signature before it and its EGM ciphertext (the hash chain a member repairs gaps from).

import { StorageError } from '../core/errors.js';
import { MAX_MESSAGES_PAGE } from '../core/limits.js';
import { blob, bytes, type DbCore, type Row } from './db-core.js';
import type { ConversationId } from './db-conversations.js';

declare const messageBrand: unique symbol;
/** Row id of a message in this profile's db (ascending = order of arrival). */
export type MessageId = number & { readonly [messageBrand]: true };

export type Direction = 'in' | 'out';
export type AckState = 'pending' | 'sent' | 'acknowledged' | 'failed';

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

/** The columns `toMessage` reads, from `messages m`. */
export const MESSAGE_COLUMNS =
  'm.id, m.conversation, m.direction, m.sender, m.body, m.sent_at, m.received_at, m.protocol_id, m.ack, m.ack_reason, m.group_sig, m.prev_sig';

export function toMessage(r: Row): Message {
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

const PAGE_SQL = `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?`;

export class Messages {
  constructor(private readonly core: DbCore) {}

  /** `insert` without its transaction, for a larger commit (the outbox's). */
  insertInTx(m: NewMessage): InsertResult {
    const info = this.core
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
      const existing = this.core
        .prepare('SELECT id FROM messages WHERE conversation = ? AND (protocol_id = ? OR group_sig = ?)')
        .get(m.conversation, m.protocolId ?? null, blob(m.groupSignature)) as Row | undefined;
      if (!existing) throw new StorageError('profile.constraint', 'message was refused');
      return { id: existing.id as MessageId, isNew: false };
    }
    this.core
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
  insert(m: NewMessage): InsertResult {
    return this.core.write(() => this.insertInTx(m));
  }

  get(id: MessageId): Message | null {
    const r = this.core.read(() => this.core.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = ?`).get(id) as Row | undefined);
    return r ? toMessage(r) : null;
  }

  findByProtocolId(conversation: ConversationId, protocolId: string): Message | null {
    const r = this.core.read(
      () =>
        this.core.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation = ? AND m.protocol_id = ?`).get(conversation, protocolId) as
          | Row
          | undefined,
    );
    return r ? toMessage(r) : null;
  }

  /**
   * Up to `limit` messages of a conversation older than `beforeId` (newest when absent), returned oldest first.
   * Pass the first returned id as the next `beforeId` to page back. Uses the (conversation, id) index.
   */
  page(conversation: ConversationId, beforeId?: MessageId, limit = 200): Message[] {
    const n = Math.max(0, Math.min(limit, MAX_MESSAGES_PAGE));
    const rows = this.core.read(() => this.core.prepare(PAGE_SQL).all(conversation, beforeId ?? Number.MAX_SAFE_INTEGER, n) as Row[]);
    return rows.reverse().map(toMessage);
  }

  /** The query plan of `page`, so a test can prove it walks the index instead of sorting. */
  explainPage(): string {
    const rows = this.core.prepare(`EXPLAIN QUERY PLAN ${PAGE_SQL}`).all(1, 1, 1) as Row[];
    return rows.map((r) => r.detail as string).join('\n');
  }

  // ---- a group's chain of messages ----

  /**
   * For a member repairing a gap: the original EGMs of a group's chain, walking back from `from` by each message's
   * PreviousMessageSig, until a signature in `stop`, a message we lack (or hold without its ciphertext), `max`
   * messages or `maxBytes` of ciphertext. Newest first.
   */
  groupChainBack(conversation: ConversationId, from: Uint8Array, stop: ReadonlySet<string>, max: number, maxBytes: number): { signature: Uint8Array; ciphertext: Uint8Array }[] {
    return this.core.read(() => {
      const st = this.core.prepare('SELECT group_sig, prev_sig, group_ct FROM messages WHERE conversation = ? AND group_sig = ?');
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
    this.core.write(() => this.core.prepare('UPDATE messages SET group_ct = ? WHERE conversation = ? AND group_sig = ? AND group_ct IS NULL').run(blob(ciphertext), conversation, blob(signature)));
  }

  /** The distinct senders of a group's messages (the members we know of). */
  groupSenders(conversation: ConversationId): string[] {
    return this.core.read(() => (this.core.prepare('SELECT DISTINCT sender FROM messages WHERE conversation = ? AND group_sig IS NOT NULL').all(conversation) as Row[]).map((r) => r.sender as string));
  }

  /** Every message of a group that has a signature (what the group timeline is rebuilt from), in arrival order. */
  groupTimelineRows(conversation: ConversationId): { signature: Uint8Array; previousSignature: Uint8Array | null; sender: string; sentAt: number | null; receivedAt: number }[] {
    const rows = this.core.read(
      () =>
        this.core
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
}

// The outbox: what we send waits here until it is acknowledged or has failed. A message is in the outbox before it
// goes on the wire (`queue` commits the message row and its outbox row together); the sender reads `due` (or one
// conversation's `forConversation`), and an entry leaves only once its message is acknowledged or failed.

import type { DbCore, Row } from './db-core.js';
import type { ConversationId } from './db-conversations.js';
import { MESSAGE_COLUMNS, toMessage, type AckState, type InsertResult, type Message, type MessageId, type Messages, type NewMessage } from './db-messages.js';

export interface OutboxEntry {
  readonly message: Message;
  readonly attempts: number;
  readonly nextAttemptAt: number;
}

/** An outgoing message as the caller gives it: the direction is 'out' and the ack 'pending'. */
export type OutgoingMessage = Omit<NewMessage, 'direction' | 'ack'>;

const FOR_CONVERSATION_SQL = `SELECT ${MESSAGE_COLUMNS}, o.attempts, o.next_attempt_at FROM outbox o CROSS JOIN messages m ON m.id = o.message
  WHERE m.conversation = ? ORDER BY o.next_attempt_at, o.message`;

const toEntry = (r: Row): OutboxEntry => ({ message: toMessage(r), attempts: r.attempts as number, nextAttemptAt: r.next_attempt_at as number });

export class Outbox {
  constructor(
    private readonly core: DbCore,
    private readonly messages: Messages,
  ) {}

  /** Stores an outgoing message and its outbox entry in one transaction, before anything goes on the wire. */
  queue(m: OutgoingMessage, nextAttemptAt: number): InsertResult {
    return this.core.write(() => this.queueInTx(m, nextAttemptAt));
  }

  /** `queue` without its transaction, for a larger commit (a group post's). */
  queueInTx(m: OutgoingMessage, nextAttemptAt: number): InsertResult {
    const r = this.messages.insertInTx({ ...m, direction: 'out', ack: 'pending' });
    if (r.isNew) this.core.prepare('INSERT INTO outbox (message, next_attempt_at) VALUES (?, ?)').run(r.id, nextAttemptAt);
    return r;
  }

  /** Outgoing messages whose next attempt is due at `now`, earliest first. */
  due(now: number, limit = 100): OutboxEntry[] {
    const rows = this.core.read(
      () =>
        this.core
          .prepare(
            `SELECT ${MESSAGE_COLUMNS}, o.attempts, o.next_attempt_at FROM outbox o JOIN messages m ON m.id = o.message
             WHERE o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.message LIMIT ?`,
          )
          .all(now, limit) as Row[],
    );
    return rows.map(toEntry);
  }

  /**
   * Every outbox entry of one conversation, due or not, in `due`'s order (earliest next attempt first). CROSS JOIN
   * walks the (short) outbox in that order and looks each message up by id; a plain JOIN read every message of the
   * conversation and sorted.
   */
  forConversation(conversation: ConversationId): OutboxEntry[] {
    return this.core.read(() => this.core.prepare(FOR_CONVERSATION_SQL).all(conversation) as Row[]).map(toEntry);
  }

  /** The query plan of `forConversation`, so a test can prove it walks the outbox, not the conversation's messages. */
  explainForConversation(): string {
    const rows = this.core.prepare(`EXPLAIN QUERY PLAN ${FOR_CONVERSATION_SQL}`).all(1) as Row[];
    return rows.map((r) => r.detail as string).join('\n');
  }

  /** Records a failed attempt and when to try again. */
  reschedule(id: MessageId, nextAttemptAt: number): void {
    this.core.write(() => this.core.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE message = ?').run(nextAttemptAt, id));
  }

  remove(id: MessageId): void {
    this.core.write(() => this.core.prepare('DELETE FROM outbox WHERE message = ?').run(id));
  }

  /** Sets the ack state of a message (and clears its outbox entry once acknowledged or failed). Commits first. */
  markAck(id: MessageId, state: AckState, reason?: string): void {
    this.core.write(() => this.markAckInTx(id, state, reason));
  }

  /** `markAck` without its transaction, for a larger commit (a group post echoed). */
  markAckInTx(id: MessageId, state: AckState, reason?: string): void {
    this.core.prepare('UPDATE messages SET ack = ?, ack_reason = ? WHERE id = ?').run(state, reason ?? null, id);
    if (state === 'acknowledged' || state === 'failed') this.core.prepare('DELETE FROM outbox WHERE message = ?').run(id);
  }
}

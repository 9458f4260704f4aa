// Our group posts not yet echoed: which servers each still waits for (post_targets), and its signed EGM kept as the
// secret setting `<prefix><lowercase hex signature>` until no server waits for it (docs/protocol.md §7.5).

import { blob, bytes, type DbCore, type Row } from './db-core.js';
import type { ConversationId } from './db-conversations.js';
import type { InsertResult, MessageId } from './db-messages.js';
import type { OutgoingMessage, Outbox } from './db-outbox.js';
import type { Settings } from './db-settings.js';

/** A pending-post setting (`@prefix` + hex signature) whose signature no server still waits for (no post_targets row). */
const PENDING_POST_ORPHAN = `substr(key, 1, length(@prefix)) = @prefix AND substr(key, length(@prefix) + 1) NOT IN
  (SELECT lower(hex(m.group_sig)) FROM post_targets t CROSS JOIN messages m ON m.id = t.message WHERE m.group_sig IS NOT NULL)`;

export class GroupPosts {
  constructor(
    private readonly core: DbCore,
    private readonly settings: Settings,
    private readonly outbox: Outbox,
  ) {}

  /**
   * A group post: its signed EGM as the secret setting `settingKey` and its message + outbox rows, in one
   * transaction, so a crash leaves both (re-posted after a restart) or neither (no orphan setting).
   */
  queue(settingKey: string, settingValue: Uint8Array, m: OutgoingMessage, nextAttemptAt: number, servers: readonly string[]): InsertResult {
    return this.core.write(() => {
      this.settings.setInTx(settingKey, settingValue);
      const r = this.outbox.queueInTx(m, nextAttemptAt);
      if (r.isNew) {
        const st = this.core.prepare('INSERT OR IGNORE INTO post_targets (server, message) VALUES (?, ?)');
        for (const s of servers) st.run(s, r.id);
      }
      return r;
    });
  }

  /**
   * Our own group message came back from `server` (docs/protocol.md §7.5): that server no longer waits for it, the
   * row is acknowledged at the first echo from any server, and its signed EGM (`settingKey`) is deleted once no
   * server waits for it — one transaction. Null when we hold no such message.
   */
  echoed(conversation: ConversationId, signature: Uint8Array, server: string | null, settingKey: string): { id: MessageId; firstAck: boolean } | null {
    return this.core.write(() => {
      const r = this.core.prepare('SELECT id, ack FROM messages WHERE conversation = ? AND group_sig = ?').get(conversation, blob(signature)) as Row | undefined;
      if (!r) return null;
      const id = r.id as MessageId;
      const firstAck = r.ack !== 'acknowledged';
      if (firstAck) this.outbox.markAckInTx(id, 'acknowledged');
      // null: not a server's echo (a member's repair reply had it from one): acked, but every server still waits.
      if (server !== null) this.core.prepare('DELETE FROM post_targets WHERE server = ? AND message = ?').run(server, id);
      if (this.core.prepare('SELECT 1 FROM post_targets WHERE message = ?').get(id) === undefined) this.settings.deleteInTx([settingKey]);
      return { id, firstAck };
    });
  }

  /** Our posts `server` still waits for (every group), oldest first. */
  pending(server: string): { conversation: ConversationId; signature: Uint8Array }[] {
    return this.core.read(() =>
      (
        this.core
          .prepare('SELECT m.conversation, m.group_sig FROM post_targets t CROSS JOIN messages m ON m.id = t.message WHERE t.server = ? AND m.group_sig IS NOT NULL ORDER BY m.id')
          .all(server) as Row[]
      ).map((r) => ({ conversation: r.conversation as ConversationId, signature: bytes(r.group_sig)! })),
    );
  }

  /** How many posts `server` still waits for (`pending`'s count, without reading the rows). */
  pendingCount(server: string): number {
    return (this.core.read(() => this.core.prepare('SELECT count(*) AS n FROM post_targets WHERE server = ?').get(server)) as Row).n as number;
  }

  /** Whether `server` still waits for the post with this signature. */
  isPending(server: string, signature: Uint8Array): boolean {
    return this.core.read(
      () => this.core.prepare('SELECT 1 FROM post_targets t CROSS JOIN messages m ON m.id = t.message WHERE t.server = ? AND m.group_sig = ?').get(server, blob(signature)) !== undefined,
    );
  }

  /**
   * `server` no longer takes this group's posts (it leaves, or is removed): the posts it waited for are not its to
   * take any more, and their settings go when no other server waits for them. Inside a larger commit.
   */
  dropTargetsInTx(conversation: ConversationId, server: string, pendingPostPrefix: string): void {
    this.core.prepare('DELETE FROM post_targets WHERE server = ? AND message IN (SELECT id FROM messages WHERE conversation = ?)').run(server, conversation);
    this.sweepInTx(pendingPostPrefix);
  }

  /**
   * Deletes every pending-post setting (`prefix` + lowercase hex of a group signature) whose signature is on no
   * outbox row: a post whose group was left, that was delivered (echoed) or failed, or whose setting an older
   * version's crash left without its message row. A post still in the outbox keeps its setting. Returns how many
   * were deleted. `substr` compares the prefix literally (LIKE would treat `%` and `_` as wildcards). CROSS JOIN
   * makes SQLite walk the (short) outbox and look each message up by id; a plain JOIN scanned every message
   * (~20 ms at unlock with 100k messages, ~170 ms with 1M; now 0.2 / 3 ms).
   */
  deleteOrphans(prefix: string): number {
    return this.core.write(() => this.sweepInTx(prefix));
  }

  /** `deleteOrphans` without its transaction, for a larger commit (a group left, a server dropped). */
  sweepInTx(prefix: string): number {
    return this.core.prepare(`DELETE FROM settings WHERE ${PENDING_POST_ORPHAN}`).run({ prefix }).changes;
  }

  /** The query plan of the orphan sweep, so a test can prove it walks the outbox, not every message. */
  explainSweep(): string {
    const rows = this.core.prepare(`EXPLAIN QUERY PLAN DELETE FROM settings WHERE ${PENDING_POST_ORPHAN}`).all({ prefix: 'p.' }) as Row[];
    return rows.map((r) => r.detail as string).join('\n');
  }
}

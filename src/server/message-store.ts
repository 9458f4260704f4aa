// The board's storage (docs/protocol.md §7.5; cwtch-server storage/message_store.go): messages(id, signature UNIQUE,
// ciphertext, window_end) plus the spent tokens, in one SQLite file. window_end is our addition (docs/sync-extension.md
// §10): the end of the time window the row arrived in, never a finer time. WAL + synchronous=FULL: a commit is on disk before it
// returns, and a post is acknowledged only after its commit. Spending the token and storing the message happen in
// the same transaction, so a crash can never keep one without the other.

import Database from 'better-sqlite3';
import { StorageError } from '../core/errors.js';

export { windowEndOf } from '../core/groups/sync-window.js';

export interface StoredMessage {
  readonly id: number;
  readonly signature: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/**
 * Up to `limit` rows as one buffer: signature ‖ ciphertext of each row in id order, and per row in `rows` three
 * numbers: its id and the byte lengths of its signature and ciphertext.
 */
export interface ReplayBatch {
  readonly count: number;
  readonly bytes: Buffer;
  readonly rows: readonly number[];
}

export interface PostToStore {
  readonly tokenT: Uint8Array;
  readonly signature: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** Unix seconds: the end of the time window it arrives in (docs/sync-extension.md §10). */
  readonly windowEnd: number;
}

export interface ReplayPlan {
  /** First row id to send (inclusive) and how many rows up to the newest at planning time. */
  readonly fromId: number;
  readonly toId: number;
  readonly count: number;
  /** A non-empty LastCommit that we do not hold: everything is sent (from `since`, when one was given). */
  readonly fullResync: boolean;
}

/** What a replay would send: its rows and the bytes of their ciphertexts. */
export interface ReplayCost {
  readonly count: number;
  readonly ciphertextBytes: number;
}

const batchSql = (order: string): string =>
  `SELECT COUNT(*) AS n,
     CAST(group_concat(CAST(signature AS TEXT) || CAST(ciphertext AS TEXT), '' ${order}) AS BLOB) AS bytes,
     group_concat(id || ',' || length(signature) || ',' || length(ciphertext), ',' ${order}) AS rows
   FROM (SELECT id, signature, ciphertext FROM messages WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?)`;

function ascendingIds(b: ReplayBatch): boolean {
  for (let i = 1; i < b.count; i++) if (b.rows[3 * i]! <= b.rows[3 * (i - 1)]!) return false;
  return true;
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export class MessageStore {
  private readonly db: Database.Database;
  private readonly stmts;

  /**
   * `maxMessages` > 0 enables pruning (Go: MaxStorageMBs × 250). `openedAt` (unix seconds): rows stored before time
   * windows existed are filed as arriving in the window that holds it — they did arrive before it, so a replay from
   * any earlier point still includes them, and one from a later point rightly skips them.
   */
  constructor(
    path: string,
    private readonly maxMessages = 0,
    openedAt = Math.floor(Date.now() / 1000),
  ) {
    try {
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT, signature BLOB UNIQUE NOT NULL, ciphertext BLOB NOT NULL, window_end INTEGER);
        CREATE TABLE IF NOT EXISTS spent_tokens (t BLOB PRIMARY KEY) WITHOUT ROWID;
      `);
      const cols = this.db.prepare("SELECT name FROM pragma_table_info('messages')").pluck().all() as string[];
      if (!cols.includes('window_end')) {
        this.db.transaction(() => {
          this.db.exec('ALTER TABLE messages ADD COLUMN window_end INTEGER');
          this.db.prepare('UPDATE messages SET window_end = ? WHERE window_end IS NULL').run(openedAt + 1);
        })();
      }
      this.db.exec('CREATE INDEX IF NOT EXISTS messages_by_window ON messages (window_end)');
    } catch {
      throw new StorageError('server.store-open', 'could not open the message store');
    }
    const db = this.db;
    this.stmts = {
      spend: db.prepare('INSERT OR IGNORE INTO spent_tokens (t) VALUES (?)'),
      isSpent: db.prepare('SELECT 1 FROM spent_tokens WHERE t = ?').pluck(),
      insert: db.prepare('INSERT OR IGNORE INTO messages (signature, ciphertext, window_end) VALUES (?, ?, ?)'),
      // The oldest row of a window ending after `since`: rows are numbered as they arrive, so every later row is in
      // the replay even if the server's clock went back meanwhile (replays run by id). Through the window index: left
      // to itself SQLite walks the table from id 1 looking for MIN(id), reading every older row's ~4 KB ciphertext
      // (measured, bench --scale: 0.9 s at 1M rows, 34 s at 10M; through the index it reads only the recent rows).
      firstSince: db.prepare('SELECT MIN(id) FROM messages INDEXED BY messages_by_window WHERE window_end > ?').pluck(),
      cost: db.prepare('SELECT COUNT(*) AS n, TOTAL(length(ciphertext)) AS ct FROM messages WHERE id >= ? AND id <= ?'),
      idOf: db.prepare('SELECT id FROM messages WHERE signature = ?').pluck(),
      minMax: db.prepare('SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM messages'),
      countRange: db.prepare('SELECT COUNT(*) FROM messages WHERE id >= ? AND id <= ?').pluck(),
      range: db.prepare('SELECT id, signature, ciphertext FROM messages WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?'),
      count: db.prepare('SELECT COUNT(*) FROM messages').pluck(),
      // The driver makes a Buffer per blob (~1.7 µs each, most of a row's read cost); one concatenated blob per batch
      // is one Buffer. CAST keeps the bytes as they are (a UTF-8 database re-encodes nothing); one statement is one
      // snapshot, and the ids and lengths are aggregated in the same pass as the bytes, so they always match.
      batch: db.prepare(batchSql('')),
      // group_concat's own ORDER BY sorts every blob through a temporary b-tree (3 µs/row instead of 1); without it
      // SQLite concatenates in the order the ordered subquery yields, which replayBatch checks (SQLite does not
      // promise it) and falls back to this on any surprise.
      batchOrdered: db.prepare(batchSql('ORDER BY id')),
      prune: db.prepare('DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT ?)'),
    };
  }

  isSpent(t: Uint8Array): boolean {
    return this.stmts.isSpent.get(t) !== undefined;
  }

  /**
   * One durable transaction for a batch of verified posts. Returns, per post, whether its token was fresh (then
   * the message was stored, or was already there under the same signature) — false means double spend.
   */
  commitPosts(posts: readonly PostToStore[]): boolean[] {
    const run = this.db.transaction((list: readonly PostToStore[]) => {
      const out: boolean[] = [];
      for (const p of list) {
        const fresh = this.stmts.spend.run(p.tokenT).changes === 1;
        // An empty signature only spends its token (Go's behaviour for such a post): nothing is stored.
        if (fresh && p.signature.length > 0) this.stmts.insert.run(p.signature, p.ciphertext, p.windowEnd);
        out.push(fresh);
      }
      if (this.maxMessages > 0) {
        const n = this.stmts.count.get() as number;
        // Go: when over the cap, drop the oldest (count − cap) + cap/10 so pruning is not needed on every post.
        if (n > this.maxMessages) this.stmts.prune.run(n - this.maxMessages + Math.floor(this.maxMessages / 10));
      }
      return out;
    });
    try {
      return run(posts);
    } catch {
      throw new StorageError('server.store-write', 'could not store posts');
    }
  }

  /**
   * Rows to replay for `lastCommit` (inclusive), or all rows when it is null or unknown. With `since` (unix seconds,
   * docs/sync-extension.md §10), rows of windows that ended at or before it are skipped as well: the replay starts at
   * the later of the two points.
   */
  planReplay(lastCommit: Uint8Array | null, since?: number): ReplayPlan {
    const mm = this.stmts.minMax.get() as { lo: number | null; hi: number | null; n: number };
    const hi = mm.hi ?? 0;
    const known = lastCommit === null ? undefined : (this.stmts.idOf.get(lastCommit) as number | undefined);
    const fullResync = lastCommit !== null && known === undefined;
    if (since === undefined) {
      if (known === undefined) return { fromId: mm.lo ?? 1, toId: hi, count: mm.n, fullResync };
      return { fromId: known, toId: hi, count: this.stmts.countRange.get(known, hi) as number, fullResync: false };
    }
    const first = (this.stmts.firstSince.get(since) as number | null) ?? hi + 1;
    const fromId = Math.max(first, known ?? 0);
    return { fromId, toId: hi, count: fromId > hi ? 0 : (this.stmts.countRange.get(fromId, hi) as number), fullResync };
  }

  /** What replaying rows fromId…toId sends, without reading a ciphertext (SQLite keeps a blob's length in its row header). */
  replayCost(fromId: number, toId: number): ReplayCost {
    const r = this.stmts.cost.get(fromId, toId) as { n: number; ct: number };
    return { count: r.n, ciphertextBytes: r.ct };
  }

  /** Up to `limit` rows with fromId ≤ id ≤ toId, oldest first. */
  rows(fromId: number, toId: number, limit: number): StoredMessage[] {
    return (this.stmts.range.all(fromId, toId, limit) as { id: number; signature: Buffer; ciphertext: Buffer }[]).map((r) => ({
      id: r.id,
      signature: u8(r.signature),
      ciphertext: u8(r.ciphertext),
    }));
  }

  /** rows() for the replay's hot loop, as one ReplayBatch (see there). */
  replayBatch(fromId: number, toId: number, limit: number): ReplayBatch {
    const fast = this.readBatch(this.stmts.batch, fromId, toId, limit);
    return ascendingIds(fast) ? fast : this.readBatch(this.stmts.batchOrdered, fromId, toId, limit);
  }

  private readBatch(stmt: Database.Statement, fromId: number, toId: number, limit: number): ReplayBatch {
    const r = stmt.get(fromId, toId, limit) as { n: number; bytes: Buffer | null; rows: string | null };
    if (r.n === 0 || r.bytes === null || r.rows === null) return { count: 0, bytes: Buffer.alloc(0), rows: [] };
    return { count: r.n, bytes: r.bytes, rows: r.rows.split(',').map(Number) };
  }

  /** Highest row id (0 when empty). */
  newestId(): number {
    return (this.stmts.minMax.get() as { hi: number | null }).hi ?? 0;
  }

  count(): number {
    return this.stmts.count.get() as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

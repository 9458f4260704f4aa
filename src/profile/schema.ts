// Profile database schema as numbered migrations. `PRAGMA user_version` = number of migrations applied.
// Never edit a released migration: append a new one (and a test for it in test/profile/schema.test.ts).

import { StorageError } from '../core/errors.js';
import type { Db } from './sqlcipher.js';

export interface Migration {
  /** What it adds, for people reading `user_version` history. */
  readonly description: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    description: 'v1: identity, attributes, conversations, messages, outbox, secret settings',
    sql: `
      CREATE TABLE identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        ed25519_seed BLOB NOT NULL CHECK (length(ed25519_seed) = 32),
        onion TEXT NOT NULL
      );
      CREATE TABLE attributes (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('contact', 'group')),
        handle TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        authorization TEXT NOT NULL DEFAULT 'unknown' CHECK (authorization IN ('unknown', 'approved', 'blocked')),
        last_activity INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0)
      );
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        sender TEXT NOT NULL,
        body TEXT NOT NULL,
        sent_at INTEGER,
        received_at INTEGER NOT NULL,
        protocol_id TEXT,
        ack TEXT NOT NULL CHECK (ack IN ('pending', 'sent', 'acknowledged', 'failed')),
        ack_reason TEXT,
        group_sig BLOB,
        prev_sig BLOB,
        UNIQUE (conversation, protocol_id),
        UNIQUE (conversation, group_sig)
      );
      -- "newest 200 of a conversation": walk this index backwards from (conversation, +inf).
      CREATE INDEX messages_by_conversation ON messages (conversation, id);
      CREATE TABLE outbox (
        message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    description: 'v2: groups, imported servers, privacy-pass tokens, group timeline gaps',
    sql: `
      CREATE TABLE groups (
        conversation INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        group_id TEXT NOT NULL UNIQUE,
        group_key BLOB NOT NULL CHECK (length(group_key) = 32),
        server TEXT NOT NULL,
        last_seen_sig BLOB
      );
      CREATE TABLE servers (
        onion TEXT PRIMARY KEY,
        bundle TEXT NOT NULL,
        key_bulletin_board TEXT NOT NULL,
        key_token_service TEXT NOT NULL,
        key_privacy_pass TEXT NOT NULL,
        imported_at INTEGER NOT NULL
      );
      CREATE TABLE tokens (
        id INTEGER PRIMARY KEY,
        server TEXT NOT NULL REFERENCES servers(onion) ON DELETE CASCADE,
        token BLOB NOT NULL,
        w BLOB NOT NULL,
        spent INTEGER NOT NULL DEFAULT 0 CHECK (spent IN (0, 1))
      );
      CREATE INDEX tokens_unspent ON tokens (server, spent, id);
      CREATE TABLE gaps (
        id INTEGER PRIMARY KEY,
        group_conversation INTEGER NOT NULL REFERENCES groups(conversation) ON DELETE CASCADE,
        before_sig BLOB,
        after_sig BLOB NOT NULL,
        first_seen INTEGER NOT NULL,
        closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1))
      );
      CREATE INDEX gaps_open ON gaps (group_conversation, closed);
    `,
  },
  {
    description: 'v3: a local name for a conversation (the user\'s rename; never sent, never overwritten by the peer)',
    sql: `
      ALTER TABLE conversations ADD COLUMN local_name TEXT;
    `,
  },
  {
    description: 'v4: a group message keeps its EGM ciphertext, so the original signed message can be given to a member repairing a gap',
    sql: `
      ALTER TABLE messages ADD COLUMN group_ct BLOB;
    `,
  },
  {
    description:
      'v5: a group on several servers (mirrors, a move): each server of a group with its own LastCommit and state, and which servers a post still waits for (groups.last_seen_sig is no longer read)',
    sql: `
      CREATE TABLE group_servers (
        group_conversation INTEGER NOT NULL REFERENCES groups(conversation) ON DELETE CASCADE,
        server TEXT NOT NULL,
        -- active: synced and posted to; leaving: synced once more (what it holds that we lack), then removed
        state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'leaving')),
        last_seen_sig BLOB,
        added_at INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (group_conversation, server)
      ) WITHOUT ROWID;
      CREATE INDEX group_servers_by_server ON group_servers (server);
      INSERT INTO group_servers (group_conversation, server, last_seen_sig) SELECT conversation, server, last_seen_sig FROM groups;
      -- A post not yet echoed by this server (its message row is acknowledged at the first echo from any server).
      CREATE TABLE post_targets (
        server TEXT NOT NULL,
        message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        PRIMARY KEY (server, message)
      ) WITHOUT ROWID;
      CREATE INDEX post_targets_by_message ON post_targets (message);
      INSERT INTO post_targets (server, message)
        SELECT g.server, m.id FROM outbox o JOIN messages m ON m.id = o.message JOIN groups g ON g.conversation = m.conversation WHERE m.group_sig IS NOT NULL;
    `,
  },
  {
    description:
      'v6: time windows (docs/sync-extension.md §10): when a group was created (from its invite, or by us), and when each of its servers last finished a replay, so a sync asks only from then',
    sql: `
      ALTER TABLE groups ADD COLUMN created_at INTEGER;
      ALTER TABLE group_servers ADD COLUMN synced_at INTEGER;
    `,
  },
  {
    description: 'v7: contacts the user verified (read the verification code to each other, docs/protocol.md §12.7): when, or null',
    sql: `ALTER TABLE conversations ADD COLUMN verified_at INTEGER;`,
  },
  {
    description: 'v8: muted conversations (their news is counted apart, never announced)',
    sql: `ALTER TABLE conversations ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;`,
  },
];

export const SCHEMA_VERSION = migrations.length;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies migrations `[current, target)` each in its own transaction with its version bump, so a crash leaves
 * the db at a whole version. A db newer than this program is refused rather than touched.
 */
export function migrate(db: Db, target: number = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new StorageError('profile.schema-too-new', `profile schema ${current} is newer than this program (${SCHEMA_VERSION})`);
  }
  for (let v = current; v < target; v++) {
    const m = migrations[v]!;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

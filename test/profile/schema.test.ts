// One test per migration, from empty and from the previous version, on a real SQLCipher db.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageError } from '../../src/core/errors.js';
import { migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../src/profile/schema.js';
import { openReadWrite, type Db } from '../../src/profile/sqlcipher.js';
import { cleanupTempDirs, tempDir } from './helpers.js';

afterEach(cleanupTempDirs);

const key = new Uint8Array(32).fill(9);
const fresh = (): Db => openReadWrite(join(tempDir(), 'db'), key, { create: true });
const tables = (db: Db): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('an empty db migrates to the latest version', () => {
    const db = fresh();
    expect(schemaVersion(db)).toBe(0);
    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(tables(db)).toEqual(['attributes', 'conversations', 'gaps', 'group_servers', 'groups', 'identity', 'messages', 'outbox', 'post_targets', 'servers', 'settings', 'tokens']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    migrate(db); // idempotent
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('migration 1 (0 → 1): core tables', () => {
    const db = fresh();
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['attributes', 'conversations', 'identity', 'messages', 'outbox', 'settings']);
    db.close();
  });

  it('migration 2 (1 → 2): adds groups, servers, tokens, gaps and keeps v1 data', () => {
    const db = fresh();
    migrate(db, 1);
    db.prepare("INSERT INTO conversations (kind, handle) VALUES ('contact', 'peer')").run();
    db.prepare("INSERT INTO messages (conversation, direction, sender, body, received_at, ack) VALUES (1, 'in', 'peer', 'kept', 5, 'acknowledged')").run();
    migrate(db, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT body FROM messages').get()).toEqual({ body: 'kept' });
    db.prepare("INSERT INTO conversations (kind, handle) VALUES ('group', 'g')").run();
    db.prepare('INSERT INTO groups (conversation, group_id, group_key, server) VALUES (2, ?, ?, ?)').run('g', Buffer.alloc(32), 's');
    expect(tables(db)).toContain('gaps');
    db.close();
  });

  it('migration 3 (2 → 3): a local name per conversation, null for existing rows', () => {
    const db = fresh();
    migrate(db, 2);
    db.prepare("INSERT INTO conversations (kind, handle, name) VALUES ('contact', 'peer', 'announced')").run();
    migrate(db, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT name, local_name FROM conversations').get()).toEqual({ name: 'announced', local_name: null });
    db.prepare("UPDATE conversations SET local_name = 'mine'").run();
    expect(db.prepare('SELECT local_name FROM conversations').get()).toEqual({ local_name: 'mine' });
    db.close();
  });

  it('migration 4 (3 → 4): group messages keep their EGM ciphertext, null for existing rows', () => {
    const db = fresh();
    migrate(db, 3);
    db.prepare("INSERT INTO conversations (kind, handle, name) VALUES ('group', 'g', 'club')").run();
    db.prepare("INSERT INTO messages (conversation, direction, sender, body, received_at, ack, group_sig) VALUES (1, 'in', 's', '{}', 1, 'acknowledged', x'01')").run();
    migrate(db, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT group_ct FROM messages').get()).toEqual({ group_ct: null });
    db.prepare("UPDATE messages SET group_ct = x'0203'").run();
    expect((db.prepare('SELECT group_ct FROM messages').get() as { group_ct: Buffer }).group_ct).toEqual(Buffer.from([2, 3]));
    db.close();
  });

  it('migration 5 (4 → 5): each group gets its server with its commit, and each pending post a target on it', () => {
    const db = fresh();
    migrate(db, 4);
    db.prepare("INSERT INTO conversations (kind, handle, name) VALUES ('group', 'g', 'club')").run();
    db.prepare("INSERT INTO groups (conversation, group_id, group_key, server, last_seen_sig) VALUES (1, 'g', zeroblob(32), 'srv', x'09')").run();
    db.prepare("INSERT INTO messages (conversation, direction, sender, body, received_at, ack, group_sig) VALUES (1, 'out', 'me', '{}', 1, 'pending', x'01')").run();
    db.prepare("INSERT INTO messages (conversation, direction, sender, body, received_at, ack, group_sig) VALUES (1, 'out', 'me', '{}', 1, 'acknowledged', x'02')").run();
    db.prepare('INSERT INTO outbox (message, next_attempt_at) VALUES (1, 0)').run();
    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT group_conversation, server, state, hex(last_seen_sig) AS c FROM group_servers').all()).toEqual([{ group_conversation: 1, server: 'srv', state: 'active', c: '09' }]);
    expect(db.prepare('SELECT server, message FROM post_targets').all()).toEqual([{ server: 'srv', message: 1 }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('migration 6 (5 → 6): groups and their servers from before time windows have no creation or sync time (a sync then asks from nowhere: everything)', () => {
    const db = fresh();
    migrate(db, 5);
    db.prepare("INSERT INTO conversations (kind, handle, name) VALUES ('group', 'g', 'club')").run();
    db.prepare("INSERT INTO groups (conversation, group_id, group_key, server) VALUES (1, 'g', zeroblob(32), 'srv')").run();
    db.prepare("INSERT INTO group_servers (group_conversation, server, last_seen_sig) VALUES (1, 'srv', x'09')").run();
    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT created_at FROM groups').all()).toEqual([{ created_at: null }]);
    expect(db.prepare('SELECT hex(last_seen_sig) AS c, synced_at FROM group_servers').all()).toEqual([{ c: '09', synced_at: null }]);
    db.close();
  });

  it('every migration has a description and the count matches SCHEMA_VERSION', () => {
    expect(migrations).toHaveLength(SCHEMA_VERSION);
    for (const m of migrations) expect(m.description).toMatch(/^v\d+: /);
  });

  it('a failing migration rolls back to the previous whole version', () => {
    const db = fresh();
    migrate(db, 1);
    db.exec('CREATE TABLE groups (x)'); // collides with migration 2
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('servers');
    db.close();
  });

  it('a db from a newer program is refused, untouched', () => {
    const db = fresh();
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    try {
      migrate(db);
      expect.unreachable();
    } catch (e) {
      expect((e as StorageError).code).toBe('profile.schema-too-new');
    }
    db.close();
  });
});

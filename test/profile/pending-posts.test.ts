// Pending group posts in the profile: the signed EGM setting and its message + outbox rows are one commit, and a
// pending-post setting no server waits for (an older version's crash, a left group) is swept away.

import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/core/errors.js';
import { toHex } from '../../src/core/bytes.js';
import type { ConversationId, ProfileDb } from '../../src/profile/profile-db.js';
import { useFreshProfile } from './helpers.js';

const PREFIX = 'groups.post.';

const t = useFreshProfile();
const reopen = (): ProfileDb => t.reopen();

// Bytes 0xa1…: their hex has letters, so a case mismatch between toHex and SQLite's hex() would show here.
const sig = (n: number) => new Uint8Array(64).fill(0xa0 + n);
const keyOf = (s: Uint8Array) => PREFIX + toHex(s);
const settingKeys = (): string[] => (t.profile.connection.prepare('SELECT key FROM settings ORDER BY key').all() as { key: string }[]).map((r) => r.key);
const pendingIds = (server: string) => t.db.pendingGroupPosts(server).map((p) => t.db.messagesPage(p.conversation).find((m) => toHex(m.groupSignature!) === toHex(p.signature))!.id);
const post = (conversation: ConversationId, s: Uint8Array) => ({ conversation, sender: 'me', body: 'p', receivedAt: 1, groupSignature: s });

/** Asserts `fn` throws a StorageError with `code`. */
function throwsStorage(fn: () => unknown, code: string): void {
  expect(fn).toThrow(StorageError);
  expect(fn).toThrow(expect.objectContaining({ code }));
}

describe('queueGroupPost', () => {
  it('stores the setting, the message and its outbox row together; they survive a reopen', () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    const r = t.db.queueGroupPost(keyOf(sig(5)), Uint8Array.of(1, 2, 3), post(g.conversation, sig(5)), 7, ['srv']);
    expect(r.isNew).toBe(true);
    reopen();
    expect(t.db.getSetting(keyOf(sig(5)))).toEqual(Uint8Array.of(1, 2, 3));
    expect(pendingIds('srv')).toEqual([r.id]);
    expect(t.db.getMessage(r.id)).toMatchObject({ direction: 'out', ack: 'pending', groupSignature: sig(5) });
  });

  it('a message row that violates a foreign key (no such conversation) leaves no setting behind', () => {
    throwsStorage(() => t.db.queueGroupPost(keyOf(sig(5)), Uint8Array.of(1), post(9999 as ConversationId, sig(5)), 0, ['srv']), 'profile.constraint');
    expect(t.db.getSetting(keyOf(sig(5)))).toBeNull();
    reopen();
    expect(settingKeys()).toEqual([]);
    expect(t.db.outboxDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('a setting that cannot be written leaves no message or outbox row behind (the other half of the commit)', () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    t.profile.connection.exec("CREATE TEMP TRIGGER no_settings BEFORE INSERT ON settings BEGIN SELECT RAISE(ABORT, 'no'); END");
    expect(() => t.db.queueGroupPost(keyOf(sig(5)), Uint8Array.of(1), post(g.conversation, sig(5)), 0, ['srv'])).toThrow();
    reopen();
    expect(t.db.pendingGroupPosts('srv')).toEqual([]);
    expect(t.db.outboxDue(Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(settingKeys()).toEqual([]);
  });

  it('disk full while writing the message row: profile.disk-full, and neither the setting nor the row is stored', () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    const pages = t.profile.connection.pragma('page_count', { simple: true }) as number;
    t.profile.connection.pragma(`max_page_count = ${pages}`);
    const big = { ...post(g.conversation, sig(6)), body: 'z'.repeat(64 * 1024) };
    throwsStorage(() => t.db.queueGroupPost(keyOf(sig(6)), Uint8Array.of(1), big, 0, ['srv']), 'profile.disk-full');
    reopen();
    expect(t.db.getSetting(keyOf(sig(6)))).toBeNull();
    expect(t.db.pendingGroupPosts('srv')).toEqual([]);
    expect(t.db.messagesPage(g.conversation)).toEqual([]);
  });
});

describe('a post on several servers', () => {
  it('each server waits for it until its own echo; the row is acked at the first echo, the setting goes at the last', () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    expect(t.db.addGroupServer(g.conversation, 'mirror', 5)).toBe(true);
    expect(t.db.addGroupServer(g.conversation, 'mirror', 6)).toBe(false);
    const r = t.db.queueGroupPost(keyOf(sig(1)), Uint8Array.of(1), post(g.conversation, sig(1)), 0, ['srv', 'mirror']);
    expect(t.db.pendingGroupPostCount('srv')).toBe(1);
    expect(t.db.pendingGroupPostCount('mirror')).toBe(1);
    expect(t.db.groupPostEchoed(g.conversation, sig(1), 'mirror', keyOf(sig(1)))).toEqual({ id: r.id, firstAck: true });
    reopen();
    expect(t.db.getMessage(r.id)?.ack).toBe('acknowledged');
    expect(t.db.isGroupPostPending('mirror', sig(1))).toBe(false);
    expect(t.db.isGroupPostPending('srv', sig(1))).toBe(true);
    // Still waited for by srv: not an orphan.
    expect(t.db.deleteOrphanedPendingPosts(PREFIX)).toBe(0);
    expect(t.db.groupPostEchoed(g.conversation, sig(1), 'srv', keyOf(sig(1)))).toEqual({ id: r.id, firstAck: false });
    expect(t.db.getSetting(keyOf(sig(1)))).toBeNull();
  });

  it('a server that leaves no longer waits for posts; a removed one takes its commit with it', () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    t.db.addGroupServer(g.conversation, 'mirror', 5);
    t.db.queueGroupPost(keyOf(sig(1)), Uint8Array.of(1), post(g.conversation, sig(1)), 0, ['srv', 'mirror']);
    t.db.queueGroupPost(keyOf(sig(2)), Uint8Array.of(2), post(g.conversation, sig(2)), 0, ['srv']);
    t.db.setServerCommit('srv', sig(9));
    t.db.setGroupServerLeaving(g.conversation, 'srv', PREFIX);
    expect(t.db.pendingGroupPostCount('srv')).toBe(0);
    // sig(2) waited only for srv: its setting goes with it; sig(1) still waits for the mirror.
    expect(settingKeys()).toEqual([keyOf(sig(1))]);
    expect(t.db.groupServers(g.conversation).map((x) => [x.server, x.state, x.lastSeenSignature?.[0] ?? null])).toEqual([
      ['srv', 'leaving', 0xa9],
      ['mirror', 'active', null],
    ]);
    t.db.removeGroupServer(g.conversation, 'srv', PREFIX);
    reopen();
    expect(t.db.groupServers(g.conversation).map((x) => x.server)).toEqual(['mirror']);
    expect(t.db.pendingGroupPostCount('mirror')).toBe(1);
  });
});

describe('deleteOrphanedPendingPosts', () => {
  it('deletes pending-post settings no server waits for, keeps posts a server still waits for and every other setting', () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    const pending = t.db.queueGroupPost(keyOf(sig(1)), Uint8Array.of(1), post(g.conversation, sig(1)), 0, ['srv']);
    // An older version's crash between its two writes: the setting alone.
    t.db.setSetting(keyOf(sig(2)), Uint8Array.of(2));
    // Delivered: the echo acked the row (outbox row gone) but the setting's delete never ran.
    t.db.queueGroupPost(keyOf(sig(3)), Uint8Array.of(3), post(g.conversation, sig(3)), 0, ['srv']);
    t.db.groupPostEchoed(g.conversation, sig(3), 'srv', 'not-this-key');
    // A key that is not hex of any signature, and settings outside the prefix.
    t.db.setSetting(PREFIX + 'not-hex', Uint8Array.of(4));
    t.db.setSetting('groups.postX', Uint8Array.of(5));
    t.db.setSetting('engine.low-bandwidth', Uint8Array.of(1));
    reopen();
    expect(t.db.deleteOrphanedPendingPosts(PREFIX)).toBe(3);
    reopen();
    expect(settingKeys()).toEqual(['engine.low-bandwidth', keyOf(sig(1)), 'groups.postX'].sort());
    expect(pendingIds('srv')).toEqual([pending.id]);
    expect(t.db.getSetting(keyOf(sig(1)))).toEqual(Uint8Array.of(1));
    expect(t.db.deleteOrphanedPendingPosts(PREFIX)).toBe(0);
  });

  it('walks the post targets and looks messages up by id, never scanning every message', () => {
    const plan = t.db.posts.explainSweep();
    expect(plan).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/SCAN m\b/);
  });

  it('compares the prefix literally: LIKE wildcards in it match nothing else', () => {
    t.db.setSetting('p_x%.' + toHex(sig(1)), Uint8Array.of(1));
    t.db.setSetting('pAxZ.' + toHex(sig(1)), Uint8Array.of(2));
    t.db.setSetting('P_X%.' + toHex(sig(1)), Uint8Array.of(3));
    expect(t.db.deleteOrphanedPendingPosts('p_x%.')).toBe(1);
    expect(settingKeys()).toEqual(['P_X%.' + toHex(sig(1)), 'pAxZ.' + toHex(sig(1))].sort());
  });

  it('deleteGroup with pendingPostPrefix: the group\'s pending posts go in the same commit, another group\'s stay', () => {
    const gone = t.db.addGroup({ groupId: 'cc'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'left' });
    const kept = t.db.addGroup({ groupId: 'dd'.repeat(16), groupKey: new Uint8Array(32).fill(2), server: 'srv', name: 'kept' });
    t.db.queueGroupPost(keyOf(sig(1)), Uint8Array.of(1), post(gone.conversation, sig(1)), 0, ['srv']);
    t.db.queueGroupPost(keyOf(sig(2)), Uint8Array.of(2), post(gone.conversation, sig(2)), 0, ['srv']);
    t.db.queueGroupPost(keyOf(sig(3)), Uint8Array.of(3), post(kept.conversation, sig(3)), 0, ['srv']);
    t.db.setSetting(keyOf(sig(4)), Uint8Array.of(4));
    expect(t.db.deleteGroup(gone.conversation, [], { pendingPostPrefix: PREFIX })).toBe(true);
    reopen();
    expect(settingKeys()).toEqual([keyOf(sig(3))]);
    expect(t.db.pendingGroupPosts('srv')).toHaveLength(1);
    // Not a group: nothing is deleted, not even an orphan (that waits for the next start-up sweep).
    t.db.setSetting(keyOf(sig(5)), Uint8Array.of(5));
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    expect(t.db.deleteGroup(c.id, [], { pendingPostPrefix: PREFIX })).toBe(false);
    expect(settingKeys()).toEqual([keyOf(sig(3)), keyOf(sig(5))].sort());
  });
});

// Round trip of every entity through a real encrypted profile, plus the durability rules and disk full.

import { describe, expect, it } from 'vitest';
import type { ProfileDb } from '../../src/profile/profile-db.js';
import { SCHEMA_VERSION } from '../../src/profile/schema.js';
import { codeOf, store, useFreshProfile } from './helpers.js';

const t = useFreshProfile();
const reopen = (): ProfileDb => t.reopen();

const sig = (n: number) => new Uint8Array(64).fill(n);

describe('ProfileDb round trips', () => {
  it('identity and attributes', () => {
    const id = t.db.identity()!;
    t.db.own.setAttribute('public.profile.status', 'away');
    reopen();
    expect(t.db.identity()).toEqual(id);
    expect(t.db.getAttribute('public.profile.status')).toBe('away');
    expect([...t.db.own.attributes().keys()]).toEqual(['public.profile.name', 'public.profile.status']);
    expect(t.db.getAttribute('missing')).toBeNull();
  });

  it('conversations: create, find, update, list by activity, delete cascades', () => {
    const a = t.db.createConversation({ kind: 'contact', handle: 'peer-a', name: 'A' });
    const b = t.db.createConversation({ kind: 'contact', handle: 'peer-b', authorization: 'approved', lastActivity: 10 });
    expect(a).toMatchObject({ kind: 'contact', handle: 'peer-a', name: 'A', authorization: 'unknown', unread: 0 });
    t.db.updateConversation(a.id, { name: 'Alice', authorization: 'blocked' });
    t.db.insertMessage({ conversation: a.id, direction: 'in', sender: 'peer-a', body: 'x', receivedAt: 20, protocolId: 'm1' });
    reopen();
    expect(t.db.getConversation(a.id)).toMatchObject({ name: 'Alice', authorization: 'blocked', lastActivity: 20, unread: 1 });
    expect(t.db.findConversation('peer-b')!.id).toBe(b.id);
    expect(t.db.listConversations().map((c) => c.id)).toEqual([a.id, b.id]);
    t.db.markRead(a.id);
    expect(t.db.getConversation(a.id)!.unread).toBe(0);
    expect(codeOf(() => t.db.createConversation({ kind: 'contact', handle: 'peer-a' }))).toBe('profile.constraint');
    t.db.conversations.delete(a.id);
    expect(t.db.getConversation(a.id)).toBeNull();
    expect(t.db.messagesPage(a.id)).toEqual([]);
  });

  it('messages: all fields, de-dup by protocol id and by group signature, ack states', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    const r1 = t.db.insertMessage({
      conversation: c.id, direction: 'in', sender: 'peer', body: 'héllo 👋', sentAt: 100, receivedAt: 101, protocolId: 'p1',
      groupSignature: sig(1), previousSignature: sig(2),
    });
    expect(r1.isNew).toBe(true);
    const dup = t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: 'other', receivedAt: 102, protocolId: 'p1' });
    expect(dup).toEqual({ id: r1.id, isNew: false });
    const dupSig = t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: 'other', receivedAt: 102, groupSignature: sig(1) });
    expect(dupSig).toEqual({ id: r1.id, isNew: false });
    expect(t.db.getConversation(c.id)!.unread).toBe(1);
    // Same protocol id in another conversation is a different message.
    const c2 = t.db.createConversation({ kind: 'contact', handle: 'peer2' });
    expect(t.db.insertMessage({ conversation: c2.id, direction: 'in', sender: 'peer2', body: 'y', receivedAt: 1, protocolId: 'p1' }).isNew).toBe(true);
    const out = t.db.insertMessage({ conversation: c.id, direction: 'out', sender: 'me', body: 'reply', receivedAt: 103, protocolId: 'p2' });
    t.db.markAck(out.id, 'failed', 'peer offline');
    reopen();
    expect(t.db.getMessage(r1.id)).toEqual({
      id: r1.id, conversation: c.id, direction: 'in', sender: 'peer', body: 'héllo 👋', sentAt: 100, receivedAt: 101, protocolId: 'p1',
      ack: 'acknowledged', ackReason: null, groupSignature: sig(1), previousSignature: sig(2),
    });
    expect(t.db.findMessageByProtocolId(c.id, 'p2')).toMatchObject({ direction: 'out', ack: 'failed', ackReason: 'peer offline' });
  });

  it('messagesPage pages backwards, oldest first within a page, and walks the index', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    const other = t.db.createConversation({ kind: 'contact', handle: 'other' });
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: `m${i}`, receivedAt: i }).id);
      t.db.insertMessage({ conversation: other.id, direction: 'in', sender: 'other', body: `o${i}`, receivedAt: i });
    }
    const newest = t.db.messagesPage(c.id, undefined, 10);
    expect(newest.map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${15 + i}`));
    const older = t.db.messagesPage(c.id, newest[0]!.id, 10);
    expect(older.map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${5 + i}`));
    expect(t.db.messagesPage(c.id, older[0]!.id, 10)).toHaveLength(5);
    const plan = t.db.messages.explainPage();
    expect(plan).toMatch(/USING (COVERING )?INDEX messages_by_conversation|USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('outbox: queued with the message in one commit, due order, reschedule, removed on ack', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    const a = t.db.queueOutgoing({ conversation: c.id, sender: 'me', body: 'a', receivedAt: 1, protocolId: 'a' }, 50);
    const b = t.db.queueOutgoing({ conversation: c.id, sender: 'me', body: 'b', receivedAt: 2, protocolId: 'b' }, 10);
    expect(t.db.queueOutgoing({ conversation: c.id, sender: 'me', body: 'a', receivedAt: 1, protocolId: 'a' }, 5).isNew).toBe(false);
    reopen();
    expect(t.db.outboxDue(5)).toEqual([]);
    expect(t.db.outboxDue(100).map((e) => e.message.body)).toEqual(['b', 'a']);
    expect(t.db.getMessage(a.id)!.ack).toBe('pending');
    t.db.outbox.reschedule(b.id, 200);
    t.db.markAck(a.id, 'sent');
    expect(t.db.outboxDue(100).map((e) => [e.message.body, e.attempts])).toEqual([['a', 0]]);
    t.db.markAck(a.id, 'acknowledged');
    expect(t.db.outboxDue(1000).map((e) => [e.message.body, e.attempts, e.nextAttemptAt])).toEqual([['b', 1, 200]]);
    t.db.outbox.remove(b.id);
    expect(t.db.outboxDue(1000)).toEqual([]);
  });

  it('groups: create with conversation and its server, last seen signature, ack own message by signature, gaps', () => {
    const key = new Uint8Array(32).fill(3);
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: key, server: 'srv', name: 'Group' });
    expect(t.db.getConversation(g.conversation)).toMatchObject({ kind: 'group', handle: 'aa'.repeat(16), name: 'Group', authorization: 'approved' });
    t.db.setServerCommit('srv', sig(9));
    t.db.setServerSyncedAt('srv', 4321);
    const mine = t.db.queueGroupPost('post.5', Uint8Array.of(5), { conversation: g.conversation, sender: 'me', body: 'hi', receivedAt: 1, groupSignature: sig(5) }, 0, ['srv']);
    const gap = t.db.addGap({ group: g.conversation, beforeSignature: null, afterSignature: sig(7), firstSeen: 33 });
    reopen();
    expect(t.db.findGroup('aa'.repeat(16))).toEqual({ conversation: g.conversation, groupId: 'aa'.repeat(16), groupKey: key, server: 'srv', name: 'Group', localName: null, createdAt: null });
    expect(t.db.groupServers(g.conversation)).toEqual([{ conversation: g.conversation, server: 'srv', state: 'active', lastSeenSignature: sig(9), addedAt: 0, syncedAt: 4321 }]);
    expect(t.db.listGroups()).toHaveLength(1);
    expect(t.db.groupPostEchoed(g.conversation, sig(5), 'srv', 'post.5')).toEqual({ id: mine.id, firstAck: true });
    expect(t.db.groupPostEchoed(g.conversation, sig(6), 'srv', 'post.6')).toBeNull();
    expect(t.db.getSetting('post.5')).toBeNull();
    expect(t.db.getMessage(mine.id)!.ack).toBe('acknowledged');
    expect(t.db.outboxDue(10)).toEqual([]);
    expect(t.db.gaps(g.conversation)).toEqual([{ id: gap, group: g.conversation, beforeSignature: null, afterSignature: sig(7), firstSeen: 33, closed: false }]);
    t.db.groups.closeGap(gap);
    expect(t.db.gaps(g.conversation)).toEqual([]);
    expect(t.db.gaps(g.conversation, { includeClosed: true })[0]!.closed).toBe(true);
    t.db.conversations.delete(g.conversation);
    expect(t.db.getGroup(g.conversation)).toBeNull();
  });

  it('local names: a rename of a contact and of a group survives a reopen; the announced name is kept apart', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer', name: 'Announced' });
    const g = t.db.addGroup({ groupId: 'bb'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'From invite' });
    expect(t.db.getConversation(c.id)!.localName).toBeNull();
    t.db.setLocalName(c.id, 'My friend');
    t.db.setLocalName(g.conversation, 'Our plot');
    t.db.updateConversation(c.id, { name: 'Peer renamed itself' });
    reopen();
    expect(t.db.getConversation(c.id)).toMatchObject({ name: 'Peer renamed itself', localName: 'My friend' });
    expect(t.db.findGroup('bb'.repeat(16))).toMatchObject({ name: 'From invite', localName: 'Our plot' });
    expect(t.db.listGroups()[0]!.localName).toBe('Our plot');
    t.db.setLocalName(c.id, null);
    expect(t.db.getConversation(c.id)!.localName).toBeNull();
  });

  it('deleteGroup: conversation, key, messages, outbox, gaps, sync state and named settings go in one commit; server, tokens and other groups stay', () => {
    t.db.importServer({ onion: 'srv', bundle: '{}', keyBulletinBoard: 'bb', keyTokenService: 'ts', keyPrivacyPass: 'pp', importedAt: 1 });
    t.db.addTokens('srv', [{ token: sig(1), w: sig(2) }]);
    const gone = t.db.addGroup({ groupId: 'cc'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'left' });
    const kept = t.db.addGroup({ groupId: 'dd'.repeat(16), groupKey: new Uint8Array(32).fill(2), server: 'srv', name: 'kept' });
    for (const g of [gone, kept]) {
      t.db.setServerCommit('srv', sig(9));
      t.db.insertMessage({ conversation: g.conversation, direction: 'in', sender: 'x', body: 'b', receivedAt: 1, groupSignature: sig(g.conversation) });
      t.db.queueOutgoing({ conversation: g.conversation, sender: 'me', body: 'p', receivedAt: 2, groupSignature: sig(50 + g.conversation) }, 0);
      t.db.addGap({ group: g.conversation, beforeSignature: null, afterSignature: sig(7), firstSeen: 3 });
    }
    t.db.setSetting('post.gone', Uint8Array.of(1));
    t.db.setSetting('post.kept', Uint8Array.of(2));
    expect(t.db.deleteGroup(gone.conversation, ['post.gone'])).toBe(true);
    reopen();
    expect(t.db.findGroup('cc'.repeat(16))).toBeNull();
    expect(t.db.getConversation(gone.conversation)).toBeNull();
    expect(t.db.messagesPage(gone.conversation)).toEqual([]);
    expect(t.db.gaps(gone.conversation, { includeClosed: true })).toEqual([]);
    expect(t.db.groupServers(gone.conversation)).toEqual([]);
    expect(t.db.getSetting('post.gone')).toBeNull();
    const rows = (sql: string): number => (t.profile.connection.prepare(sql).get() as { n: number }).n;
    expect(rows(`SELECT count(*) AS n FROM messages WHERE conversation = ${gone.conversation}`)).toBe(0);
    expect(rows('SELECT count(*) AS n FROM outbox')).toBe(1);
    // The other group, the server and its tokens are untouched.
    expect(t.db.findGroup('dd'.repeat(16))).toMatchObject({ name: 'kept' });
    expect(t.db.groupServers(kept.conversation)[0]!.lastSeenSignature).toEqual(sig(9));
    expect(t.db.messagesPage(kept.conversation)).toHaveLength(2);
    expect(t.db.gaps(kept.conversation)).toHaveLength(1);
    expect(t.db.getSetting('post.kept')).toEqual(Uint8Array.of(2));
    expect(t.db.getServer('srv')).not.toBeNull();
    expect(t.db.unspentTokens('srv')).toBe(1);
    // Not a group (or gone already): nothing happens.
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    expect(t.db.deleteGroup(c.id, ['post.kept'])).toBe(false);
    expect(t.db.deleteGroup(gone.conversation)).toBe(false);
    expect(t.db.getConversation(c.id)).not.toBeNull();
    expect(t.db.getSetting('post.kept')).not.toBeNull();
    // The same group can be joined again.
    const again = t.db.addGroup({ groupId: 'cc'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'left' });
    expect(t.db.groupServers(again.conversation)[0]!.lastSeenSignature).toBeNull();
  });

  it('groupChainBack walks PreviousMessageSig from a message, stopping at a held signature, a gap, a row without ciphertext, max or maxBytes', () => {
    const g = t.db.addGroup({ groupId: 'ee'.repeat(16), groupKey: new Uint8Array(32).fill(3), server: 'srv', name: 'chain' });
    const sig = (i: number): Uint8Array => new Uint8Array(64).fill(i);
    const hex = (i: number): string => Buffer.from(sig(i)).toString('hex');
    // 1 ← 2 ← 3 ← 4 ← 5, where 3 has no stored ciphertext (an older version's row); 7 names the missing 6.
    for (const i of [1, 2, 3, 4, 5, 7]) {
      t.db.insertMessage({ conversation: g.conversation, direction: 'in', sender: 's', body: '{}', receivedAt: i, groupSignature: sig(i), previousSignature: sig(i - 1), groupCiphertext: i === 3 ? null : new Uint8Array(10 * i) });
    }
    const walk = (from: number, stop: number[], max = 10, maxBytes = 1 << 20) => t.db.groupChainBack(g.conversation, sig(from), new Set(stop.map(hex)), max, maxBytes).map((m) => m.signature[0]);
    expect(walk(5, [])).toEqual([5, 4]); // 3 has no ciphertext: the walk ends there
    expect(walk(5, [4])).toEqual([5]);
    expect(walk(5, [], 1)).toEqual([5]);
    expect(walk(5, [], 10, 50)).toEqual([5]); // 5 is 50 bytes; 4 more would pass 50
    expect(walk(2, [])).toEqual([2, 1]);
    expect(walk(7, [])).toEqual([7]); // 6 is not held
    expect(walk(6, [])).toEqual([]);
    expect(t.db.groupChainBack(g.conversation, sig(2), new Set(), 10, 1 << 20)[1]!.ciphertext).toEqual(new Uint8Array(10));
  });

  it('a profile written by the previous schema (v2) opens, migrates and keeps its data', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'old-peer', name: 'Old' });
    const conn = t.profile.connection;
    conn.exec('ALTER TABLE conversations DROP COLUMN local_name');
    conn.exec('ALTER TABLE messages DROP COLUMN group_ct');
    conn.exec('DROP TABLE post_targets');
    conn.exec('DROP TABLE group_servers');
    conn.exec('ALTER TABLE groups DROP COLUMN created_at');
    conn.exec('ALTER TABLE conversations DROP COLUMN verified_at');
    conn.exec('ALTER TABLE conversations DROP COLUMN muted');
    conn.pragma('user_version = 2');
    reopen();
    expect(t.profile.connection.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(t.db.getConversation(c.id)).toMatchObject({ handle: 'old-peer', name: 'Old', localName: null });
    t.db.setLocalName(c.id, 'renamed');
    expect(t.db.getConversation(c.id)!.localName).toBe('renamed');
  });

  it('servers (TOFU) and tokens: import, same keys again, changed keys refused, spend once', () => {
    const s = { onion: 'srv', bundle: '{"Keys":{}}', keyBulletinBoard: 'bb', keyTokenService: 'ts', keyPrivacyPass: 'pp', importedAt: 7 };
    expect(t.db.importServer(s)).toBe(true);
    expect(t.db.importServer({ ...s, importedAt: 8 })).toBe(false);
    expect(codeOf(() => t.db.importServer({ ...s, keyPrivacyPass: 'other' }))).toBe('profile.server-keys-changed');
    t.db.addTokens('srv', [{ token: sig(1), w: sig(2) }, { token: sig(3), w: sig(4) }]);
    reopen();
    expect(t.db.getServer('srv')).toEqual(s);
    expect(t.db.listServers()).toEqual([s]);
    expect(t.db.unspentTokens('srv')).toBe(2);
    const t1 = t.db.takeToken('srv')!;
    expect(t1).toMatchObject({ server: 'srv', token: sig(1), w: sig(2) });
    reopen();
    expect(t.db.takeToken('srv')!.token).toEqual(sig(3));
    expect(t.db.takeToken('srv')).toBeNull();
    t.db.servers.delete('srv');
    expect(t.db.getServer('srv')).toBeNull();
  });

  it('secret settings', () => {
    t.db.setSetting('k', new Uint8Array([1, 2]));
    t.db.setSetting('k', new Uint8Array([3]));
    reopen();
    expect(t.db.getSetting('k')).toEqual(new Uint8Array([3]));
    t.db.deleteSetting('k');
    expect(t.db.getSetting('k')).toBeNull();
  });
});

describe('durability', () => {
  it('a received message is visible to a second connection as soon as insertMessage returns (committed)', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    const r = t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: 'x', receivedAt: 1, protocolId: 'q' });
    // A second, independent unlock reads the file: only committed rows are there.
    const other = store().unlockProfiles(t.home, 'pw').opened[0]!;
    expect(other.db.getMessage(r.id)!.body).toBe('x');
    other.lock();
  });

  it('disk full (max_page_count): the write fails with profile.disk-full, nothing is stored, the db still opens', () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer' });
    t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: 'before', receivedAt: 1, protocolId: 'ok' });
    const pages = t.profile.connection.pragma('page_count', { simple: true }) as number;
    t.profile.connection.pragma(`max_page_count = ${pages}`);
    const big = 'z'.repeat(64 * 1024);
    expect(codeOf(() => t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: big, receivedAt: 2, protocolId: 'big' }))).toBe(
      'profile.disk-full',
    );
    expect(codeOf(() => t.db.queueOutgoing({ conversation: c.id, sender: 'me', body: big, receivedAt: 3, protocolId: 'big-out' }, 0))).toBe('profile.disk-full');
    expect(t.db.findMessageByProtocolId(c.id, 'big')).toBeNull();
    expect(t.db.outboxDue(10)).toEqual([]);
    expect(t.db.getConversation(c.id)!.unread).toBe(1);
    reopen();
    expect(t.profile.connection.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(t.db.messagesPage(c.id).map((m) => m.body)).toEqual(['before']);
    // With the limit gone (per connection) the same write succeeds.
    expect(t.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: big, receivedAt: 2, protocolId: 'big' }).isNew).toBe(true);
  });
});


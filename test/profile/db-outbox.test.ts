// One conversation's outbox (`ProfileDb.outbox.forConversation`): what a contact's session sends when it opens.

import { describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/profile/profile-db.js';
import { useFreshProfile } from './helpers.js';

const t = useFreshProfile();

const out = (conversation: ConversationId, body: string, nextAttemptAt: number) =>
  t.db.queueOutgoing({ conversation, sender: 'me', body, receivedAt: 1, protocolId: body }, nextAttemptAt);

describe('outbox.forConversation', () => {
  it("every entry of that conversation, due or not, earliest next attempt first; nothing acked or failed, nothing of another's", () => {
    const c = t.db.createConversation({ kind: 'contact', handle: 'peer-c' });
    const d = t.db.createConversation({ kind: 'contact', handle: 'peer-d' });
    const quiet = t.db.createConversation({ kind: 'contact', handle: 'peer-q' });
    const a = out(c.id, 'a', 50);
    const b = out(c.id, 'b', 10);
    out(d.id, 'x', 5);
    out(c.id, 'c', 10); // same next attempt as b: queued after it
    out(c.id, 'later', Number.MAX_SAFE_INTEGER);
    const acked = out(c.id, 'acked', 1);
    const failed = out(c.id, 'failed', 1);
    t.db.markAck(a.id, 'sent'); // sent but not acknowledged: still waits
    t.db.markAck(acked.id, 'acknowledged');
    t.db.markAck(failed.id, 'failed', 'too long');
    t.db.outbox.reschedule(b.id, 70);
    t.reopen();

    const entries = t.db.outbox.forConversation(c.id);
    expect(entries.map((e) => [e.message.body, e.attempts, e.nextAttemptAt])).toEqual([
      ['c', 0, 10],
      ['a', 0, 50],
      ['b', 1, 70],
      ['later', 0, Number.MAX_SAFE_INTEGER],
    ]);
    expect(entries[1]!.message).toMatchObject({ id: a.id, conversation: c.id, direction: 'out', ack: 'sent' });
    // What the engine filtered out of the whole outbox before, entry for entry.
    expect(entries).toEqual(t.db.outboxDue(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER).filter((e) => e.message.conversation === c.id));
    expect(t.db.outbox.forConversation(d.id).map((e) => e.message.body)).toEqual(['x']);
    expect(t.db.outbox.forConversation(quiet.id)).toEqual([]);
    expect(t.db.outbox.forConversation(9999 as ConversationId)).toEqual([]);
  });

  it("a group's posts are its outbox too; a left group's are gone", () => {
    const g = t.db.addGroup({ groupId: 'aa'.repeat(16), groupKey: new Uint8Array(32).fill(1), server: 'srv', name: 'g' });
    const sig = new Uint8Array(64).fill(0xa5);
    const r = t.db.queueGroupPost('groups.post.x', Uint8Array.of(1), { conversation: g.conversation, sender: 'me', body: 'p', receivedAt: 1, groupSignature: sig }, 3, ['srv']);
    expect(t.db.outbox.forConversation(g.conversation).map((e) => [e.message.id, e.message.groupSignature])).toEqual([[r.id, sig]]);
    t.db.deleteGroup(g.conversation);
    expect(t.db.outbox.forConversation(g.conversation)).toEqual([]);
  });

  it('walks the outbox in order (no sort), never every message of the conversation', () => {
    const plan = t.db.outbox.explainForConversation();
    expect(plan).toMatch(/SCAN o USING INDEX outbox_due/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(plan).not.toMatch(/SCAN m\b/);
  });
});

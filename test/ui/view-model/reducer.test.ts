import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { dismissSyncPrompt, markRead, reduce } from '../../../src/ui/view-model/reducer.js';
import { bytesToday, hotlist, initialState, openGapCount, type UiState } from '../../../src/ui/view-model/state.js';
import { contactEvent, ME, messageEvent, onion, profileEvent, nextPosition } from '../helpers/fixtures.js';

const run = (events: readonly EngineEvent[], s: UiState = initialState()): UiState => events.reduce(reduce, s);
const GROUP = 'a'.repeat(32);
const SERVER = onion(90);

describe('reduce', () => {
  it('profile: name is cleaned and defaultPassword kept', () => {
    const s = run([{ event: 'profile', profileId: 'p1', onion: ME, name: 'me\u001b[31m', defaultPassword: true }]);
    expect(s.profile?.name).toBe('me');
    expect(s.profile?.defaultPassword).toBe(true);
  });

  it('tor: progress is clamped and the summary is one safe line', () => {
    const s = run([{ event: 'tor', state: 'starting', progress: 140, summary: 'Loading\nrelay \u001b]0;x\u0007descriptors' }]);
    expect(s.tor.progress).toBe(100);
    expect(s.tor.summary).toBe('Loading relay descriptors');
    expect(run([{ event: 'tor', state: 'ready', progress: Number.NaN, summary: '' }]).tor).toMatchObject({ state: 'ready', progress: 0 });
  });

  it('contact: numbered in the order they first appear; activity does not move them; the hotlist says where to look', () => {
    let s = run([contactEvent(1, 'old', { lastActivity: 10 }), contactEvent(2, 'new', { lastActivity: 20 }), contactEvent(3, 'stranger', { authorization: 'unknown', lastActivity: 1 })]);
    expect(s.order).toEqual([onion(1), onion(2), onion(3)]);
    s = reduce(s, contactEvent(1, 'old', { lastActivity: 99, unread: 4 }));
    expect(s.order).toEqual([onion(1), onion(2), onion(3)]);
    expect(hotlist(s)).toEqual([
      { slot: 1, unread: 4, request: false },
      { slot: 3, unread: 0, request: true },
    ]);
    const c = s.conversations.get(onion(2))!;
    expect(c).toMatchObject({ kind: 'contact', name: 'new', authorization: 'approved', online: 'Disconnected' });
    expect(c.fingerprint.short).toMatch(/^.{6}….{4}$/);
  });

  it('contact: look-alike names are flagged on both sides', () => {
    const s = run([contactEvent(1, 'alice'), contactEvent(2, 'a\u200blice'), contactEvent(3, 'bob')]);
    expect(s.conversations.get(onion(1))!.lookalike).toBe(true);
    expect(s.conversations.get(onion(2))!.lookalike).toBe(true);
    expect(s.conversations.get(onion(3))!.lookalike).toBe(false);
  });

  it('peer-state sets a contact online; unknown onions are ignored', () => {
    const s = run([contactEvent(1, 'a'), { event: 'peer-state', onion: onion(1), state: 'Authenticated' }, { event: 'peer-state', onion: onion(9), state: 'Failed' }]);
    expect(s.conversations.get(onion(1))!.online).toBe('Authenticated');
    expect(s.conversations.has(onion(9))).toBe(false);
  });

  it('group, server and server-state: a group follows its server', () => {
    const s = run([
      { event: 'server', onion: SERVER, imported: true },
      { event: 'group', groupId: GROUP, position: nextPosition(), name: 'friends', server: SERVER, invite: 'torv3xyz' },
      { event: 'server-state', server: SERVER, state: 'Synced' },
    ]);
    expect(s.servers.get(SERVER)).toMatchObject({ state: 'Synced', imported: true });
    expect(s.conversations.get(GROUP)).toMatchObject({ kind: 'group', name: 'friends', online: 'Synced', server: SERVER });
  });

  it('message: appended once per id, bumps unread and activity for incoming only', () => {
    let s = run([profileEvent(), contactEvent(1, 'a')]);
    const c = onion(1);
    s = run([messageEvent(c, 1, { time: 5000 }), messageEvent(c, 1, { time: 5000 }), messageEvent(c, 2, { outgoing: true, from: ME, ack: 'pending', time: 6000 })], s);
    expect(s.messages.get(c)!.length).toBe(2);
    expect(s.conversations.get(c)).toMatchObject({ unread: 1, lastActivity: 6000 });
    expect(s.messages.get(c)!.at(1)).toMatchObject({ fromName: 'me', outgoing: true, ack: 'pending' });
    expect(markRead(s, c).conversations.get(c)!.unread).toBe(0);
  });

  it('message: hostile text is stored safe', () => {
    const s = run([messageEvent(onion(1), 1, { text: 'hi\u001b]52;c;ZXZpbA==\u0007 \u202eevil' })]);
    expect(s.messages.get(onion(1))!.at(0)!.text).toBe('hi evil');
  });

  it('sent, ack and failed update the ack state; an ack is not undone by a late sent', () => {
    const c = onion(1);
    let s = run([messageEvent(c, 1, { outgoing: true, ack: 'pending' }), messageEvent(c, 2, { outgoing: true, ack: 'pending' })]);
    s = run([{ event: 'sent', conversation: c, messageId: 'm1' }], s);
    expect(s.messages.get(c)!.byId('m1')!.ack).toBe('sent');
    s = run([{ event: 'ack', conversation: c, messageId: 'm1' }, { event: 'sent', conversation: c, messageId: 'm1' }], s);
    expect(s.messages.get(c)!.byId('m1')!.ack).toBe('acknowledged');
    s = run([{ event: 'failed', conversation: c, messageId: 'm2', reason: 'peer offline\u0007' }], s);
    expect(s.messages.get(c)!.byId('m2')).toMatchObject({ ack: 'failed', failReason: 'peer offline' });
    const before = s;
    expect(run([{ event: 'ack', conversation: c, messageId: 'nope' }], s)).toBe(before);
  });

  it('history merges older messages in time order without duplicates', () => {
    const c = onion(1);
    let s = run([messageEvent(c, 10, { time: 10_000 })]);
    s = run(
      [
        {
          event: 'history',
          conversation: c,
          messages: [
            { messageId: 'm10', from: c, text: 'dup', time: 10_000, outgoing: false, ack: 'acknowledged' },
            { messageId: 'm2', from: c, text: 'two', time: 2000, outgoing: false, ack: 'acknowledged' },
            { messageId: 'm1', from: c, text: 'one', time: 1000, outgoing: false, ack: 'acknowledged' },
          ],
        },
      ],
      s,
    );
    const store = s.messages.get(c)!;
    expect([0, 1, 2].map((i) => store.at(i)!.messageId)).toEqual(['m1', 'm2', 'm10']);
    expect(store.positionOf('m10')).toBe(2);
  });

  it('quoted replies show the original the engine named: its text, or a held message by id, or that it is not here', () => {
    const c = onion(1);
    const s = run([
      messageEvent(c, 1, { text: 'original' }),
      messageEvent(c, 2, { overlay: 10, text: 'reply', quote: { messageId: 'm1' } }),
      messageEvent(c, 3, { overlay: 10, text: 'again', quote: { messageId: 'm9', text: 'older\u001b[2J one' } }),
      messageEvent(c, 4, { overlay: 10, text: 'what?', quote: {} }),
    ]);
    const store = s.messages.get(c)!;
    expect(store.byId('m2')).toMatchObject({ text: 'reply', quote: 'original' });
    expect(store.byId('m3')).toMatchObject({ text: 'again', quote: 'older one' });
    expect(store.byId('m4')).toMatchObject({ text: 'what?', quote: '(quoted message not on this device)' });
  });

  it('hostile names and texts in the new surfaces reach the screen as safe single lines (invite card, search hits, server reason)', () => {
    const c = onion(1);
    const evil = 'club\u001b[2J\u001b]0;pwned\u0007\nnext';
    let st = run([
      contactEvent(1, 'alice'),
      messageEvent(c, 1, { overlay: 101, text: 'tofubundle:…', groupInvite: { groupId: GROUP, groupName: evil } }),
      { event: 'search', query: evil, results: [{ conversation: c, messageId: 'm1', from: c, text: evil, time: 1 }], more: false },
      { event: 'server-state', server: onion(9), state: 'Failed', reason: evil, retryAt: 5 },
    ]);
    const shown = [st.messages.get(c)!.byId('m1')!.text, st.search!.query, st.search!.hits[0]!.text, st.servers.get(onion(9))!.reason!];
    for (const t of shown) {
      expect([...t].every((ch) => ch.codePointAt(0)! >= 0x20 && ch.codePointAt(0) !== 0x7f), t).toBe(true);
      expect(t).toContain('club');
    }
    expect(shown[0]).toContain('✉ group invite: “club');
    st = run([]);
    expect(st.search).toBeUndefined();
  });

  it('invite is listed with a safe group name', () => {
    const s = run([contactEvent(1, 'alice'), { event: 'invite', from: onion(1), groupId: GROUP, groupName: 'club\u001b[2J', text: 'torv3abc' }]);
    expect(s.invites[0]).toMatchObject({ fromName: 'alice', groupName: 'club', groupId: GROUP });
  });

  it('gap and gap-closed track open gaps per group', () => {
    let s = run([
      { event: 'gap', group: GROUP, gapId: 'g1', before: 'm1', after: 'm2', beforeTime: 1, afterTime: 2, cause: 'pruned' },
      { event: 'gap', group: GROUP, gapId: 'g2', cause: 'withheld' },
    ]);
    expect(openGapCount(s, GROUP)).toBe(2);
    s = run([{ event: 'gap-closed', group: GROUP, gapId: 'g1', closedBy: 'server' }], s);
    expect(openGapCount(s, GROUP)).toBe(1);
    expect(s.gaps.get(GROUP)!.find((g) => g.gapId === 'g1')).toMatchObject({ open: false, cause: 'pruned', beforeTime: 1 });
  });

  it('sync-cost prompts replace per server and can be dismissed', () => {
    let s = run([
      { event: 'sync-cost', server: SERVER, messages: 10, bytes: 100 },
      { event: 'sync-cost', server: SERVER, messages: 20, bytes: 200 },
    ]);
    expect(s.syncPrompts).toEqual([{ server: SERVER, messages: 20, bytes: 200 }]);
    s = dismissSyncPrompt(s, SERVER);
    expect(s.syncPrompts).toEqual([]);
  });

  it('bytes: today total and per-scope meters', () => {
    const s = run([
      { event: 'bytes', scope: 'total', key: '', sent: 100, received: 50 },
      { event: 'bytes', scope: 'server', key: SERVER, sent: 1, received: 2 },
    ]);
    expect(bytesToday(s)).toBe(150);
    expect(s.bytes.get(`server:${SERVER}`)).toEqual({ sent: 1, received: 2 });
  });

  it('lowbw, ok and error', () => {
    const s = run([{ event: 'lowbw', on: true }, { event: 'ok', cmd: 'add', id: '7' }, { event: 'error', code: 'unlock.password', message: 'wrong password\u001b[1m', id: '8' }]);
    expect(s.lowBandwidth).toBe(true);
    expect(s.lastOk).toEqual({ cmd: 'add', id: '7' });
    expect(s.lastError).toEqual({ code: 'unlock.password', message: 'wrong password', id: '8' });
  });

  it('group-left removes the group, its messages and gaps; a look-alike warning it caused goes too', () => {
    const s = run([
      profileEvent(),
      contactEvent(1, 'club'),
      { event: 'group', groupId: GROUP, position: nextPosition(), name: 'c1ub', server: SERVER, invite: '' },
      messageEvent(GROUP, 1, { from: onion(1), signature: 'x' }),
      { event: 'gap', group: GROUP, gapId: 'g', cause: 'pruned' },
    ]);
    expect(s.conversations.get(onion(1))!.lookalike).toBe(true);
    const left = reduce(s, { event: 'group-left', groupId: GROUP });
    expect(left.conversations.has(GROUP)).toBe(false);
    expect(left.order).toEqual([onion(1)]);
    expect(left.messages.has(GROUP)).toBe(false);
    expect(left.gaps.has(GROUP)).toBe(false);
    expect(left.conversations.get(onion(1))!.lookalike).toBe(false);
    expect(reduce(left, { event: 'group-left', groupId: GROUP })).toBe(left);
  });
});

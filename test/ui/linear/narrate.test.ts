// Linear mode's narrator: which events become a line, and what the line says. Driven by the real reducer.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { Narrator, stamp } from '../../../src/ui/linear/narrate.js';
import { fingerprintOf } from '../../../src/ui/view-model/identity.js';
import { reduce } from '../../../src/ui/view-model/reducer.js';
import { initialState, type UiState } from '../../../src/ui/view-model/state.js';
import { at, contactEvent, ME, messageEvent, onion, profileEvent, nextPosition } from '../helpers/fixtures.js';

const GROUP = 'b'.repeat(32);
const SERVER = onion(90);

/** Feed events through the reducer and the narrator as run-linear does; returns every line said. */
function narrate(events: readonly EngineEvent[], opts: { endSnapshotAfter?: number } = {}): { lines: string[]; state: UiState } {
  const n = new Narrator({ now: () => at(12, 0) });
  let state = initialState();
  const lines: string[] = [];
  events.forEach((e, i) => {
    state = reduce(state, e);
    lines.push(...n.event(e, state));
    if (opts.endSnapshotAfter === i) lines.push(...n.endSnapshot(state));
  });
  return { lines, state };
}

const fp = (id: string): string => fingerprintOf(id).short;
// eslint-disable-next-line no-control-regex -- any control character but none is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('linear narrator', () => {
  it('queued group posts: a line when a reason to wait starts or changes, one when they go again; counts alone and "connecting" say nothing', () => {
    const q = (queued: number, waiting: Extract<EngineEvent, { event: 'post-queue' }>['waiting'], retryAt?: number): EngineEvent => ({ event: 'post-queue', server: SERVER, queued, waiting, ...(retryAt !== undefined ? { retryAt } : {}) });
    const { lines, state } = narrate([profileEvent(), q(5, 'connecting'), q(5, null), q(4, null), q(3, 'rate-limited', at(12, 7) + 9_000), q(2, 'rate-limited', at(12, 7) + 9_000), q(2, null), q(0, null)]);
    expect(lines.slice(-2)).toEqual([
      `server ${fp(SERVER)}: 3 posts waiting for the server: rate limited by the server until 12:07:09`,
      `server ${fp(SERVER)}: posts going out again`,
    ]);
    expect(state.postQueues.size).toBe(0);
  });

  it('an incoming message is one plain line: time, name, fingerprint, text; group messages say where', () => {
    const { lines } = narrate([
      profileEvent(),
      contactEvent(1, 'alice'),
      { event: 'group', groupId: GROUP, position: nextPosition(), name: 'club', server: SERVER, invite: 'torv3x' },
      messageEvent(onion(1), 0, { text: 'hello', time: at(12, 3) }),
      messageEvent(GROUP, 1, { from: onion(1), text: 'hi all', time: at(12, 4), signature: 'c2ln' }),
      messageEvent(GROUP, 2, { from: onion(7), text: 'who am i', time: at(12, 5), signature: 'c2lo' }),
    ]);
    expect(lines.slice(-3)).toEqual([
      `[12:03] alice (${fp(onion(1))}): hello`,
      `[12:04] alice (${fp(onion(1))}) in #club: hi all`,
      `[12:05] ${fp(onion(7))} in #club: who am i`,
    ]);
  });

  it('hostile text: escapes, bidi controls and newlines never reach the line', () => {
    const { lines } = narrate([
      profileEvent(),
      contactEvent(1, 'ev\u001b[31mil\u202e'),
      messageEvent(onion(1), 0, { text: 'a\u001b]52;c;aGk=\u0007b\nsecond\rline\u009b2J', time: at(12, 3) }),
    ]);
    for (const l of lines) expect(l).not.toMatch(CONTROL);
    expect(lines.at(-1)).toBe(`[12:03] evil (${fp(onion(1))}): ab / second / line`);
  });

  it('a message from another day carries its date; our own echoed messages are not read back', () => {
    expect(stamp(at(9, 30, 1), at(12, 0, 2))).toBe('2026-01-01 09:30');
    const { lines } = narrate([profileEvent(), contactEvent(1, 'alice'), messageEvent(onion(1), 0, { outgoing: true, from: ME })]);
    expect(lines.some((l) => l.includes('message 0'))).toBe(false);
  });

  it('tor progress at most every 10 %, then ready', () => {
    const steps = [0, 5, 9, 10, 14, 45, 46, 80, 100].map((p): EngineEvent => ({ event: 'tor', state: 'starting', progress: p, summary: 'x' }));
    const { lines } = narrate([...steps, { event: 'tor', state: 'ready', progress: 100, summary: '' }, { event: 'tor', state: 'ready', progress: 100, summary: '' }]);
    expect(lines).toEqual(['tor: 0 %', 'tor: 10 %', 'tor: 40 %', 'tor: 80 %', 'tor: 100 %', 'tor: ready']);
  });

  it('the burst after unlock is summarised in one line, not read contact by contact', () => {
    const { lines } = narrate(
      [profileEvent('me'), contactEvent(1, 'alice', { unread: 2 }), contactEvent(2, 'bob'), contactEvent(3, 'eve', { authorization: 'unknown' }), { event: 'peer-state', onion: onion(1), state: 'Authenticated' }],
      { endSnapshotAfter: 4 },
    );
    expect(lines).toEqual([`Profile me (${fp(ME)}) is open. Your address: ${ME}`, '3 conversations, 2 unread, 1 request waiting. /list shows them, /open NAME opens one.']);
  });

  it('online/offline only on a change; requests, accepts and renames are said', () => {
    const { lines } = narrate(
      [
        profileEvent(),
        contactEvent(1, 'alice'),
        { event: 'peer-state', onion: onion(1), state: 'Connecting' },
        { event: 'peer-state', onion: onion(1), state: 'Authenticated' },
        { event: 'peer-state', onion: onion(1), state: 'Authenticated' },
        { event: 'peer-state', onion: onion(1), state: 'Disconnected' },
        contactEvent(2, 'mallory', { authorization: 'unknown' }),
        contactEvent(2, 'mallory', { authorization: 'approved' }),
        contactEvent(1, 'ally'),
      ],
      { endSnapshotAfter: 1 },
    );
    const a = `(${fp(onion(1))})`;
    expect(lines.slice(2)).toEqual([
      `alice ${a} is online`,
      `alice ${a} is offline`,
      `Contact request from mallory (${fp(onion(2))}). Names are chosen by their owners: check the fingerprint. /accept ${onion(2)} or /block ${onion(2)}.`,
      `mallory (${fp(onion(2))}) is now accepted`,
      `alice ${a} is now called ally`,
    ]);
  });

  it('gaps, acks, failures, invites, sync cost, low-bandwidth and errors', () => {
    const { lines } = narrate(
      [
        profileEvent(),
        contactEvent(1, 'alice'),
        { event: 'group', groupId: GROUP, position: nextPosition(), name: 'club', server: SERVER, invite: 'torv3x' },
        { event: 'gap', group: GROUP, gapId: 'g', beforeTime: at(12, 3), afterTime: at(12, 41), cause: 'withheld' },
        { event: 'gap-closed', group: GROUP, gapId: 'g', closedBy: 'server' },
        { event: 'sent', conversation: onion(1), messageId: 'm1' },
        { event: 'ack', conversation: onion(1), messageId: 'm1' },
        { event: 'failed', conversation: onion(1), messageId: 'm2', reason: 'peer offline' },
        { event: 'invite', from: onion(1), groupId: 'c'.repeat(32), groupName: 'book\u001b[2Jclub', text: 'torv3y' },
        { event: 'sync-cost', server: SERVER, messages: 1200, bytes: 3_400_000 },
        { event: 'lowbw', on: true },
        { event: 'error', code: 'x.y', message: 'bad\nthing' },
        { event: 'bytes', scope: 'total', key: '', sent: 1, received: 2 },
      ],
      { endSnapshotAfter: 2 },
    );
    const g = `#club (${fp(GROUP)})`;
    expect(lines.slice(2)).toEqual([
      `gap in ${g}: messages missing between 12:03 and 12:41 (withheld)`,
      `gap in ${g} closed: the missing messages arrived`,
      `delivered to alice (${fp(onion(1))})`,
      `not sent to alice (${fp(onion(1))}): peer offline`,
      `Group invite from alice (${fp(onion(1))}) to “bookclub”. /join accepts it (groups are experimental).`,
      `Full resync of server #${fp(SERVER)}: 1200 messages, 3.4 MB. Type /sync ${SERVER} yes to go ahead.`,
      'low-bandwidth mode on: servers sync only when you type /sync',
      'error: bad / thing',
    ]);
  });

  it('history is read out only when this UI asked for it (/open)', () => {
    const n = new Narrator({ now: () => at(12, 0) });
    let s = [profileEvent(), contactEvent(1, 'alice')].reduce(reduce, initialState());
    const h = (id?: string): EngineEvent => ({
      event: 'history',
      conversation: onion(1),
      messages: [
        { messageId: 'a', from: onion(1), text: 'hey', time: at(11, 0), outgoing: false, ack: 'acknowledged' },
        { messageId: 'b', from: ME, text: 'yo', time: at(11, 1), outgoing: true, ack: 'acknowledged' },
      ],
      ...(id !== undefined ? { id } : {}),
    });
    s = reduce(s, h());
    expect(n.event(h(), s)).toEqual([]);
    n.expectHistory('q1');
    expect(n.event(h('q1'), s)).toEqual([`[11:00] alice (${fp(onion(1))}): hey`, '[11:01] you: yo']);
    expect(n.event(h('q1'), s)).toEqual([]);
  });

  it('leaving a group is said by its name; a rename answer says the new name', () => {
    const { lines, state } = narrate(
      [
        profileEvent(),
        contactEvent(1, 'alice'),
        { event: 'group', groupId: GROUP, position: nextPosition(), name: 'club', server: SERVER, invite: '' },
        contactEvent(1, 'Alice (work)'),
        { event: 'group-left', groupId: GROUP },
      ],
      { endSnapshotAfter: 2 },
    );
    expect(lines.slice(-2)).toEqual([`alice (${fp(onion(1))}) is now called Alice (work)`, 'You left group club; its messages on this device are deleted.']);
    expect(state.conversations.has(GROUP)).toBe(false);
  });
});

// Linear mode's typed lines → engine commands, on the real reducer's view model.

import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { handleLine, INITIAL_LINEAR, type LinearLocal } from '../../../src/ui/linear/line-commands.js';
import { fingerprintOf } from '../../../src/ui/view-model/identity.js';
import { reduce } from '../../../src/ui/view-model/reducer.js';
import { initialState, type UiState } from '../../../src/ui/view-model/state.js';
import { contactEvent, ME, onion, profileEvent } from '../helpers/fixtures.js';

const GROUP = 'b'.repeat(32);
const SERVER = onion(90);
const world: UiState = (
  [
    profileEvent(),
    contactEvent(1, 'alice', { unread: 2, lastActivity: 5 }),
    contactEvent(2, 'bob', { lastActivity: 4 }),
    contactEvent(3, 'eve', { authorization: 'unknown' }),
    { event: 'server', onion: SERVER, imported: true },
    { event: 'group', groupId: GROUP, name: 'club', server: SERVER, invite: 'torv3x' },
    { event: 'invite', from: onion(1), groupId: 'c'.repeat(32), groupName: 'books', text: 'torv3invite' },
  ] as EngineEvent[]
).reduce(reduce, initialState());

function lines(input: readonly string[], local: LinearLocal = INITIAL_LINEAR): ReturnType<typeof handleLine>[] {
  const out: ReturnType<typeof handleLine>[] = [];
  for (const l of input) {
    const r = handleLine(local, world, l);
    local = r.local;
    out.push(r);
  }
  return out;
}

describe('linear lines', () => {
  it('text before /open is not sent; after /open it goes to that conversation', () => {
    const [first, opened, sent] = lines(['hello', '/open ali', 'hello alice']);
    expect(first!.commands).toEqual([]);
    expect(first!.say[0]).toMatch(/open a conversation first/);
    expect(opened!.say).toEqual([`Now writing to alice (${fingerprintOf(onion(1)).short}).`]);
    expect(opened!.commands).toEqual([{ cmd: 'history', conversation: onion(1), limit: 10, id: 'linear-open-1' }]);
    expect(opened!.expectHistory).toBe('linear-open-1');
    expect(opened!.localEvents).toEqual([{ local: 'read', id: onion(1) }]);
    expect(sent!.commands).toEqual([{ cmd: 'send', to: onion(1), text: 'hello alice' }]);
  });

  it('/open matches fingerprints and addresses too; no match says so', () => {
    expect(lines([`/open ${onion(2).slice(0, 12)}`])[0]!.local.current).toBe(onion(2));
    expect(lines(['/open zzzzqqq'])[0]!.say).toEqual(['No conversation matches that. /list shows them.']);
  });

  it('a request cannot be written to; /accept without an argument accepts the open one', () => {
    const [opened, text, accept] = lines(['/open eve', 'hi', '/accept']);
    expect(opened!.say[1]).toBe('This is a contact request: /accept or /block.');
    expect(text!.commands).toEqual([]);
    expect(accept!.commands).toEqual([{ cmd: 'accept', onion: onion(3) }]);
  });

  it('/list: one line per conversation, unread counts, the open one marked', () => {
    const out = lines(['/open bob', '/list'])[1]!.say;
    expect(out).toHaveLength(4);
    // Numbered in the order they first appeared (numbers do not move with activity).
    expect(out.find((l) => l.includes('eve'))).toMatch(new RegExp(`^\\d\\. eve \\(${fingerprintOf(onion(3)).short}\\): contact request, 0 unread$`));
    expect(out.find((l) => l.includes('alice'))).toMatch(/: offline, 2 unread$/);
    expect(out.find((l) => l.includes('bob'))).toMatch(/offline, 0 unread \(open\)$/);
    expect(out.find((l) => l.includes('club'))).toMatch(/group, server Disconnected, 0 unread$/);
  });

  it('every slash command still works: group commands use the open group, //, /sync, /lowbw, /me, /server, /quit', () => {
    const [, invite, literal] = lines(['/open club', `/invite ${onion(2)}`, '//shrug']);
    expect(invite!.commands).toEqual([{ cmd: 'invite', to: onion(2), group: GROUP }]);
    expect(literal!.commands).toEqual([{ cmd: 'send', to: GROUP, text: '/shrug' }]);
    const [sync, lowbw, me, servers, quit] = lines([`/sync ${SERVER} yes`, '/lowbw on', '/me', '/server', '/quit']);
    expect(sync!.commands).toEqual([{ cmd: 'sync', server: SERVER, confirm: true }]);
    expect(sync!.localEvents).toEqual([{ local: 'dismiss-sync', server: SERVER }]);
    expect(lowbw!.commands).toEqual([{ cmd: 'lowbw', on: true }]);
    expect(me!.say).toEqual([`Your address: ${ME}`]);
    expect(servers!.say[1]).toBe("No data budget (0 B today): /budget 50MB sets one for low-bandwidth syncs.");
    expect(servers!.say[2]).toBe(`server ${fingerprintOf(SERVER).short}: Disconnected, ↑ 0 B ↓ 0 B · 0 fetched, 0 ours, 1 group; address ${SERVER}`);
    expect(quit!.quit).toBe(true);
    expect(quit!.commands).toEqual([{ cmd: 'quit' }]);
  });

  it('/join accepts the oldest invite; /help lists the linear commands and every slash command; errors are said', () => {
    const [join, help, topic, bad] = lines(['/join', '/help', '/help gaps', '/frobnicate']);
    expect(join!.commands).toEqual([{ cmd: 'add', text: 'torv3invite' }]);
    expect(join!.localEvents).toEqual([{ local: 'dismiss-invite', groupId: 'c'.repeat(32) }]);
    expect(help!.say.some((l) => l.startsWith('/open NAME'))).toBe(true);
    expect(help!.say.some((l) => l.startsWith('/sync'))).toBe(true);
    expect(topic!.say[0]).toMatch(/⟂ marks messages/);
    expect(bad!.say[0]).toMatch(/unknown command \/frobnicate/);
    expect(lines(['   '])[0]!.say).toEqual([]);
  });

  it('/leave asks first (by name, the short answer for the open group); /leave yes and /rename send the commands', () => {
    const [, ask, yes, rename] = lines(['/open club', '/leave', '/leave yes', '/rename the club']);
    expect(ask!.commands).toEqual([]);
    expect(ask!.say).toEqual(['Leave “club”? Its messages on this device are deleted, and there is no undo. Type /leave yes to leave.']);
    expect(yes!.commands).toEqual([{ cmd: 'leave-group', group: GROUP }]);
    expect(rename!.commands).toEqual([{ cmd: 'rename', conversation: GROUP, name: 'the club' }]);
    expect(lines([`/leave ${GROUP}`])[0]!.say[0]).toBe(`Leave “club”? Its messages on this device are deleted, and there is no undo. Type /leave ${GROUP} yes to leave.`);
  });
});

// The UI driven end to end through Ink with a scripted engine (TEST DOUBLE, see helpers/scripted-engine.ts).

import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { listWidth } from '../../../src/ui/components/MainView.js';
import { at, contactEvent, ME, messageEvent, onion, profileEvent, nextPosition } from '../helpers/fixtures.js';
import { KEYS } from '../helpers/render.js';
import { useChalkColour } from '../helpers/colour.js';
import { useScriptedApp, type ScriptedAppOptions } from '../helpers/scripted-app.js';

const startApp = useScriptedApp();

const start = (events: readonly EngineEvent[] = [], size: { columns?: number; rows?: number } = {}, respond?: ScriptedAppOptions['respond']) => startApp(events, { size, respond });

const A = onion(1);
const B = onion(2);

describe('UnlockScreen', () => {
  it('unlocks with the typed password and shows the wrong-password error from the engine', async () => {
    const { engine, term } = await start([], {}, (c) => (c.cmd === 'unlock' ? [{ event: 'error', code: 'profile.password', message: 'wrong password' }] : []));
    expect(term.lastFrame()).toContain('Unlock your Cwtch profile');
    await term.press('s3cret');
    expect(term.lastFrame()).toContain('••••••');
    expect(term.lastFrame()).not.toContain('s3cret');
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'unlock', password: 's3cret' }]);
    expect(term.lastFrame()).toContain('wrong password');
  });

  it('creates a profile: password twice, and an empty password only after the plain warning', async () => {
    const { engine, term } = await start();
    await term.press(KEYS.tab);
    expect(term.lastFrame()).toContain('Create a Cwtch profile');
    await term.press('ann');
    await term.press(KEYS.enter);
    await term.press(KEYS.enter);
    expect(term.lastFrame()).toContain('protects nothing');
    expect(engine.commands).toEqual([]);
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'create-profile', name: 'ann', password: '' }]);

    // After creating, the form is back at unlock: one Tab to create again.
    await term.press(KEYS.tab);
    await term.press('bo');
    await term.press(KEYS.enter);
    await term.press('pw1');
    await term.press(KEYS.enter);
    await term.press('pw2');
    await term.press(KEYS.enter);
    expect(term.lastFrame()).toContain('The two passwords differ');
    await term.press('pw1');
    await term.press(KEYS.enter);
    await term.press('pw1');
    await term.press(KEYS.enter);
    expect(engine.commands[1]).toEqual({ cmd: 'create-profile', name: 'bo', password: 'pw1' });
  });

  it('a first run (no profile in the home folder) opens on create; with profiles it asks to unlock; tor\'s progress shows until ready', async () => {
    const tor: EngineEvent = { event: 'tor', state: 'starting', progress: 14, summary: 'Loading relay descriptors' };
    const first = await start([{ event: 'profiles', count: 0, open: [] }, tor]);
    expect(first.term.lastFrame()).toContain('Create a Cwtch profile');
    expect(first.term.lastFrame()).toContain('There is no profile here yet');
    expect(first.term.lastFrame()).toContain('Tor 14%');
    expect(first.term.lastFrame()).toContain('Loading relay descriptors');
    await first.term.press('zoe');
    expect(first.term.lastFrame()).toContain('Name: zoe');
    const again = await start([{ event: 'profiles', count: 2, open: [] }, { event: 'tor', state: 'ready', progress: 100, summary: 'Done' }]);
    expect(again.term.lastFrame()).toContain('Unlock your Cwtch profile');
    expect(again.term.lastFrame()).not.toContain('Tor 100%');
  });

  it('keys that arrive in one chunk are taken in order: a name and its Enter, then the password (a script, a slow link)', async () => {
    const { engine, term } = await start();
    await term.press(KEYS.tab);
    await term.press('alice\r');
    expect(term.lastFrame()).toContain('Name: alice');
    expect(term.lastFrame()).toMatch(/Password: ▏/);
    await term.press('pw\rpw\r');
    expect(engine.commands).toEqual([{ cmd: 'create-profile', name: 'alice', password: 'pw' }]);
  });

  it('switches to the main view when the engine reports the profile', async () => {
    const { engine, term } = await start();
    await term.run(() => engine.emit(profileEvent()));
    expect(term.lastFrame()).toContain('No contacts yet');
  });
});

describe('MainView', () => {
  const base = [profileEvent(), contactEvent(1, 'alice', { lastActivity: 20 }), contactEvent(2, 'bob', { lastActivity: 10 })];

  it('sends on Enter to the open conversation; Alt+Enter adds a line; Ctrl+C clears and never quits', async () => {
    const { engine, term, quits } = await start(base);
    await term.press('hello');
    await term.press(KEYS.altEnter);
    await term.press('world');
    expect(term.lastFrame()).toContain('world');
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'send', to: A, text: 'hello\nworld' }]);
    await term.press('draft');
    await term.press(KEYS.ctrlC);
    expect(term.lastFrame()).not.toContain('draft');
    await term.press(KEYS.ctrlC);
    expect(quits()).toBe(0);
    expect(engine.commands.length).toBe(1);
  });

  it('a pasted newline never sends; a paste over 5 lines asks first', async () => {
    const { engine, term } = await start(base);
    await term.press(KEYS.paste('one\rtwo\r'));
    expect(engine.commands).toEqual([]);
    await term.press(KEYS.ctrlC);
    await term.press(KEYS.paste('1\n2\n3\n4\n5\n6'));
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([]);
    expect(term.lastFrame()).toContain('Send this 6-line paste?');
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'send', to: A, text: '1\n2\n3\n4\n5\n6' }]);
  });

  it('Up on an empty line recalls the last message; Ctrl+D on an empty line quits', async () => {
    const { engine, term, quits } = await start(base);
    await term.press('again');
    await term.press(KEYS.enter);
    await term.press(KEYS.up);
    expect(term.lastFrame()).toContain('> again');
    await term.press(KEYS.ctrlD);
    expect(quits()).toBe(0);
    await term.press(KEYS.ctrlC);
    await term.press(KEYS.ctrlD);
    expect(quits()).toBe(1);
    expect(engine.commands.at(-1)).toEqual({ cmd: 'quit' });
  });

  it('numbers stay put when a message arrives elsewhere; the status line\'s hotlist says where', async () => {
    const { engine, term } = await start([profileEvent(), contactEvent(1, 'alice', { lastActivity: 5 }), contactEvent(2, 'bob', { lastActivity: 1 })]);
    const rowOf = (name: string): number => term.lastFrame().split('\n').findIndex((l) => new RegExp(`^\\d ○ ${name} `).test(l));
    expect(rowOf('alice')).toBe(0);
    expect(rowOf('bob')).toBe(1);
    await term.run(() => engine.emit(messageEvent(B, 1, { from: B, text: 'news from bob', time: at(10, 0) })));
    // bob has the newest message, and is still number 2.
    expect(rowOf('bob')).toBe(1);
    expect(term.lastFrame().split('\n').at(-1)).toContain('act 2(1)');
    await term.press(KEYS.alt('2'));
    expect(term.lastFrame()).toContain('news from bob');
    expect(term.lastFrame().split('\n').at(-1)).not.toContain('act 2');
  });

  it('a muted conversation\'s news is counted apart on the status line; /mute toggles the open one', async () => {
    const { engine, term } = await start([profileEvent(), contactEvent(1, 'alice'), { ...contactEvent(2, 'bob', { unread: 3 }), muted: true } as EngineEvent, contactEvent(3, 'eve', { unread: 1 })]);
    const status = (): string => term.lastFrame().split('\n').at(-1)!;
    expect(status()).toContain('act 3(1) · muted 3');
    expect(status()).not.toContain('2(3)');
    await term.press('/mute');
    await term.press(KEYS.enter);
    // alice (open, not muted) is muted by a bare /mute.
    expect(engine.commands.at(-1)).toEqual({ cmd: 'mute', conversation: A, on: true });
  });

  it('navigates with Alt+2, Ctrl+N/P, Alt+A and the Ctrl+K switcher', async () => {
    const { engine, term } = await start([...base, contactEvent(3, 'carol', { lastActivity: 5, unread: 2 })]);
    // The pane header is the first line, right of the contact column.
    const openName = () => term.lastFrame().split('\n')[0]!.slice(listWidth(100) + 1);
    await term.press(KEYS.alt('2'));
    expect(openName()).toContain('bob');
    await term.press(KEYS.ctrlN);
    expect(openName()).toContain('carol');
    await term.press(KEYS.ctrlP);
    await term.press(KEYS.ctrlP);
    expect(openName()).toContain('alice');
    // Carol was read when opened; a new message gives her activity again.
    await term.run(() => engine.emit(messageEvent(onion(3), 7, { time: at(10, 0) })));
    await term.press(KEYS.alt('a'));
    expect(openName()).toContain('carol');
    await term.press(KEYS.ctrlK);
    expect(term.lastFrame()).toContain('Switch to:');
    await term.press('bo');
    await term.press(KEYS.enter);
    expect(openName()).toContain('bob');
    expect(engine.commands).toEqual([]);
  });

  it('opens help with ? on an empty line and Ctrl+/, closes with Esc', async () => {
    const { term } = await start(base, { rows: 40 });
    await term.press('?');
    expect(term.lastFrame()).toContain('quick switcher');
    await term.press(KEYS.esc);
    expect(term.lastFrame()).not.toContain('quick switcher');
    await term.press(KEYS.ctrlSlash);
    expect(term.lastFrame()).toContain('Help');
  });

  it('help lays out one row per line at 80×24 and 40×12, and scrolls with PgDn/PgUp to every line', async () => {
    for (const size of [{ columns: 80, rows: 24 }, { columns: 40, rows: 12 }]) {
      const { term } = await start(base, size);
      await term.press(KEYS.ctrlSlash);
      const seen = new Set<string>();
      const frame = (): string[] => term.lastFrame().split('\n');
      for (let i = 0; i < 40; i++) {
        const rows = frame();
        expect(rows.length).toBeLessThanOrEqual(size.rows);
        for (const r of rows) seen.add(r.replace(/[│┌┐└┘─]/g, '').trim());
        await term.press(KEYS.pageDown);
      }
      // Every key row and every command row was on screen at some point (cut to the width, never merged).
      expect([...seen].some((r) => r.startsWith('Enter') && r.includes('send'))).toBe(true);
      expect([...seen].some((r) => r.startsWith('/quit'))).toBe(true);
      expect([...seen].some((r) => r.includes('/commandssage'))).toBe(false);
      expect(term.lastFrame()).toMatch(/lines \d+–\d+ of \d+/);
      await term.press(KEYS.pageUp);
      await term.press(KEYS.esc);
      expect(term.lastFrame()).not.toContain('Help — Esc closes');
    }
  });

  it('/ commands go to the engine; errors show as a notice; Tab completes', async () => {
    const { engine, term } = await start(base);
    await term.press('/lo');
    await term.press(KEYS.tab);
    expect(term.lastFrame()).toContain('/lowbw');
    await term.press('on');
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'lowbw', on: true }]);
    await term.press('/frobnicate');
    await term.press(KEYS.enter);
    expect(term.lastFrame()).toContain('unknown command /frobnicate');
  });

  it('a contact request shows the fingerprint and the unverified-name warning; a accepts', async () => {
    const { engine, term } = await start([profileEvent(), contactEvent(4, 'mallory', { authorization: 'unknown' })], { columns: 140 });
    const f = term.lastFrame();
    expect(f).toContain('Contact request from mallory');
    expect(f).toContain('never verified');
    expect(f).toContain(onion(4).slice(0, 6));
    await term.press('a');
    expect(engine.commands).toEqual([{ cmd: 'accept', onion: onion(4) }]);
  });

  it('the request card is whole in an 80-column window: no line of the warning is cut', async () => {
    const { term } = await start([profileEvent(), contactEvent(1, 'alice', { verified: true }), contactEvent(4, 'a1ice', { authorization: 'unknown' })], { columns: 80, rows: 24 });
    await term.press(KEYS.alt('2'));
    const f = term.lastFrame();
    for (const line of ['Names are chosen by the sender, never verified:', 'compare the fingerprint with them another way.', '⚠ Looks like your VERIFIED contact alice', '  but is a different key: likely an impostor.', '[a] accept   [b] block   [i] ignore for now']) {
      expect(f).toContain(line);
    }
  });

  it('the status line shows tor progress, low bandwidth, bytes today and server state', async () => {
    const S = onion(50);
    const { term } = await start([
      ...base,
      { event: 'tor', state: 'starting', progress: 40, summary: 'Loading' },
      { event: 'lowbw', on: true },
      { event: 'bytes', scope: 'total', key: '', sent: 1_000_000, received: 200_000 },
      { event: 'server', onion: S, imported: true },
      { event: 'server-state', server: S, state: 'Synced' },
    ], { columns: 140 });
    const f = term.lastFrame();
    expect(f).toContain('Tor 40% ████░░░░░░');
    expect(f).toContain('LOW-BW');
    expect(f).toContain('1.2 MB today');
    expect(f).toContain(`srv #${S.slice(0, 6)}`);
  });

  it('the paste box says what a pasted address is before adding it', async () => {
    const { engine, term } = await start(base);
    await term.press('/add');
    await term.press(KEYS.enter);
    await term.press(KEYS.paste(onion(9)));
    expect(term.lastFrame()).toContain('This is a Cwtch address');
    expect(engine.commands).toEqual([]);
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'add', text: onion(9) }]);
  });
});

describe('prompts and invites', () => {
  const base = [profileEvent(), contactEvent(1, 'alice', { lastActivity: 20 })];

  it('a group invite shows as a banner; Alt+I reviews it in the paste box', async () => {
    const { engine, term } = await start([...base, { event: 'invite', from: A, groupId: 'c'.repeat(32), groupName: 'club', text: 'torv3abcdef' }], { columns: 120 });
    expect(term.lastFrame()).toContain('Group invite from alice to “club”');
    await term.press(KEYS.alt('i'));
    expect(term.lastFrame()).toContain('This is a group invite');
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'add', text: 'torv3abcdef' }]);
    expect(term.lastFrame()).not.toContain('Group invite from');
  });

  it('a full-resync cost prompt shows the cost; Esc declines it, /sync … yes accepts it', async () => {
    const S = onion(70);
    const { engine, term } = await start([...base, { event: 'sync-cost', server: S, messages: 1234, bytes: 5_600_000 }], { columns: 200 });
    expect(term.lastFrame()).toContain('1234 messages, 5.6 MB');
    await term.press(KEYS.esc);
    expect(term.lastFrame()).not.toContain('1234 messages');
    await term.run(() => engine.emit({ event: 'sync-cost', server: S, messages: 10, bytes: 2000 }));
    await term.press(`/sync ${S} yes`);
    await term.press(KEYS.enter);
    expect(engine.commands).toEqual([{ cmd: 'sync', server: S, confirm: true }]);
    expect(term.lastFrame()).not.toContain('10 messages');
  });

  it('follows a terminal resize', async () => {
    const { term } = await start(base, { columns: 100, rows: 24 });
    expect(term.lastFrame().split('\n').length).toBeLessThanOrEqual(24);
    await term.resize(60, 12);
    const lines = term.lastFrame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
  });
});

describe('ConversationPane', () => {
  it('with 100k messages renders only the visible rows and scrolls with PgUp / Alt+Home / Alt+End', async () => {
    const events: EngineEvent[] = [profileEvent(), contactEvent(1, 'alice')];
    const { engine, term } = await start(events, { rows: 20 });
    const history = Array.from({ length: 100_000 }, (_, i) => ({ messageId: `m${i}`, from: A, text: `line ${i}`, time: at(9, 0) + i, outgoing: false, ack: 'acknowledged' as const }));
    await term.run(() => engine.emit({ event: 'history', conversation: A, messages: history }));
    let f = term.lastFrame();
    expect(f).toContain('line 99999');
    const shown = f.split('\n').filter((l) => /line \d+/.test(l)).length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(20);
    expect(term.stdout.lastFrame().split('\n').length).toBeLessThanOrEqual(20);
    await term.press(KEYS.pageUp);
    f = term.lastFrame();
    expect(f).not.toContain('line 99999');
    expect(f).toContain(`line ${99_999 - shown + 1}`);
    // Scrolled back, the bottom row says how much is newer.
    expect(f).toMatch(/↓ \d+ newer below · Alt\+End jumps there/);
    await term.press(KEYS.altHome);
    expect(term.lastFrame()).toContain('line 0');
    expect(term.lastFrame()).toContain('↓ 99');
    await term.press(KEYS.altEnd);
    expect(term.lastFrame()).toContain('line 99999');
    expect(term.lastFrame()).not.toContain('newer below');
  });

  it('paged back to the start, the pane is full from the first message down (no blank rows); a contact\'s bytes are in its header', async () => {
    const events: EngineEvent[] = [profileEvent(), contactEvent(1, 'alice'), { event: 'bytes', scope: 'contact', key: A, sent: 12_000, received: 30_000 }];
    const { engine, term } = await start(events, { rows: 20 });
    const history = Array.from({ length: 40 }, (_, i) => ({ messageId: `m${i}`, from: A, text: `line ${i}`, time: at(9, 0) + i, outgoing: false, ack: 'acknowledged' as const }));
    await term.run(() => engine.emit({ event: 'history', conversation: A, messages: history }));
    expect(term.lastFrame().split('\n')[0]).toContain('↕ 42 kB');
    for (let i = 0; i < 6; i++) await term.press(KEYS.pageUp);
    const rows = term.lastFrame().split('\n');
    const first = rows.findIndex((l) => l.includes('line 0'));
    // Row 0 is the header; the day line and the first message follow it at once, and the pane below is full.
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(3);
    expect(rows.filter((l) => /line \d+/.test(l)).length).toBeGreaterThan(10);
    expect(term.lastFrame()).toMatch(/↓ \d+ newer below/);
  });

  it('draws gap markers in place and counts open gaps in the group header', async () => {
    const G = 'b'.repeat(32);
    const S = onion(60);
    const { engine, term } = await start(
      [
        profileEvent(),
        { event: 'server', onion: S, imported: true },
        { event: 'group', groupId: G, position: nextPosition(), name: 'club', server: S, invite: '' },
        messageEvent(G, 1, { from: A, time: at(12, 3) }),
        messageEvent(G, 2, { from: B, time: at(12, 41) }),
        { event: 'gap', group: G, gapId: 'g1', before: 'm1', after: 'm2', beforeTime: at(12, 3), afterTime: at(12, 41), cause: 'pruned' },
      ],
      { columns: 140 },
    );
    expect(term.lastFrame()).toContain('⟂ messages missing between 12:03 and 12:41 — server withheld or pruned');
    expect(term.lastFrame()).toContain('⟂ 1 gap open');
    await term.run(() => engine.emit({ event: 'gap-closed', group: G, gapId: 'g1', closedBy: 'server' }));
    expect(term.lastFrame()).not.toContain('messages missing');
  });

  it('shows sender name, short fingerprint and ack marks', async () => {
    const { term } = await start([profileEvent(), contactEvent(1, 'alice'), messageEvent(A, 1, { text: 'hi there' }), messageEvent(A, 2, { from: ME, outgoing: true, ack: 'failed', text: 'nope', failReason: 'peer offline' })], { columns: 140 });
    const f = term.lastFrame();
    expect(f).toMatch(new RegExp(`alice #${A.slice(0, 6)}…${A.slice(-4)} hi there`));
    expect(f).toContain('me ✗ nope');
    expect(f).not.toContain('peer offline');
    await term.press(KEYS.alt('r'));
    expect(term.lastFrame()).toContain('could not send: peer offline');
  });

  describe('in colour', () => {
    useChalkColour();
    it('draws the message text at normal intensity after the dim time stamp', async () => {
      const { term } = await startApp([profileEvent(), contactEvent(1, 'alice'), messageEvent(A, 1, { text: 'hi there' })], { size: { columns: 140 }, colour: true });
      const row = term.lastFrame().split('\n').find((l) => l.includes('hi there'))!;
      const stylesAt = (needle: string): string[] => {
        const chars = styledCharsFromTokens(tokenize(row));
        const plain = chars.map((c) => c.value).join('');
        return chars[plain.indexOf(needle)]!.styles.map((s) => s.code);
      };
      expect(stylesAt('09:00')).toContain('\u001b[2m');
      expect(stylesAt('hi there')).not.toContain('\u001b[2m');
    });
  });
});

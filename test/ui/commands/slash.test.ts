import { describe, expect, it } from 'vitest';
import { completeSlash, isSlashCommand, parseSlashCommand } from '../../../src/ui/commands/slash.js';

const C = 'c'.repeat(56);
const G = 'a'.repeat(32);

describe('parseSlashCommand', () => {
  it.each([
    ['/add abc', {}, { kind: 'engine', command: { cmd: 'add', text: 'abc' } }],
    ['/add', {}, { kind: 'ui', action: { ui: 'paste' } }],
    [`/accept ${C}`, {}, { kind: 'engine', command: { cmd: 'accept', onion: C } }],
    ['/accept', { current: C, currentKind: 'contact' }, { kind: 'engine', command: { cmd: 'accept', onion: C } }],
    [`/block ${C}`, {}, { kind: 'engine', command: { cmd: 'block', onion: C } }],
    ['/block', { current: C, currentKind: 'contact' }, { kind: 'engine', command: { cmd: 'block', onion: C } }],
    [`/group ${C} book club`, {}, { kind: 'engine', command: { cmd: 'create-group', server: C, name: 'book club' } }],
    [`/invite ${C} ${G}`, {}, { kind: 'engine', command: { cmd: 'invite', to: C, group: G } }],
    [`/invite ${C}`, { current: G, currentKind: 'group' }, { kind: 'engine', command: { cmd: 'invite', to: C, group: G } }],
    ['/server', {}, { kind: 'ui', action: { ui: 'servers' } }],
    ['/server server:abc', {}, { kind: 'engine', command: { cmd: 'add', text: 'server:abc' } }],
    [`/sync ${C}`, {}, { kind: 'engine', command: { cmd: 'sync', server: C } }],
    [`/sync ${C} yes`, {}, { kind: 'engine', command: { cmd: 'sync', server: C, confirm: true } }],
    ['/lowbw on', {}, { kind: 'engine', command: { cmd: 'lowbw', on: true } }],
    ['/lowbw off', {}, { kind: 'engine', command: { cmd: 'lowbw', on: false } }],
    ['/lowbw', { lowBandwidth: true }, { kind: 'engine', command: { cmd: 'lowbw', on: false } }],
    ['/budget 50MB', {}, { kind: 'engine', command: { cmd: 'data-budget', bytesPerDay: 50_000_000 } }],
    ['/budget 1.5 GB', {}, { kind: 'engine', command: { cmd: 'data-budget', bytesPerDay: 1_500_000_000 } }],
    ['/budget 500k', {}, { kind: 'engine', command: { cmd: 'data-budget', bytesPerDay: 500_000 } }],
    ['/budget 12345', {}, { kind: 'engine', command: { cmd: 'data-budget', bytesPerDay: 12_345 } }],
    ['/budget off', {}, { kind: 'engine', command: { cmd: 'data-budget', bytesPerDay: 0 } }],
    ['/budget', {}, { kind: 'ui', action: { ui: 'servers' } }],
    ['/help', {}, { kind: 'ui', action: { ui: 'help' } }],
    ['/help gaps', {}, { kind: 'ui', action: { ui: 'help', topic: 'gaps' } }],
    ['/leave', { current: G, currentKind: 'group' }, { kind: 'ui', action: { ui: 'confirm-leave', group: G } }],
    ['/leave yes', { current: G, currentKind: 'group' }, { kind: 'engine', command: { cmd: 'leave-group', group: G } }],
    [`/leave ${G} YES`, { current: C, currentKind: 'contact' }, { kind: 'engine', command: { cmd: 'leave-group', group: G } }],
    ['/rename Ann  Smith', { current: C, currentKind: 'contact' }, { kind: 'engine', command: { cmd: 'rename', conversation: C, name: 'Ann  Smith' } }],
    ['/rename book club', { current: G, currentKind: 'group' }, { kind: 'engine', command: { cmd: 'rename', conversation: G, name: 'book club' } }],
    ['/quit', {}, { kind: 'ui', action: { ui: 'quit' } }],
    ['/QUIT ', {}, { kind: 'ui', action: { ui: 'quit' } }],
  ] as const)('%s', (text, ctx, want) => {
    expect(parseSlashCommand(text, ctx)).toEqual(want);
  });

  it.each([
    ['/nope', 'slash.unknown'],
    ['/accept', 'slash.missing'],
    ['/block', 'slash.missing'],
    ['/group onlyserver', 'slash.missing'],
    [`/invite ${C}`, 'slash.missing'],
    ['/sync', 'slash.missing'],
    ['/leave', 'slash.missing'],
    ['/rename', 'slash.missing'],
    ['/lowbw maybe', 'slash.argument'],
    ['/budget lots', 'slash.argument'],
    ['/budget -5MB', 'slash.argument'],
    ['/budget 5 parsecs', 'slash.argument'],
    ['/budget 99999999999999999GB', 'slash.argument'],
    ['/help nonsense', 'slash.argument'],
    ['hello', 'slash.not-command'],
  ])('%s → %s', (text, code) => {
    const r = parseSlashCommand(text);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.code).toBe(code);
  });

  it('"//" is not a command (it sends a literal slash)', () => {
    expect(isSlashCommand('//shrug')).toBe(false);
    expect(isSlashCommand('/help')).toBe(true);
  });
});

describe('completeSlash', () => {
  it('completes a unique command name with a trailing space', () => {
    expect(completeSlash('/lo')).toEqual({ text: '/lowbw ', candidates: ['lowbw'] });
  });
  it('lists several candidates and extends to their common prefix', () => {
    expect(completeSlash('/a')).toEqual({ text: '/a', candidates: ['add', 'accept'] });
    expect(completeSlash('/s').candidates).toEqual(['server', 'sync', 'search', 'set']);
    expect(completeSlash('/se').text).toBe('/se');
    expect(completeSlash('/ser').text).toBe('/server ');
    expect(completeSlash('/sea').text).toBe('/search ');
  });
  it('completes arguments: help topics, on/off, onions', () => {
    expect(completeSlash('/help ga').text).toBe('/help gaps ');
    expect(completeSlash('/lowbw of').text).toBe('/lowbw off ');
    expect(completeSlash('/accept cc', [C, 'dd']).text).toBe(`/accept ${C} `);
    expect(completeSlash('/add x', [C]).candidates).toEqual([]);
  });
});

describe('/set', () => {
  it('alone lists; NAME VALUE changes one; a name alone or a bad value says what it takes', () => {
    expect(parseSlashCommand('/set')).toEqual({ kind: 'ui', action: { ui: 'settings' } });
    expect(parseSlashCommand('/set Theme LIGHT')).toEqual({ kind: 'ui', action: { ui: 'set', patch: { theme: 'light' } } });
    expect(parseSlashCommand('/set bell')).toMatchObject({ kind: 'error', reason: expect.stringContaining('/set bell off|on') });
    expect(parseSlashCommand('/set bell loud')).toMatchObject({ kind: 'error', code: 'settings.value' });
    expect(parseSlashCommand('/set colour red')).toMatchObject({ kind: 'error', code: 'settings.unknown' });
    expect(parseSlashCommand('/set bell on now')).toMatchObject({ kind: 'error' });
  });

  it('Tab completes the name, then that setting\'s values', () => {
    expect(completeSlash('/set')).toMatchObject({ text: '/set ' });
    expect(completeSlash('/set ti')).toMatchObject({ text: '/set timestamps ' });
    expect(completeSlash('/set ')).toMatchObject({ candidates: ['theme', 'keys', 'timestamps', 'clock', 'lowbw', 'bell'] });
    expect(completeSlash('/set clock 1')).toMatchObject({ text: '/set clock 12h ' });
    expect(completeSlash('/set keys ')).toMatchObject({ candidates: ['default', 'vim', 'emacs'] });
    expect(completeSlash('/set nope ')).toMatchObject({ candidates: [] });
    expect(completeSlash('/set bell on ')).toMatchObject({ candidates: [] });
  });
});

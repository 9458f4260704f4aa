import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { INITIAL_LOCAL, type LocalState } from '../../../src/ui/controller/local-state.js';
import { handleMainKey, switcherMatches, type KeyEnv } from '../../../src/ui/controller/main-keys.js';
import { keyOf, type KeyInfo } from '../../../src/ui/keys/bindings.js';
import { reduce } from '../../../src/ui/view-model/reducer.js';
import { initialState, type UiState } from '../../../src/ui/view-model/state.js';
import { contactEvent, ME, onion, profileEvent } from '../helpers/fixtures.js';

const view = (events: readonly EngineEvent[]): UiState => events.reduce(reduce, initialState());
const calls: string[] = [];
const env: KeyEnv = {
  scroll: (command, conversation, anchor) => {
    calls.push(`${command} ${conversation === onion(1) ? 'A' : '?'} ${anchor}`);
    return command === 'scroll.bottom' ? undefined : 42;
  },
};
const press = (local: LocalState, v: UiState, keys: readonly (readonly [string, KeyInfo])[]) => {
  let l = local;
  const commands = [];
  let quit = false;
  for (const [i, k] of keys) {
    const r = handleMainKey(l, v, i, k, env);
    l = r.local;
    commands.push(...r.commands);
    quit ||= r.quit;
  }
  return { local: l, commands, quit };
};

describe('handleMainKey', () => {
  const v = view([profileEvent(), contactEvent(1, 'alice', { lastActivity: 3 }), contactEvent(2, 'bob', { lastActivity: 2 }), contactEvent(3, 'eve', { authorization: 'unknown' })]);

  it('request keys: a accepts, b blocks, i moves on — only for a pending contact with an empty composer', () => {
    const at = { ...INITIAL_LOCAL, selected: onion(3) };
    expect(press(at, v, [['a', keyOf({})]]).commands).toEqual([{ cmd: 'accept', onion: onion(3) }]);
    expect(press(at, v, [['b', keyOf({})]]).commands).toEqual([{ cmd: 'block', onion: onion(3) }]);
    // "i": the next conversation in the list (numbers do not move, so it is the one numbered after it).
    expect(press(at, v, [['i', keyOf({})]]).local.selected).toBe(v.order[(v.order.indexOf(onion(3)) + 1) % v.order.length]);
    const approved = { ...INITIAL_LOCAL, selected: onion(1) };
    expect(press(approved, v, [['a', keyOf({})]]).local.composer.text).toBe('a');
  });

  it('/me shows your own full address in the notice line and sends nothing', () => {
    const r = press({ ...INITIAL_LOCAL, selected: onion(1) }, v, [['/me', keyOf({})], ['\r', keyOf({ return: true })]]);
    expect(r.commands).toEqual([]);
    expect(r.local.notice).toBe(`Your address: ${ME}`);
  });

  it('refuses to send to a pending contact or with nothing open, keeping the draft', () => {
    const r = press({ ...INITIAL_LOCAL, selected: onion(3) }, v, [['hello', keyOf({})], ['\r', keyOf({ return: true })]]);
    expect(r.commands).toEqual([]);
    expect(r.local.composer.text).toBe('hello');
    expect(r.local.notice).toContain('Accept this contact');
    const none = press(INITIAL_LOCAL, v, [['hi', keyOf({})], ['\r', keyOf({ return: true })]]);
    expect(none.commands).toEqual([]);
    expect(none.local.composer.text).toBe('hi');
    expect(none.local.notice).toContain('Pick a conversation');
  });

  it('"//" sends a message starting with "/"', () => {
    const r = press({ ...INITIAL_LOCAL, selected: onion(1) }, v, [['//shrug', keyOf({})], ['\r', keyOf({ return: true })]]);
    expect(r.commands).toEqual([{ cmd: 'send', to: onion(1), text: '/shrug' }]);
  });

  it('scroll keys delegate to the layout and keep one anchor per conversation', () => {
    calls.length = 0;
    let r = press({ ...INITIAL_LOCAL, selected: onion(1) }, v, [['', keyOf({ pageUp: true })]]);
    expect(r.local.anchors.get(onion(1))).toBe(42);
    r = press(r.local, v, [['', keyOf({ end: true, meta: true })]]);
    expect(r.local.anchors.has(onion(1))).toBe(false);
    expect(calls).toEqual(['scroll.pageUp A undefined', 'scroll.bottom A 42']);
  });

  it('switcher: typing filters, Down moves, Enter opens, Esc closes', () => {
    let r = press({ ...INITIAL_LOCAL, selected: onion(1) }, v, [['k', keyOf({ ctrl: true })], ['e', keyOf({})]]);
    expect(r.local.modal).toEqual({ kind: 'switcher', query: 'e', index: 0 });
    r = press(r.local, v, [['', keyOf({ downArrow: true })], ['\r', keyOf({ return: true })]]);
    expect(r.local.modal.kind).toBe('none');
    expect(['bob', 'eve', 'alice']).toContain(v.conversations.get(r.local.selected!)!.name);
    r = press(r.local, v, [['k', keyOf({ ctrl: true })], ['', keyOf({ escape: true, meta: true })]]);
    expect(r.local.modal.kind).toBe('none');
  });

  it('switcher filters by name (and short fingerprint), not by letters scattered through the whole onion', () => {
    const w = view([profileEvent(), contactEvent(1, 'alice'), contactEvent(2, 'bob'), contactEvent(3, 'eve')]);
    expect(switcherMatches(w, 'bob').map((id) => w.conversations.get(id)!.name)).toEqual(['bob']);
    expect(switcherMatches(w, 'xyz')).toEqual([]);
    expect(switcherMatches(w, '')).toHaveLength(3);
    const fp = w.conversations.get(onion(3))!.fingerprint.short.slice(0, 6);
    expect(switcherMatches(w, fp)).toContain(onion(3));
  });

  it('/quit quits and tells the engine', () => {
    const r = press(INITIAL_LOCAL, v, [['/quit', keyOf({})], ['\r', keyOf({ return: true })]]);
    expect(r.quit).toBe(true);
    expect(r.commands).toEqual([{ cmd: 'quit' }]);
  });
});

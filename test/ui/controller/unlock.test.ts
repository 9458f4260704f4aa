import { describe, expect, it } from 'vitest';
import { keyOf } from '../../../src/ui/keys/bindings.js';
import { feedUnlockKey, INITIAL_UNLOCK } from '../../../src/ui/controller/unlock.js';

describe('feedUnlockKey', () => {
  it('Ctrl+C clears the field; Ctrl+D quits only when it is empty', () => {
    let s = feedUnlockKey(INITIAL_UNLOCK, 'pw', keyOf({})).state;
    expect(feedUnlockKey(s, 'd', keyOf({ ctrl: true })).quit).toBeUndefined();
    s = feedUnlockKey(s, 'c', keyOf({ ctrl: true })).state;
    expect(s.password).toBe('');
    expect(feedUnlockKey(s, 'd', keyOf({ ctrl: true })).quit).toBe(true);
  });

  it('a pasted password loses its paste markers and newline', () => {
    let s = feedUnlockKey(INITIAL_UNLOCK, '[200~', keyOf({})).state;
    s = feedUnlockKey(s, 'secret\r', keyOf({})).state;
    s = feedUnlockKey(s, '[201~', keyOf({})).state;
    expect(s.password).toBe('secret');
    expect(feedUnlockKey(s, '\r', keyOf({ return: true })).command).toEqual({ cmd: 'unlock', password: 'secret' });
  });

  it('create needs a name', () => {
    const s = feedUnlockKey(INITIAL_UNLOCK, '', keyOf({ tab: true })).state;
    expect(feedUnlockKey(s, '\r', keyOf({ return: true })).state.problem).toBe('no-name');
  });
});

describe('feedUnlockKey with keys that arrive together', () => {
  const create = feedUnlockKey(INITIAL_UNLOCK, '', keyOf({ tab: true })).state;

  it('"alice" and Enter in one chunk: the name is taken and the form moves on (the Enter is not lost)', () => {
    const s = feedUnlockKey(create, 'alice\r', keyOf({})).state;
    expect(s).toMatchObject({ field: 'password', name: 'alice', password: '' });
  });

  it('a whole scripted form in one chunk creates the profile', () => {
    const step = feedUnlockKey(create, 'alice\rpw\rpw\r', keyOf({}));
    expect(step.command).toEqual({ cmd: 'create-profile', name: 'alice', password: 'pw' });
  });

  it('an unlock typed with its Enter unlocks; LF and CRLF count as Enter too', () => {
    expect(feedUnlockKey(INITIAL_UNLOCK, 'secret\r', keyOf({})).command).toEqual({ cmd: 'unlock', password: 'secret' });
    expect(feedUnlockKey(INITIAL_UNLOCK, 'secret\n', keyOf({})).command).toEqual({ cmd: 'unlock', password: 'secret' });
    expect(feedUnlockKey(create, 'bob\r\npw', keyOf({})).state).toMatchObject({ name: 'bob', field: 'password', password: 'pw' });
  });
});

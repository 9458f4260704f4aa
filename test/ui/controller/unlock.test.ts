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

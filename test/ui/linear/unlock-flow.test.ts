// Linear mode's unlock / create questions, line by line.

import { describe, expect, it } from 'vitest';
import { secretLine, startUnlock, unlockError, unlockLine, type UnlockFlow, type UnlockOut } from '../../../src/ui/linear/unlock-flow.js';

function answer(lines: readonly string[]): UnlockOut {
  let out = startUnlock();
  for (const l of lines) out = unlockLine(out.flow, l);
  return out;
}

describe('linear unlock flow', () => {
  it('u asks for the password without echo and sends unlock', () => {
    expect(answer(['u']).ask).toEqual({ text: 'Password (not shown): ', secret: true });
    const out = answer(['u', 'hunter2']);
    expect(out.command).toEqual({ cmd: 'unlock', password: 'hunter2' });
    expect(out.flow).toEqual({ step: 'waiting', mode: 'unlock' });
    expect(out.ask).toBeUndefined();
  });

  it('c asks a name (echoed), then the password twice (not echoed), then creates', () => {
    expect(answer(['c']).ask?.secret).toBe(false);
    expect(answer(['c', 'alice']).ask?.secret).toBe(true);
    expect(answer(['c', 'alice', 'pw']).ask).toEqual({ text: 'Password again (not shown): ', secret: true });
    expect(answer(['c', ' alice ', 'pw', 'pw']).command).toEqual({ cmd: 'create-profile', name: 'alice', password: 'pw' });
  });

  it('two different passwords: said, and asked again from the first', () => {
    const out = answer(['c', 'alice', 'pw', 'pW']);
    expect(out.command).toBeUndefined();
    expect(out.say).toEqual(['The two passwords differ. Type the password again.']);
    expect(out.flow).toEqual({ step: 'new-password', name: 'alice' });
  });

  it('an empty password is warned about and needs "yes"', () => {
    const warned = answer(['c', 'alice', '']);
    expect(warned.say[0]).toMatch(/default password, which protects nothing/);
    expect(warned.command).toBeUndefined();
    expect(answer(['c', 'alice', '', 'no']).flow).toEqual({ step: 'new-password', name: 'alice' });
    expect(answer(['c', 'alice', '', 'yes']).command).toEqual({ cmd: 'create-profile', name: 'alice', password: '' });
  });

  it('an empty name, an unknown choice and q', () => {
    expect(answer(['c', '  ']).say).toEqual(['Give the profile a name.']);
    expect(answer(['what']).flow).toEqual({ step: 'choose' });
    expect(answer(['q']).quit).toBe(true);
  });

  it('lines typed while the engine works are ignored; an error asks again', () => {
    const waiting: UnlockFlow = { step: 'waiting', mode: 'unlock' };
    expect(unlockLine(waiting, 'oops')).toEqual({ flow: waiting, say: ['Still opening the profile: that line was not used.'] });
    expect(unlockLine(waiting, '/quit').quit).toBe(true);
    const wrong = unlockError(waiting, 'profile.wrong-password', 'wrong password');
    expect(wrong?.flow).toEqual({ step: 'password' });
    expect(wrong?.ask?.secret).toBe(true);
    expect(unlockError(waiting, 'profile.none', 'no profile')?.flow).toEqual({ step: 'choose' });
    expect(unlockError({ step: 'choose' }, 'x', 'y')).toBeUndefined();
  });

  it('secretLine applies Backspace and Ctrl+U; Ctrl+C or Ctrl+D gives up', () => {
    expect(secretLine('pa\u007fss')).toBe('pss');
    expect(secretLine('abc\bd')).toBe('abd');
    expect(secretLine('wrong\u0015right')).toBe('right');
    expect(secretLine('pw\u0003')).toBeNull();
    expect(secretLine('\u0004')).toBeNull();
    expect(secretLine('ünï😀')).toBe('ünï😀');
  });
});

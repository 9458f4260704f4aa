import { describe, expect, it } from 'vitest';
import { decodeCommand } from '../../../src/core/api/commands.js';

describe('decodeCommand: the profile a command is for', () => {
  it('any command may name an open profile; select-profile and delete-profile must', () => {
    expect(decodeCommand('{"cmd":"send","to":"x","text":"y","profile":"p1"}')).toEqual({ ok: true, value: { cmd: 'send', to: 'x', text: 'y', profile: 'p1' } });
    expect(decodeCommand('{"cmd":"select-profile","profile":"p1","id":7}')).toEqual({ ok: true, value: { cmd: 'select-profile', profile: 'p1', id: '7' } });
    expect(decodeCommand('{"cmd":"delete-profile"}')).toMatchObject({ ok: false, error: { code: 'command.field' } });
    expect(decodeCommand('{"cmd":"send","to":"x","text":"y","profile":3}')).toMatchObject({ ok: false, error: { code: 'command.field' } });
  });
});

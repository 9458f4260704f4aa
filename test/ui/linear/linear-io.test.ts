// The real LinearIo (node:readline, no terminal handling) over in-memory streams: lines in, lines out, secret
// answers read in raw mode and never written back.

import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { nodeLinearIo } from '../../../src/ui/linear/linear-io.js';
import { uiText } from '../../../src/ui/text.js';

function setup(tty: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY: tty, rawModes: [] as boolean[] });
  const withRaw = Object.assign(input, { setRawMode: (on: boolean) => void input.rawModes.push(on) });
  const output = new PassThrough();
  let out = '';
  output.on('data', (b: Buffer) => (out += b.toString('utf8')));
  const io = nodeLinearIo(withRaw, output);
  const got: (string | null)[] = [];
  io.onLine((l) => got.push(l));
  return { input: withRaw, io, got, out: () => out };
}

const until = (check: () => void): Promise<void> => vi.waitFor(check, { timeout: 5_000, interval: 10 });

describe('nodeLinearIo', () => {
  it('lines in (LF, CRLF or CR), lines out; end of input is null', async () => {
    const t = setup(false);
    t.io.say([uiText('one'), uiText('two')]);
    t.input.write('a\nb\r\nc\r');
    t.input.end();
    await until(() => expect(t.got).toEqual(['a', 'b', 'c', null]));
    expect(t.out()).toBe('one\ntwo\n');
  });

  it('a secret answer on a terminal: raw mode on while it is typed, off after; Backspace applied; nothing echoed', async () => {
    const t = setup(true);
    t.io.ask(uiText('Password (not shown): '), true);
    expect(t.input.rawModes).toEqual([true]);
    t.input.write('hunx\u007fter2\r');
    await until(() => expect(t.got).toEqual(['hunter2']));
    expect(t.input.rawModes).toEqual([true, false]);
    expect(t.out()).toBe('Password (not shown): \n');
    // The next, ordinary answer is cooked again.
    t.input.write('plain\n');
    await until(() => expect(t.got).toEqual(['hunter2', 'plain']));
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('Ctrl+C at a secret question gives up (null), and raw mode is left', async () => {
    const t = setup(true);
    t.io.ask(uiText('Password (not shown): '), true);
    t.input.write('abc\u0003\r');
    await until(() => expect(t.got).toEqual([null]));
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('Ctrl+C or Ctrl+D at a secret question gives up at once, without Enter; what was typed is dropped', async () => {
    for (const key of ['\u0003', '\u0004']) {
      const t = setup(true);
      t.io.ask(uiText('Password (not shown): '), true);
      t.input.write(`abc${key}`);
      await until(() => expect(t.got).toEqual([null]));
      expect(t.input.rawModes).toEqual([true, false]);
      expect(t.out()).toBe('Password (not shown): \n');
      t.input.write('yes\n');
      await until(() => expect(t.got).toEqual([null, 'yes']));
    }
  });

  it('an empty Enter typed a while after a secret answer ended by CR is kept', async () => {
    const t = setup(true);
    const later = (): Promise<void> => new Promise((r) => setTimeout(r, 150));
    t.io.ask(uiText('Password (not shown): '), true);
    t.input.write('pw\r');
    await until(() => expect(t.got).toEqual(['pw']));
    await later();
    t.input.write('\n');
    await later();
    t.input.write('yes\n');
    await until(() => expect(t.got).toEqual(['pw', '', 'yes']));
  });

  it('an event while a question waits: printed below it, then the question again', async () => {
    const t = setup(false);
    t.io.ask(uiText('Name: '), false);
    t.io.say([uiText('tor: ready')]);
    expect(t.out()).toBe('Name: \ntor: ready\nName: ');
    t.input.write('alice\n');
    await until(() => expect(t.got).toEqual(['alice']));
    t.io.say([uiText('later')]);
    expect(t.out()).toBe('Name: \ntor: ready\nName: later\n');
  });
});

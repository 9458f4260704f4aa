import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyScore } from '../../../src/ui/view-model/fuzzy.js';
import { classifyPaste, pasteConsequence } from '../../../src/ui/view-model/paste-kind.js';
import { onion } from '../helpers/fixtures.js';

describe('classifyPaste', () => {
  it('recognises an onion address (with .onion, spaces, upper case)', () => {
    const o = onion(3);
    expect(classifyPaste(`  ${o.toUpperCase()}.onion \n`)).toEqual({ kind: 'contact', onion: o });
  });
  it('recognises server bundles and group invites by prefix', () => {
    expect(classifyPaste('server:abc').kind).toBe('server-bundle');
    expect(classifyPaste('torv3abc')).toEqual({ kind: 'group-invite', withServer: false });
    expect(classifyPaste('tofubundle:server:x||torv3y')).toEqual({ kind: 'group-invite', withServer: true });
  });
  it('says why a near-miss address is wrong, and what each kind does', () => {
    const o = onion(3);
    // A changed character in the key part breaks the checksum.
    const broken = classifyPaste(o.slice(0, 10) + (o[10] === 'a' ? 'b' : 'a') + o.slice(11));
    expect(broken).toMatchObject({ kind: 'unknown', code: 'onion.checksum' });
    expect(classifyPaste('').kind).toBe('empty');
    expect(pasteConsequence({ kind: 'contact', onion: o })).toContain('contact request');
    expect(pasteConsequence(classifyPaste('short'))).toContain('Not recognised');
  });
});

describe('fuzzy', () => {
  it('matches characters in order and ranks word starts and runs higher', () => {
    expect(fuzzyScore('xyz', 'alice')).toBeUndefined();
    expect(fuzzyFilter('al', ['bob', 'carol', 'alice', 'xavier lane'], (s) => s)).toEqual(['alice', 'xavier lane', 'carol']);
    expect(fuzzyFilter('', ['b', 'a'], (s) => s)).toEqual(['b', 'a']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getInfoValues, parseKeywords, quote, readQuoted, ReplyParser } from '../../src/tor/control-reply.js';
import { bootstrapFromEvent, parseBootstrap } from '../../src/tor/control-port.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function feedAll(text: string, chunk = 0): ReturnType<ReplyParser['feed']> {
  const p = new ReplyParser();
  const b = enc(text);
  if (chunk === 0) return p.feed(b);
  const out = [];
  for (let i = 0; i < b.length; i += chunk) {
    const r = p.feed(b.subarray(i, i + chunk));
    if (!r.ok) return r;
    out.push(...r.value);
  }
  return { ok: true, value: out };
}

// Replies as tor 0.4.9.11 sends them (tor.md; control-spec examples).
const PROTOCOLINFO =
  '250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/tmp/x/control_auth_cookie"\r\n250-VERSION Tor="0.4.9.11"\r\n250 OK\r\n';
const GETINFO_DATA = '250+onions/current=\r\nabc\r\n..dotted\r\n.\r\n250 OK\r\n';
const BOOT_EVENT = '650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=45 TAG=requesting_descriptors SUMMARY="Asking for relay descriptors"\r\n';
const WARN_EVENT =
  '650 STATUS_CLIENT WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY="Connecting to a relay" WARNING="Connection refused" REASON=CONNECTREFUSED COUNT=3 RECOMMENDATION=ignore HOSTID="0000" HOSTADDR="127.0.0.1:1"\r\n';

describe('ReplyParser', () => {
  it('assembles a real PROTOCOLINFO reply, even fed one byte at a time', () => {
    for (const chunk of [0, 1, 7]) {
      const r = feedAll(PROTOCOLINFO, chunk);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value).toHaveLength(1);
      expect(r.value[0]!.status).toBe(250);
      expect(r.value[0]!.lines.map((l) => l.sep)).toEqual(['-', '-', '-', ' ']);
    }
  });

  it('decodes a + data block with dot-stuffing', () => {
    const r = feedAll(GETINFO_DATA);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = getInfoValues(r.value[0]!);
    expect(v.ok && v.value.get('onions/current')).toBe('abc\n.dotted');
  });

  it('delivers interleaved events and replies in order', () => {
    const r = feedAll(BOOT_EVENT + '250 OK\r\n' + WARN_EVENT);
    expect(r.ok && r.value.map((x) => x.status)).toEqual([650, 250, 650]);
  });

  it('parses bootstrap events, NOTICE and WARN', () => {
    const r = feedAll(BOOT_EVENT + WARN_EVENT);
    if (!r.ok) throw new Error('parse');
    expect(bootstrapFromEvent(r.value[0]!)).toEqual({ severity: 'NOTICE', progress: 45, tag: 'requesting_descriptors', summary: 'Asking for relay descriptors' });
    expect(bootstrapFromEvent(r.value[1]!)).toMatchObject({ severity: 'WARN', progress: 5, warning: 'Connection refused', reason: 'CONNECTREFUSED' });
    expect(parseBootstrap('NOTICE BOOTSTRAP PROGRESS=101 TAG=x SUMMARY="y"')).toBeNull();
    expect(parseBootstrap('NOTICE BOOTSTRAP PROGRESS=-1 TAG=x')).toBeNull();
    expect(parseBootstrap('NOTICE CIRCUIT_ESTABLISHED')).toBeNull();
  });

  it.each([
    ['overlong line', '250-' + 'a'.repeat(20_000) + '\r\n', 'control.line-too-long'],
    ['overlong line without terminator', '250-' + 'a'.repeat(20_000), 'control.line-too-long'],
    ['bare LF', '250 OK\n', 'control.bad-line'],
    ['garbage status', 'abc OK\r\n', 'control.bad-status'],
    ['status out of range', '999 OK\r\n', 'control.bad-status'],
    ['1xx status', '150 OK\r\n', 'control.bad-status'],
    ['bad separator', '250*OK\r\n', 'control.bad-status'],
    ['mixed status', '250-a\r\n251 b\r\n', 'control.mixed-status'],
    ['control character', '250 O\u0001K\r\n', 'control.bad-line'],
    ['NUL byte', '250 O\u0000K\r\n', 'control.bad-line'],
  ])('refuses %s', (_name, text, code) => {
    const r = feedAll(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(code);
  });

  it('refuses a reply larger than the cap and stays broken afterwards', () => {
    const p = new ReplyParser(1000, 4000);
    let r = p.feed(enc(('250-' + 'x'.repeat(90) + '\r\n').repeat(50)));
    expect(!r.ok && r.error.code).toBe('control.reply-too-large');
    r = p.feed(enc('250 OK\r\n'));
    expect(!r.ok && r.error.code).toBe('control.reply-too-large');
  });

  it('an unfinished reply stays pending (midReply) without output', () => {
    const p = new ReplyParser();
    const r = p.feed(enc('250-ServiceID=abc\r\n'));
    expect(r.ok && r.value).toEqual([]);
    expect(p.midReply).toBe(true);
  });

  it('never throws and stays bounded on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), (chunks) => {
        const p = new ReplyParser(256, 2048);
        for (const c of chunks) {
          const r = p.feed(c);
          if (!r.ok) return;
          for (const rep of r.value) expect(rep.lines.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('keywords and quoting', () => {
  it('splits words and key=value, with quoted escapes', () => {
    const r = parseKeywords('AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="/a b/\\"c\\\\"');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.words).toEqual(['AUTH']);
    expect(r.value.kv.get('COOKIEFILE')).toBe('/a b/"c\\');
  });

  it('refuses an unterminated quote and a bad escape', () => {
    expect(parseKeywords('A="abc').ok).toBe(false);
    expect(parseKeywords('A="a\\qb"').ok).toBe(false);
    expect(parseKeywords('A="ab"junk').ok).toBe(false);
  });

  it('quote() round-trips through readQuoted', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = readQuoted(quote(s), 0);
        expect(r.ok && r.value.value).toBe(s);
      }),
    );
  });
});

// tor's control-port replies (incremental parser, keyword and quoted-string helpers) and SOCKS5 CONNECT replies.

import fc from 'fast-check';
import { ReplyParser, getInfoValues, parseKeywords, readQuoted } from '../../../src/tor/control-reply.js';
import { decodeConnectReply } from '../../../src/tor/socks.js';
import { TOR_CONTROL_MAX_LINE } from '../../../src/core/limits.js';
import { concat, expectResult, expectThat, splitAt, type FuzzTarget } from '../harness.js';
import { utf8 } from '../json-gen.js';

const ending = fc.constantFrom('\r\n', '\r\n', '\r\n', '\n', '\r', '\r\r\n', '\n\r', '');
const text = fc.oneof(
  fc.constantFrom('OK', 'version=0.4.8.9', 'status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"', 'ServiceID=abc', 'PrivateKey=ED25519-V3:xx',
    'KEY="a \\"q\\" \\101\\7\\777 \\x"', 'K="unterminated', 'K="bad \\q"', 'onions/current=', '.', '..', '=x', 'AUTH METHODS=NULL,SAFECOOKIE COOKIEFILE="/tmp/c\\\\ookie"'),
  fc.string({ maxLength: 40 }),
);
const line = fc
  .tuple(fc.constantFrom('250', '250', '650', '515', '552', '199', '700', '25', '2500', 'abc'), fc.constantFrom(' ', '-', '+', '=', ''), text, ending)
  .map(([st, sep, t, e]) => `${st}${sep}${t}${e}`);
/** Replies with data blocks ('+' … '.'), odd line endings and status codes, cut into odd chunks. */
const replies = fc
  .tuple(fc.array(fc.oneof(line, fc.tuple(text, text).map(([a, b]) => `250+k=\r\n${a}\r\n.${b}\r\n.\r\n`)), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }))
  .map(([ls, cuts]) => splitAt(utf8(ls.join('')), cuts));

export const controlReply: FuzzTarget<'chunks'> = {
  name: 'control-reply',
  kind: 'chunks',
  seeds: () => [
    [utf8('250-version=0.4.8.9\r\n250 OK\r\n')],
    splitAt(utf8('250+onions/current=\r\nabc\r\n..dot\r\n.\r\n250 OK\r\n650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=5\r\n'), [3, 4, 20, 21]),
    [utf8('250 ServiceID=x\r\n'), utf8('515 Authentication failed: "bad"\r\n')],
  ],
  generator: () => replies,
  check: (chunks) => {
    const p = new ReplyParser();
    let broken: string | null = null;
    for (const c of chunks) {
      const r = p.feed(c);
      expectResult(r, 'feed');
      if (!r.ok) {
        expectThat(broken === null || broken === r.error.code, 'a poisoned parser changed its error');
        broken = r.error.code;
        continue;
      }
      expectThat(broken === null, 'a poisoned parser recovered');
      for (const reply of r.value) {
        expectResult(getInfoValues(reply), 'getInfoValues');
        for (const l of reply.lines) {
          expectThat(l.status === reply.status, 'mixed status in a reply');
          expectResult(parseKeywords(l.text), 'parseKeywords');
          const q = l.text.indexOf('"');
          if (q >= 0) expectResult(readQuoted(l.text, q), 'readQuoted');
        }
      }
    }
  },
  linear: [
    {
      shape: 'many short lines',
      sizes: [16 * 1024, 128 * 1024, 1024 * 1024],
      make: (n) => [utf8('250-a\r\n'.repeat(n / 7))],
    },
    {
      shape: 'data block of many lines',
      sizes: [16 * 1024, 128 * 1024, 1024 * 1024],
      make: (n) => [utf8('250+k=\r\n' + '..x\r\n'.repeat(n / 5) + '.\r\n250 OK\r\n')],
    },
    {
      // A line fed one byte per chunk (tor writes whole lines, but a socket may split anywhere).
      shape: 'one line, one-byte chunks',
      sizes: [256, 2048, TOR_CONTROL_MAX_LINE - 16],
      make: (n) => [...utf8('250 ' + 'x'.repeat(n) + '\r\n')].map((b) => Uint8Array.of(b)),
    },
    {
      shape: 'keywords with octal escapes',
      sizes: [256, 2048, TOR_CONTROL_MAX_LINE - 16],
      make: (n) => [utf8('250 K="' + '\\101'.repeat(n / 4) + '"\r\n')],
    },
    {
      shape: 'many keywords',
      sizes: [256, 2048, TOR_CONTROL_MAX_LINE - 16],
      make: (n) => [utf8('250 ' + 'k=v '.repeat(n / 4) + '\r\n')],
    },
  ],
};

export const socksReply: FuzzTarget<'bytes'> = {
  name: 'socks-reply',
  kind: 'bytes',
  seeds: () => [Uint8Array.of(5, 0, 0, 1, 127, 0, 0, 1, 0x23, 0x82), Uint8Array.of(5, 0xf0, 0, 3, 3, 97, 98, 99, 0, 80), Uint8Array.of(5, 0, 0, 4, ...new Uint8Array(16), 0, 1, 0xaa)],
  generator: () =>
    fc
      .tuple(fc.constantFrom(5, 4, 0), fc.nat(255), fc.constantFrom(0, 0, 1), fc.constantFrom(1, 3, 4, 0, 2, 255), fc.uint8Array({ maxLength: 300 }))
      .map(([v, rep, rsv, atyp, rest]) => concat([Uint8Array.of(v, rep, rsv, atyp), rest])),
  check: (b) => {
    const r = decodeConnectReply(b);
    expectResult(r, 'decodeConnectReply');
    if (r.ok && r.value !== null) expectThat(r.value.used >= 7 && r.value.used <= b.length && r.value.used <= 262, 'used out of range');
    for (let n = 0; n < Math.min(b.length, 12); n++) expectResult(decodeConnectReply(b.subarray(0, n)), 'prefix');
  },
};

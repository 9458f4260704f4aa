import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromBase64, utf8 } from '../../../src/core/bytes.js';
import {
  encodeGoJson,
  encodeGoJsonBytes,
  getBool,
  getBytes,
  getField,
  getInt,
  getString,
  goJson,
  goQuote,
  parseJsonObject,
  type GoJsonValue,
} from '../../../src/core/codec/go-json.js';
import { loadVector } from '../../vectors/load.js';

const b64 = (s: string): Uint8Array => fromBase64(s)!;
const S = goJson.string;
const B = (s: string | null) => goJson.bytes(s === null ? null : b64(s));

describe('Go JSON encoder reproduces every *_json of the vectors', () => {
  it('keybundle: map keys sorted, Signature null then set', () => {
    const v = loadVector<{ signed_bytes_utf8: string; serialized_bundle_json: string }>('keybundle');
    const keys = JSON.parse(v.signed_bytes_utf8).Keys as Record<string, string>;
    // Give the entries out of order: the encoder sorts.
    const m = goJson.map(Object.entries(keys).reverse().map(([k, x]) => [k, S(x)] as const));
    expect(encodeGoJson(goJson.object([['Keys', m], ['Signature', B(null)]]))).toBe(v.signed_bytes_utf8);
    const sig = JSON.parse(v.serialized_bundle_json).Signature as string;
    expect(encodeGoJson(goJson.object([['Keys', m], ['Signature', B(sig)]]))).toBe(v.serialized_bundle_json);
  });

  it('group message: the DGM with \\u003c/\\u0026 escapes, the EGM and the invite', () => {
    const v = loadVector<{ decrypted_group_message_json: string; encrypted_group_message_json: string; group_invite: { json: string } }>('group_message');
    const d = JSON.parse(v.decrypted_group_message_json);
    expect(d.Text).toContain('<3 & co');
    const dgm = goJson.object([
      ['Text', S(d.Text)],
      ['Onion', S(d.Onion)],
      ['Timestamp', goJson.uint(d.Timestamp)],
      ['SignedGroupID', B(d.SignedGroupID)],
      ['PreviousMessageSig', B(d.PreviousMessageSig)],
      ['Padding', B(d.Padding)],
    ]);
    expect(encodeGoJson(dgm)).toBe(v.decrypted_group_message_json);
    const e = JSON.parse(v.encrypted_group_message_json);
    expect(encodeGoJson(goJson.object([['Ciphertext', B(e.Ciphertext)], ['Signature', B(e.Signature)]]))).toBe(v.encrypted_group_message_json);
    const g = JSON.parse(v.group_invite.json);
    const invite = goJson.object([['GroupID', S(g.GroupID)], ['GroupName', S(g.GroupName)], ['SharedKey', B(g.SharedKey)], ['ServerHost', S(g.ServerHost)]]);
    expect(encodeGoJson(invite)).toBe(v.group_invite.json);
  });

  it('peer messages: v1 envelopes (empty non-nil Data is ""), getVal/retVal bodies, overlay', () => {
    const v = loadVector<Record<string, string>>('peer_message');
    const pm = (id: string, ctx: string, data: Uint8Array) => encodeGoJson(goJson.object([['ID', S(id)], ['Context', S(ctx)], ['Data', goJson.bytes(data)]]));
    expect(pm('1234567890', 'im.cwtch.raw', utf8(v.overlay_message!))).toBe(v.v1_json);
    expect(pm('1234567890', 'im.cwtch.acknowledgement', new Uint8Array(0))).toBe(v.ack_v1_json);
    expect(pm('im.cwtch.version', 'im.cwtch.getVal', Uint8Array.of(2))).toBe(v.version_negotiation_v1_json);
    expect(encodeGoJson(goJson.object([['Scope', S('public')], ['Path', S('profile.name')]]))).toBe(v.getval_data_json);
    expect(encodeGoJson(goJson.object([['Val', S('alice')], ['Exists', goJson.bool(true)]]))).toBe(v.retval_data_json);
    expect(encodeGoJson(goJson.object([['o', goJson.int(1)], ['d', S('hello')]]))).toBe(v.overlay_message);
  });

  it('privacy pass shapes and the auth messages', () => {
    const pp = loadVector<{
      wire_json_examples: { BlindedToken: string; SignedToken: string };
      spend: { egm_json: string; SpentToken_json: string };
      pow_and_batch_proof_transcript: { proof: { json: string } };
    }>('privacypass');
    const one = (json: string) => {
      const o = JSON.parse(json) as Record<string, string>;
      return encodeGoJson(goJson.object(Object.entries(o).map(([k, x]) => [k, B(x)] as const)));
    };
    expect(one(pp.wire_json_examples.BlindedToken)).toBe(pp.wire_json_examples.BlindedToken);
    expect(one(pp.wire_json_examples.SignedToken)).toBe(pp.wire_json_examples.SignedToken);
    expect(one(pp.spend.egm_json)).toBe(pp.spend.egm_json);
    expect(one(pp.spend.SpentToken_json)).toBe(pp.spend.SpentToken_json);
    expect(one(pp.pow_and_batch_proof_transcript.proof.json)).toBe(pp.pow_and_batch_proof_transcript.proof.json);
    const auth = loadVector<{ auth_messages_json: { outbound_sends: string; inbound_sends: string; length_bytes: number } }>('auth_3dh');
    for (const m of [auth.auth_messages_json.outbound_sends, auth.auth_messages_json.inbound_sends]) {
      expect(one(m)).toBe(m);
      expect(encodeGoJsonBytes(goJson.object([['LongTermPublicKey', B(JSON.parse(m).LongTermPublicKey)], ['EphemeralPublicKey', B(JSON.parse(m).EphemeralPublicKey)]]))).toHaveLength(auth.auth_messages_json.length_bytes);
    }
  });
});

describe('Go string escaping', () => {
  it('escapes exactly what Go escapes', () => {
    expect(goQuote('<a href="x">&</a>')).toBe('"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    expect(goQuote('\n\r\t\b\f\u0000\u001f\u007f')).toBe('"\\n\\r\\t\\b\\f\\u0000\\u001f\u007f"');
    expect(goQuote('a\u2028b\u2029c')).toBe('"a\\u2028b\\u2029c"');
    expect(goQuote('back\\slash')).toBe('"back\\\\slash"');
    expect(goQuote('😀 é ₿')).toBe('"😀 é ₿"');
    expect(goQuote('lone \ud800 and \udc00x')).toBe('"lone \\ufffd and \\ufffdx"');
    expect(goQuote('\ufffd')).toBe('"\ufffd"');
  });
});

describe('Go struct and map rules', () => {
  it('omitempty drops nil/zero/empty but never a struct', () => {
    const msg = goJson.object([
      ['MessageType', goJson.int(0)],
      ['PostRequest', goJson.null(), 'omitempty'],
      ['ReplayRequest', goJson.object([['LastCommit', goJson.bytes(null)]]), 'omitempty'],
      ['S', S(''), 'omitempty'],
      ['N', goJson.int(0), 'omitempty'],
      ['F', goJson.bool(false), 'omitempty'],
      ['E', goJson.bytes(new Uint8Array(0)), 'omitempty'],
      ['A', goJson.array([]), 'omitempty'],
      ['M', goJson.map({}), 'omitempty'],
    ]);
    expect(encodeGoJson(msg)).toBe('{"MessageType":0,"ReplayRequest":{"LastCommit":null}}');
  });

  it('ints never use exponents; 64-bit extremes are exact; bad numbers throw RangeError', () => {
    expect(encodeGoJson(goJson.int(10n ** 18n))).toBe('1000000000000000000');
    expect(encodeGoJson(goJson.int(Number.MAX_SAFE_INTEGER))).toBe('9007199254740991');
    expect(encodeGoJson(goJson.uint(2n ** 64n - 1n))).toBe('18446744073709551615');
    expect(encodeGoJson(goJson.int(-(2n ** 63n)))).toBe('-9223372036854775808');
    expect(() => goJson.int(1.5)).toThrow(RangeError);
    expect(() => goJson.uint(-1)).toThrow(RangeError);
    expect(() => goJson.int(2n ** 63n)).toThrow(RangeError);
  });

  it('maps sort keys by UTF-8 bytes (not UTF-16 units), nil map is null, arrays and nil slices', () => {
    const m = goJson.map([['\uffff', goJson.int(1)], ['😀', goJson.int(2)], ['a', goJson.int(3)], ['B', goJson.int(4)]]);
    expect(encodeGoJson(m)).toBe('{"B":4,"a":3,"\uffff":1,"😀":2}');
    expect(encodeGoJson(goJson.map(null))).toBe('null');
    expect(() => goJson.map([['a', goJson.null()], ['a', goJson.null()]])).toThrow(RangeError);
    expect(encodeGoJson(goJson.array([S('x'), goJson.bool(true), goJson.null()]))).toBe('["x",true,null]');
    expect(encodeGoJson(goJson.array(null))).toBe('null');
  });
});

describe('parseJsonObject and getField', () => {
  it('parses like Go: case-insensitive names, last match wins, unknown fields ignored', () => {
    const r = parseJsonObject(utf8('{"id":"a","CONTEXT":"c","Data":"AQI=","n":5,"b":true,"extra":[1]}'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(getString(r.value, 'ID')).toBe('a');
    expect(getString(r.value, 'Context')).toBe('c');
    expect(getBytes(r.value, 'Data')).toEqual(Uint8Array.of(1, 2));
    expect(getInt(r.value, 'N')).toBe(5);
    expect(getBool(r.value, 'B')).toBe(true);
    expect(getField(r.value, 'Missing')).toBeUndefined();
    const dup = parseJsonObject('{"Id":"first","ID":"second"}');
    expect(dup.ok && getString(dup.value, 'ID')).toBe('second');
    const nul = parseJsonObject('{"Signature":null}');
    expect(nul.ok && getBytes(nul.value, 'Signature')).toBeNull();
  });

  it('refuses non-objects, syntax errors and a BOM with a code', () => {
    const code = (x: Uint8Array | string) => {
      const r = parseJsonObject(x);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code('[1]')).toBe('json.not_object');
    expect(code('null')).toBe('json.not_object');
    expect(code('"s"')).toBe('json.not_object');
    expect(code('{"a":')).toBe('json.syntax');
    expect(code(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe('json.syntax');
    expect(code(12 as unknown as string)).toBe('json.type');
    expect(code(' {} ')).toBe('ok');
  });
});

// ---- properties ----

const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });

const goValue: fc.Arbitrary<{ v: GoJsonValue; js: unknown }> = fc.letrec<{ node: { v: GoJsonValue; js: unknown } }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyUnits.map((s) => ({ v: S(s), js: s.toWellFormed() })),
    fc.option(fc.uint8Array({ maxLength: 20 })).map((b) => ({ v: goJson.bytes(b), js: b === null ? null : b64ToJs(b) })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => ({ v: goJson.int(n), js: Number(n) })),
    fc.boolean().map((b) => ({ v: goJson.bool(b), js: b })),
    fc.constant({ v: goJson.null(), js: null }),
    fc.array(tie('node'), { maxLength: 4 }).map((xs) => ({ v: goJson.array(xs.map((x) => x.v)), js: xs.map((x) => x.js) })),
    fc.uniqueArray(fc.tuple(anyUnits, tie('node')), { maxLength: 4, selector: (t) => t[0].toWellFormed() }).map((es) => ({
      v: goJson.map(es.map(([k, x]) => [k.toWellFormed(), x.v] as const)),
      js: Object.fromEntries(es.map(([k, x]) => [k.toWellFormed(), x.js])),
    })),
  ),
})).node;

function b64ToJs(b: Uint8Array): string {
  return encodeGoJson(goJson.bytes(b)).slice(1, -1);
}

describe('Go JSON properties', () => {
  test.prop([anyUnits])('any string encodes to valid JSON that reads back (lone surrogates as U+FFFD), never raw < > & or controls', (s) => {
    const out = goQuote(s);
    expect(JSON.parse(out)).toBe(s.toWellFormed());
    expect([...out].some((ch) => ch < ' ' || '<>&\u2028\u2029'.includes(ch))).toBe(false);
    expect(out.isWellFormed()).toBe(true);
  });

  test.prop([goValue])('any value tree encodes to JSON that JSON.parse reads back to the same value', ({ v, js }) => {
    const parsed = JSON.parse(encodeGoJson(v));
    if (typeof js === 'number') expect(parsed).toBe(js);
    else expect(parsed).toEqual(js);
  });

  test.prop([fc.uint8Array({ maxLength: 200 })])('parseJsonObject never throws on arbitrary bytes', (b) => {
    const r = parseJsonObject(b);
    expect(typeof r.ok).toBe('boolean');
  });

  test.prop([fc.string({ maxLength: 200 })])('parseJsonObject never throws on arbitrary text', (s) => {
    const r = parseJsonObject(s);
    if (r.ok) getField(r.value, s);
  });

  it('parseJsonObject survives deep nesting', () => {
    const deep = '{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
    expect(typeof parseJsonObject(deep).ok).toBe('boolean');
  });
});

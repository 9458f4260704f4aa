// Ristretto255 element/scalar decoders, privacy-pass JSON and token-board messages (server and client side).

import fc from 'fast-check';
import { BASEPOINT, GROUP_ORDER, decodeElement, decodeScalar, elementFromBase64, encodeElement, encodeScalar, mulElement, scalarFromBase64 } from '../../../src/core/crypto/ristretto.js';
import { decodeBoardMessage, decodeEgm, encodeBoardMessage, encodeEgm } from '../../../src/core/groups/board-messages.js';
import { TOKEN_MAX_BATCH } from '../../../src/core/limits.js';
import { decodeBlindedTokens, decodeSignedBatch, decodeSpentToken, encodeBlindedTokens, encodeSignedBatch } from '../../../src/core/privacypass/wire.js';
import { bytesEqual } from '../../../src/core/bytes.js';
import { expectResult, expectThat, type FuzzTarget } from '../harness.js';
import { base64Text, jsonObject, jsonValue, utf8 } from '../json-gen.js';
import { jsonLinearCases } from './json-decoders.js';

const le = (n: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};
const points = [1n, 2n, 3n, 12345n].map((k) => encodeElement(mulElement(BASEPOINT, k)));

export const ristretto: FuzzTarget<'bytes'> = {
  name: 'ristretto',
  kind: 'bytes',
  seeds: () => [...points, new Uint8Array(32), le(GROUP_ORDER - 1n), le(GROUP_ORDER), new Uint8Array(32).fill(0xff)],
  generator: () =>
    fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.tuple(fc.integer({ min: -3, max: 3 }), fc.constantFrom(GROUP_ORDER, 2n ** 255n - 19n, 2n ** 255n, 0n)).map(([d, base]) => le((base + BigInt(d) + 2n ** 256n) % 2n ** 256n)),
    ),
  check: (b) => {
    const p = decodeElement(b);
    if (p !== null) expectThat(bytesEqual(encodeElement(p), b), 'a non-canonical element was accepted');
    const s = decodeScalar(b);
    if (s !== null) expectThat(s < GROUP_ORDER && bytesEqual(encodeScalar(s), b), 'a non-canonical scalar was accepted');
    const text = Buffer.from(b).toString('base64');
    expectThat((elementFromBase64(text) === null) === (p === null), 'base64 element disagrees with bytes');
    expectThat(scalarFromBase64(text) === s, 'base64 scalar disagrees with bytes');
    elementFromBase64(Buffer.from(b).toString('latin1'));
    scalarFromBase64(Buffer.from(b).toString('latin1'));
  },
};

const elementB64 = fc.oneof(fc.constantFrom(...points).map((p) => JSON.stringify(Buffer.from(p).toString('base64'))), base64Text([31, 32, 33]));
const scalarB64 = fc.oneof(fc.constantFrom(le(1n), le(GROUP_ORDER), le(GROUP_ORDER - 1n)).map((p) => JSON.stringify(Buffer.from(p).toString('base64'))), base64Text([32]));
const withP = jsonObject([['P', elementB64]]);
const withQ = jsonObject([['Q', elementB64]]);
const proof = jsonObject([['C', scalarB64], ['S', scalarB64]]);
const list = (item: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(fc.array(item, { maxLength: 12 }).map((a) => `[${a.join(',')}]`), fc.tuple(item, fc.integer({ min: 99, max: 102 })).map(([x, n]) => `[${new Array<string>(n).fill(x).join(',')}]`));

export const privacyPass: FuzzTarget<'bytes'> = {
  name: 'privacypass',
  kind: 'bytes',
  seeds: () => [
    encodeBlindedTokens([{ P: mulElement(BASEPOINT, 5n) }, { P: BASEPOINT }]),
    encodeSignedBatch([{ Q: BASEPOINT }], { c: 1n, s: 2n }),
    utf8('{"SignedTokens":[{"Q":"4vJ9J5LJKzXFEBpoijUHwx2FzHTmbYK1nCOv6oT+XDY="}],"Proof":{"C":"AQ==","S":"AQ=="}}'),
    utf8(`{"T":"${Buffer.alloc(32).toString('base64')}","MAC":"${Buffer.alloc(64).toString('base64')}"}`),
  ],
  generator: () =>
    fc.oneof(
      list(withP),
      jsonObject([['st', list(withQ)], ['dp', proof], ['SignedTokens', list(withQ)], ['Proof', proof]]),
      jsonObject([['T', base64Text([31, 32, 33])], ['MAC', base64Text([63, 64, 65])]]),
    ).map(utf8),
  check: (b) => {
    const bt = decodeBlindedTokens(b, TOKEN_MAX_BATCH);
    expectResult(bt, 'decodeBlindedTokens');
    if (bt.ok) expectThat(bt.value.length >= 1 && bt.value.length <= TOKEN_MAX_BATCH, 'blinded count');
    const sb = decodeSignedBatch(b, TOKEN_MAX_BATCH);
    expectResult(sb, 'decodeSignedBatch');
    if (sb.ok) expectThat(sb.value.signed.length >= 1 && sb.value.signed.length <= TOKEN_MAX_BATCH, 'signed count');
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(b));
    } catch {
      parsed = undefined;
    }
    const st = decodeSpentToken(parsed);
    expectResult(st, 'decodeSpentToken');
    if (st.ok) expectThat(st.value.T.length === 32 && st.value.MAC.length === 64, 'token sizes');
  },
  linear: [
    ...jsonLinearCases(utf8),
    { shape: 'long token array', sizes: [2 * 1024, 16 * 1024, 128 * 1024], make: (n) => utf8('[' + '{"P":"AA=="},'.repeat(n / 13) + '{}]') },
  ],
};

const egm = jsonObject([['Ciphertext', base64Text([0, 16, 100])], ['Signature', base64Text([0, 63, 64])]]);
const token = jsonObject([['T', base64Text([32])], ['MAC', base64Text([64])]]);

export const boardMessage: FuzzTarget<'bytes'> = {
  name: 'board-message',
  kind: 'bytes',
  seeds: () => {
    const e = { ciphertext: new Uint8Array(40).fill(1), signature: new Uint8Array(64).fill(2) };
    return [
      encodeEgm(e),
      encodeBoardMessage({ type: 'post-request', token: { T: new Uint8Array(32), MAC: new Uint8Array(64) }, egm: e }),
      encodeBoardMessage({ type: 'post-result', success: true }),
      encodeBoardMessage({ type: 'new-message', egm: e }),
      encodeBoardMessage({ type: 'replay-request', lastCommit: new Uint8Array(32).fill(3) }),
      encodeBoardMessage({ type: 'replay-result', numMessages: 12, fullResync: true }),
    ];
  },
  generator: () =>
    fc.oneof(
      egm,
      jsonObject([
        ['MessageType', fc.constantFrom('0', '1', '2', '3', '4', '5', '-1', '1.5', '"2"', 'null', '9007199254740993')],
        ['PostRequest', jsonObject([['Token', token], ['EGM', egm]])],
        ['PostResult', jsonObject([['Success', jsonValue()]])],
        ['NewMessage', jsonObject([['EGM', egm]])],
        ['ReplayRequest', jsonObject([['LastCommit', base64Text([0, 32])]])],
        ['ReplayResult', jsonObject([['NumMessages', jsonValue()], ['FullResync', jsonValue()]])],
      ]),
    ).map(utf8),
  check: (b) => {
    const m = decodeBoardMessage(b);
    expectResult(m, 'decodeBoardMessage');
    if (m.ok && m.value.type === 'replay-result') expectThat(Number.isSafeInteger(m.value.numMessages) && m.value.numMessages >= 0, 'count');
    if (m.ok && m.value.type === 'post-request' && m.value.token !== null) expectThat(m.value.token.T.length === 32 && m.value.token.MAC.length === 64, 'token sizes');
    expectResult(decodeEgm(b), 'decodeEgm');
  },
  linear: jsonLinearCases(utf8),
};

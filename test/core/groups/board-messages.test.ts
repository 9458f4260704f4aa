import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import {
  decodeBoardMessage,
  decodeEgm,
  encodeBoardMessage,
  encodeEgm,
  postSpendData,
  type BoardMessage,
} from '../../../src/core/groups/board-messages.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const egm = { ciphertext: utf8('example ciphertext'), signature: utf8('example signature') };
const token = { T: new Uint8Array(32).fill(1), MAC: new Uint8Array(64).fill(2) };

describe('groups.Message JSON (Go field order, omitempty sub-objects)', () => {
  it('encodes each type exactly', () => {
    expect(text(encodeBoardMessage({ type: 'replay-request', lastCommit: null }))).toBe('{"MessageType":0,"ReplayRequest":{"LastCommit":null}}');
    expect(text(encodeBoardMessage({ type: 'replay-result', numMessages: 3, fullResync: false }))).toBe('{"MessageType":1,"ReplayResult":{"NumMessages":3}}');
    expect(text(encodeBoardMessage({ type: 'replay-result', numMessages: 3, fullResync: true }))).toBe('{"MessageType":1,"ReplayResult":{"NumMessages":3,"FullResync":true}}');
    expect(text(encodeBoardMessage({ type: 'post-result', success: true }))).toBe('{"MessageType":3,"PostResult":{"Success":true}}');
    expect(text(encodeBoardMessage({ type: 'new-message', egm }))).toBe(
      '{"MessageType":4,"NewMessage":{"EGM":{"Ciphertext":"ZXhhbXBsZSBjaXBoZXJ0ZXh0","Signature":"ZXhhbXBsZSBzaWduYXR1cmU="}}}',
    );
    const post = text(encodeBoardMessage({ type: 'post-request', token, egm }));
    expect(post.startsWith('{"MessageType":2,"PostRequest":{"Token":{"T":"AQEB')).toBe(true);
    expect(post.endsWith(',"EGM":{"Ciphertext":"ZXhhbXBsZSBjaXBoZXJ0ZXh0","Signature":"ZXhhbXBsZSBzaWduYXR1cmU="}}}')).toBe(true);
  });

  it('a refusal for rate carries RetryAfterMs (our extension, ignored by Go); hostile waits are dropped, never thrown on', () => {
    expect(text(encodeBoardMessage({ type: 'post-result', success: false, retryAfterMs: 4200 }))).toBe('{"MessageType":3,"PostResult":{"Success":false,"RetryAfterMs":4200}}');
    // Only a refusal waits.
    expect(text(encodeBoardMessage({ type: 'post-result', success: true, retryAfterMs: 1 }))).toBe('{"MessageType":3,"PostResult":{"Success":true}}');
    expect(decodeBoardMessage(utf8('{"MessageType":3,"PostResult":{"Success":false,"RetryAfterMs":4200}}'))).toEqual({ ok: true, value: { type: 'post-result', success: false, retryAfterMs: 4200 } });
    for (const w of ['-1', '1.5', '"5"', 'null', '1e400', '9007199254740993']) {
      expect(decodeBoardMessage(utf8(`{"MessageType":3,"PostResult":{"Success":false,"RetryAfterMs":${w}}}`))).toEqual({ ok: true, value: { type: 'post-result', success: false } });
    }
    expect(decodeBoardMessage(utf8('{"MessageType":3,"PostResult":{"Success":true,"RetryAfterMs":5}}'))).toEqual({ ok: true, value: { type: 'post-result', success: true } });
  });

  it('the spend data is EGM.ToBytes() ‖ onion (privacypass.json spend example)', () => {
    expect(text(encodeEgm(egm))).toBe('{"Ciphertext":"ZXhhbXBsZSBjaXBoZXJ0ZXh0","Signature":"ZXhhbXBsZSBzaWduYXR1cmU="}');
    expect(text(postSpendData(egm, 'x'.repeat(56)))).toBe(text(encodeEgm(egm)) + 'x'.repeat(56));
  });

  it('round trips, and parses like Go (case-insensitive names, nil slices, unknown members and types)', () => {
    const msgs: Exclude<BoardMessage, { type: 'unknown' }>[] = [
      { type: 'replay-request', lastCommit: utf8('sig') },
      { type: 'replay-result', numMessages: 7, fullResync: true },
      { type: 'post-request', token, egm },
      { type: 'post-result', success: false },
      { type: 'new-message', egm },
    ];
    for (const m of msgs) expect(decodeBoardMessage(encodeBoardMessage(m))).toEqual({ ok: true, value: m });
    expect(decodeBoardMessage(utf8('{"messagetype":0,"replayrequest":{"lastcommit":null},"Extra":1}'))).toEqual({ ok: true, value: { type: 'replay-request', lastCommit: null } });
    expect(decodeBoardMessage(utf8('{"MessageType":9}'))).toEqual({ ok: true, value: { type: 'unknown', messageType: 9 } });
    const d = decodeEgm(utf8('{"Ciphertext":null}'));
    expect(d.ok && d.value.signature.length).toBe(0);
    // A malformed token is not a protocol error: Go would parse it and fail the spend.
    const bad = decodeBoardMessage(utf8('{"MessageType":2,"PostRequest":{"Token":{"T":"AA=="},"EGM":{}}}'));
    expect(bad.ok && bad.value.type === 'post-request' && bad.value.token).toBeNull();
  });

  it('refuses what the Go server closes on', () => {
    for (const s of ['', '{', '[]', '{"MessageType":"0"}', '{"MessageType":2}', '{"MessageType":4,"NewMessage":{"EGM":{"Ciphertext":"***"}}}', '{"MessageType":1,"ReplayResult":{"NumMessages":-1}}', '{"MessageType":0,"ReplayRequest":{"LastCommit":"%%"}}']) {
      expect(decodeBoardMessage(utf8(s)).ok).toBe(false);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('any bytes: a result, never a throw', (b) => {
    expect(typeof decodeBoardMessage(b).ok).toBe('boolean');
    expect(typeof decodeEgm(b).ok).toBe('boolean');
  });
  test.prop([fc.json()])('any JSON: a result, never a throw', (j) => {
    expect(typeof decodeBoardMessage(utf8(j)).ok).toBe('boolean');
  });
});

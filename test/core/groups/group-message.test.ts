import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, toBase64, toHex, utf8 } from '../../../src/core/bytes.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import { libsodiumBackend } from '../../../src/core/crypto/backend-libsodium.js';
import { nobleBackend } from '../../../src/core/crypto/backend-noble.js';
import { identityFromSeed } from '../../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import { encodeBoardMessage } from '../../../src/core/groups/board-messages.js';
import {
  GROUP_TOO_LONG,
  buildGroupMessage,
  composeGroupMessage,
  decodeDgm,
  decodeEgm,
  encodeDgm,
  encodeEgm,
  firstMessagePreviousSig,
  groupSignedBytes,
  legacyGroupSignedBytes,
  paddingLength,
  sealAndSign,
  signedGroupIdBytes,
  tryDecryptGroupMessage,
  type GroupKeyInfo,
} from '../../../src/core/groups/group-message.js';
import type { GroupId } from '../../../src/core/groups/invite.js';
import { BOARD_MAX_CIPHERTEXT_BYTES, GROUP_MAX_EGM_BYTES, MAX_ENCRYPTED_PAYLOAD, MAX_GROUP_MESSAGE_LENGTH } from '../../../src/core/limits.js';
import { hex, loadVector } from '../../vectors/load.js';
import { fixedClock, seqRandom } from './helpers.js';

interface GM {
  group: { group_key_hex: string; server_onion: string; group_id: string };
  sender: { seed_hex: string; onion: string };
  decrypted_group_message_json: string;
  encryption: { nonce_hex: string; ciphertext_b64: string; ciphertext_len: number };
  signature: { signed_bytes_sha256: string; signature_hex: string };
  legacy_signature: { signature_hex: string };
  encrypted_group_message_json: string;
}
const v = loadVector<GM>('group_message');
const group: GroupKeyInfo = { groupId: v.group.group_id as GroupId, key: hex(v.group.group_key_hex), server: v.group.server_onion as OnionAddress };
const sender = identityFromSeed(nobleBackend, hex(v.sender.seed_hex));
const b = nobleBackend;

describe('group_message.json, byte for byte', () => {
  const vectorDgm = decodeDgm(utf8(v.decrypted_group_message_json));

  it('composes the DGM JSON (Go escapes, field order, base64) from its parts', () => {
    expect(vectorDgm.ok).toBe(true);
    if (!vectorDgm.ok) return;
    const m = vectorDgm.value;
    expect(m.text).toBe('hello group <3 & co');
    expect(m.onion).toBe(v.sender.onion);
    expect(m.padding!.length).toBe(MAX_GROUP_MESSAGE_LENGTH - utf8(m.text).length);
    expect(toHex(m.signedGroupId!)).toBe(v.group.group_id);
    // Rebuild from the parts, not from the parsed object: padding is bytes 0,1,2,… mod 256.
    const padding = Uint8Array.from({ length: paddingLength(m.text) }, (_, i) => i & 255);
    const composed = composeGroupMessage({ group, sender: sender.onion, text: m.text, timestamp: 1700000000, previousSig: new Uint8Array(64).fill(0x22), padding });
    expect(composed.ok && new TextDecoder().decode(encodeDgm(composed.value))).toBe(v.decrypted_group_message_json);
  });

  it('reproduces the ciphertext, both signatures and the EGM JSON', () => {
    if (!vectorDgm.ok) throw new Error('vector');
    const sealed = sealAndSign(b, sender, group, vectorDgm.value, hex(v.encryption.nonce_hex));
    expect(sealed.ok).toBe(true);
    if (!sealed.ok) return;
    expect(toBase64(sealed.value.egm.ciphertext)).toBe(v.encryption.ciphertext_b64);
    expect(sealed.value.egm.ciphertext.length).toBe(v.encryption.ciphertext_len);
    expect(toHex(sealed.value.egm.signature)).toBe(v.signature.signature_hex);
    expect(toHex(sha256(groupSignedBytes(group.groupId, group.server, utf8(v.decrypted_group_message_json))))).toBe(v.signature.signed_bytes_sha256);
    const legacy = b.ed25519Sign(legacyGroupSignedBytes(group.groupId, group.server, sealed.value.egm.ciphertext), sender.seed);
    expect(toHex(legacy)).toBe(v.legacy_signature.signature_hex);
    expect(new TextDecoder().decode(encodeEgm(sealed.value.egm))).toBe(v.encrypted_group_message_json);
  });

  it('receives the vector EGM (v3) and its legacy-signed twin', () => {
    const egm = decodeEgm(utf8(v.encrypted_group_message_json));
    expect(egm.ok).toBe(true);
    if (!egm.ok) return;
    const r = tryDecryptGroupMessage(b, egm.value, [group]);
    expect(r.ok && r.value.form).toBe('v3');
    expect(r.ok && r.value.sender).toBe(v.sender.onion);
    expect(r.ok && r.value.message.text).toBe('hello group <3 & co');
    const legacy = { ciphertext: egm.value.ciphertext, signature: hex(v.legacy_signature.signature_hex) };
    const rl = tryDecryptGroupMessage(b, legacy, [group]);
    expect(rl.ok && rl.value.form).toBe('legacy');
  });
});

describe('every backend agrees on the vector', async () => {
  for (const be of [nobleBackend, await libsodiumBackend(), sodiumNativeBackend]) {
    it(`${be.name}: seals, signs and receives group_message.json`, () => {
      const dgm = decodeDgm(utf8(v.decrypted_group_message_json));
      if (!dgm.ok) throw new Error('vector');
      const sealed = sealAndSign(be, identityFromSeed(be, hex(v.sender.seed_hex)), group, dgm.value, hex(v.encryption.nonce_hex));
      expect(sealed.ok && new TextDecoder().decode(encodeEgm(sealed.value.egm))).toBe(v.encrypted_group_message_json);
      const egm = decodeEgm(utf8(v.encrypted_group_message_json));
      const r = egm.ok ? tryDecryptGroupMessage(be, egm.value, [group]) : egm;
      expect(r.ok && r.value.form).toBe('v3');
    });
  }
});

describe('sending', () => {
  const deps = { backend: b, clock: fixedClock(1_700_000_123_456), random: seqRandom(7) };

  it('pads to 1800 bytes, stamps Unix seconds from the clock, and links the first message to []byte(GroupID)', () => {
    const s = buildGroupMessage(deps, sender, group, 'héllo', null);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    const m = s.value.message;
    expect(utf8(m.text).length + m.padding!.length).toBe(MAX_GROUP_MESSAGE_LENGTH);
    expect(m.timestamp).toBe(1_700_000_123);
    expect(m.previousMessageSig).toEqual(firstMessagePreviousSig(group.groupId));
    expect(m.signedGroupId).toEqual(signedGroupIdBytes(group.groupId));
    const back = tryDecryptGroupMessage(b, s.value.egm, [group]);
    expect(back.ok && back.value.message).toEqual(m);
  });

  it("refuses a text over 1800 UTF-8 bytes with 'group.too-long' (counted in bytes, not characters)", () => {
    expect(buildGroupMessage(deps, sender, group, 'x'.repeat(1800), null).ok).toBe(true);
    const r = buildGroupMessage(deps, sender, group, 'x'.repeat(1801), null);
    expect(!r.ok && r.error.code).toBe(GROUP_TOO_LONG);
    const wide = buildGroupMessage(deps, sender, group, 'é'.repeat(901), null); // 1802 bytes, 901 chars
    expect(!wide.ok && wide.error.code).toBe(GROUP_TOO_LONG);
  });

  it('refuses a text that fits 1800 bytes but would not fit one post packet once Go-escaped', () => {
    const r = buildGroupMessage(deps, sender, group, '<'.repeat(1800), null);
    expect(!r.ok && r.error.code).toBe(GROUP_TOO_LONG);
  });

  it('the largest accepted EGM still fits a PostRequest in one encrypted packet', () => {
    // Grow the escaped share of the text until just under the limit.
    let best: Uint8Array | null = null;
    for (let lt = 0; lt <= 1800; lt += 10) {
      const r = buildGroupMessage(deps, sender, group, '<'.repeat(lt) + 'a'.repeat(1800 - lt), new Uint8Array(64));
      if (!r.ok) break;
      best = encodeBoardMessage({ type: 'post-request', token: { T: new Uint8Array(32), MAC: new Uint8Array(64) }, egm: r.value.egm });
      expect(encodeEgm(r.value.egm).length).toBeLessThanOrEqual(GROUP_MAX_EGM_BYTES);
      expect(r.value.egm.ciphertext.length).toBeLessThanOrEqual(BOARD_MAX_CIPHERTEXT_BYTES); // our server stores it
    }
    expect(best).not.toBeNull();
    expect(best!.length).toBeLessThanOrEqual(MAX_ENCRYPTED_PAYLOAD);
  });
});

describe('receiving: tampering is an error value with its own code', () => {
  const deps = { backend: b, clock: fixedClock(1_700_000_000_000), random: seqRandom(1) };
  const other: GroupKeyInfo = { groupId: 'aa'.repeat(16) as GroupId, key: new Uint8Array(32).fill(0x55), server: group.server };
  const sent = buildGroupMessage(deps, sender, group, 'hi', null);
  if (!sent.ok) throw new Error('setup');
  const egm = sent.value.egm;

  it('not ours: no key we hold opens it', () => {
    const r = tryDecryptGroupMessage(b, egm, [other]);
    expect(!r.ok && r.error.code).toBe('group.not-ours');
    expect(!tryDecryptGroupMessage(b, egm, []).ok).toBe(true);
  });

  it('finds the right key among several', () => {
    const r = tryDecryptGroupMessage(b, egm, [other, group]);
    expect(r.ok && r.value.group.groupId).toBe(group.groupId);
  });

  it('bad signature: a flipped bit, or a signature by someone other than DGM.Onion', () => {
    const sig = Uint8Array.from(egm.signature);
    sig[5]! ^= 1;
    expect((r => !r.ok && r.error.code)(tryDecryptGroupMessage(b, { ...egm, signature: sig }, [group]))).toBe('group.bad-signature');
    const mallory = identityFromSeed(b, new Uint8Array(32).fill(9));
    const forged = b.ed25519Sign(groupSignedBytes(group.groupId, group.server, encodeDgm(sent.value.message)), mallory.seed);
    expect((r => !r.ok && r.error.code)(tryDecryptGroupMessage(b, { ...egm, signature: forged }, [group]))).toBe('group.bad-signature');
    expect((r => !r.ok && r.error.code)(tryDecryptGroupMessage(b, { ...egm, signature: new Uint8Array(0) }, [group]))).toBe('group.bad-signature');
  });

  it('signed for the same group id on another server does not verify here', () => {
    const elsewhere = { ...group, server: sender.onion };
    const r = tryDecryptGroupMessage(b, egm, [elsewhere]);
    expect(!r.ok && r.error.code).toBe('group.bad-signature');
  });

  it("wrong group: signed correctly but SignedGroupID is another group's", () => {
    const padding = new Uint8Array(paddingLength('x'));
    const c = composeGroupMessage({ group, sender: sender.onion, text: 'x', timestamp: 1, previousSig: null, padding });
    if (!c.ok) throw new Error('setup');
    const bad = { ...c.value, signedGroupId: signedGroupIdBytes(other.groupId) };
    const s = sealAndSign(b, sender, group, bad, new Uint8Array(24));
    const r = s.ok ? tryDecryptGroupMessage(b, s.value.egm, [group]) : s;
    expect(!r.ok && r.error.code).toBe('group.wrong-group');
  });

  it('SignedGroupID as other clients write it: 16 raw bytes, 32 ASCII hex (either case) or empty are all accepted; another group in either form, or anything else, is not', () => {
    const padding = new Uint8Array(paddingLength('x'));
    const c = composeGroupMessage({ group, sender: sender.onion, text: 'x', timestamp: 1, previousSig: null, padding });
    if (!c.ok) throw new Error('setup');
    const withSgid = (sgid: Uint8Array | null) => {
      const s = sealAndSign(b, sender, group, { ...c.value, signedGroupId: sgid }, new Uint8Array(24));
      return s.ok ? tryDecryptGroupMessage(b, s.value.egm, [group]) : s;
    };
    for (const sgid of [signedGroupIdBytes(group.groupId), utf8(group.groupId), utf8(group.groupId.toUpperCase()), new Uint8Array(0), null]) {
      expect(withSgid(sgid).ok, String(sgid?.length)).toBe(true);
    }
    for (const sgid of [signedGroupIdBytes(other.groupId), utf8(other.groupId), new Uint8Array(8), new Uint8Array(64)]) {
      const r = withSgid(sgid);
      expect(!r.ok && r.error.code).toBe('group.wrong-group');
    }
  });

  it('malformed: decrypts with our key but is not a DGM', () => {
    for (const plain of ['not json', '[]', '{"Text":5}', '{"Timestamp":-1}', '{"Timestamp":1.5}', '{"Padding":"***"}', '{"Onion":"nope"}']) {
      const ct = new Uint8Array([...new Uint8Array(24), ...b.secretboxSeal(utf8(plain), new Uint8Array(24), group.key)]);
      const r = tryDecryptGroupMessage(b, { ciphertext: ct, signature: egm.signature }, [group]);
      expect(!r.ok && r.error.code, plain).toBe('group.malformed');
    }
  });

  it('parses liberally like Go (case-insensitive names, unknown fields, nil slices) and re-marshals canonically', () => {
    const d = decodeDgm(utf8('{"text":"a<b","ONION":"x","timestamp":3,"Extra":1,"Padding":null}'));
    expect(d.ok && new TextDecoder().decode(encodeDgm(d.value))).toBe('{"Text":"a\\u003cb","Onion":"x","Timestamp":3,"SignedGroupID":null,"PreviousMessageSig":null,"Padding":null}');
    const lone = decodeDgm(utf8('{"Text":"\\ud800"}'));
    expect(lone.ok && lone.value.text).toBe('\ufffd');
  });
});

describe('decoders are total', () => {
  fcTest.prop([fc.uint8Array({ maxLength: 600 })])('arbitrary bytes into decodeEgm / decodeDgm: a value, never a throw', (bytes) => {
    expect(typeof decodeEgm(bytes).ok).toBe('boolean');
    expect(typeof decodeDgm(bytes).ok).toBe('boolean');
  });

  fcTest.prop([fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 80 })])('arbitrary ciphertext and signature into the receive path', (ct, sig) => {
    const r = tryDecryptGroupMessage(b, { ciphertext: ct, signature: sig }, [group]);
    expect(!r.ok && r.error.code).toBe('group.not-ours');
  });

  const jsonish = fc.oneof(
    fc.json(),
    fc.record({
      Text: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      Onion: fc.oneof(fc.string(), fc.constant(sender.onion)),
      Timestamp: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(2 ** 60)),
      SignedGroupID: fc.oneof(fc.base64String(), fc.string(), fc.constant(null)),
      PreviousMessageSig: fc.oneof(fc.base64String(), fc.constant(null)),
      Padding: fc.oneof(fc.base64String(), fc.boolean()),
    }).map((o) => JSON.stringify(o)),
  );
  fcTest.prop([jsonish])('arbitrary JSON encrypted under our key: an error value, never a throw or a valid message', (text) => {
    const ct = new Uint8Array([...new Uint8Array(24), ...b.secretboxSeal(utf8(text), new Uint8Array(24), group.key)]);
    const r = tryDecryptGroupMessage(b, { ciphertext: ct, signature: fromBase64('A'.repeat(86) + '==')! }, [group]);
    expect(r.ok).toBe(false);
  });
});

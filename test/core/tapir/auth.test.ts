import { describe, expect, it } from 'vitest';
import { fromUtf8Strict, toHex } from '../../../src/core/bytes.js';
import { identityFromSeed } from '../../../src/core/crypto/identity.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { AuthApp } from '../../../src/core/tapir/apps/auth-app.js';
import { Connection } from '../../../src/core/tapir/connection.js';
import { decodePacket } from '../../../src/core/tapir/framing.js';
import { AUTH_CAPABILITY, deriveSessionKey } from '../../../src/core/tapir/wire-constants.js';
import { decodeAuthMessage, encodeAuthMessage } from '../../../src/core/tapir/apps/auth-message.js';
import { hex, loadVector } from '../../vectors/load.js';
import { backend, nobleBackend, recording, scheduler, scriptedRandom } from './helpers.js';

interface Key {
  ed25519_seed_hex: string;
  ed25519_public_hex: string;
  onion?: string;
}
interface AuthVector {
  keys: Record<'outbound_long_term' | 'outbound_ephemeral' | 'inbound_long_term' | 'inbound_ephemeral', Key>;
  auth_messages_json: { outbound_sends: string; inbound_sends: string; length_bytes: number; tapir_length_prefix_if_varint_hex: string };
  dh: { concatenated_96_hex: string };
  session_key_sha3_256_hex: string;
  alternative_session_key_pbkdf2_sha3_512_hex: string;
  transcript_challenge: { challenge_64_hex: string };
}
const v = loadVector<AuthVector>('auth_3dh');

describe('session KDF (both named candidates)', () => {
  it('SHA3-256 of the 96-byte secret, and the PBKDF2 alternative', () => {
    const secret = hex(v.dh.concatenated_96_hex);
    expect(toHex(deriveSessionKey(secret))).toBe(v.session_key_sha3_256_hex);
    expect(toHex(deriveSessionKey(secret, 'pbkdf2-sha3-512', nodePbkdf2))).toBe(v.alternative_session_key_pbkdf2_sha3_512_hex);
  });
});

describe('AuthMessage', () => {
  it('encodes exactly as Go and parses liberally', () => {
    const k = v.keys;
    const m = encodeAuthMessage({
      longTermPublicKey: hex(k.outbound_long_term.ed25519_public_hex),
      ephemeralPublicKey: hex(k.outbound_ephemeral.ed25519_public_hex),
    });
    expect(fromUtf8Strict(m)).toBe(v.auth_messages_json.outbound_sends);
    expect(m.length).toBe(v.auth_messages_json.length_bytes);
    const lower = new TextEncoder().encode(v.auth_messages_json.inbound_sends.replace('LongTerm', 'longterm').replace('}', ',"X":1}'));
    const d = decodeAuthMessage(lower);
    expect(d.ok && toHex(d.value.longTermPublicKey)).toBe(k.inbound_long_term.ed25519_public_hex);
  });
  it.each(['', 'null', '[]', '{"LongTermPublicKey":"AA==","EphemeralPublicKey":"AA=="}', '\xff', '{"LongTermPublicKey":1}'])(
    'refuses %j without throwing',
    (s) => {
      expect(decodeAuthMessage(new TextEncoder().encode(s)).ok).toBe(false);
    },
  );
});

describe.each([
  ['sodium-native', backend],
  ['noble', nobleBackend],
] as const)('auth app against auth_3dh.json (%s)', (_name, be) => {
  it('reproduces the AuthMessage packet, the session key and the 64-byte challenge byte for byte', async () => {
    const k = v.keys;
    const outId = identityFromSeed(be, hex(k.outbound_long_term.ed25519_seed_hex));
    const inId = identityFromSeed(be, hex(k.inbound_long_term.ed25519_seed_hex));
    expect(outId.onion).toBe(k.outbound_long_term.onion);
    const nonce = new Uint8Array(24).fill(0x5a);
    const [a, b] = memoryStreamPair({ scheduler });
    const rec = recording(a);
    const outConn = new Connection(rec.stream, {
      outbound: true,
      hostname: inId.onion,
      backend: be,
      random: scriptedRandom(nonce),
      scheduler,
      noncesPerDraw: 1,
    });
    const inConn = new Connection(b, { outbound: false, backend: be, random: scriptedRandom(), scheduler });
    const outApp = new AuthApp({ identity: outId, backend: be, random: scriptedRandom(hex(k.outbound_ephemeral.ed25519_seed_hex)) });
    const inApp = new AuthApp({ identity: inId, backend: be, random: scriptedRandom(hex(k.inbound_ephemeral.ed25519_seed_hex)) });
    await Promise.all([outApp.newInstance().init(outConn), inApp.newInstance().init(inConn)]);

    expect(outConn.hasCapability(AUTH_CAPABILITY)).toBe(true);
    expect(inConn.hasCapability(AUTH_CAPABILITY)).toBe(true);
    expect(inConn.hostname).toBe(k.outbound_long_term.onion);
    expect(outConn.hostname).toBe(k.inbound_long_term.onion);

    expect(rec.written.length).toBe(2);
    const first = rec.written[0]!;
    expect(toHex(first.subarray(0, 2))).toBe(v.auth_messages_json.tapir_length_prefix_if_varint_hex);
    expect(new TextDecoder().decode(first.subarray(2, 2 + 136))).toBe(v.auth_messages_json.outbound_sends);
    const second = rec.written[1]!;
    expect(toHex(second.subarray(0, 24))).toBe(toHex(nonce));
    const opened = decodePacket(second, hex(v.session_key_sha3_256_hex), be);
    expect(opened.ok && toHex(opened.value)).toBe(v.transcript_challenge.challenge_64_hex);

    // The session carries application data both ways afterwards.
    outConn.send(new TextEncoder().encode('hello'));
    expect(new TextDecoder().decode((await inConn.expect())!)).toBe('hello');
  });
});

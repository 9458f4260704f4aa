// Opening packets into a reused buffer (secretboxOpenInto, decodePacketInto, Connection.expectView) must give exactly
// what the allocating path gives, and fail the same way on tampering.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/core/bytes.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import { Connection } from '../../../src/core/tapir/connection.js';
import { PACKET_OPEN_SCRATCH, SealScratch, decodePacket, decodePacketInto, encodeSealedInto, encodeSealedPacket } from '../../../src/core/tapir/framing.js';
import { PACKET_SIZE, SEALED_REGION, encodeLengthPrefix } from '../../../src/core/tapir/wire-constants.js';
import { backend, nobleBackend, random, recording, scheduler, settle } from './helpers.js';

const key = new Uint8Array(32).fill(7);
const nonce = new Uint8Array(24).fill(9);

describe('secretboxOpenInto (sodium-native)', () => {
  fcTest.prop([fc.uint8Array({ maxLength: 3000 }), fc.boolean(), fc.nat()])('agrees with secretboxOpen, tampered or not', (msg, tamper, at) => {
    const box = backend.secretboxSeal(msg, nonce, key);
    if (tamper) box[at % box.length]! ^= 1;
    const out = new Uint8Array(msg.length);
    const okInto = backend.secretboxOpenInto!(out, box, nonce, key);
    const opened = backend.secretboxOpen(box, nonce, key);
    expect(okInto).toBe(opened !== null);
    if (opened !== null) expect(out).toEqual(opened);
  });

  it('refuses a wrong output size or short box instead of throwing', () => {
    const box = backend.secretboxSeal(utf8('hello'), nonce, key);
    expect(backend.secretboxOpenInto!(new Uint8Array(4), box, nonce, key)).toBe(false);
    expect(backend.secretboxOpenInto!(new Uint8Array(0), new Uint8Array(3), nonce, key)).toBe(false);
  });
});

describe('decodePacketInto', () => {
  fcTest.prop([fc.uint8Array({ minLength: 1, maxLength: 8000 }), fc.option(fc.nat())])('gives decodePacket\'s result', (payload, tamperAt) => {
    const p = encodeSealedPacket(payload, key, nonce, backend);
    if (!p.ok) return;
    if (tamperAt !== null) p.value[tamperAt % p.value.length]! ^= 0x80;
    const scratch = new Uint8Array(SEALED_REGION);
    for (const be of [backend, nobleBackend]) expect(decodePacketInto(p.value, key, be, scratch)).toEqual(decodePacket(p.value, key, be));
  });
});

/** Two connected Connections, both switched to `key` unless `plain`. */
function connected(opts: { chunkSize?: number; plain?: boolean } = {}) {
  const [x, y] = memoryStreamPair(opts.chunkSize === undefined ? { scheduler } : { scheduler, chunkSize: opts.chunkSize });
  const a = new Connection(x, { outbound: true, backend, random, scheduler });
  const b = new Connection(y, { outbound: false, backend, random, scheduler });
  if (opts.plain !== true) {
    a.setEncryptionKey(key);
    b.setEncryptionKey(key);
  }
  return { x, a, b };
}

describe('decodePacketInto decrypting only the message (xsalsa20XorInPlace + poly1305Verify)', () => {
  const region = (payload: Uint8Array): Uint8Array => {
    const r = new Uint8Array(SEALED_REGION);
    r.set(encodeLengthPrefix(payload.length)!, 0);
    r.set(payload, 2);
    return r;
  };
  const arb = fc.record({
    payload: fc.uint8Array({ maxLength: 8000 }),
    // Tamper anywhere in the packet: nonce, tag, message or padding.
    tamperAt: fc.option(fc.nat()),
    // Hostile but authentic packets: a sender with the key may seal any region, including lengths that do not fit.
    raw: fc.option(fc.uint8Array({ minLength: SEALED_REGION, maxLength: SEALED_REGION })),
  });
  fcTest.prop([arb], { numRuns: 300 })('gives decodePacket\'s result, tampered, hostile or not', ({ payload, tamperAt, raw }) => {
    const sealed = backend.secretboxSeal(raw ?? region(payload), nonce, key);
    const p = new Uint8Array(PACKET_SIZE);
    p.set(nonce);
    p.set(sealed, nonce.length);
    if (tamperAt !== null) p[tamperAt % p.length]! ^= 0x01;
    const scratch = new Uint8Array(PACKET_OPEN_SCRATCH).fill(0xaa);
    const got = decodePacketInto(p, key, backend, scratch);
    const ref = decodePacket(p, key, backend);
    expect(got).toEqual(ref);
    // The spent Poly1305 key is not left in the reused buffer.
    expect(scratch.subarray(0, 32).every((x) => x === 0)).toBe(true);
  });

  it('the packet\'s zero padding is authenticated even though it is not decrypted', () => {
    const p = encodeSealedPacket(utf8('short'), key, nonce, backend);
    if (!p.ok) throw new Error('seal');
    p.value[PACKET_SIZE - 1]! ^= 1;
    const r = decodePacketInto(p.value, key, backend, new Uint8Array(PACKET_OPEN_SCRATCH));
    expect(r.ok ? 'opened' : r.error.code).toBe('tapir.mac');
  });
});

describe('Connection.expectView', () => {
  it('reads the same messages as expect, each valid until the next read', async () => {
    const { a, b } = connected({ chunkSize: 65536 });
    const sent = Array.from({ length: 40 }, (_, i) => utf8(`message ${i} `.repeat(i + 1)));
    for (const m of sent) a.send(m);
    await settle(10);
    for (let i = 0; i < sent.length; i++) {
      const m = i % 2 === 0 ? await b.expectView() : await b.expect();
      expect(m).toEqual(sent[i]);
    }
    a.close();
    expect(await b.expectView()).toBeNull();
  });

  it('a waiting reader gets the message when it arrives; a tampered packet closes with tapir.mac', async () => {
    const { x, a, b } = connected();
    const waiting = b.expectView();
    a.send(utf8('late'));
    expect(await waiting).toEqual(utf8('late'));
    const bad = encodeSealedPacket(utf8('x'), key, nonce, backend);
    if (!bad.ok) throw new Error('seal');
    bad.value[100]! ^= 1;
    x.write(bad.value);
    expect(await b.expectView()).toBeNull();
    expect(b.closeCode).toBe('tapir.mac');
  });
});

describe('Connection.pollView', () => {
  it('returns what is already received without waiting, undefined when nothing is, null once closed', async () => {
    const { a, b } = connected({ chunkSize: 65536 });
    expect(b.pollView()).toBeUndefined();
    const sent = Array.from({ length: 5 }, (_, i) => utf8(`m${i}`));
    for (const m of sent) a.send(m);
    await settle(10);
    for (const m of sent) expect(b.pollView()).toEqual(m);
    expect(b.pollView()).toBeUndefined();
    a.close();
    await settle(10);
    expect(b.pollView()).toBeNull();
  });

  it('does not overtake a reader already waiting', async () => {
    const { a, b } = connected({ plain: true });
    const waiting = b.expect();
    expect(b.pollView()).toBeUndefined();
    a.send(utf8('first'));
    a.send(utf8('second'));
    expect(await waiting).toEqual(utf8('first'));
    expect(b.pollView()).toEqual(utf8('second'));
  });
});

describe('sealing into the write batch', () => {
  fcTest.prop([fc.uint8Array({ maxLength: 8100 }), fc.uint8Array({ minLength: 24, maxLength: 24 })])('writes the bytes encodeSealedPacket writes', (payload, n) => {
    const out = new Uint8Array(PACKET_SIZE);
    const r = encodeSealedInto(payload, key, n, backend, new SealScratch(), out);
    const ref = encodeSealedPacket(payload, key, n, backend);
    expect(r.ok).toBe(ref.ok);
    if (ref.ok) expect(out).toEqual(ref.value);
  });

  it('a plain packet then sealed ones sent in the same turn arrive in order, in whole packets', async () => {
    const [x, y] = memoryStreamPair({ scheduler, chunkSize: 65536 });
    const rec = recording(x);
    const a = new Connection(rec.stream, { outbound: true, backend, random, scheduler });
    const b = new Connection(y, { outbound: false, backend, random, scheduler });
    a.send(utf8('plain'));
    a.setEncryptionKey(key);
    const sealed = Array.from({ length: 20 }, (_, i) => utf8(`sealed ${i}`));
    for (const m of sealed) a.send(m);
    expect(a.send(new Uint8Array(9000)).ok).toBe(false);
    await settle(10);
    expect(rec.written.every((w) => w.length % PACKET_SIZE === 0)).toBe(true);
    expect(rec.written.reduce((n, w) => n + w.length, 0)).toBe(21 * PACKET_SIZE);
    expect(await b.expect()).toEqual(utf8('plain'));
    b.setEncryptionKey(key);
    for (const m of sealed) expect(await b.expectView()).toEqual(m);
  });
});

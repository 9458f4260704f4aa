import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { fromUtf8Strict, utf8 } from '../../../src/core/bytes.js';
import { ackFor, decodePeerMessage, encodePeerMessage, isVersionAnnouncement, versionAnnouncement } from '../../../src/core/peer/peer-message.js';
import { loadVector } from '../../vectors/load.js';

const v = loadVector<Record<string, string>>('peer_message');
const text = (b: Uint8Array) => fromUtf8Strict(b);

describe('PeerMessage framings (peer_message.json)', () => {
  const msg = { id: '1234567890', context: 'im.cwtch.raw', data: utf8(v['overlay_message']!) };
  it('v1 JSON and v2 bytes reproduce the vectors', () => {
    expect(text(encodePeerMessage(msg, 1))).toBe(v['v1_json']);
    expect(text(encodePeerMessage(msg, 2))).toBe(v['v2_bytes_utf8']);
  });
  it('acks in both framings', () => {
    expect(text(encodePeerMessage(ackFor('1234567890'), 1))).toBe(v['ack_v1_json']);
    expect(text(encodePeerMessage(ackFor('1234567890'), 2))).toBe(v['ack_v2_bytes_utf8']);
  });
  it('version negotiation is a v1 getVal with Data [0x02]', () => {
    expect(text(encodePeerMessage(versionAnnouncement(), 1))).toBe(v['version_negotiation_v1_json']);
    const d = decodePeerMessage(utf8(v['version_negotiation_v1_json']!));
    expect(d.ok && isVersionAnnouncement(d.value)).toBe(2);
  });
  it('decodes both framings back', () => {
    for (const f of [1, 2] as const) {
      const d = decodePeerMessage(encodePeerMessage(msg, f));
      expect(d.ok).toBe(true);
      if (d.ok) {
        expect(d.value.framing).toBe(f);
        expect(text(d.value.data)).toBe(v['overlay_message']);
      }
    }
  });
  it('v2 data may itself contain |', () => {
    const m = { id: '1', context: 'im.cwtch.raw', data: utf8('a|b|c') };
    const d = decodePeerMessage(encodePeerMessage(m, 2));
    expect(d.ok && text(d.value.data)).toBe('a|b|c');
  });
  it('refuses ids and contexts outside [A-Za-z0-9.]', () => {
    expect(decodePeerMessage(utf8('a b|im.cwtch.raw|x')).ok).toBe(false);
    expect(decodePeerMessage(utf8('{"ID":"\\u001b[2J","Context":"im.cwtch.raw","Data":""}')).ok).toBe(false);
  });
});

describe('decodePeerMessage is total', () => {
  fcTest.prop([fc.uint8Array({ maxLength: 600 })])('arbitrary bytes: a result, never a throw', (b) => {
    const r = decodePeerMessage(b);
    expect(typeof r.ok).toBe('boolean');
  });
  fcTest.prop([fc.string({ maxLength: 300 })])('arbitrary JSON-ish text: a result, never a throw', (s) => {
    const r = decodePeerMessage(utf8('{' + s));
    expect(typeof r.ok).toBe('boolean');
  });
});

// Group-servers notices (docs/protocol.md §12.6): round trip, and every hostile shape refused with a code, never a throw.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeRandom } from '../../../src/app/platform/node-platform.js';
import { utf8 } from '../../../src/core/bytes.js';
import { onionFromPublicKey } from '../../../src/core/crypto/onion.js';
import { BASEPOINT, encodeElement } from '../../../src/core/crypto/ristretto.js';
import { makeServerBundle, serverBundleJson } from '../../../src/core/groups/bundle.js';
import { sealForGroup } from '../../../src/core/groups/sealed.js';
import { openServerNotice, sealServerNotice, serverNoticeKey } from '../../../src/core/groups/server-notice.js';
import { backend, bundle, otherOnion, serverOnion, tokenOnion } from '../../fuzz/targets/fixtures.js';

const noticeKey = serverNoticeKey(new Uint8Array(32).fill(9));
const keys = [{ noticeKey }];
const seal = (json: unknown): string => sealForGroup(backend, nodeRandom, noticeKey, utf8(typeof json === 'string' ? json : JSON.stringify(json)));
const codeOf = (data: string): string | null => {
  const r = openServerNotice(backend, keys, data);
  return r.ok ? null : r.error.code;
};

describe('group-servers notice', () => {
  it('round trips servers, dropped servers and a move', () => {
    const data = sealServerNotice(backend, nodeRandom, noticeKey, { servers: [bundle], dropped: [otherOnion], move: { from: otherOnion, to: serverOnion } });
    const r = openServerNotice(backend, keys, data);
    expect(r.ok && r.value.notice.servers.map((b) => b.server)).toEqual([serverOnion]);
    expect(r.ok && r.value.notice.dropped).toEqual([otherOnion]);
    expect(r.ok && r.value.notice.move).toEqual({ from: otherOnion, to: serverOnion });
  });

  it('opens only with the group key it was sealed under (a non-member learns nothing, makes nothing)', () => {
    const data = sealServerNotice(backend, nodeRandom, noticeKey, { servers: [bundle], dropped: [] });
    expect(openServerNotice(backend, [{ noticeKey: serverNoticeKey(new Uint8Array(32).fill(8)) }], data).ok).toBe(false);
    expect(codeOf('not base64 at all ###')).toBe('notice.not-ours');
  });

  it('refuses a forged bundle, too many servers or dropped, a move to a server it does not give, and junk JSON', () => {
    const forged = JSON.parse(serverBundleJson(bundle)) as Record<string, unknown>;
    forged.Signature = Buffer.alloc(64, 1).toString('base64');
    expect(codeOf(seal({ Servers: [JSON.stringify(forged)], Dropped: [] }))).toBe('notice.bundle');
    const others = [2, 3, 4, 5, 6].map((n) => {
      const sk = new Uint8Array(32).fill(40 + n);
      return serverBundleJson(makeServerBundle(onionFromPublicKey(backend.ed25519PublicKey(sk)), tokenOnion, encodeElement(BASEPOINT), (m) => backend.ed25519Sign(m, sk)));
    });
    expect(codeOf(seal({ Servers: others, Dropped: [] }))).toBe('notice.servers');
    expect(codeOf(seal({ Servers: [], Dropped: [] }))).toBe('notice.servers');
    expect(codeOf(seal({ Servers: [serverBundleJson(bundle)], Dropped: Array(17).fill(otherOnion) }))).toBe('notice.dropped');
    expect(codeOf(seal({ Servers: [serverBundleJson(bundle)], Dropped: ['not-an-onion'] }))).toBe('notice.dropped');
    expect(codeOf(seal({ Servers: [serverBundleJson(bundle)], Dropped: [], Move: { From: serverOnion, To: otherOnion } }))).toBe('notice.move');
    expect(codeOf(seal({ Servers: [serverBundleJson(bundle)], Dropped: [], Move: { From: serverOnion, To: serverOnion } }))).toBe('notice.move');
    expect(codeOf(seal('[1,2]'))).toBe('notice.json');
    expect(codeOf(seal({ Servers: [serverBundleJson(bundle)] }))).toBe('notice.fields');
    expect(codeOf(seal('x'.repeat(6000)))).toBe('notice.size');
  });

  it('never throws on any sealed bytes or any JSON shape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }).map((b) => sealForGroup(backend, nodeRandom, noticeKey, b)), fc.jsonValue().map((v) => seal(JSON.stringify(v) ?? 'null')), fc.string()), (data) => {
        const r = openServerNotice(backend, keys, data);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

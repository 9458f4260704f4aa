// A group-servers notice (docs/protocol.md §12.6) as a member holding the group key would send it: the input is the
// plaintext, sealed under the fixture's notice key, so the decoder behind the MAC is what is fuzzed. Also the raw
// input as overlay data (not base64 / not sealed: refused before any parsing).

import fc from 'fast-check';
import { nodeRandom } from '../../../src/app/platform/node-platform.js';
import { openServerNotice, sealServerNotice, serverNoticeKey } from '../../../src/core/groups/server-notice.js';
import { GROUP_MAX_SERVERS, SERVER_NOTICE_MAX_DROPPED } from '../../../src/core/limits.js';
import { expectResult, expectThat, type FuzzTarget } from '../harness.js';
import { backend, bundle, otherOnion, serverOnion } from './fixtures.js';

const noticeKey = serverNoticeKey(new Uint8Array(32).fill(9));
const keys = [{ noticeKey }];
const nonce = new Uint8Array(24).fill(1);
const sealed = (pt: Uint8Array): string => Buffer.concat([nonce, backend.secretboxSeal(pt, nonce, noticeKey)]).toString('base64');
const unseal = (data: string): Uint8Array => {
  const raw = Buffer.from(data, 'base64');
  return new Uint8Array(backend.secretboxOpen(raw.subarray(24), raw.subarray(0, 24), noticeKey)!);
};

export const serverNotice: FuzzTarget<'bytes'> = {
  name: 'server-notice',
  kind: 'bytes',
  seeds: () => [
    unseal(sealServerNotice(backend, nodeRandom, noticeKey, { servers: [bundle], dropped: [] })),
    unseal(sealServerNotice(backend, nodeRandom, noticeKey, { servers: [bundle], dropped: [otherOnion], move: { from: otherOnion, to: serverOnion } })),
  ],
  generator: () => fc.uint8Array({ maxLength: 2000 }),
  check: (pt) => {
    const r = openServerNotice(backend, keys, sealed(pt));
    expectResult(r, 'server notice');
    if (r.ok) {
      const n = r.value.notice;
      expectThat(n.servers.length >= 1 && n.servers.length <= GROUP_MAX_SERVERS && n.dropped.length <= SERVER_NOTICE_MAX_DROPPED, 'a notice past its bounds was accepted');
      expectThat(n.move === undefined || n.servers.some((b) => b.server === n.move!.to), 'a move to a server the notice does not give was accepted');
    }
    const text = Buffer.from(pt).toString('latin1');
    expectThat(!openServerNotice(backend, keys, text).ok, 'unsealed data was accepted');
  },
};

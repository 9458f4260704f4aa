// Gap repair's sealed request and reply (docs/protocol.md §12.3), as a member that holds the group key would send
// them: the input is the plaintext, sealed under the fixture's repair key, so the decoders behind the MAC are what
// is fuzzed. Also the raw input as overlay data (not base64 / not sealed: refused before any parsing).

import fc from 'fast-check';
import { nodeRandom } from '../../../src/app/platform/node-platform.js';
import { openRepairReply, openRepairRequest, repairKey, sealRepairReplies, sealRepairRequest } from '../../../src/core/groups/repair.js';
import { REPAIR_MAX_HAVE, REPAIR_MAX_MESSAGES } from '../../../src/core/limits.js';
import { expectResult, expectThat, type FuzzTarget } from '../harness.js';
import { backend } from './fixtures.js';

const key = repairKey(new Uint8Array(32).fill(9));
const nonce = new Uint8Array(24).fill(1);
const sealed = (pt: Uint8Array): string => Buffer.concat([nonce, backend.secretboxSeal(pt, nonce, key)]).toString('base64');
const unseal = (data: string): Uint8Array => {
  const raw = Buffer.from(data, 'base64');
  return new Uint8Array(backend.secretboxOpen(raw.subarray(24), raw.subarray(0, 24), key)!);
};
const sig = (n: number): Uint8Array => new Uint8Array(64).fill(n);

export const groupRepair: FuzzTarget<'bytes'> = {
  name: 'group-repair',
  kind: 'bytes',
  seeds: () => [
    unseal(sealRepairRequest(backend, nodeRandom, key, { reqId: new Uint8Array(16).fill(2), max: 100, want: sig(3), have: [sig(4), sig(5)] })),
    unseal(sealRepairReplies(backend, nodeRandom, key, new Uint8Array(16).fill(2), [{ ciphertext: new Uint8Array(40).fill(6), signature: sig(7) }, { ciphertext: new Uint8Array(3), signature: sig(8) }])[0]!),
    unseal(sealRepairReplies(backend, nodeRandom, key, new Uint8Array(16).fill(2), [])[0]!),
  ],
  generator: () => fc.uint8Array({ maxLength: 700 }),
  check: (pt) => {
    const data = sealed(pt);
    const req = openRepairRequest(backend, [{ repairKey: key }], data);
    expectResult(req, 'repair request');
    if (req.ok) {
      expectThat(req.value.request.have.length <= REPAIR_MAX_HAVE && req.value.request.max <= REPAIR_MAX_MESSAGES, 'a request past its bounds was accepted');
      expectThat(req.value.request.want.length === 64 && req.value.request.reqId.length === 16, 'a request field has the wrong size');
    }
    const rep = openRepairReply(backend, key, data);
    expectResult(rep, 'repair reply');
    if (rep.ok) for (const e of rep.value.egms) expectThat(e.signature.length === 64 && e.ciphertext.length > 0, 'a reply entry has the wrong size');
    // The same bytes as unsealed overlay data: refused without parsing.
    const text = Buffer.from(pt).toString('latin1');
    expectThat(!openRepairRequest(backend, [{ repairKey: key }], text).ok && !openRepairReply(backend, key, text).ok, 'unsealed data was accepted');
  },
};

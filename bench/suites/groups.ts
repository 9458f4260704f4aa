// Groups: how fast a member sifts a server's replay (the "naive PIR": every message is trial-decrypted with every
// group key we hold on that server), as a ratio of the secretbox ceiling measured in the same run; and the cost of
// the group timeline (add, rebuild) at profile-sized histories. Full network sync comes with the integration.

import { sha512 } from '@noble/hashes/sha2.js';
import { nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { utf8 } from '../../src/core/bytes.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../src/core/crypto/onion.js';
import {
  buildGroupMessage,
  decodeEgm,
  encodeEgm,
  firstMessagePreviousSig,
  openGroupCiphertext,
  tryDecryptGroupMessage,
  type GroupKeyInfo,
} from '../../src/core/groups/group-message.js';
import type { GroupId } from '../../src/core/groups/invite.js';
import { GroupTimeline, type TimelineMessage } from '../../src/core/groups/timeline.js';
import { measureSecretbox } from '../ceiling.js';
import { opsPerSecondSync, type BenchResult, type BenchSuite } from '../harness.js';

const backend = sodiumNativeBackend;
const TEXT = 'a typical group message of a sentence or two, padded to 1800 bytes like every other one';

function groupInfo(i: number, server: OnionAddress): GroupKeyInfo {
  const key = sha512(utf8(`group key ${i}`)).subarray(0, 32);
  return { groupId: sha512(utf8(`group id ${i}`)).subarray(0, 16).reduce((s, x) => s + x.toString(16).padStart(2, '0'), '') as GroupId, key, server };
}

/** `n` replayed EGMs as wire JSON, `ours` of them in one of the 3 groups we hold, the rest in 9 strangers' groups. */
function replay(n: number, ours: number): { wire: Uint8Array[]; held: GroupKeyInfo[] } {
  const server = identityFromSeed(backend, new Uint8Array(32).fill(0xee)).onion;
  const held = [0, 1, 2].map((i) => groupInfo(i, server));
  const foreign = [3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => groupInfo(i, server));
  const sender = identityFromSeed(backend, new Uint8Array(32).fill(1));
  const deps = { backend, clock: systemClock, random: nodeRandom };
  const step = Math.max(1, Math.floor(n / ours));
  const wire: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const g = i % step === 0 ? held[i % 3]! : foreign[i % foreign.length]!;
    const r = buildGroupMessage(deps, sender, g, TEXT, null);
    if (!r.ok) throw new Error(r.error.code);
    wire.push(encodeEgm(r.value.egm));
  }
  return { wire, held };
}

const suite: BenchSuite = async (opts) => {
  const out: BenchResult[] = [];
  const ms = opts.quick ? 300 : 1500;
  const n = opts.quick ? 2_000 : 20_000;

  // --- trial decryption of a replay: decode the EGM JSON, try 3 keys, verify the 1 % that open ---
  const { wire, held } = replay(n, n / 100);
  let mine = 0;
  const pass = (): void => {
    mine = 0;
    for (const w of wire) {
      const egm = decodeEgm(w);
      if (!egm.ok) throw new Error('decode');
      if (tryDecryptGroupMessage(backend, egm.value, held).ok) mine++;
    }
  };
  pass();
  if (mine !== n / 100) throw new Error(`expected ${n / 100} of ours, found ${mine}`);
  const runs = opts.quick ? 3 : 5;
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    pass();
    best = Math.max(best, (wire.length * 1000) / (performance.now() - t0));
  }

  // Ceiling: the fastest secretbox opening one 8 KiB session packet plus one group ciphertext per message.
  const packetOpen = measureSecretbox(backend, ms).open;
  const sampleEgm = decodeEgm(wire[0]!);
  if (!sampleEgm.ok) throw new Error('decode');
  const groupCt = sampleEgm.value.ciphertext;
  const groupOpen = opsPerSecondSync(() => {
    if (openGroupCiphertext(backend, held[0]!.key, groupCt) === null) throw new Error('open');
  }, ms);
  const ceiling = 1 / (1 / packetOpen + 1 / groupOpen);
  out.push({
    name: `group trial-decrypt, 1 % ours, 3 groups held (${backend.name})`,
    value: best,
    unit: 'msgs/s',
    ratio: best / ceiling,
    note: `vs ceiling ${ceiling.toFixed(0)} msgs/s = open 8 KiB packet + open one ${groupCt.length}-byte group ciphertext; best of ${runs} passes over ${n}`,
  });
  out.push({ name: `secretbox open, one group ciphertext (${groupCt.length} B, ${backend.name})`, value: groupOpen, unit: 'ops/s' });

  // --- the timeline at profile scale ---
  const size = opts.quick ? 20_000 : 100_000;
  const gid = held[0]!.groupId;
  const rows: TimelineMessage[] = [];
  let prev: Uint8Array = firstMessagePreviousSig(gid);
  for (let i = 0; i < size; i++) {
    const sig = sha512(utf8(`sig ${i}`));
    rows.push({ signature: sig, previousSig: prev, sender: `member${i % 5}`, timestamp: 1_700_000_000 + i, receivedAt: 0 });
    prev = sig;
  }
  let t0 = performance.now();
  const live = new GroupTimeline(gid);
  for (const r of rows) live.add(r);
  out.push({ name: `timeline add, ${size} chained messages in order`, value: (size * 1000) / (performance.now() - t0), unit: 'msgs/s' });

  const shuffled = [...rows];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = nodeRandom.bytes(4).reduce((a, x) => a * 256 + x, 0) % (i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  t0 = performance.now();
  const rebuilt = GroupTimeline.rebuild(gid, shuffled);
  const rebuildMs = performance.now() - t0;
  if (rebuilt.openGaps().length !== 0 || rebuilt.size !== size) throw new Error('rebuild');
  out.push({ name: `timeline rebuild, ${size} rows in random order`, value: rebuildMs, unit: 'ms', note: 'bulk load: link, key from the roots, one sort' });
  return out;
};

export default suite;

// "group sync": a member replays N stored messages from a real token-board server over the local network
// (127.0.0.1, tapir packets encrypted) and trial-decrypts each with the 3 group keys it holds; 1 % are its own.
// msgs/s from connect to Synced, as a ratio of the crypto ceiling measured in the same run (the fastest secretbox
// opening one 8 KiB session packet plus one group ciphertext per message). Then where the client's CPU goes: the
// same messages through each stage of its receive path alone (tapir receive, packed read + de-dup, trial decrypt),
// and the rest (socket, event loop, promises, GC) as its measured CPU minus those.

import { BOARD_CLIENT_DEDUP_WINDOW, BOARD_WINDOW_DEFAULT_S, PACKET_SIZE } from '../../src/core/limits.js';
import { windowEndOf, type PostToStore } from '../../src/server/message-store.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha512 } from '@noble/hashes/sha2.js';
import { nodePbkdf2, nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../src/app/platform/sodium-native-backend.js';
import { bytesKey, utf8 } from '../../src/core/bytes.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../src/core/crypto/onion.js';
import { buildGroupMessage, openGroupCiphertext, tryDecryptGroupMessage, type GroupKeyInfo } from '../../src/core/groups/group-message.js';
import { groupIdFor } from '../../src/core/groups/invite.js';
import { TokenBoardClientApp } from '../../src/core/groups/token-board-client.js';
import { TrialOpener } from '../../src/core/groups/trial-open.js';
import type { EncryptedGroupMessage } from '../../src/core/groups/board-messages.js';
import { PackedStreamReader, encodePackedStream } from '../../src/core/groups/board-packing.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import { FrameDecoder, PACKET_OPEN_SCRATCH, decodePacketInto, encodeSealedPacket } from '../../src/core/tapir/framing.js';
import { TapirService } from '../../src/core/tapir/service.js';
import { loadOrCreateConfig } from '../../src/server/config.js';
import { CwtchServer } from '../../src/server/server.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { measureSecretbox } from '../ceiling.js';
import { opsPerSecondSync, type BenchResult, type BenchSuite } from '../harness.js';

const backend = sodiumNativeBackend;

/** CPU time (user + system, µs) a process has used so far, from /proc (Linux); NaN elsewhere. */
function processCpuUs(pid: number): number {
  try {
    // Fields after the parenthesised command name: state is 3rd, utime 14th, stime 15th (in clock ticks, 100/s).
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return NaN;
  }
}
const TEXT = JSON.stringify({ o: 1, d: 'a typical group message of a sentence or two' });

const suite: BenchSuite = async (opts) => {
  const out: BenchResult[] = [];
  const n = opts.quick ? 10_000 : 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-groups-sync-'));
  const acn = localAcn(join(dir, 'net'));
  const { config } = loadOrCreateConfig(join(dir, 'server'), { backend, random: nodeRandom, pbkdf2: nodePbkdf2 });
  let child: ReturnType<typeof spawn> | null = null;
  let serverOpen = true;
  const server = await CwtchServer.start({ config, dataDir: join(dir, 'server'), acn, backend, random: nodeRandom, clock: systemClock });
  try {
    const onion = server.bundle.server;
    const group = (i: number): GroupKeyInfo => {
      const key = sha512(utf8(`bench group ${i}`)).subarray(0, 32);
      return { groupId: groupIdFor(nodePbkdf2, key, onion), key, server: onion as OnionAddress };
    };
    const held = [0, 1, 2].map(group);
    const strangers = [3, 4, 5, 6, 7, 8].map(group);
    const sender = identityFromSeed(backend, new Uint8Array(32).fill(7));
    const deps = { backend, clock: systemClock, random: nodeRandom };
    const build = (g: GroupKeyInfo): EncryptedGroupMessage => {
      const r = buildGroupMessage(deps, sender, g, TEXT, null);
      if (!r.ok) throw new Error(r.error.code);
      return r.value.egm;
    };
    // Strangers' messages: a pool of real ciphertexts, each stored under a unique signature (the board's key).
    const pool = Array.from({ length: 64 }, (_, i) => build(strangers[i % strangers.length]!).ciphertext);
    const ours = n / 100;
    const step = n / ours;
    const batch: PostToStore[] = [];
    // The first 20k as stored, for the per-stage profile after the sync (the replay sends them in this order).
    const sample: EncryptedGroupMessage[] = [];
    for (let i = 0; i < n; i++) {
      const egm = i % step === 0 ? build(held[i % 3]!) : { ciphertext: pool[i % pool.length]!, signature: nodeRandom.bytes(64) };
      if (sample.length < 20_000) sample.push(egm);
      batch.push({ tokenT: nodeRandom.bytes(32), signature: egm.signature, ciphertext: egm.ciphertext, windowEnd: windowEndOf(Date.now(), BOARD_WINDOW_DEFAULT_S) });
      if (batch.length === 2000 || i === n - 1) server.store.commitPosts(batch.splice(0));
    }

    // The server runs as its own process (as in production), so its reads and packet sealing are not on our thread.
    await server.close();
    serverOpen = false;
    const bin = fileURLToPath(new URL('../../bin/cwtch-server.js', import.meta.url));
    // The bench's own node flags (e.g. --cpu-prof) apply to the server too, so both halves can be profiled.
    child = spawn(process.execPath, [...process.execArgv, bin, '--data-dir', join(dir, 'server'), '--network', 'local', '--local-net', join(dir, 'net')], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', () => resolve());
      child!.once('exit', () => reject(new Error('cwtch-server did not start')));
    });

    // --- the sync itself: connect (ephemeral identity), auth, ReplayResult, n EGMs, trial-decrypt each ---
    let mine = 0;
    const opener = new TrialOpener(backend);
    // CPU time of each side during the sync: on a shared 2-core machine wall time swings with other load, CPU per
    // message much less, and it says which side is the bottleneck (both run at once, so the slower one sets the pace).
    const serverCpu0 = processCpuUs(child.pid!);
    const clientCpu0 = process.cpuUsage();
    let clientCpu = clientCpu0;
    const t0 = performance.now();
    const synced = await new Promise<number>((resolve, reject) => {
      const svc = TapirService.ephemeral({ acn, backend, random: nodeRandom, clock: systemClock });
      const app = new TokenBoardClientApp(new AuthApp({ identity: svc.identity, backend, random: nodeRandom }), {
        lastCommit: null,
        // As the engine can (ServerSyncOptions.transientCiphertext): onMessage keeps nothing of the ciphertext.
        transientCiphertext: true,
        onMessage: (egm) => {
          // As the engine's receive path does (src/app/engine/group-receive.ts): find the key, then the full path.
          const g = opener.find(egm.ciphertext, held);
          if (g !== null && tryDecryptGroupMessage(backend, egm, [g]).ok) mine++;
        },
        onSynced: () => {
          const t = performance.now();
          clientCpu = process.cpuUsage(clientCpu0);
          void svc.close();
          resolve(t);
        },
      });
      void svc.connect(onion, app).then((c) => {
        if (!c.ok) reject(new Error('connect failed'));
      });
    });
    const serverCpuUs = processCpuUs(child.pid!) - serverCpu0;
    const seconds = (synced - t0) / 1000;
    if (mine !== ours) throw new Error(`expected ${ours} of ours, found ${mine}`);
    const rate = n / seconds;

    const ms = opts.quick ? 300 : 1000;
    const packetOpen = measureSecretbox(backend, ms).open;
    const groupCt = build(held[0]!).ciphertext;
    const groupOpen = opsPerSecondSync(() => {
      if (openGroupCiphertext(backend, held[0]!.key, groupCt) === null) throw new Error('open');
    }, ms);
    const ceiling = 1 / (1 / packetOpen + 1 / groupOpen);
    out.push({
      name: `group sync: replay + trial-decrypt ${n} msgs over the local network (1 % ours, 3 groups held)`,
      value: rate,
      unit: 'msgs/s',
      ratio: rate / ceiling,
      note: `goal ≥ 20000 msgs/s and ≥ 0.5 of the ceiling ${ceiling.toFixed(0)} msgs/s (open 8 KiB packet + open one ${groupCt.length}-byte group ciphertext); ${seconds.toFixed(2)} s`,
    });

    // --- where the client's time goes, per message: each stage alone on the bytes the packed replay sends ---
    const sessionKey = new Uint8Array(32).fill(1);
    const plainPackets = encodePackedStream(sample);
    const wireStream = new Uint8Array(plainPackets.length * PACKET_SIZE);
    plainPackets.forEach((p, i) => {
      const sealed = encodeSealedPacket(p, sessionKey, nodeRandom.bytes(24), backend);
      if (!sealed.ok) throw new Error('seal');
      wireStream.set(sealed.value, i * PACKET_SIZE);
    });
    // Socket-sized chunks, not packet-aligned (as the stream hands them over).
    const chunks: Uint8Array[] = [];
    for (let o = 0; o < wireStream.length; o += 65_000) chunks.push(wireStream.subarray(o, o + 65_000));
    // CPU time, not wall (the machine is shared: a preempted stage would look slower), the least of 3 warm runs.
    const perMsg = (f: () => void): number => {
      f();
      let best = Infinity;
      for (let r = 0; r < 3; r++) {
        const c = process.cpuUsage();
        f();
        const d = process.cpuUsage(c);
        best = Math.min(best, d.user + d.system);
      }
      return best / sample.length;
    };
    // As Connection.receive + pollView do: cut the chunks into packets, MAC each 8 KiB, decrypt only the message.
    const openScratch = new Uint8Array(PACKET_OPEN_SCRATCH);
    const packetUs = perMsg(() => {
      const frames = new FrameDecoder();
      for (const c of chunks) for (const p of frames.push(c)) if (!decodePacketInto(p, sessionKey, backend, openScratch).ok) throw new Error('open');
    });
    // As TokenBoardClient.packedReplay does: entries out of the packets, each signature through the de-dup window.
    const readUs = perMsg(() => {
      const reader = new PackedStreamReader(sample.length, false);
      // The client's window: a set of the newest signatures and a ring that says which to forget (token-board-client.ts).
      const seen = new Set<string>();
      const ring: (string | undefined)[] = new Array<string | undefined>(BOARD_CLIENT_DEDUP_WINDOW);
      let next = 0;
      const remember = (sig: Uint8Array): void => {
        const k = bytesKey(sig);
        if (seen.has(k)) return;
        const old = ring[next];
        if (old !== undefined) seen.delete(old);
        seen.add(k);
        ring[next] = k;
        next = (next + 1) % BOARD_CLIENT_DEDUP_WINDOW;
      };
      for (const p of plainPackets) if (!reader.read(p, (e) => remember(e.signature)).ok) throw new Error('read');
    });
    const trialUs = perMsg(() => {
      for (const e of sample) {
        const g = opener.find(e.ciphertext, held);
        if (g !== null) tryDecryptGroupMessage(backend, e, [g]);
      }
    });
    const clientUs = (clientCpu.user + clientCpu.system) / n;
    const totalUs = 1e6 / rate;
    out.push({
      name: 'group sync: client CPU per message (receive, open, decode, trial-decrypt)',
      value: clientUs,
      unit: 'µs/msg',
      note: `user ${(clientCpu.user / n).toFixed(1)}, system ${(clientCpu.system / n).toFixed(1)}; ${(clientUs / (1e6 / ceiling)).toFixed(2)}x the ceiling's ${(1e6 / ceiling).toFixed(1)} µs/msg`,
    });
    out.push({
      name: 'group sync client: tapir receive (frame chunks, MAC each 8 KiB packet, decrypt the message)',
      value: packetUs,
      unit: 'µs/msg',
      note: `${(plainPackets.length / sample.length).toFixed(2)} packets/msg`,
    });
    out.push({ name: 'group sync client: packed read + de-duplicate by signature', value: readUs, unit: 'µs/msg' });
    out.push({ name: 'group sync client: trial decrypt (3 keys) + verify the 1 %', value: trialUs, unit: 'µs/msg' });
    out.push({
      name: 'group sync client: rest (socket reads, event loop, promises, GC)',
      value: Math.max(0, clientUs - packetUs - readUs - trialUs),
      unit: 'µs/msg',
      note: 'client CPU minus the stages above (each alone, warm, least CPU of 3: so this also holds what they cost more inside the sync)',
    });
    out.push({ name: 'group sync: server CPU per message (its own process: read, encode, seal, send)', value: serverCpuUs / n, unit: 'µs/msg' });
    out.push({
      name: 'group sync: wall time per message',
      value: totalUs,
      unit: 'µs/msg',
      note: `client CPU ${((100 * clientUs) / totalUs).toFixed(0)} %, server CPU ${((100 * serverCpuUs) / n / totalUs).toFixed(0)} % of it (both run at once)`,
    });
  } finally {
    if (serverOpen) await server.close();
    if (child?.pid !== undefined) {
      const exited = new Promise((r) => child!.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    await acn.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
};

export default suite;

// Worker thread for bench/suites/server.ts: the 50 posting clients run here, so the server in the main thread
// has its own core and the number measures the server, not our clients. Not a suite (lives outside suites/).

import { parentPort, workerData } from 'node:worker_threads';
import { nodeRandom as random, systemClock } from '../src/app/platform/node-platform.js';
import { sodiumNativeBackend as backend } from '../src/app/platform/sodium-native-backend.js';
import { decodeElement } from '../src/core/crypto/ristretto.js';
import { decodeBoardMessage, encodeBoardMessage, postSpendData } from '../src/core/groups/board-messages.js';
import { decodeServerBundle } from '../src/core/groups/bundle.js';
import { spendToken, type Token } from '../src/core/privacypass/token.js';
import { AuthApp } from '../src/core/tapir/apps/auth-app.js';
import { TapirService } from '../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../src/core/tapir/wire-constants.js';
import { localAcn } from '../src/tor/local-acn.js';

interface Job {
  readonly netDir: string;
  readonly bundle: string;
  readonly clients: number;
  readonly ms: number;
  /** Per client: [t, encoded W] pairs. */
  readonly tokens: [Uint8Array, Uint8Array][][];
}

const job = workerData as Job;
const b = decodeServerBundle(backend, job.bundle);
if (!b.ok) throw new Error('bad bundle');
const bundle = b.value;
const acn = localAcn(job.netDir);
// Posts are prepared before the clock starts (client-side MACs are not the server's cost) and before connecting:
// on a loaded machine preparing 20k posts can outlast the board's first-request deadline.
const prepared = job.tokens.map((perClient) =>
  perClient.map(([t, w]) => {
    const token: Token = { t, r: 1n, W: decodeElement(w) };
    const egm = { ciphertext: random.bytes(4500), signature: random.bytes(64) };
    return encodeBoardMessage({ type: 'post-request', token: spendToken(token, postSpendData(egm, bundle.server)), egm });
  }),
);
const conns = await Promise.all(
  Array.from({ length: job.clients }, async () => {
    const svc = TapirService.ephemeral({ acn, backend, random, clock: systemClock });
    await svc.connect(bundle.server, new AuthApp({ identity: svc.identity, backend, random }));
    const a = await svc.waitForCapabilityOrClose(bundle.server, AUTH_CAPABILITY, 30_000);
    if (!a.ok) throw new Error('worker: auth failed');
    return { conn: a.value, svc };
  }),
);
let accepted = 0;
const t0 = performance.now();
await Promise.all(
  conns.map(async ({ conn }, ci) => {
    for (const msg of prepared[ci]!) {
      if (performance.now() - t0 >= job.ms) return;
      conn.send(msg);
      const r = await conn.expect();
      const d = r === null ? null : decodeBoardMessage(r);
      if (d?.ok && d.value.type === 'post-result' && d.value.success) accepted++;
    }
  }),
);
const secs = (performance.now() - t0) / 1000;
await Promise.all(conns.map((c) => c.svc.close()));
await acn.close();
parentPort!.postMessage({ accepted, secs });

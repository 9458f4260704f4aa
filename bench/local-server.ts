// A real group server for benches, wired as src/app/server-main.ts wires it (native token ops, commits in a worker
// thread), on the local network in `net`, with the per-connection post rate out of the way (benches measure
// throughput, not the abuse bound).

import { join } from 'node:path';
import { nodePbkdf2, nodeRandom, systemClock } from '../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../src/app/platform/sodium-native-backend.js';
import { nativeTokenOps } from '../src/app/platform/sodium-ristretto.js';
import type { Acn } from '../src/core/net/acn.js';
import { loadOrCreateConfig } from '../src/server/config.js';
import { CwtchServer } from '../src/server/server.js';
import { localAcn } from '../src/tor/local-acn.js';

export async function startBenchServer(dir: string, net: string): Promise<{ server: CwtchServer; acn: Acn; dataDir: string }> {
  const dataDir = join(dir, 'server');
  const { config } = loadOrCreateConfig(dataDir, { backend: sodiumNativeBackend, random: nodeRandom, pbkdf2: nodePbkdf2 });
  const acn = localAcn(net);
  const server = await CwtchServer.start({
    config,
    dataDir,
    acn,
    backend: sodiumNativeBackend,
    random: nodeRandom,
    clock: systemClock,
    limits: { postsPerMinute: 1_000_000 },
    tokenOps: nativeTokenOps,
    commitInWorker: true,
  });
  return { server, acn, dataDir };
}

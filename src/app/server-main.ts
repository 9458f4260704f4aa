// cwtch-server wiring: platform (sodium-native, node randomness and clock, node PBKDF2), the network (tor or the
// local test network), config and keys in the data dir, then the two services. Logs counts to stderr only.

import { readFileSync } from 'node:fs';
import { BOARD_WINDOW_MAX_S, BOARD_WINDOW_MIN_S } from '../core/limits.js';
import { join } from 'node:path';
import type { Acn } from '../core/net/acn.js';
import { CwtchError, UsageError } from '../core/errors.js';
import { serverBundleString } from '../core/groups/bundle.js';
import { loadOrCreateConfig } from '../server/config.js';
import { CwtchServer, bundleFor, type ServerStats } from '../server/server.js';
import { LOCAL_NET_ENV, localAcn } from '../tor/local-acn.js';
import { TorAcn } from '../tor/tor-acn.js';
import { nodePbkdf2, nodeRandom, systemClock } from './platform/node-platform.js';
import { sodiumNativeBackend } from './platform/sodium-native-backend.js';
import { nativeTokenOps } from './platform/sodium-ristretto.js';

/** The config password comes from the environment, never argv (visible to every local user in ps). */
export const SERVER_PASSWORD_ENV = 'CWTCH_SERVER_PASSWORD';
/** How often the counts are logged. */
const STATS_INTERVAL_MS = 60_000;

export interface ServerFlags {
  readonly dataDir?: string;
  readonly network: string;
  readonly localNet?: string;
  readonly torConfig?: string;
  readonly torPath?: string;
  readonly maxStorageMb?: number;
  readonly postsPerMinute?: number;
  /** Width of the time windows messages are filed in (docs/sync-extension.md §10). */
  readonly windowMinutes?: number;
  readonly verbose?: boolean;
}

const deps = { backend: sodiumNativeBackend, random: nodeRandom, pbkdf2: nodePbkdf2 };
const log = (s: string): void => void process.stderr.write(`cwtch-server: ${s}\n`);

function password(): string | undefined {
  const p = process.env[SERVER_PASSWORD_ENV];
  return p === undefined || p === '' ? undefined : p;
}

function statsLine(s: ServerStats): string {
  return `connections=${s.connections} posts=${s.posts} replays=${s.replays} tokens-issued=${s.tokensIssued} spends-rejected=${s.spendsRejected} invalid-posts=${s.invalidPosts}`;
}

function requireDataDir(f: ServerFlags): string {
  if (f.dataDir === undefined || f.dataDir === '') throw new UsageError('server.usage', '--data-dir is required');
  return f.dataDir;
}

/** `cwtch-server bundle`: print the signed bundle (creating keys on first use) and exit. */
export function bundleCommand(f: ServerFlags): number {
  verbose = f.verbose === true;
  try {
    const { config } = loadOrCreateConfig(requireDataDir(f), deps, password());
    process.stdout.write(serverBundleString(bundleFor(config, deps.backend)) + '\n');
    return 0;
  } catch (e) {
    return failure(e);
  }
}

let verbose = false;

function failure(e: unknown): number {
  if (e instanceof UsageError) {
    log(`${e.message} (see cwtch-server --help)`);
    return 64;
  }
  // One line for a person; an unexpected error's details only with --verbose.
  if (e instanceof CwtchError) log(e.message);
  else log(`failed to start${verbose && e instanceof Error ? `: ${e.message}` : ''}`);
  return 1;
}

async function openAcn(f: ServerFlags, dataDir: string): Promise<Acn> {
  if (f.network === 'local') {
    const dir = f.localNet ?? process.env[LOCAL_NET_ENV];
    if (dir === undefined || dir === '') throw new UsageError('server.usage', `--network local needs --local-net DIR (or ${LOCAL_NET_ENV})`);
    return localAcn(dir);
  }
  if (f.network !== 'tor') throw new UsageError('server.usage', '--network is tor or local');
  let extraTorrc: string | undefined;
  if (f.torConfig !== undefined) {
    try {
      extraTorrc = readFileSync(f.torConfig, 'utf8');
    } catch {
      throw new UsageError('server.usage', 'cannot read the --tor-config file');
    }
  }
  return TorAcn.start({ dir: join(dataDir, 'tor'), torPath: f.torPath, extraTorrc });
}

/** Run until SIGINT/SIGTERM. The bundle is the first line of stdout, printed once both services listen. */
export async function runServer(f: ServerFlags): Promise<number> {
  verbose = f.verbose === true;
  let acn: Acn | null = null;
  let server: CwtchServer | null = null;
  try {
    const dataDir = requireDataDir(f);
    if (f.maxStorageMb !== undefined && (!Number.isSafeInteger(f.maxStorageMb) || f.maxStorageMb < 1)) {
      throw new UsageError('server.usage', '--max-storage-mb must be a positive integer');
    }
    if (f.postsPerMinute !== undefined && (!Number.isSafeInteger(f.postsPerMinute) || f.postsPerMinute < 1)) {
      throw new UsageError('server.usage', '--posts-per-minute must be a positive integer');
    }
    const windowS = f.windowMinutes === undefined ? undefined : f.windowMinutes * 60;
    if (windowS !== undefined && (!Number.isSafeInteger(windowS) || windowS < BOARD_WINDOW_MIN_S || windowS > BOARD_WINDOW_MAX_S)) {
      throw new UsageError('server.usage', `--window-minutes must be a whole number from ${BOARD_WINDOW_MIN_S / 60} to ${BOARD_WINDOW_MAX_S / 60}`);
    }
    const { config, created } = loadOrCreateConfig(dataDir, deps, password());
    if (created) log('created new server keys');
    acn = await openAcn(f, dataDir);
    server = await CwtchServer.start({
      config,
      dataDir,
      acn,
      backend: deps.backend,
      random: deps.random,
      clock: systemClock,
      maxStorageMBs: f.maxStorageMb,
      ...(f.postsPerMinute !== undefined ? { limits: { postsPerMinute: f.postsPerMinute } } : {}),
      tokenOps: nativeTokenOps,
      commitInWorker: true,
      ...(windowS !== undefined ? { windowS } : {}),
    });
  } catch (e) {
    await server?.close().catch(() => undefined);
    await acn?.close().catch(() => undefined);
    return failure(e);
  }
  const s = server;
  const a = acn;
  process.stdout.write(s.bundleString + '\n');
  log(`listening; ${s.store.count()} messages stored`);
  const timer = setInterval(() => log(statsLine(s.stats)), STATS_INTERVAL_MS);
  timer.unref();
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      log(`shutting down; ${statsLine(s.stats)}`);
      void s
        .close()
        .then(() => a.close())
        .then(
          () => resolve(0),
          () => resolve(1),
        );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

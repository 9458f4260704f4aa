// Start/stop the private tor test network (scripts/tornet.sh, the repo's own copy) for tests and benches;
// TORNET_SH overrides.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Tornet {
  readonly dir: string;
  /** Text to append to a tor's torrc so it joins the network (a %include line). */
  readonly torrcNetwork: string;
  stop(): Promise<void>;
}

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repo root not found');
    d = up;
  }
  return d;
}

export function tornetScript(): string {
  return process.env['TORNET_SH'] ?? resolve(repoRoot(), 'scripts', 'tornet.sh');
}

function run(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((res, rej) => {
    execFile('bash', [tornetScript(), ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (e, stdout, stderr) => {
      if (e) rej(new Error(`tornet.sh ${args[0]} failed: ${stderr.slice(-2000)}`));
      else res(stdout);
    });
  });
}

/** Start a network with no clients of its own (the app's tors are the clients); every tor exits with this process. */
export async function startTornet(): Promise<Tornet> {
  const dir = await mkdtemp(join(tmpdir(), 'tornet-'));
  await run(['start', dir], { TORNET_CLIENTS: '0', TORNET_OWNER_PID: String(process.pid) });
  const torrc = join(dir, 'torrc.network');
  await readFile(torrc, 'utf8'); // fail early if it is missing
  return {
    dir,
    torrcNetwork: `%include ${torrc}\n`,
    stop: async () => {
      await run(['stop', dir], {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a tor binary is available; under CI a missing tor is a failure, never a skip. */
export function torAvailable(): boolean {
  const paths = (process.env['PATH'] ?? '').split(':');
  const found = !!process.env['CWTCH_TOR'] || paths.some((p) => p !== '' && existsSync(join(p, 'tor')));
  if (!found && process.env['CI'] === 'true') throw new Error('tor is required under CI: apt-get install -y --no-install-recommends tor');
  return found;
}

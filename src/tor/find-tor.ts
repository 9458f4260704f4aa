// Locate a usable tor binary: explicit path, then $CWTCH_TOR, then $PATH; `tor --version` must parse
// strictly and be new enough. When none is found the error says how to install one.

import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { TOR_MIN_VERSION } from '../core/limits.js';
import { fail, ok, type Result } from '../core/result.js';
import { TorError } from './errors.js';

export const INSTALL_HINT = 'install one with: apt-get install -y --no-install-recommends tor (or set CWTCH_TOR to the path of a tor binary)';

export interface TorVersion {
  readonly major: number;
  readonly minor: number;
  readonly micro: number;
  readonly patch: number;
  /** e.g. "0.4.9.11" or "0.4.8.1-alpha". */
  readonly text: string;
}

export interface FoundTor {
  readonly path: string;
  readonly version: TorVersion;
}

export interface FindTorOptions {
  /** An explicit binary (from the user's settings); tried first and only, when given. */
  readonly torPath?: string;
  /** Environment to read CWTCH_TOR and PATH from (defaults to process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Parse the first line of `tor --version`: "Tor version 0.4.9.11." (optionally "-alpha"/"-rc", "(git-…)"). */
export function parseTorVersion(output: string): Result<TorVersion> {
  const first = output.split('\n', 1)[0]!.trim();
  const m = /^Tor version ((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(-(?:alpha|beta|rc|alpha-dev|dev))?)( \(git-[0-9a-f]{1,40}\))?\.?$/.exec(first);
  if (!m) return fail('tor.bad-version', 'could not read the tor version');
  return ok({ major: Number(m[2]), minor: Number(m[3]), micro: Number(m[4]), patch: Number(m[5]), text: m[1]! });
}

export function versionAtLeast(v: TorVersion, min: readonly [number, number, number] = TOR_MIN_VERSION): boolean {
  const have = [v.major, v.minor, v.micro];
  for (let i = 0; i < 3; i++) if (have[i]! !== min[i]!) return have[i]! > min[i]!;
  return true;
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runVersion(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['--version'], { timeout: 10_000, maxBuffer: 64 * 1024 }, (e, stdout) => {
      if (e) reject(new TorError('tor.not-executable', 'the tor binary could not be run'));
      else resolve(stdout);
    });
  });
}

/** Find and check a tor binary; rejects with tor.not-found / tor.not-executable / tor.bad-version / tor.too-old. */
export async function findTor(opts: FindTorOptions = {}): Promise<FoundTor> {
  const env = opts.env ?? process.env;
  let candidate: string | null = null;
  let source = '';
  if (opts.torPath !== undefined) {
    candidate = opts.torPath;
    source = 'the configured tor path';
  } else if (env['CWTCH_TOR']) {
    candidate = env['CWTCH_TOR'];
    source = 'CWTCH_TOR';
  }
  if (candidate !== null) {
    if (!(await isExecutable(candidate))) throw new TorError('tor.not-found', `${source} does not name an executable tor; ${INSTALL_HINT}`);
  } else {
    for (const dir of (env['PATH'] ?? '').split(delimiter)) {
      if (dir === '' || !isAbsolute(dir)) continue; // a relative PATH entry would run whatever is in the cwd
      const p = join(dir, 'tor');
      if (await isExecutable(p)) {
        candidate = p;
        break;
      }
    }
    if (candidate === null) throw new TorError('tor.not-found', `no tor binary found on PATH; ${INSTALL_HINT}`);
  }
  const v = parseTorVersion(await runVersion(candidate));
  if (!v.ok) throw new TorError('tor.bad-version', `could not read the version of the tor binary; ${INSTALL_HINT}`);
  if (!versionAtLeast(v.value)) {
    throw new TorError('tor.too-old', `tor ${v.value.text} is too old (need ${TOR_MIN_VERSION.join('.')} or newer); ${INSTALL_HINT}`);
  }
  return { path: candidate, version: v.value };
}

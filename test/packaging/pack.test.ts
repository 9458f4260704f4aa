// The npm package as a user gets it: two clean builds of this tree, each packed with `npm pack`, must give
// byte-identical tarballs that hold only what the programs need, and the tarball must install globally into an
// empty prefix from the local npm cache (no network) and run both programs.
//
// The builds go to temporary folders (not the shared dist/), so stale files there cannot leak into the check;
// scripts/stage-pack.mjs does the build and pack, the same code `npm run release` ships with.
// The global install uses --ignore-scripts and then copies the two better-sqlite3 addons from this checkout's
// node_modules (same versions, same Node ABI): compiling them from source in the install takes ~4 minutes
// (measured: a full `npm i -g --offline` of the tarball works, and takes 3 m 50 s on 2 cores), which is the
// dependency's build, not our packaging.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPack, run } from '../../scripts/stage-pack.mjs';
import { loadVector } from '../vectors/load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  man: string[];
  files: string[];
};
const NATIVE_ADDONS = ['better-sqlite3', 'better-sqlite3-multiple-ciphers'];

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function entries(tgz: string): Map<string, string> {
  const out = new Map<string, string>();
  list({
    file: tgz,
    sync: true,
    onReadEntry: (e) => {
      const chunks: Buffer[] = [];
      e.on('data', (c: Buffer) => chunks.push(c));
      e.on('end', () => out.set(e.path, createHash('sha256').update(Buffer.concat(chunks)).digest('hex')));
    },
  });
  return out;
}

let work: string;
let tgzA: string;
let tgzB: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cwtch-pack-'));
  // One after the other: two tsc runs at once on 2 cores only make both slower.
  tgzA = await buildAndPack(ROOT, join(work, 'a'));
  tgzB = await buildAndPack(ROOT, join(work, 'b'));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('gives byte-identical tarballs from two clean builds of the same tree', () => {
    if (sha256(tgzA) !== sha256(tgzB)) {
      // Say which files differ, so the cause (a timestamp, an absolute path, an unordered map) can be found.
      const a = entries(tgzA);
      const b = entries(tgzB);
      const diff = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
      expect(diff, 'files that differ between the two builds').toEqual([]);
    }
    expect(sha256(tgzA)).toBe(sha256(tgzB));
  });

  it('ships the programs, their modules, the man pages and the docs, and nothing else', () => {
    const names = [...entries(tgzA).keys()];
    const allowed = /^package\/(package\.json|README\.md|LICENSE|SECURITY\.md|man\/[a-z-]+\.1|dist\/bin\/[a-z-]+\.js|dist\/src\/[\w/.-]+\.js)$/;
    expect(names.filter((n) => !allowed.test(n))).toEqual([]);
    expect(names.filter((n) => /\/(test|bench|fixtures|corpus)\//.test(n) || n.endsWith('.ts') || n.endsWith('.map'))).toEqual([]);
    for (const bin of Object.values(pkg.bin)) expect(names).toContain(`package/${bin}`);
    for (const man of pkg.man) expect(names).toContain(`package/${man}`);
    expect(names).toContain('package/README.md');
  });
});

describe('global install of the tarball into an empty prefix, offline', () => {
  let prefix: string;
  const bin = (name: string): string => join(prefix, 'bin', name);
  const onion = loadVector<{ vectors: { onion: string }[] }>('onion').vectors[0]!.onion;

  beforeAll(async () => {
    prefix = join(work, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tgzA], work, 180_000);
    const installed = join(prefix, 'lib', 'node_modules', pkg.name, 'node_modules');
    for (const addon of NATIVE_ADDONS) {
      const from = join(ROOT, 'node_modules', addon, 'build', 'Release', 'better_sqlite3.node');
      mkdirSync(join(installed, addon, 'build', 'Release'), { recursive: true });
      copyFileSync(from, join(installed, addon, 'build', 'Release', 'better_sqlite3.node'));
    }
  }, 240_000);

  const exec = (name: string, ...args: string[]) => spawnSync(bin(name), args, { encoding: 'utf8', timeout: 30_000 });

  it('cwtch-tui --version prints the package version', () => {
    const r = exec('cwtch-tui', '--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('cwtch-tui inspect describes a vector onion', () => {
    const r = exec('cwtch-tui', 'inspect', onion);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'onion', valid: true, onion });
  });

  it('cwtch-server --help prints its usage, and a bad flag is a usage error (64)', () => {
    const r = exec('cwtch-server', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('cwtch-server --data-dir DIR');
    expect(exec('cwtch-server', '--no-such-flag').status).toBe(64);
  });

  it('installs both man pages where man finds them', () => {
    for (const m of pkg.man) expect(existsSync(join(prefix, 'share', 'man', 'man1', m.split('/').pop()!))).toBe(true);
  });

  it('creates an encrypted profile from the installed tree (native modules load) on the local network', async () => {
    const home = join(work, 'home');
    const net = join(work, 'localnet');
    mkdirSync(net);
    const child = spawn(bin('cwtch-tui'), ['headless', '--home', home, '--network', 'local', '--local-net', net], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const profile = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no profile event; stdout: ${out.slice(-500)}`)), 25_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.includes('"event":"profile"'));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        }
      });
      child.stdin.write(JSON.stringify({ cmd: 'create-profile', name: 'packaged', password: 'correct horse', id: 1 }) + '\n');
    });
    child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(profile).toMatchObject({ event: 'profile', id: '1', name: 'packaged', defaultPassword: false });
    expect(code).toBe(0);
  }, 40_000);
});

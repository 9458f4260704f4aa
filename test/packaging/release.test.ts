// `npm run release` (scripts/release.mjs) with a throwaway ed25519 key: the files a user downloads must check
// out with exactly the commands in SECURITY.md ("Verifying a release") — sha256sum and ssh-keygen, nothing else —
// and a flipped byte in the tarball or in SHA256SUMS must make those commands fail. No network: the build, the
// pack and the SBOM (from package-lock.json) are all local.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPack } from '../../scripts/stage-pack.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'release.mjs');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
const TGZ = `${pkg.name}-${pkg.version}.tgz`;
/** The verification command from SECURITY.md; SHA256SUMS goes to its stdin. */
const VERIFY = ['-Y', 'verify', '-f', 'allowed_signers', '-I', 'cwtch-tui-release', '-n', 'file', '-s', 'SHA256SUMS.sig'];

interface Result { code: number; stdout: string; stderr: string }

function release(env: Record<string, string | undefined>, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) => {
      resolve({ code: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const verify = (dir: string) => spawnSync('ssh-keygen', VERIFY, { cwd: dir, input: readFileSync(join(dir, 'SHA256SUMS')), encoding: 'utf8' });
const sums = (dir: string) => spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });

/** A copy of the release folder with one bit of one byte of `file` flipped, in its middle. */
function tampered(name: string, file: string): string {
  const dir = join(work, name);
  cpSync(out, dir, { recursive: true });
  const bytes = readFileSync(join(dir, file));
  bytes[bytes.length >> 1]! ^= 0x01;
  writeFileSync(join(dir, file), bytes);
  return dir;
}

let work: string;
let key: string;
let out: string;
let scratch: string;
let made: Result;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cwtch-release-test-'));
  key = join(work, 'key');
  const kg = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tester@example', '-f', key], { encoding: 'utf8' });
  expect(kg.status, kg.stderr).toBe(0);
  out = join(work, 'out');
  // The script's own TMPDIR, to see that it removes its temporary folders.
  scratch = join(work, 'tmp');
  mkdirSync(scratch);
  made = await release({ ...process.env, CWTCH_RELEASE_KEY: key, TMPDIR: scratch }, '--out', out);
  expect(made.code, made.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run release', () => {
  it('writes the tarball, the SBOM, SHA256SUMS covering both, its signature and allowed_signers, and cleans up', () => {
    expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'allowed_signers', TGZ, 'sbom.cdx.json'].sort());
    const lines = readFileSync(join(out, 'SHA256SUMS'), 'utf8').split('\n').filter((l) => l !== '');
    expect(lines).toEqual([TGZ, 'sbom.cdx.json'].sort().map((f) => `${sha256(join(out, f))}  ${f}`));
    expect(readFileSync(join(out, 'SHA256SUMS.sig'), 'utf8')).toMatch(/^-----BEGIN SSH SIGNATURE-----\n/);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('publishes the public key without its comment and prints its fingerprint', () => {
    const [type, blob] = readFileSync(`${key}.pub`, 'utf8').trim().split(' ');
    expect(readFileSync(join(out, 'allowed_signers'), 'utf8')).toBe(`cwtch-tui-release ${type} ${blob}\n`);
    const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(spawnSync('ssh-keygen', ['-lf', `${key}.pub`], { encoding: 'utf8' }).stdout)![0];
    expect(made.stdout).toContain(`release key fingerprint: 256 ${fingerprint}`);
  });

  it('ships the same tarball bytes as the packaging test builds', async () => {
    const again = await buildAndPack(ROOT, join(work, 'stage'));
    expect(sha256(join(out, TGZ))).toBe(sha256(again));
  }, 180_000);

  it('passes sha256sum -c in the release folder', () => {
    const r = sums(out);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${TGZ}: OK`);
    expect(r.stdout).toContain('sbom.cdx.json: OK');
  });

  it('passes ssh-keygen -Y verify with the allowed_signers it wrote', () => {
    const r = verify(out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Good "file" signature for cwtch-tui-release');
  });

  it('writes a CycloneDX SBOM of our package with its runtime dependencies and no dev tools', () => {
    const sbom = JSON.parse(readFileSync(join(out, 'sbom.cdx.json'), 'utf8')) as {
      bomFormat: string;
      metadata: { component: { name: string; version: string } };
      components: { name: string; version: string }[];
    };
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.metadata.component).toMatchObject({ name: pkg.name, version: pkg.version });
    const names = new Map(sbom.components.map((c) => [c.name, c.version]));
    expect(names.get('ink')).toBe(pkg.dependencies.ink);
    expect(names.get('better-sqlite3')).toBe(pkg.dependencies['better-sqlite3']);
    for (const dev of ['vitest', 'eslint', 'typescript', 'tsx']) expect(names.has(dev), dev).toBe(false);
  });

  it('fails sha256sum -c when one byte of the tarball changes', () => {
    const r = sums(tampered('bad-tgz', TGZ));
    expect(r.status).not.toBe(0);
    expect(r.stdout).toContain(`${TGZ}: FAILED`);
  });

  it('fails ssh-keygen -Y verify when one byte of SHA256SUMS changes', () => {
    const r = verify(tampered('bad-sums', 'SHA256SUMS'));
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toContain('Good');
  });

  it('refuses to run without CWTCH_RELEASE_KEY, or with a key that is not there, and signs nothing', async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.CWTCH_RELEASE_KEY;
    const dir = join(work, 'no-key');
    const r = await release(env, '--out', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CWTCH_RELEASE_KEY is not set');
    expect(existsSync(join(dir, 'SHA256SUMS.sig'))).toBe(false);

    const missing = await release({ ...env, CWTCH_RELEASE_KEY: join(work, 'absent') }, '--out', dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    expect(existsSync(join(dir, 'SHA256SUMS.sig'))).toBe(false);
  });

  it('rejects an unknown argument as a usage error (64)', async () => {
    expect((await release({ ...process.env, CWTCH_RELEASE_KEY: key }, '--bogus')).code).toBe(64);
  });
});

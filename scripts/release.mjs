#!/usr/bin/env node
// `npm run release [-- --out DIR]`: the files of a release, from the current tree, into DIR (default release/):
//   cwtch-tui-<version>.tgz  the npm tarball, built exactly as test/packaging/pack.test.ts checks is reproducible
//   sbom.cdx.json            CycloneDX SBOM of the runtime dependencies pinned in package-lock.json
//   SHA256SUMS               sha256sum lines for the two files above
//   SHA256SUMS.sig           OpenSSH signature of SHA256SUMS (namespace "file") by the key in $CWTCH_RELEASE_KEY
//   allowed_signers          the release public key, for `ssh-keygen -Y verify` (SECURITY.md, "Verifying a release")
// The private key is read only from $CWTCH_RELEASE_KEY and never lives in the repository.
// Plain JavaScript, like scripts/testnet.mjs: it must run before anything is compiled.

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { buildAndPack, run } from './stage-pack.mjs';

const EXIT_USAGE = 64;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PRINCIPAL = 'cwtch-tui-release';
/** The ssh-keygen signature namespace: a signature made for one purpose (here: files) cannot be replayed for another. */
const NAMESPACE = 'file';
const SBOM = 'sbom.cdx.json';
const SUMS = 'SHA256SUMS';
const SIG = `${SUMS}.sig`;
const SIGNERS = 'allowed_signers';
const USAGE = 'usage: CWTCH_RELEASE_KEY=PRIVATE_KEY npm run release [-- --out DIR]';

const say = (s) => void process.stdout.write(s + '\n');
const die = (s, code = 1) => {
  process.stderr.write(`release: ${s}\n`);
  process.exit(code);
};

function parseArgs(argv) {
  let out = join(ROOT, 'release');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      say(USAGE);
      process.exit(0);
    } else if (a === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i]);
    else if (a.startsWith('--out=') && a.length > 6) out = resolve(a.slice(6));
    else die(`unknown argument ${JSON.stringify(a)}\n${USAGE}`, EXIT_USAGE);
  }
  return { out };
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Run cmd with a file as its stdin (ssh-keygen -Y verify reads the signed data there). */
function runWithInput(cmd, args, inputFile, timeoutMs) {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(cmd, args, { timeout: timeoutMs }, (e, stdout, stderr) => {
      if (e) reject(new Error(`${cmd} ${args.join(' ')} failed: ${String(stderr || stdout || e.message).trim()}`));
      else resolvePromise(String(stdout));
    });
    child.stdin.end(readFileSync(inputFile));
  });
}

/**
 * The public half of the key as "type base64": from KEY.pub when it is there (no passphrase prompt), else derived
 * with `ssh-keygen -y`. The comment (often user@host) is dropped so the published file does not name a machine.
 * A .pub that does not match the private key is caught by the verification after signing.
 */
async function publicKey(key) {
  const line = existsSync(`${key}.pub`) ? readFileSync(`${key}.pub`, 'utf8') : await run('ssh-keygen', ['-y', '-f', key], ROOT, 120_000);
  const [type, blob] = line.trim().split(/\s+/);
  if (type === undefined || blob === undefined || !/^(ssh-|ecdsa-|sk-)/.test(type) || !/^[A-Za-z0-9+/]+=*$/.test(blob)) throw new Error(`no OpenSSH public key for ${key}`);
  return `${type} ${blob}`;
}

async function main() {
  const { out } = parseArgs(process.argv.slice(2));
  const key = process.env.CWTCH_RELEASE_KEY;
  // Checked before any work, so a release without a key fails fast and leaves no half-made folder behind.
  if (key === undefined || key === '') die('CWTCH_RELEASE_KEY is not set: point it at the OpenSSH private release key (kept outside the repository); nothing was signed');
  if (!existsSync(key)) die(`CWTCH_RELEASE_KEY names ${key}, which does not exist; nothing was signed`);

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'cwtch-release-'));
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  // An interrupted build must not leave the stage folder in /tmp either.
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.on(sig, () => {
      cleanup();
      process.exit(code);
    });
  }
  // Errors below throw rather than exit, so the finally removes the temp folder.
  try {
    const pub = await publicKey(key);
    const files = join(work, 'files');
    mkdirSync(files);

    say('release: building and packing the tarball (fresh stage folder)…');
    const tgz = await buildAndPack(ROOT, join(work, 'stage'));
    copyFileSync(tgz, join(files, basename(tgz)));

    // From the lockfile, in a folder named after the package: npm names the SBOM's root component after the
    // folder it runs in (a checkout may be called anything), and the lockfile is what `npm ci` installs.
    const sbomDir = join(work, 'sbom', pkg.name.replace(/^@[^/]+\//, ''));
    mkdirSync(sbomDir, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(sbomDir, f));
    const sbom = await run('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev', '--package-lock-only'], sbomDir, 60_000);
    writeFileSync(join(files, SBOM), sbom);

    const listed = [basename(tgz), SBOM].sort();
    writeFileSync(join(files, SUMS), listed.map((f) => `${sha256(join(files, f))}  ${f}\n`).join(''));
    writeFileSync(join(files, SIGNERS), `${PRINCIPAL} ${pub}\n`);

    say(`release: signing ${SUMS} with ${key}…`);
    await run('ssh-keygen', ['-Y', 'sign', '-f', key, '-n', NAMESPACE, join(files, SUMS)], files, 120_000);
    // Verify exactly as SECURITY.md tells users to, so a key/.pub mismatch or a bad signature never gets published.
    await runWithInput('ssh-keygen', ['-Y', 'verify', '-f', join(files, SIGNERS), '-I', PRINCIPAL, '-n', NAMESPACE, '-s', join(files, SIG)], join(files, SUMS), 30_000);

    writeFileSync(join(work, 'release.pub'), `${pub}\n`);
    const fingerprint = (await run('ssh-keygen', ['-lf', join(work, 'release.pub')], work, 30_000)).trim();

    mkdirSync(out, { recursive: true });
    // Only files this script writes are replaced; a tarball of an older version would not be covered by SHA256SUMS.
    for (const f of readdirSync(out)) if ([SBOM, SUMS, SIG, SIGNERS].includes(f) || (f.startsWith(`${pkg.name}-`) && f.endsWith('.tgz'))) rmSync(join(out, f));
    for (const f of [...listed, SUMS, SIGNERS, SIG]) copyFileSync(join(files, f), join(out, f));

    for (const f of [...listed, SUMS, SIG, SIGNERS]) say(`  ${join(out, f)}`);
    say(`release key fingerprint: ${fingerprint}`);
    say('compare it with the one in SECURITY.md ("Release key") before publishing');
  } finally {
    cleanup();
  }
}

main().catch((e) => die(e instanceof Error ? e.message : String(e)));

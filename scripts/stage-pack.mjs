// The one way this project makes its npm tarball, shared by `npm run release` (scripts/release.mjs) and the
// reproducibility test (test/packaging/pack.test.ts), so the bytes a release ships are the bytes the test checks.
// The build goes to a fresh stage folder holding only what `npm pack` looks at: a stale dist/ or any other file
// in the checkout cannot leak into the tarball.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

/** Run a command; resolve with its stdout when it exits with one of okCodes, else reject with its output's tail. */
export function run(cmd, args, cwd, timeoutMs, okCodes = [0]) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' } }, (e, stdout, stderr) => {
      const code = e === null ? 0 : typeof e.code === 'number' ? e.code : -1;
      if (!okCodes.includes(code)) reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${String(stderr || stdout).slice(-3000)}`));
      else resolve(String(stdout));
    });
  });
}

/** Build the tree at root into the fresh folder stage, pack it there, and return the tarball's path. */
export async function buildAndPack(root, stage) {
  mkdirSync(stage, { recursive: true });
  // Exit 2 = type errors but everything emitted: type errors are `npm run typecheck`'s to report, not packing's.
  await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], root, 120_000, [0, 2]);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'SECURITY.md']) if (existsSync(join(root, f))) copyFileSync(join(root, f), join(stage, f));
  cpSync(join(root, 'man'), join(stage, 'man'), { recursive: true });
  const out = join(stage, 'out');
  mkdirSync(out);
  await run('npm', ['pack', '--silent', '--pack-destination', out], stage, 60_000);
  const [tgz] = readdirSync(out);
  return join(out, tgz);
}

// `npm run testnet` with tor, from a copy of the checkout in an empty temporary folder (nothing beside it: no
// ../shared, no other checkout), as a newcomer runs it: the private tor network (scripts/tornet.sh, every listener
// on 127.0.0.1) and a cwtch-server on it start, a valid bundle is printed, and `stop` ends every process it started
// (each relay tor and the server, by PID) before it removes its state.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const outer = mkdtempSync(join(tmpdir(), 'testnet-clone-'));
const copy = join(outer, 'cwtch-tui');
const script = join(copy, 'scripts', 'testnet.mjs');
// Only what `npm run testnet` uses: its scripts, the built programs and their dependencies (node_modules is linked:
// it is what `npm ci` made, and the copy must not depend on anything else of this checkout).
cpSync(join(ROOT, 'scripts'), join(copy, 'scripts'), { recursive: true });
cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
cpSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
writeFileSync(join(outer, 'README'), 'a clone with nothing beside it\n');

const env = { ...process.env };
delete env['TESTNET_DIR'];
delete env['TORNET_SH'];
const testnet = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: copy, encoding: 'utf8', timeout: 240_000, env });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every PID the private network's tors wrote (tornet.sh keeps them in its state dir). */
function torPids(): number[] {
  const nodes = join(copy, '.testnet', 'tornet', 'nodes');
  if (!existsSync(nodes)) return [];
  const out: number[] = [];
  for (const n of readdirSync(nodes)) {
    for (const f of ['pid', 'pid.saved']) {
      const p = join(nodes, n, f);
      if (existsSync(p)) out.push(Number(readFileSync(p, 'utf8').trim()));
    }
  }
  return [...new Set(out)].filter((p) => Number.isInteger(p) && p > 0);
}

afterAll(() => {
  testnet('stop', '--clean'); // also on failure: never leave a tor behind
  rmSync(outer, { recursive: true, force: true });
});

describe('npm run testnet (tor) from a clone with nothing beside it', () => {
  it('starts the private tor network and a server, prints the bundle, and stop ends every process by PID', () => {
    const r = testnet();
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/shared\//);
    const bundle = r.stdout.split('\n').find((l) => l.startsWith('server:'));
    expect(bundle).toBeDefined();
    const inspected = spawnSync(process.execPath, [join(copy, 'dist', 'bin', 'cwtch-tui.js'), 'inspect', bundle!], { encoding: 'utf8' });
    expect(JSON.parse(inspected.stdout)).toMatchObject({ kind: 'server', valid: true, signatureValid: true });
    const clients = r.stdout.split('\n').filter((l) => l.includes('cwtch-tui.js --home'));
    expect(clients).toHaveLength(2);
    for (const c of clients) expect(c).toContain('--tor-config');

    const state = JSON.parse(readFileSync(join(copy, '.testnet', 'state.json'), 'utf8')) as { server: { pid: number } };
    const tors = torPids();
    expect(tors.length).toBeGreaterThanOrEqual(3);
    for (const p of [state.server.pid, ...tors]) expect(alive(p), `pid ${p}`).toBe(true);

    const s = testnet('stop');
    expect(s.status, s.stderr).toBe(0);
    for (const p of [state.server.pid, ...tors]) expect(alive(p), `pid ${p} after stop`).toBe(false);
    expect(existsSync(join(copy, '.testnet', 'state.json'))).toBe(false);
  }, 300_000);
});

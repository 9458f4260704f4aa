// `npm run testnet -- --local`: starts a real cwtch-server (built binary; npm test builds first) on the local
// network, prints a valid bundle and two client commands, and `stop` ends exactly the process it started.
// The tor variant needs the private tor network and is exercised by hand (README), not here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/testnet.mjs', import.meta.url));
const tui = fileURLToPath(new URL('../../dist/bin/cwtch-tui.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'testnet-'));
const testnet = (...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TESTNET_DIR: dir } });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  testnet('stop', '--clean'); // also on failure: never leave a server behind
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run testnet -- --local', () => {
  it('starts a server, prints its bundle and two client commands, and stops it by PID', () => {
    const r = testnet('--local');
    expect(r.status, r.stderr).toBe(0);
    const bundle = r.stdout.split('\n').find((l) => l.startsWith('server:'));
    expect(bundle).toBeDefined();
    const inspected = spawnSync(process.execPath, [tui, 'inspect', bundle!], { encoding: 'utf8' });
    expect(JSON.parse(inspected.stdout)).toMatchObject({ kind: 'server', valid: true, signatureValid: true });

    const clients = r.stdout.split('\n').filter((l) => l.includes('cwtch-tui.js --home'));
    expect(clients).toHaveLength(2);
    for (const c of clients) expect(c).toContain(`--network local --local-net ${join(dir, 'localnet')}`);
    expect(new Set(clients.map((c) => /--home (\S+)/.exec(c)![1])).size).toBe(2);

    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { server: { pid: number } };
    expect(alive(state.server.pid)).toBe(true);
    expect(testnet('--local').status, 'a second start while running is refused').toBe(1);

    const s = testnet('stop');
    expect(s.status).toBe(0);
    expect(s.stdout).toContain(`stopped cwtch-server (pid ${state.server.pid})`);
    expect(alive(state.server.pid)).toBe(false);
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
  }, 90_000);

  it('rejects an unknown argument as a usage error (64)', () => {
    expect(testnet('--bogus').status).toBe(64);
  });
});

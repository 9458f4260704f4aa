// The built server binary (npm test builds first): usage, bundle, start/stop, and kill -9 during posts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/bytes.js';
import { decodeServerBundle } from '../../src/core/groups/bundle.js';
import { localAcn } from '../../src/tor/local-acn.js';
import { buyTokens } from '../../src/core/tapir/apps/token-app.js';
import { TOKEN_MAX_BATCH } from '../../src/core/limits.js';
import { systemClock } from '../../src/app/platform/node-platform.js';
import { backend, bundleY, connectBoard, egm, random, tempDir, until } from './helpers.js';

const bin = fileURLToPath(new URL('../../dist/bin/cwtch-server.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });

/** Start the server; resolves with the first stdout line (the bundle). */
function startChild(dataDir: string, net: string): Promise<{ child: ChildProcess; bundle: string; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, '--network', 'local', '--local-net', net], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ child, bundle: line, stderr: () => err }));
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${err}`)));
  });
}

const exited = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code)));

describe('cwtch-server CLI', () => {
  it('exits 64 on usage errors', () => {
    expect(run().status).toBe(64);
    expect(run('--data-dir', '/tmp/x', '--bogus').status).toBe(64);
    expect(run('--data-dir', '/tmp/x', '--network', 'carrier-pigeon').status).toBe(64);
    expect(run('frobnicate', '--data-dir', '/tmp/x').status).toBe(64);
  });

  it('bundle creates keys once and prints the same verified bundle each time', () => {
    const t = tempDir();
    try {
      const a = run('bundle', '--data-dir', t.dir);
      const b = run('bundle', '--data-dir', t.dir);
      expect(a.status).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(decodeServerBundle(backend, a.stdout.trim()).ok).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  it('an encrypted config needs its password (env), and a wrong one is refused', () => {
    const t = tempDir();
    try {
      const env = { ...process.env, CWTCH_SERVER_PASSWORD: 'correct horse' };
      const a = spawnSync(process.execPath, [bin, 'bundle', '--data-dir', t.dir], { encoding: 'utf8', env });
      expect(a.status).toBe(0);
      const again = spawnSync(process.execPath, [bin, 'bundle', '--data-dir', t.dir], { encoding: 'utf8', env });
      expect(again.stdout).toBe(a.stdout);
      const wrong = spawnSync(process.execPath, [bin, 'bundle', '--data-dir', t.dir], { encoding: 'utf8', env: { ...process.env, CWTCH_SERVER_PASSWORD: 'nope' } });
      expect(wrong.status).toBe(64);
      const none = spawnSync(process.execPath, [bin, 'bundle', '--data-dir', t.dir], { encoding: 'utf8', env: { ...process.env, CWTCH_SERVER_PASSWORD: '' } });
      expect(none.status).toBe(64);
    } finally {
      t.cleanup();
    }
  });

  it('prints the bundle first, serves, logs counts without addresses, and exits 0 on SIGTERM', async () => {
    const t = tempDir();
    try {
      const { child, bundle, stderr } = await startChild(`${t.dir}/data`, `${t.dir}/net`);
      expect(bundle).toBe(run('bundle', '--data-dir', `${t.dir}/data`).stdout.trim());
      const b = decodeServerBundle(backend, bundle);
      expect(b.ok).toBe(true);
      if (!b.ok) return;
      const acn = localAcn(`${t.dir}/net`);
      const h = await connectBoard(acn, b.value);
      expect((await h.synced).replayed).toBe(0);
      await h.close();
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      expect(stderr()).toMatch(/connections=1 posts=0 replays=1/);
      expect(stderr()).not.toContain(b.value.server);
      await acn.close();
    } finally {
      t.cleanup();
    }
  });

  it('kill -9 during posts: every acknowledged post is there after a restart', async () => {
    const t = tempDir();
    const acn = localAcn(`${t.dir}/net`);
    try {
      const first = await startChild(`${t.dir}/data`, `${t.dir}/net`);
      const b = decodeServerBundle(backend, first.bundle);
      if (!b.ok) throw new Error('bad bundle');
      // One 16-bit PoW buys a full batch.
      const tok = await buyTokens({ acn, tokenService: b.value.tokenService, Y: bundleY(b.value), backend, random, clock: systemClock, batchSize: TOKEN_MAX_BATCH });
      if (!tok.ok) throw new Error('no tokens');
      const clients = await Promise.all([0, 1, 2, 3].map(() => connectBoard(acn, b.value)));
      const acked: string[] = [];
      let i = 0;
      const posters = clients.map(async (c) => {
        for (;;) {
          const token = tok.value[i++];
          if (token === undefined) return;
          const m = egm();
          const p = c.client.post(token, m, b.value.server);
          if (!p.ok || !(await p.value).accepted) return;
          acked.push(toHex(m.signature));
        }
      });
      await until(() => acked.length >= 20);
      first.child.kill('SIGKILL');
      await Promise.all(posters);
      await exited(first.child);
      expect(acked.length).toBeGreaterThanOrEqual(20);

      const second = await startChild(`${t.dir}/data`, `${t.dir}/net`);
      expect(second.bundle).toBe(first.bundle);
      const h = await connectBoard(acn, b.value);
      await h.synced;
      const stored = new Set(h.received.map((e) => toHex(e.signature)));
      for (const s of acked) expect(stored.has(s)).toBe(true);
      await h.close();
      for (const c of clients) await c.close();
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    } finally {
      await acn.close();
      t.cleanup();
    }
  }, 60_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/core/bytes.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../src/core/crypto/onion.js';
import { AuthApp } from '../../src/core/tapir/apps/auth-app.js';
import { TapirService } from '../../src/core/tapir/service.js';
import { AUTH_CAPABILITY } from '../../src/core/tapir/wire-constants.js';
import { LOCAL_NET_ENV, localAcn } from '../../src/tor/local-acn.js';
import { nodeRandom, systemClock } from '../../src/app/platform/node-platform.js';
import { sodiumNativeBackend as backend } from '../../src/app/platform/sodium-native-backend.js';

const dir = mkdtempSync(join(tmpdir(), 'cwtch-local-net-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL'); // by PID, only what we started
  rmSync(dir, { recursive: true, force: true });
});

function startPeer(): Promise<{ child: ChildProcess; onion: OnionAddress }> {
  const fixture = new URL('../core/tapir/fixtures/peer.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, [LOCAL_NET_ENV]: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY ([a-z2-7]{56})/.exec(out);
      if (m) resolve({ child, onion: m[1] as OnionAddress });
    });
    child.once('exit', (code) => reject(new Error(`peer exited ${code}`)));
  });
}

describe('local ACN (127.0.0.1 + registry directory)', () => {
  it('registers on listen, removes on close, refuses unknown onions', async () => {
    const acn = localAcn(dir);
    const id = identityFromSeed(backend, nodeRandom.bytes(32));
    const l = await acn.listen(id.seed, id.onion);
    expect(existsSync(join(dir, id.onion))).toBe(true);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
    await l.close();
    expect(existsSync(join(dir, id.onion))).toBe(false);
    await expect(acn.dial(id.onion)).rejects.toMatchObject({ code: 'acn.unreachable' });
    expect(acn.getBootstrapStatus().state).toBe('ready');
    await acn.close();
  });

  it('two identities in two processes authenticate and exchange messages', async () => {
    const { child, onion } = await startPeer();
    const acn = localAcn(dir);
    const identity = identityFromSeed(backend, nodeRandom.bytes(32));
    const svc = new TapirService({ acn, identity, backend, random: nodeRandom, clock: systemClock });
    const r = await svc.connect(onion, new AuthApp({ identity, backend, random: nodeRandom }));
    expect(r.ok).toBe(true);
    const c = await svc.waitForCapabilityOrClose(onion, AUTH_CAPABILITY);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    for (const msg of ['hello', 'x'.repeat(8000)]) {
      expect(c.value.send(utf8(msg)).ok).toBe(true);
      expect(new TextDecoder().decode((await c.value.expect())!)).toBe(`echo:${msg}`);
    }
    await svc.close();
    await acn.close();
    child.kill('SIGTERM');
    await new Promise((res) => child.once('exit', res));
    expect(existsSync(join(dir, onion))).toBe(false);
  });
});

// kill -9 while the profile is being written: every reopen must be intact and hold what was reported durable.

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/core/errors.js';
import { listProfileIds, type Profile } from '../../src/profile/profile-store.js';
import { cleanupTempDirs, store, tempDir, treeFingerprint } from './helpers.js';

afterEach(cleanupTempDirs);

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Runs a fixture with tsx, SIGKILLs it (by its own PID) `killAfterMs` after it printed READY; returns stdout lines. */
function runAndKill(fixture: string, args: string[], killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(fixtures, fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!armed && out.includes('READY\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (!armed) return reject(new Error(`fixture exited before READY: ${err}`));
      if (signal !== 'SIGKILL' && !out.includes('DONE')) return reject(new Error(`fixture failed: ${err}`));
      // Only complete lines were printed after a finished commit; a torn last line is dropped.
      resolve(out.split('\n').slice(0, -1));
    });
  });
}

function integrity(p: Profile): string {
  return p.connection.pragma('integrity_check', { simple: true }) as string;
}

describe('kill -9 while committing messages', () => {
  it('20 trials: integrity_check ok and every reported commit is present', async () => {
    const trials = Array.from({ length: 20 }, () => ({ home: tempDir(), delay: randomInt(20, 201) }));
    for (const t of trials) store().createProfile(t.home, { name: 'crash', password: 'pw' }).lock();
    let killedMidway = 0;
    // Two at a time: the machine has two cores, and each child is mostly waiting on fsync.
    for (let i = 0; i < trials.length; i += 2) {
      const batch = trials.slice(i, i + 2);
      const outs = await Promise.all(batch.map((t) => runAndKill('commit-messages.ts', [t.home, 'pw'], t.delay)));
      batch.forEach((t, j) => {
        const lines = outs[j]!;
        const ids = lines.filter((l) => /^\d+$/.test(l)).map(Number);
        if (!lines.includes('DONE')) killedMidway++;
        // A wrong password on a crashed profile (stale -wal/-shm) still touches nothing.
        const before = treeFingerprint(t.home);
        expect(() => store().unlockProfiles(t.home, 'wrong')).toThrow(StorageError);
        expect(treeFingerprint(t.home)).toEqual(before);
        const { opened } = store().unlockProfiles(t.home, 'pw');
        const p = opened[0]!;
        expect(integrity(p)).toBe('ok');
        const conv = p.db.findConversation('peer')!;
        const stored = new Set(p.db.messagesPage(conv.id, undefined, 1000).map((m) => m.id as number));
        for (const id of ids) expect(stored.has(id)).toBe(true);
        // Nothing beyond the reported ones except possibly the one whose commit finished as the kill landed.
        expect(stored.size - ids.length).toBeLessThanOrEqual(1);
        p.lock();
      });
    }
    expect(killedMidway).toBeGreaterThan(0);
  }, 120_000);
});

describe('kill -9 while changing the password', () => {
  it('20 trials: afterwards one of the two passwords opens the profile, intact', async () => {
    const trials = Array.from({ length: 20 }, () => ({ home: tempDir(), delay: randomInt(1, 150) }));
    for (const t of trials) {
      const p = store().createProfile(t.home, { name: 'rekey', password: 'alpha' });
      p.db.setSetting('marker', new Uint8Array([42]));
      p.lock();
    }
    let interrupted = 0;
    for (let i = 0; i < trials.length; i += 2) {
      const batch = trials.slice(i, i + 2);
      await Promise.all(batch.map((t) => runAndKill('change-password.ts', [t.home, 'alpha', 'beta'], t.delay)));
      for (const t of batch) {
        const left = readdirSync(join(t.home, 'profiles', listProfileIds(t.home)[0]!));
        if (left.includes('db.new') || left.includes('SALT.new')) interrupted++;
        let p: Profile | undefined;
        for (const pw of ['alpha', 'beta']) {
          try {
            p = store().unlockProfiles(t.home, pw).opened[0];
            break;
          } catch (e) {
            expect((e as StorageError).code).toBe('profile.wrong-password');
          }
        }
        expect(p).toBeDefined();
        expect(integrity(p!)).toBe('ok');
        expect(p!.db.getSetting('marker')).toEqual(new Uint8Array([42]));
        p!.lock();
      }
    }
    // The kills landed inside the change window (scratch copy or new salt on disk), not only between changes.
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);
});

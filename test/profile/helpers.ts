// Shared test setup for profile tests: temp homes, real ports, and a whole-tree fingerprint.

import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodePbkdf2, nodeRandom } from '../../src/app/platform/node-platform.js';
import { StorageError } from '../../src/core/errors.js';
import type { ProfileDb } from '../../src/profile/profile-db.js';
import { ProfileStore, type Profile, type ProfileStoreDeps } from '../../src/profile/profile-store.js';
import { afterEach, beforeEach, expect } from 'vitest';

export const deps: ProfileStoreDeps = { pbkdf2: nodePbkdf2, random: nodeRandom };
export const store = (): ProfileStore => new ProfileStore(deps);

/** The code of the StorageError `fn` throws (anything else it throws fails the test); undefined when it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StorageError);
    return (e as StorageError).code;
  }
  return undefined;
}

const made: string[] = [];
export function tempDir(prefix = 'cwtch-profile-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanupTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every path under `root` with its type, mode, size and SHA-256 of its content (or link target). */
export function treeFingerprint(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out.push(`d ${r} ${st.mode}`);
        walk(p, r);
      } else if (st.isSymbolicLink()) {
        out.push(`l ${r} ${readlinkSync(p)}`);
      } else {
        out.push(`f ${r} ${st.mode} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      }
    }
  };
  walk(root, '');
  return out;
}

/** A fresh profile (name 'me', password 'pw') in its own temp home per test, locked and removed after it. */
export interface FreshProfile {
  readonly home: string;
  readonly profile: Profile;
  readonly db: ProfileDb;
  /** Lock and unlock again, so every assertion after it reads what was committed to disk. */
  reopen(): ProfileDb;
}

/** Registers the beforeEach/afterEach of a test file whose tests each start from a fresh profile. */
export function useFreshProfile(): FreshProfile {
  let home = '';
  let profile: Profile | undefined;
  beforeEach(() => {
    home = tempDir();
    profile = store().createProfile(home, { name: 'me', password: 'pw' });
  });
  afterEach(() => {
    profile?.lock();
    cleanupTempDirs();
  });
  return {
    get home() {
      return home;
    },
    get profile() {
      return profile!;
    },
    get db() {
      return profile!.db;
    },
    reopen() {
      profile!.lock();
      profile = store().unlockProfiles(home, 'pw').opened[0]!;
      return profile.db;
    },
  };
}

// Shared test setup for profile tests: temp homes, real ports, and a whole-tree fingerprint.

import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodePbkdf2, nodeRandom } from '../../src/app/platform/node-platform.js';
import { ProfileStore, type ProfileStoreDeps } from '../../src/profile/profile-store.js';

export const deps: ProfileStoreDeps = { pbkdf2: nodePbkdf2, random: nodeRandom };
export const store = (): ProfileStore => new ProfileStore(deps);

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

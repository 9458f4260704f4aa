// Export/import round trip and hostile archives.

import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageError } from '../../src/core/errors.js';
import { nodeRandom } from '../../src/app/platform/node-platform.js';
import { exportProfile, importProfile } from '../../src/profile/archive.js';
import { profilesDir } from '../../src/profile/paths.js';
import { ATTR_NAME } from '../../src/profile/profile-store.js';
import { cleanupTempDirs, store, tempDir, treeFingerprint } from './helpers.js';

afterEach(cleanupTempDirs);

const ID = 'ab'.repeat(16);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as StorageError).code;
  }
  return undefined;
}

/** Builds a .tar.gz from a staging dir with the given entries (tar stores symlinks as links). */
async function archive(build: (dir: string) => void, entries: string[], preservePaths = false): Promise<string> {
  const root = tempDir();
  const cwd = join(root, 'a', 'b');
  mkdirSync(cwd, { recursive: true });
  build(cwd);
  const file = join(root, 'x.tar.gz');
  await tar.create({ gzip: true, file, cwd, preservePaths }, entries);
  return file;
}

function validFiles(dir: string, id = ID): void {
  mkdirSync(join(dir, id));
  writeFileSync(join(dir, id, 'db'), 'not really a db');
  writeFileSync(join(dir, id, 'SALT'), Buffer.alloc(128, 1));
  writeFileSync(join(dir, id, 'VERSION'), '2');
}

describe('export / import', () => {
  it('round trip: the imported profile opens with its password and holds the data', async () => {
    const s = store();
    const p = s.createProfile(tempDir(), { name: 'travelling', password: 'pw' });
    const c = p.db.createConversation({ kind: 'contact', handle: 'peer' });
    p.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: 'carried over', receivedAt: 1 });
    const file = join(tempDir(), 'profile.tar.gz');
    await exportProfile(p, file);
    p.db.insertMessage({ conversation: c.id, direction: 'in', sender: 'peer', body: 'after export', receivedAt: 2 });
    const names: string[] = [];
    await tar.list({ file, onReadEntry: (e) => void names.push(e.path) });
    expect(names.sort()).toEqual([`${p.id}/SALT`, `${p.id}/VERSION`, `${p.id}/db`]);

    const home = tempDir();
    expect(await importProfile(home, file, nodeRandom)).toBe(p.id);
    expect(readdirSync(profilesDir(home))).toEqual([p.id]);
    const [q] = s.unlockProfiles(home, 'pw').opened;
    expect(q!.db.getAttribute(ATTR_NAME)).toBe('travelling');
    expect(q!.db.messagesPage(q!.db.findConversation('peer')!.id).map((m) => m.body)).toEqual(['carried over']);
    expect(await codeOf(importProfile(home, file, nodeRandom))).toBe('profile.import-exists');
    q!.lock();
    p.lock();
  });

  it('accepts a minimal well-formed archive (headers checked, not the db)', async () => {
    const file = await archive(validFiles, [`${ID}/db`, `${ID}/SALT`, `${ID}/VERSION`]);
    expect(await importProfile(tempDir(), file, nodeRandom)).toBe(ID);
  });

  const hostile: [string, (d: string) => void, string[], boolean?][] = [
    ['../ path', (d) => { validFiles(d); writeFileSync(join(d, '..', 'evil'), 'x'); }, [`${ID}/db`, `${ID}/SALT`, `${ID}/VERSION`, '../evil'], true],
    ['symlink db', (d) => { validFiles(d); symlinkSync('/etc/passwd', join(d, 'link')); }, [`${ID}/SALT`, `${ID}/VERSION`, 'link']],
    ['symlink inside the profile', (d) => {
      mkdirSync(join(d, ID));
      writeFileSync(join(d, ID, 'SALT'), Buffer.alloc(128));
      writeFileSync(join(d, ID, 'VERSION'), '2');
      symlinkSync('/etc/passwd', join(d, ID, 'db'));
    }, [`${ID}/db`, `${ID}/SALT`, `${ID}/VERSION`]],
    ['oversize SALT', (d) => { validFiles(d); writeFileSync(join(d, ID, 'SALT'), Buffer.alloc(129)); }, [`${ID}/db`, `${ID}/SALT`, `${ID}/VERSION`]],
    ['extra file', (d) => { validFiles(d); writeFileSync(join(d, ID, 'extra'), 'x'); }, [`${ID}/db`, `${ID}/SALT`, `${ID}/VERSION`, `${ID}/extra`]],
    ['missing file', validFiles, [`${ID}/db`, `${ID}/SALT`]],
    ['bad id', (d) => validFiles(d, 'not-an-id'), ['not-an-id/db', 'not-an-id/SALT', 'not-an-id/VERSION']],
    ['wrong version', (d) => { validFiles(d); writeFileSync(join(d, ID, 'VERSION'), '1'); }, [`${ID}/db`, `${ID}/SALT`, `${ID}/VERSION`]],
  ];

  for (const [name, build, entries, preserve] of hostile) {
    it(`refuses a hostile archive (${name}) and leaves the home untouched`, async () => {
      const file = await archive(build, entries, preserve);
      const home = tempDir();
      mkdirSync(profilesDir(home));
      const before = treeFingerprint(home);
      expect(await codeOf(importProfile(home, file, nodeRandom))).toBe('profile.import-invalid');
      expect(treeFingerprint(home)).toEqual(before);
    });
  }

  it('refuses garbage that is not a tar.gz', async () => {
    const file = join(tempDir(), 'junk.tar.gz');
    writeFileSync(file, Buffer.alloc(1000, 7));
    expect(await codeOf(importProfile(tempDir(), file, nodeRandom))).toBe('profile.import-invalid');
  });
});

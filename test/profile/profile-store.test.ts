import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD } from '../../src/core/crypto/kdf.js';
import { decodeOnion } from '../../src/core/crypto/onion.js';
import { defaultHome, profilesDir, resolveHome } from '../../src/profile/paths.js';
import { ATTR_NAME, listProfileIds } from '../../src/profile/profile-store.js';
import { cleanupTempDirs, codeOf, store, tempDir, treeFingerprint } from './helpers.js';

afterEach(cleanupTempDirs);

describe('home directory', () => {
  it('prefers CWTCH_HOME, then XDG data dir; --home wins over both', () => {
    expect(defaultHome({ CWTCH_HOME: '/x/y' })).toBe('/x/y');
    expect(defaultHome({})).toMatch(/cwtch-tui$/);
    expect(resolveHome('/flag', { CWTCH_HOME: '/x/y' })).toBe('/flag');
    expect(resolveHome(undefined, { CWTCH_HOME: '/x/y' })).toBe('/x/y');
  });
});

describe('ProfileStore', () => {
  it('creates the Cwtch v2 layout: <id>/SALT (128 bytes), VERSION "2", db (encrypted)', () => {
    const home = tempDir();
    const p = store().createProfile(home, { name: 'alice', password: 'pw' });
    expect(p.id).toMatch(/^[0-9a-f]{32}$/);
    expect(readdirSync(profilesDir(home))).toEqual([p.id]);
    const dir = join(profilesDir(home), p.id);
    expect(statSync(join(dir, 'SALT')).size).toBe(128);
    expect(readFileSync(join(dir, 'VERSION'), 'utf8')).toBe('2');
    const head = readFileSync(join(dir, 'db')).subarray(0, 16).toString('latin1');
    expect(head).not.toBe('SQLite format 3\0');
    expect(p.db.getAttribute(ATTR_NAME)).toBe('alice');
    const id = p.db.identity()!;
    expect(id.ed25519Seed.length).toBe(32);
    expect(decodeOnion(id.onion).ok).toBe(true);
    expect(p.isDefaultPassword).toBe(false);
    p.lock();
  });

  it('uses the given identity seed and derives its onion', () => {
    const home = tempDir();
    const seed = new Uint8Array(32).fill(7);
    const a = store().createProfile(home, { name: 'a', password: 'pw', identitySeed: seed });
    const b = store().createProfile(tempDir(), { name: 'b', identitySeed: seed });
    expect(a.db.identity()!.ed25519Seed).toEqual(seed);
    expect(a.db.identity()!.onion).toBe(b.db.identity()!.onion);
    a.lock();
    b.lock();
  });

  it('profiles without a password use DEFAULT_PASSWORD and say so', () => {
    const home = tempDir();
    const p = store().createProfile(home, { name: 'open' });
    expect(p.isDefaultPassword).toBe(true);
    p.lock();
    const { opened } = store().unlockProfiles(home, DEFAULT_PASSWORD);
    expect(opened.map((o) => o.id)).toEqual([p.id]);
    expect(opened[0]!.isDefaultPassword).toBe(true);
    opened[0]!.lock();
    const again = store().unlockProfiles(home, '');
    expect(again.opened).toHaveLength(1);
    again.opened[0]!.lock();
  });

  it('unlock opens every profile the password opens, and only those', () => {
    const home = tempDir();
    const s = store();
    const a1 = s.createProfile(home, { name: 'a1', password: 'one' });
    const a2 = s.createProfile(home, { name: 'a2', password: 'one' });
    const b = s.createProfile(home, { name: 'b', password: 'two' });
    for (const p of [a1, a2, b]) p.lock();
    const { opened } = s.unlockProfiles(home, 'one');
    expect(opened.map((p) => p.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(opened.map((p) => p.db.getAttribute(ATTR_NAME)).sort()).toEqual(['a1', 'a2']);
    for (const p of opened) p.lock();
  });

  it('a wrong password fails with profile.wrong-password and leaves every file byte-identical', () => {
    const home = tempDir();
    const s = store();
    const p = s.createProfile(home, { name: 'x', password: 'right' });
    p.db.insertMessage({
      conversation: p.db.createConversation({ kind: 'contact', handle: 'h' }).id,
      direction: 'in', sender: 'h', body: 'hi', receivedAt: 1,
    });
    p.lock();
    const before = treeFingerprint(home);
    expect(before.some((l) => l.includes('-wal') || l.includes('-shm'))).toBe(false);
    expect(codeOf(() => s.unlockProfiles(home, 'wrong'))).toBe('profile.wrong-password');
    expect(treeFingerprint(home)).toEqual(before);
  });

  it('with no profiles unlock returns an empty list', () => {
    expect(store().unlockProfiles(tempDir(), 'x').opened).toEqual([]);
  });

  it('lock closes the db, wipes the key and refuses further use', () => {
    const p = store().createProfile(tempDir(), { name: 'x', password: 'pw' });
    p.lock();
    expect(p.isLocked).toBe(true);
    expect(codeOf(() => p.db)).toBe('profile.locked');
    p.lock();
  });

  it('changePassword: the new password opens, the old does not, data survives', () => {
    const home = tempDir();
    const s = store();
    const p = s.createProfile(home, { name: 'x', password: 'old' });
    p.db.setSetting('k', new Uint8Array([1, 2, 3]));
    expect(codeOf(() => p.changePassword('not-old', 'new'))).toBe('profile.wrong-password');
    p.changePassword('old', 'new');
    expect(p.db.getSetting('k')).toEqual(new Uint8Array([1, 2, 3]));
    p.db.setSetting('k2', new Uint8Array([4]));
    p.lock();
    const dir = join(profilesDir(home), p.id);
    expect(readdirSync(dir).sort()).toEqual(['SALT', 'VERSION', 'db']);
    expect(codeOf(() => s.unlockProfiles(home, 'old'))).toBe('profile.wrong-password');
    const { opened } = s.unlockProfiles(home, 'new');
    expect(opened[0]!.db.getSetting('k2')).toEqual(new Uint8Array([4]));
    expect(opened[0]!.isDefaultPassword).toBe(false);
    opened[0]!.changePassword('new', '');
    expect(opened[0]!.isDefaultPassword).toBe(true);
    opened[0]!.lock();
  });

  it('deleteProfile removes the folder', () => {
    const home = tempDir();
    const s = store();
    const keep = s.createProfile(home, { name: 'keep', password: 'pw' });
    const gone = s.createProfile(home, { name: 'gone', password: 'pw' });
    s.deleteProfile(gone);
    expect(existsSync(gone.dir)).toBe(false);
    expect(listProfileIds(home)).toEqual([keep.id]);
    keep.lock();
  });
});

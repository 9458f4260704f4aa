// Profile export/import as Cwtch does it: a .tar.gz of `<id>/db`, `<id>/SALT`, `<id>/VERSION` (docs/protocol.md §8).
// An imported archive is hostile input: every entry is checked from its header before anything is extracted
// (regular files only, exactly those three names under one 32-hex id, bounded sizes), and extraction goes to a
// staging folder that is renamed into place only after the files are checked again on disk.

import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { toHex } from '../core/bytes.js';
import { StorageError } from '../core/errors.js';
import { MAX_IMPORT_DB_BYTES, MAX_IMPORT_ENTRIES, MAX_IMPORT_VERSION_BYTES, PROFILE_ID_BYTES, PROFILE_SALT_BYTES } from '../core/limits.js';
import type { Random } from '../core/ports.js';
import { fsyncPath } from './files.js';
import { profilesDir } from './paths.js';
import { isProfileId, PROFILE_VERSION, type Profile, type ProfileId } from './profile-store.js';

const FILES: Readonly<Record<string, number>> = { db: MAX_IMPORT_DB_BYTES, SALT: PROFILE_SALT_BYTES, VERSION: MAX_IMPORT_VERSION_BYTES };

const invalid = (why: string) => new StorageError('profile.import-invalid', `not a profile archive: ${why}`);

/**
 * Writes `file` (.tar.gz) with a consistent snapshot of the profile: the db is copied with VACUUM INTO (same
 * key, no -wal needed) so writes made meanwhile cannot tear it. The archive is as encrypted as the profile.
 */
export async function exportProfile(profile: Profile, file: string): Promise<void> {
  const staging = mkdtempSync(join(tmpdir(), 'cwtch-export-'));
  try {
    const dir = join(staging, profile.id);
    mkdirSync(dir);
    profile.snapshotTo(join(dir, 'db'));
    copyFileSync(join(profile.dir, 'SALT'), join(dir, 'SALT'));
    copyFileSync(join(profile.dir, 'VERSION'), join(dir, 'VERSION'));
    const tmp = `${file}.partial`;
    await tar.create({ gzip: true, file: tmp, cwd: staging, portable: true }, [`${profile.id}/db`, `${profile.id}/SALT`, `${profile.id}/VERSION`]);
    fsyncPath(tmp);
    renameSync(tmp, file);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

interface Checked {
  readonly id: ProfileId;
}

/** Reads the archive's headers only and refuses anything but `<id>/` + the three files. */
async function checkArchive(file: string): Promise<Checked> {
  let id: string | null = null;
  let entries = 0;
  const seen = new Set<string>();
  let problem: string | null = null;
  const refuse = (why: string) => {
    problem ??= why;
  };
  await tar.list({
    file,
    strict: true,
    onReadEntry: (e) => {
      entries++;
      if (entries > MAX_IMPORT_ENTRIES) return refuse('too many entries');
      const raw = e.path;
      const parts = raw.replace(/\/$/, '').split('/');
      const top = parts[0] ?? '';
      if (raw.startsWith('/') || parts.some((x) => x === '..' || x === '.' || x === '')) return refuse('unsafe path');
      if (!isProfileId(top)) return refuse('unexpected top folder');
      if (id !== null && id !== top) return refuse('more than one profile');
      id = top;
      if (parts.length === 1) {
        if (e.type !== 'Directory') refuse('unexpected entry type');
        return;
      }
      const name = parts[1]!;
      const max = FILES[name];
      if (parts.length !== 2 || max === undefined) return refuse('unexpected file');
      if (e.type !== 'File' && e.type !== 'OldFile') return refuse('not a regular file');
      if (seen.has(name)) return refuse('duplicate entry');
      seen.add(name);
      if ((e.size ?? 0) > max) return refuse('entry too large');
    },
  });
  if (problem !== null) throw invalid(problem);
  if (id === null || seen.size !== 3) throw invalid('missing files');
  return { id };
}

/**
 * Imports an exported profile into `<home>/profiles/<id>`. No password is needed (the files stay encrypted);
 * the profile appears at the next unlock with its own password. Refuses a hostile archive with
 * 'profile.import-invalid' and an id that already exists with 'profile.import-exists'.
 */
export async function importProfile(home: string, file: string, random: Random): Promise<ProfileId> {
  let checked: Checked;
  try {
    checked = await checkArchive(file);
  } catch (e) {
    if (e instanceof StorageError) throw e;
    throw invalid('unreadable archive');
  }
  const profiles = profilesDir(home);
  mkdirSync(profiles, { recursive: true, mode: 0o700 });
  const target = join(profiles, checked.id);
  if (existsSync(target)) throw new StorageError('profile.import-exists', 'a profile with this id already exists');
  const staging = join(profiles, `.importing-${toHex(random.bytes(PROFILE_ID_BYTES))}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    await tar.extract({
      file,
      cwd: staging,
      strict: true,
      // Second line of defence: only the checked names, only regular files and the folder.
      filter: (path, entry) => {
        const t = (entry as { type?: string }).type;
        const clean = path.replace(/\/$/, '');
        if (clean === checked.id) return t === 'Directory';
        return (t === 'File' || t === 'OldFile') && Object.keys(FILES).some((f) => clean === `${checked.id}/${f}`);
      },
    });
    const dir = join(staging, checked.id);
    for (const [name, max] of Object.entries(FILES)) {
      const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
      if (!st || !st.isFile() || st.size > max) throw invalid('files did not extract as expected');
    }
    if (lstatSync(join(dir, 'SALT')).size !== PROFILE_SALT_BYTES) throw invalid('bad salt');
    if (readFileSync(join(dir, 'VERSION'), 'utf8').trim() !== PROFILE_VERSION) throw invalid('unsupported profile version');
    for (const name of Object.keys(FILES)) fsyncPath(join(dir, name));
    fsyncPath(dir);
    if (existsSync(target)) throw new StorageError('profile.import-exists', 'a profile with this id already exists');
    renameSync(dir, target);
    fsyncPath(profiles);
    return checked.id;
  } catch (e) {
    if (e instanceof StorageError) throw e;
    throw invalid('extraction failed');
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

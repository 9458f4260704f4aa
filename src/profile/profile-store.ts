// Encrypted profiles on disk, laid out like Cwtch v2 (docs/protocol.md §8):
//   <home>/profiles/<32-hex random id>/{SALT (128 random bytes), VERSION ("2"), db (SQLCipher)}
// key = PBKDF2-HMAC-SHA3-512(password, SALT, 4096, 32). Profiles cannot be listed without a password: unlocking
// tries the password on every folder and opens each one it unlocks (handbook "Profile Encryption & Storage").

import { ed25519 } from '@noble/curves/ed25519.js';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { constantTimeEqual, toHex } from '../core/bytes.js';
import type { Pbkdf2 } from '../core/crypto/backend.js';
import { DEFAULT_PASSWORD, deriveProfileKey } from '../core/crypto/kdf.js';
import { onionFromPublicKey } from '../core/crypto/onion.js';
import { StorageError } from '../core/errors.js';
import { PROFILE_ID_BYTES, PROFILE_SALT_BYTES } from '../core/limits.js';
import type { Random } from '../core/ports.js';
import { fsyncPath, readIfExists, removeIfExists, writeDurable } from './files.js';
import { profilesDir } from './paths.js';
import { ProfileDb } from './profile-db.js';
import { migrate } from './schema.js';
import { keyOpens, openReadWrite, rekey, vacuumInto, type Db } from './sqlcipher.js';

declare const profileIdBrand: unique symbol;
/** The 32-hex folder name of a profile. */
export type ProfileId = string & { readonly [profileIdBrand]: true };

export const PROFILE_VERSION = '2';
/** Attribute name of the profile's display name (Cwtch: `public.profile.name`). */
export const ATTR_NAME = 'public.profile.name';

const PROFILE_ID_RE = /^[0-9a-f]{32}$/;
export const isProfileId = (s: string): s is ProfileId => PROFILE_ID_RE.test(s);

export interface ProfileStoreDeps {
  readonly pbkdf2: Pbkdf2;
  readonly random: Random;
}

export interface CreateProfileOptions {
  readonly name: string;
  /** Absent or empty: DEFAULT_PASSWORD, i.e. readable by anyone with the files. */
  readonly password?: string;
  /** 32-byte ed25519 seed; random when absent. */
  readonly identitySeed?: Uint8Array;
}

const F = { salt: 'SALT', saltNew: 'SALT.new', version: 'VERSION', db: 'db', dbNew: 'db.new' } as const;

/** An unlocked profile: its open database and the key held in memory until `lock()`. */
export class Profile {
  #db: Db | null;
  #data: ProfileDb | null;
  #key: Uint8Array;
  #salt: Uint8Array;
  #defaultPassword: boolean;

  constructor(
    private readonly deps: ProfileStoreDeps,
    readonly id: ProfileId,
    readonly dir: string,
    db: Db,
    key: Uint8Array,
    salt: Uint8Array,
    password: string,
  ) {
    this.#db = db;
    this.#data = new ProfileDb(db);
    this.#key = key;
    this.#salt = salt;
    this.#defaultPassword = password === DEFAULT_PASSWORD;
  }

  /** The typed data API. Throws 'profile.locked' after `lock()`. */
  get db(): ProfileDb {
    if (!this.#data) throw new StorageError('profile.locked', 'the profile is locked');
    return this.#data;
  }

  /** The raw connection, for maintenance such as `PRAGMA integrity_check`; prefer `db`. */
  get connection(): Db {
    if (!this.#db) throw new StorageError('profile.locked', 'the profile is locked');
    return this.#db;
  }

  get isLocked(): boolean {
    return this.#db === null;
  }

  /**
   * True when the profile is protected only by Cwtch's published default password: anyone who can read the
   * files can read the profile. The UI must say so plainly.
   */
  get isDefaultPassword(): boolean {
    return this.#defaultPassword;
  }

  /** Closes the database and overwrites the key held in memory. Idempotent. */
  lock(): void {
    this.#db?.close();
    this.#db = null;
    this.#data = null;
    this.#key.fill(0);
  }

  /**
   * Re-keys the profile. Crash safety: SQLCipher's `PRAGMA rekey` rewrites the db in place and cannot be atomic
   * together with the SALT file, so we never rekey the live db. Instead:
   *   1. VACUUM INTO db.new (same key), rekey db.new (a scratch file, rollback journal), switch it to WAL, fsync;
   *   2. write SALT.new, fsync it and the folder;
   *   3. close the live db (checkpoints and removes -wal/-shm, so no stale WAL can be replayed onto db.new);
   *   4. rename db.new → db, fsync folder   ← commit point: the new password opens the profile from here on;
   *   5. rename SALT.new → SALT, fsync folder.
   * Opening tries SALT.new first when it exists, then SALT (see `openFolder`), and finishes or rolls back the
   * change. So after a crash at any point either the old or the new password opens the profile, never neither.
   */
  /** Whether `password` is this profile's (derives the key; compares in constant time). Changes nothing. */
  checkPassword(password: string): boolean {
    const k = deriveProfileKey(this.deps.pbkdf2, password === '' ? DEFAULT_PASSWORD : password, this.#salt);
    const same = constantTimeEqual(k, this.#key);
    k.fill(0);
    return same;
  }

  changePassword(oldPassword: string, newPassword: string): void {
    const db = this.connection;
    // "" is the default password, as at create and unlock.
    const oldCheck = deriveProfileKey(this.deps.pbkdf2, oldPassword === '' ? DEFAULT_PASSWORD : oldPassword, this.#salt);
    const same = constantTimeEqual(oldCheck, this.#key);
    oldCheck.fill(0);
    if (!same) throw new StorageError('profile.wrong-password', 'the current password is not correct');
    const password = newPassword === '' ? DEFAULT_PASSWORD : newPassword;
    const newSalt = this.deps.random.bytes(PROFILE_SALT_BYTES);
    const newKey = deriveProfileKey(this.deps.pbkdf2, password, newSalt);
    const p = (f: string) => join(this.dir, f);
    removeIfExists(p(F.dbNew), p(`${F.dbNew}-journal`), p(F.saltNew));
    try {
      vacuumInto(db, p(F.dbNew));
      const scratch = openReadWrite(p(F.dbNew), this.#key, { create: false, wal: false });
      try {
        rekey(scratch, newKey);
        // Switch to WAL here, on the scratch file: switching the live db later would write a rollback journal,
        // and a hot journal left by a crash cannot be checked with a read-only handle.
        scratch.pragma('journal_mode=WAL');
      } finally {
        scratch.close();
      }
      fsyncPath(p(F.dbNew));
      writeDurable(p(F.saltNew), newSalt);
      fsyncPath(this.dir);
    } catch (e) {
      removeIfExists(p(F.dbNew), p(`${F.dbNew}-journal`), p(F.saltNew));
      newKey.fill(0);
      throw e instanceof StorageError ? e : new StorageError('profile.change-password-failed', 'could not re-encrypt the profile');
    }
    db.close();
    this.#db = null;
    this.#data = null;
    if (existsSync(p(`${F.db}-wal`))) {
      // Another connection still holds the WAL: replacing db now could replay it onto the new file. Back out.
      removeIfExists(p(F.dbNew), p(F.saltNew));
      this.reopen(this.#key);
      newKey.fill(0);
      throw new StorageError('profile.change-password-failed', 'the profile database is in use');
    }
    renameSync(p(F.dbNew), p(F.db));
    fsyncPath(this.dir);
    renameSync(p(F.saltNew), p(F.salt));
    fsyncPath(this.dir);
    this.#key.fill(0);
    this.#salt = newSalt;
    this.#defaultPassword = password === DEFAULT_PASSWORD;
    this.reopen(newKey);
  }

  /**
   * Writes a consistent, still encrypted copy of the db to `path` (used by export), already in WAL mode so its
   * first open never writes a rollback journal.
   */
  snapshotTo(path: string): void {
    vacuumInto(this.connection, path);
    openReadWrite(path, this.#key, { create: false }).close();
  }

  private reopen(key: Uint8Array): void {
    this.#key = key;
    this.#db = openReadWrite(join(this.dir, F.db), key, { create: false });
    this.#data = new ProfileDb(this.#db);
  }
}

export class ProfileStore {
  constructor(private readonly deps: ProfileStoreDeps) {}

  /**
   * Creates a profile folder atomically: everything is written under `.creating-<id>` and renamed into place,
   * so a crash never leaves a half-made profile that unlock would try.
   */
  createProfile(home: string, opts: CreateProfileOptions): Profile {
    const { pbkdf2, random } = this.deps;
    const password = opts.password === undefined || opts.password === '' ? DEFAULT_PASSWORD : opts.password;
    const seed = opts.identitySeed ?? random.bytes(32);
    if (seed.length !== 32) throw new RangeError('identity seed must be 32 bytes');
    const profiles = profilesDir(home);
    mkdirSync(profiles, { recursive: true, mode: 0o700 });
    const id = toHex(random.bytes(PROFILE_ID_BYTES)) as ProfileId;
    const tmp = join(profiles, `.creating-${id}`);
    const dir = join(profiles, id);
    mkdirSync(tmp, { mode: 0o700 });
    const salt = random.bytes(PROFILE_SALT_BYTES);
    writeDurable(join(tmp, F.salt), salt);
    writeDurable(join(tmp, F.version), PROFILE_VERSION);
    const key = deriveProfileKey(pbkdf2, password, salt);
    const db = openReadWrite(join(tmp, F.db), key, { create: true });
    try {
      migrate(db);
      const data = new ProfileDb(db);
      data.own.setIdentity({ ed25519Seed: seed, onion: onionFromPublicKey(ed25519.getPublicKey(seed)) });
      data.own.setAttribute(ATTR_NAME, opts.name);
    } finally {
      // Close before the folder rename: SQLite derives the -wal path from the name it was opened with.
      db.close();
      key.fill(0);
    }
    fsyncPath(tmp);
    renameSync(tmp, dir);
    fsyncPath(profiles);
    const opened = openFolder(this.deps, dir, id, password);
    if (!opened) throw new StorageError('profile.open-failed', 'the new profile did not open');
    return opened;
  }

  /**
   * Opens every profile under `home` that `password` unlocks (empty → DEFAULT_PASSWORD). When profiles exist
   * but none opens: StorageError 'profile.wrong-password', and no file anywhere was created, changed or
   * truncated (keys are checked on read-only handles first). With no profile folders at all: `{opened: []}`.
   */
  unlockProfiles(home: string, password: string): { opened: Profile[] } {
    const pw = password === '' ? DEFAULT_PASSWORD : password;
    const ids = listProfileIds(home);
    const opened: Profile[] = [];
    for (const id of ids) {
      const p = openFolder(this.deps, join(profilesDir(home), id), id, pw);
      if (p) opened.push(p);
    }
    if (ids.length > 0 && opened.length === 0) throw new StorageError('profile.wrong-password', 'the password does not open any profile');
    return { opened };
  }

  /**
   * Locks and removes a profile. The folder is first renamed to `.deleting-<id>`, so a crash mid-way leaves
   * nothing that unlock would try.
   */
  deleteProfile(profile: Profile): void {
    profile.lock();
    const parent = join(profile.dir, '..');
    const doomed = join(parent, `.deleting-${profile.id}`);
    renameSync(profile.dir, doomed);
    fsyncPath(parent);
    rmSync(doomed, { recursive: true, force: true });
  }
}

/** Profile folder ids under `<home>/profiles` (real directories only, not symlinks or temp folders). */
export function listProfileIds(home: string): ProfileId[] {
  const dir = profilesDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter(isProfileId)
    .filter((name) => lstatSync(join(dir, name)).isDirectory())
    .sort();
}

/**
 * Tries `password` on one profile folder; null when it does not open it. Reads only, on read-only handles,
 * until a key is known good. Then it finishes (SALT.new opened the db) or rolls back (SALT opened it) an
 * interrupted password change, and opens read-write.
 */
function openFolder(deps: ProfileStoreDeps, dir: string, id: ProfileId, password: string): Profile | null {
  const version = readIfExists(join(dir, F.version));
  if (version === null || new TextDecoder().decode(version).trim() !== PROFILE_VERSION) return null;
  const dbPath = join(dir, F.db);
  if (!existsSync(dbPath)) return null;
  const candidates: { salt: Uint8Array; pending: boolean }[] = [];
  const saltNew = readIfExists(join(dir, F.saltNew));
  if (saltNew?.length === PROFILE_SALT_BYTES) candidates.push({ salt: saltNew, pending: true });
  const salt = readIfExists(join(dir, F.salt));
  if (salt?.length === PROFILE_SALT_BYTES) candidates.push({ salt, pending: false });
  for (const c of candidates) {
    const key = deriveProfileKey(deps.pbkdf2, password, c.salt);
    if (!keyOpens(dbPath, key)) {
      key.fill(0);
      continue;
    }
    if (c.pending) {
      renameSync(join(dir, F.saltNew), join(dir, F.salt));
    } else {
      removeIfExists(join(dir, F.saltNew));
    }
    removeIfExists(join(dir, F.dbNew), join(dir, `${F.dbNew}-journal`));
    if (c.pending || saltNew !== null) fsyncPath(dir);
    const db = openReadWrite(dbPath, key, { create: false });
    try {
      migrate(db);
    } catch (e) {
      db.close();
      key.fill(0);
      throw e;
    }
    return new Profile(deps, id, dir, db, key, c.salt, password);
  }
  return null;
}

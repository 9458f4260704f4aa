// Opening a profile's SQLCipher database. Every cipher and durability pragma lives here and nowhere else.
//
// docs/protocol.md §8: Go opens `db?_pragma_key=x'<hex>'&_pragma_cipher_page_size=8192` with go-sqlcipher v4, i.e.
// SQLCipher 4 defaults, a raw 32-byte key (no SQLCipher-internal KDF) and 8192-byte pages [unverified]. In
// SQLite3MultipleCiphers that is cipher=sqlcipher, legacy=4 and legacy_page_size=8192 (its name for
// cipher_page_size); these must be set before the key.

import Database from 'better-sqlite3-multiple-ciphers';
import { createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { toHex } from '../core/bytes.js';
import { StorageError } from '../core/errors.js';
import { PROFILE_DB_PAGE_SIZE } from '../core/limits.js';

export type Db = Database.Database;

/** Cipher configuration, applied before `key` on every connection. [unverified: docs/protocol.md §8] */
const CIPHER_PRAGMAS = ["cipher='sqlcipher'", 'legacy=4', `legacy_page_size=${PROFILE_DB_PAGE_SIZE}`] as const;

/** Durability once the key is known good: WAL, fsync on every commit, foreign keys enforced. */
const READ_WRITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=FULL', 'foreign_keys=ON'] as const;

function applyKey(db: Db, key: Uint8Array): void {
  if (key.length !== 32) throw new RangeError('profile key must be 32 bytes');
  for (const p of CIPHER_PRAGMAS) db.pragma(p);
  // A raw key skips SQLCipher's own PBKDF2 (~175 ms); JS strings cannot be wiped, so this copy lives until GC.
  db.pragma(`key="x'${toHex(key)}'"`);
}

/** SQLITE_NOTADB after keying means the key (or the page size) is wrong, or the file is not ours. */
function isWrongKey(e: unknown): boolean {
  return (e as { code?: unknown }).code === 'SQLITE_NOTADB';
}

/** Reading the schema forces page 1 to be decrypted: `PRAGMA key` itself never fails. */
function probe(db: Db): void {
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

// SQLCipher 4 page layout (legacy=4 defaults): page 1 = salt(16) ‖ ciphertext ‖ IV(16) ‖ HMAC-SHA512(64), the
// HMAC over everything between salt and HMAC followed by the page number as 4 bytes little-endian, keyed with
// PBKDF2-HMAC-SHA512(key, salt XOR 0x3a, 2 iterations, 32). Checked against SQLite3MC by the wrong-password tests.
const SALT_LEN = 16;
const HMAC_LEN = 64;
const HMAC_SALT_MASK = 0x3a;
const FAST_KDF_ITER = 2;

/**
 * Checks `key` against page 1's HMAC with plain reads: no SQLite, so a stale -wal/-shm left by a crash is not
 * even opened (SQLite would rebuild the -shm before it ever failed on the key). Null when the file is shorter
 * than one page (then only SQLite can tell).
 */
function page1HmacMatches(path: string, key: Uint8Array): boolean | null {
  const page = Buffer.alloc(PROFILE_DB_PAGE_SIZE);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, page, 0, page.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n < page.length) return null;
  const hmacSalt = Buffer.from(page.subarray(0, SALT_LEN).map((b) => b ^ HMAC_SALT_MASK));
  const hmacKey = pbkdf2Sync(key, hmacSalt, FAST_KDF_ITER, 32, 'sha512');
  const mac = createHmac('sha512', hmacKey)
    .update(page.subarray(SALT_LEN, page.length - HMAC_LEN))
    .update(Uint8Array.of(1, 0, 0, 0))
    .digest();
  hmacKey.fill(0);
  return timingSafeEqual(mac, page.subarray(page.length - HMAC_LEN));
}

/**
 * True when `key` opens the database at `path`. Never creates, changes or truncates a file when the key is
 * wrong: the key is first checked against page 1's HMAC with plain reads, then confirmed on a read-only handle.
 */
export function keyOpens(path: string, key: Uint8Array): boolean {
  if (key.length !== 32) throw new RangeError('profile key must be 32 bytes');
  try {
    if (page1HmacMatches(path, key) === false) return false;
  } catch (e) {
    throw toStorageError(e, 'profile.open-failed');
  }
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    applyKey(db, key);
    probe(db);
    return true;
  } catch (e) {
    if (isWrongKey(e)) return false;
    // A hot rollback journal: rolling it back with an unverified key could damage the db, so refuse instead.
    if ((e as { code?: unknown }).code === 'SQLITE_READONLY_ROLLBACK') {
      throw new StorageError('profile.needs-recovery', 'the profile has an unfinished write (hot journal) and was not opened');
    }
    throw toStorageError(e, 'profile.open-failed');
  } finally {
    db?.close();
  }
}

/**
 * Opens (or creates) the database read-write with the profile pragmas. Callers check the key with `keyOpens`
 * first for existing files; a wrong key here still fails with 'profile.wrong-password'.
 */
export function openReadWrite(path: string, key: Uint8Array, opts: { readonly create: boolean; readonly wal?: boolean }): Db {
  const db = new Database(path, { fileMustExist: !opts.create });
  try {
    applyKey(db, key);
    probe(db);
    for (const p of READ_WRITE_PRAGMAS) {
      if (p.startsWith('journal_mode') && opts.wal === false) continue;
      db.pragma(p);
    }
    return db;
  } catch (e) {
    db.close();
    if (isWrongKey(e)) throw new StorageError('profile.wrong-password', 'the password does not open this profile');
    throw toStorageError(e, 'profile.open-failed');
  }
}

/** Writes a consistent copy of the db to `path` with the same key (rollback-journal mode). `path` must not exist. */
export function vacuumInto(db: Db, path: string): void {
  db.exec(`VACUUM INTO '${path.replace(/'/g, "''")}'`);
}

/** Changes the key of a database that is NOT in WAL mode (SQLite3MC refuses rekey in WAL mode). */
export function rekey(db: Db, newKey: Uint8Array): void {
  if (newKey.length !== 32) throw new RangeError('profile key must be 32 bytes');
  db.pragma(`rekey="x'${toHex(newKey)}'"`);
}

/** SQLite result codes that mean "the disk refused", as opposed to a bug in our SQL. */
const DISK_FULL = new Set(['SQLITE_FULL']);

/**
 * Maps a SQLite error to a StorageError with a stable code and a message without data. Already-mapped errors
 * pass through. Disk full is 'profile.disk-full'; anything else gets `fallback`.
 */
export function toStorageError(e: unknown, fallback: string): StorageError {
  if (e instanceof StorageError) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && DISK_FULL.has(code)) return new StorageError('profile.disk-full', 'the disk or database is full');
  if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return new StorageError('profile.constraint', `storage refused the write (${code})`);
  }
  const detail = typeof code === 'string' ? code : (e as Error)?.name ?? 'unknown';
  return new StorageError(fallback, `storage failed (${detail})`);
}

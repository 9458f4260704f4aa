// The one owner of transactions over a profile's database: every family module (db-*.ts) reads and writes through
// the DbCore its ProfileDb made, and only `write` starts a transaction. A family method named `…InTx` starts none:
// it is a piece of a larger commit and must be called inside another family's `write`.

import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from './sqlcipher.js';
import { toStorageError } from './sqlcipher.js';

export type Row = Record<string, unknown>;

export const bytes = (v: unknown): Uint8Array | null => (v == null ? null : new Uint8Array(v as Uint8Array));
export const blob = (b: Uint8Array | null | undefined): Buffer | null => (b == null ? null : Buffer.from(b));

export class DbCore {
  constructor(private readonly db: Db) {}

  prepare(sql: string): Database.Statement {
    return this.db.prepare(sql);
  }

  /** Runs `fn` in one transaction; any SQLite failure becomes a StorageError and the transaction rolls back. */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (e) {
      throw toStorageError(e, 'profile.write-failed');
    }
  }

  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw toStorageError(e, 'profile.read-failed');
    }
  }
}

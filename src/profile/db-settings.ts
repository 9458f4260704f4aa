// Secret settings: small values kept only inside the encrypted profile (a group post's signed EGM, a fork mark, …).

import { blob, bytes, type DbCore, type Row } from './db-core.js';

export class Settings {
  constructor(private readonly core: DbCore) {}

  get(key: string): Uint8Array | null {
    const r = this.core.read(() => this.core.prepare('SELECT value FROM settings WHERE key = ?').get(key) as Row | undefined);
    return r ? bytes(r.value) : null;
  }

  set(key: string, value: Uint8Array): void {
    this.core.write(() => this.setInTx(key, value));
  }

  /** `set` without its transaction, for a larger commit (a group post's). */
  setInTx(key: string, value: Uint8Array): void {
    this.core.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, blob(value));
  }

  delete(key: string): void {
    this.core.write(() => this.deleteInTx([key]));
  }

  /** Deletes these settings, without a transaction of its own, for a larger commit (a group left, a post echoed). */
  deleteInTx(keys: readonly string[]): void {
    const st = this.core.prepare('DELETE FROM settings WHERE key = ?');
    for (const k of keys) st.run(k);
  }
}

// Imported group servers (trust on first use) and the privacy-pass tokens bought from each.

import { StorageError } from '../core/errors.js';
import { blob, bytes, type DbCore, type Row } from './db-core.js';

export interface Server {
  readonly onion: string;
  /** The signed key bundle JSON as imported. */
  readonly bundle: string;
  readonly keyBulletinBoard: string;
  readonly keyTokenService: string;
  readonly keyPrivacyPass: string;
  readonly importedAt: number;
}

export interface Token {
  readonly id: number;
  readonly server: string;
  readonly token: Uint8Array;
  readonly w: Uint8Array;
}

function toServer(r: Row): Server {
  return {
    onion: r.onion as string,
    bundle: r.bundle as string,
    keyBulletinBoard: r.key_bulletin_board as string,
    keyTokenService: r.key_token_service as string,
    keyPrivacyPass: r.key_privacy_pass as string,
    importedAt: r.imported_at as number,
  };
}

export class Servers {
  constructor(private readonly core: DbCore) {}

  /**
   * Stores an imported server. Trust on first use (docs/protocol.md §7.1): a server already known with different
   * keys is refused with 'profile.server-keys-changed'; the same keys again is a no-op returning false.
   */
  import(s: Server): boolean {
    return this.core.write(() => {
      const r = this.core.prepare('SELECT * FROM servers WHERE onion = ?').get(s.onion) as Row | undefined;
      if (r) {
        const old = toServer(r);
        if (old.keyBulletinBoard !== s.keyBulletinBoard || old.keyTokenService !== s.keyTokenService || old.keyPrivacyPass !== s.keyPrivacyPass) {
          throw new StorageError('profile.server-keys-changed', 'this server was imported before with different keys');
        }
        return false;
      }
      this.core
        .prepare('INSERT INTO servers (onion, bundle, key_bulletin_board, key_token_service, key_privacy_pass, imported_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(s.onion, s.bundle, s.keyBulletinBoard, s.keyTokenService, s.keyPrivacyPass, s.importedAt);
      return true;
    });
  }

  get(onion: string): Server | null {
    const r = this.core.read(() => this.core.prepare('SELECT * FROM servers WHERE onion = ?').get(onion) as Row | undefined);
    return r ? toServer(r) : null;
  }

  list(): Server[] {
    return this.core.read(() => (this.core.prepare('SELECT * FROM servers ORDER BY onion').all() as Row[]).map(toServer));
  }

  /** Deletes the server and its tokens. */
  delete(onion: string): void {
    this.core.write(() => this.core.prepare('DELETE FROM servers WHERE onion = ?').run(onion));
  }

  // ---- tokens ----

  addTokens(server: string, tokens: readonly { token: Uint8Array; w: Uint8Array }[]): void {
    this.core.write(() => {
      const st = this.core.prepare('INSERT INTO tokens (server, token, w) VALUES (?, ?, ?)');
      for (const t of tokens) st.run(server, blob(t.token), blob(t.w));
    });
  }

  /**
   * Takes one unspent token and marks it spent in the same commit, before it is shown to the server, so a crash
   * can waste a token but never spend one twice.
   */
  takeToken(server: string): Token | null {
    return this.core.write(() => {
      const r = this.core.prepare('SELECT * FROM tokens WHERE server = ? AND spent = 0 ORDER BY id LIMIT 1').get(server) as Row | undefined;
      if (!r) return null;
      this.core.prepare('UPDATE tokens SET spent = 1 WHERE id = ?').run(r.id);
      return { id: r.id as number, server: r.server as string, token: bytes(r.token)!, w: bytes(r.w)! };
    });
  }

  unspentTokens(server: string): number {
    return this.core.read(() => (this.core.prepare('SELECT count(*) AS n FROM tokens WHERE server = ? AND spent = 0').get(server) as Row).n as number);
  }
}

// The profile's own identity (its ed25519 seed and onion) and its public attributes (name, status, …).

import { blob, bytes, type DbCore, type Row } from './db-core.js';

export interface Identity {
  readonly ed25519Seed: Uint8Array;
  readonly onion: string;
}

export class OwnIdentity {
  constructor(private readonly core: DbCore) {}

  identity(): Identity | null {
    const r = this.core.read(() => this.core.prepare('SELECT ed25519_seed, onion FROM identity WHERE id = 1').get() as Row | undefined);
    return r ? { ed25519Seed: bytes(r.ed25519_seed)!, onion: r.onion as string } : null;
  }

  setIdentity(id: Identity): void {
    this.core.write(() =>
      this.core.prepare('INSERT OR REPLACE INTO identity (id, ed25519_seed, onion) VALUES (1, ?, ?)').run(blob(id.ed25519Seed), id.onion),
    );
  }

  getAttribute(key: string): string | null {
    const r = this.core.read(() => this.core.prepare('SELECT value FROM attributes WHERE key = ?').get(key) as Row | undefined);
    return r ? (r.value as string) : null;
  }

  setAttribute(key: string, value: string): void {
    this.core.write(() => this.core.prepare('INSERT OR REPLACE INTO attributes (key, value) VALUES (?, ?)').run(key, value));
  }

  attributes(): Map<string, string> {
    const rows = this.core.read(() => this.core.prepare('SELECT key, value FROM attributes ORDER BY key').all() as Row[]);
    return new Map(rows.map((r) => [r.key as string, r.value as string]));
  }
}

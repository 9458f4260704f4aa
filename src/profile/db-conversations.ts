// Conversations: one row per contact or group, with its name, authorization, activity, unread count and marks.

import type { DbCore, Row } from './db-core.js';

declare const conversationBrand: unique symbol;
/** Row id of a conversation in this profile's db; not meaningful anywhere else. */
export type ConversationId = number & { readonly [conversationBrand]: true };

export type ConversationKind = 'contact' | 'group';
export type Authorization = 'unknown' | 'approved' | 'blocked';

export interface Conversation {
  readonly id: ConversationId;
  readonly kind: ConversationKind;
  /** Peer onion for contacts, group id for groups. */
  readonly handle: string;
  /** The name the peer announced (contacts) or the invite carried (groups). */
  readonly name: string;
  /** The user's own name for it (rename), shown instead of `name`; null when never renamed. */
  readonly localName: string | null;
  readonly authorization: Authorization;
  readonly lastActivity: number;
  readonly unread: number;
  /** When the user marked this contact verified (the verification code matched); null: never, or taken back. */
  readonly verifiedAt: number | null;
  /** The user muted it: its new messages are counted apart and never announced. */
  readonly muted: boolean;
}

function toConversation(r: Row): Conversation {
  return {
    id: r.id as ConversationId,
    kind: r.kind as ConversationKind,
    handle: r.handle as string,
    name: r.name as string,
    localName: (r.local_name as string | null) ?? null,
    authorization: r.authorization as Authorization,
    lastActivity: r.last_activity as number,
    unread: r.unread as number,
    verifiedAt: (r.verified_at as number | null) ?? null,
    muted: r.muted === 1,
  };
}

export class Conversations {
  constructor(private readonly core: DbCore) {}

  create(c: { kind: ConversationKind; handle: string; name?: string; authorization?: Authorization; lastActivity?: number }): Conversation {
    return this.core.write(() => {
      const info = this.core
        .prepare('INSERT INTO conversations (kind, handle, name, authorization, last_activity) VALUES (?, ?, ?, ?, ?)')
        .run(c.kind, c.handle, c.name ?? '', c.authorization ?? 'unknown', c.lastActivity ?? 0);
      return this.row(Number(info.lastInsertRowid) as ConversationId)!;
    });
  }

  private row(id: ConversationId): Conversation | null {
    const r = this.core.prepare('SELECT * FROM conversations WHERE id = ?').get(id) as Row | undefined;
    return r ? toConversation(r) : null;
  }

  get(id: ConversationId): Conversation | null {
    return this.core.read(() => this.row(id));
  }

  find(handle: string): Conversation | null {
    const r = this.core.read(() => this.core.prepare('SELECT * FROM conversations WHERE handle = ?').get(handle) as Row | undefined);
    return r ? toConversation(r) : null;
  }

  /** Most recently active first. */
  list(): Conversation[] {
    return this.core.read(() => (this.core.prepare('SELECT * FROM conversations ORDER BY last_activity DESC, id').all() as Row[]).map(toConversation));
  }

  update(id: ConversationId, patch: { name?: string; authorization?: Authorization }): void {
    this.core.write(() => {
      if (patch.name !== undefined) this.core.prepare('UPDATE conversations SET name = ? WHERE id = ?').run(patch.name, id);
      if (patch.authorization !== undefined) this.core.prepare('UPDATE conversations SET authorization = ? WHERE id = ?').run(patch.authorization, id);
    });
  }

  /** The user's local name for a conversation (null: back to the announced one). */
  setLocalName(id: ConversationId, name: string | null): void {
    this.core.write(() => this.core.prepare('UPDATE conversations SET local_name = ? WHERE id = ?').run(name, id));
  }

  setMuted(id: ConversationId, on: boolean): void {
    this.core.write(() => this.core.prepare('UPDATE conversations SET muted = ? WHERE id = ?').run(on ? 1 : 0, id));
  }

  /** Mark a contact verified at `at` (ms), or not (null). */
  setVerified(id: ConversationId, at: number | null): void {
    this.core.write(() => this.core.prepare('UPDATE conversations SET verified_at = ? WHERE id = ?').run(at, id));
  }

  markRead(id: ConversationId): void {
    this.core.write(() => this.core.prepare('UPDATE conversations SET unread = 0 WHERE id = ?').run(id));
  }

  /** Deletes the conversation with its messages, outbox entries, group row and gaps (ON DELETE CASCADE). */
  delete(id: ConversationId): void {
    this.core.write(() => this.core.prepare('DELETE FROM conversations WHERE id = ?').run(id));
  }
}

// What a contact's connection brings in (the PeerHandler side of ProfileRuntime): who is let in (an unknown peer
// becomes a contact request, unless block-unknown is on or there are too many), a chat message acknowledged only
// once its row is committed and stored once per message id, an ack of ours, the peer's announced name.

import type { EngineEvent, GroupInviteCard } from '../../core/api/events.js';
import type { OnionAddress } from '../../core/crypto/onion.js';
import { CwtchError } from '../../core/errors.js';
import { MAX_DISPLAY_NAME_LENGTH, MAX_UNKNOWN_CONVERSATIONS } from '../../core/limits.js';
import { encodeOverlay, overlayText, type Overlay } from '../../core/peer/overlay.js';
import type { PeerSession } from '../../core/peer/peer-app.js';
import type { Conversation, ProfileDb } from '../../profile/profile-db.js';
import type { Profile } from '../../profile/profile-store.js';
import type { RuntimeDeps } from './deps.js';
import { quoteOf } from './quotes.js';

/** Secret setting key: "1" when peers we have not approved are disconnected right after auth. */
export const SETTING_BLOCK_UNKNOWN = 'engine.block-unknown';

/** What the inbox asks of the profile runtime. */
export interface InboxHost {
  emit(e: EngineEvent): void;
  inviteCard(overlay: Overlay): GroupInviteCard | undefined;
}

export class PeerInbox {
  constructor(
    private readonly deps: RuntimeDeps,
    private readonly profile: Profile,
    private readonly host: InboxHost,
  ) {}

  private get db(): ProfileDb {
    return this.profile.db;
  }

  /** Called right after authentication (the runtime has checked it is open): false closes the connection. */
  admit(onion: OnionAddress): boolean {
    const conv = this.db.findConversation(onion);
    if (conv !== null) return conv.authorization !== 'blocked' && !(conv.authorization === 'unknown' && this.blockUnknown());
    if (this.blockUnknown()) return false;
    const unknown = this.db.listConversations().filter((c) => c.authorization === 'unknown').length;
    if (unknown >= MAX_UNKNOWN_CONVERSATIONS) return false;
    const created = this.db.createConversation({ kind: 'contact', handle: onion, authorization: 'unknown', lastActivity: this.deps.clock.now() });
    this.host.emit(contactEvent(created));
    return true;
  }

  private blockUnknown(): boolean {
    return this.db.getSetting(SETTING_BLOCK_UNKNOWN)?.[0] === 1;
  }

  /** A chat message (the runtime has checked it is open): true once committed (or a duplicate), so it is acked. */
  message(s: PeerSession, id: string, overlay: Overlay): boolean {
    const conv = this.db.findConversation(s.onion);
    if (conv === null || conv.authorization === 'blocked') return false;
    const now = this.deps.clock.now();
    let r;
    try {
      r = this.db.insertMessage({ conversation: conv.id, direction: 'in', sender: s.onion, body: bodyOf(overlay), receivedAt: now, protocolId: id });
    } catch (e) {
      // Not committed (disk full, …): no ack, so the sender keeps it and tries again later.
      this.deps.log(`engine: could not store a message (${e instanceof CwtchError ? e.code : 'error'})`);
      return false;
    }
    if (!r.isNew) return true;
    const quote = quoteOf(this.db, conv.id, overlay);
    const card = this.host.inviteCard(overlay);
    this.host.emit({
      event: 'message',
      conversation: s.onion,
      from: s.onion,
      text: overlayText(overlay),
      time: now,
      messageId: id,
      outgoing: false,
      ack: 'acknowledged',
      overlay: overlay.overlay,
      ...(quote !== undefined ? { quote } : {}),
      ...(card !== undefined ? { groupInvite: card } : {}),
    });
    if (card !== undefined) this.host.emit({ event: 'invite', from: s.onion, groupId: card.groupId, groupName: card.groupName, text: overlay.data });
    return true;
  }

  ack(s: PeerSession, id: string): void {
    if (this.profile.isLocked) return;
    const conv = this.db.findConversation(s.onion);
    if (conv === null) return;
    const m = this.db.findMessageByProtocolId(conv.id, id);
    if (m === null || m.direction !== 'out' || m.ack === 'acknowledged') return;
    this.db.markAck(m.id, 'acknowledged');
    this.host.emit({ event: 'ack', conversation: conv.handle, messageId: id });
  }

  name(s: PeerSession, name: string): void {
    if (this.profile.isLocked) return;
    const conv = this.db.findConversation(s.onion);
    // Stored bounded; the UI makes it safe to show (names.ts) when drawing.
    const bounded = [...name].slice(0, MAX_DISPLAY_NAME_LENGTH * 4).join('');
    if (conv === null || conv.name === bounded) return;
    this.db.updateConversation(conv.id, { name: bounded });
    // Renamed by the user: the announced name is kept, but what is shown does not change.
    if (conv.localName === null) this.host.emit(contactEvent(this.db.getConversation(conv.id)!));
  }
}

/** Messages are stored as their overlay JSON, as Cwtch does; history decodes it again. */
function bodyOf(o: Overlay): string {
  return new TextDecoder().decode(encodeOverlay(o));
}

export function contactEvent(c: Conversation): Extract<EngineEvent, { event: 'contact' }> {
  return { event: 'contact', onion: c.handle, position: Number(c.id), name: c.localName ?? c.name, authorization: c.authorization, unread: c.unread, lastActivity: c.lastActivity, verified: c.verifiedAt !== null, ...(c.muted ? { muted: true } : {}) };
}

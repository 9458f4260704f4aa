// A contact's outbox (ARCHITECTURE.md durability rules): a message we send is committed before it is on the wire,
// and re-sent on every new connection to that contact (and after restarts) until its ack arrives. The overlay is
// encoded once, when it is sent: that JSON is what is stored, measured and transmitted.

import type { EngineEvent, GroupInviteCard } from '../../core/api/events.js';
import { utf8 } from '../../core/bytes.js';
import type { OnionAddress } from '../../core/crypto/onion.js';
import { UsageError } from '../../core/errors.js';
import { PEER_OUTBOX_BATCH } from '../../core/limits.js';
import { decodeOverlay, encodeOverlay, overlayText, type Overlay } from '../../core/peer/overlay.js';
import { chatMessageFits, newMessageId, type PeerSession } from '../../core/peer/peer-app.js';
import type { Conversation, Message, ProfileDb } from '../../profile/profile-db.js';
import type { Profile } from '../../profile/profile-store.js';
import { withId, type RuntimeDeps } from './deps.js';

/** What the outbox asks of the profile runtime. */
export interface OutboxHost {
  readonly onion: OnionAddress;
  emit(e: EngineEvent): void;
  session(onion: OnionAddress): PeerSession | null;
  dial(onion: OnionAddress): void;
  inviteCard(overlay: Overlay): GroupInviteCard | undefined;
}

export class PeerOutbox {
  constructor(
    private readonly deps: RuntimeDeps,
    private readonly profile: Profile,
    private readonly host: OutboxHost,
  ) {}

  private get db(): ProfileDb {
    return this.profile.db;
  }

  /** Queue `overlay` for contact `conv` (committed first), then send it now if connected, else dial. */
  send(conv: Conversation, overlay: Overlay, id?: string): void {
    if (conv.authorization === 'blocked') throw new UsageError('contact.blocked', 'you blocked this contact; unblock it by accepting it first');
    const messageId = newMessageId(this.deps.random);
    const encoded = encodeOverlay(overlay);
    if (!chatMessageFits(messageId, encoded)) throw new UsageError('message.too-long', 'the message is too long to send in one piece; split it');
    const now = this.deps.clock.now();
    // Messages are stored as their overlay JSON, as Cwtch does; history decodes it again.
    const r = this.db.queueOutgoing({ conversation: conv.id, sender: this.host.onion, body: new TextDecoder().decode(encoded), sentAt: now, receivedAt: now, protocolId: messageId }, now);
    const card = this.host.inviteCard(overlay);
    this.host.emit({
      ...withId(id),
      event: 'message',
      conversation: conv.handle,
      from: this.host.onion,
      text: overlayText(overlay),
      time: now,
      messageId,
      outgoing: true,
      ack: 'pending',
      overlay: overlay.overlay,
      ...(card !== undefined ? { groupInvite: card } : {}),
    });
    const h = conv.handle as OnionAddress;
    const s = this.host.session(h);
    if (s !== null) this.transmit(s, conv, this.db.getMessage(r.id)!, encoded);
    else this.host.dial(h);
  }

  /** Send every unacknowledged message of this contact (oldest first) on `s`. */
  flush(s: PeerSession): void {
    const conv = this.db.findConversation(s.onion);
    if (conv === null || conv.authorization !== 'approved') return;
    const due = this.db.outbox.forConversation(conv.id);
    for (const e of due.slice(0, PEER_OUTBOX_BATCH)) {
      if (s.closed) return;
      this.transmit(s, conv, e.message);
    }
  }

  /** `encoded`: the overlay JSON just stored as `m.body`; else the stored body is sent as it is, once it reads. */
  private transmit(s: PeerSession, conv: Conversation, m: Message, encoded?: Uint8Array): void {
    if (m.protocolId === null) return;
    const data = encoded ?? (decodeOverlay(m.body).ok ? utf8(m.body) : null);
    const r = data !== null ? s.sendMessage(m.protocolId, data) : { ok: false as const, error: { code: 'peer.too-large', reason: '' } };
    if (!r.ok) {
      if (r.error.code === 'peer.too-large') this.fail(conv, m, 'the message is too long to send in one piece');
      return;
    }
    if (m.ack === 'pending') {
      this.db.markAck(m.id, 'sent');
      this.host.emit({ event: 'sent', conversation: conv.handle, messageId: m.protocolId });
    }
  }

  private fail(conv: Conversation, m: Message, reason: string): void {
    this.db.markAck(m.id, 'failed', reason);
    this.host.emit({ event: 'failed', conversation: conv.handle, messageId: m.protocolId ?? String(m.id), reason });
  }
}

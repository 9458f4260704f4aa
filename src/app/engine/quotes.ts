// A quoted reply's original, found once in the engine so the UI never parses protocol JSON (docs/protocol.md §6.3):
// the message of this conversation whose content hash the reply names, among the last QUOTE_SEARCH_MESSAGES.

import type { MessageQuote } from '../../core/api/events.js';
import { toBase64 } from '../../core/bytes.js';
import { QUOTE_SEARCH_MESSAGES } from '../../core/limits.js';
import { contentHash, decodeOverlay, decodeQuote, overlayText, type Overlay } from '../../core/peer/overlay.js';
import type { ConversationId, Message, ProfileDb } from '../../profile/profile-db.js';

/** The id events give a stored message: the protocol's, else the group signature, else the row's. */
export function messageIdOf(m: Message): string {
  return m.protocolId ?? (m.groupSignature === null ? null : toBase64(m.groupSignature)) ?? String(m.id);
}

/** For a quoted reply: its original (id and text) when held, `{}` when not; undefined for any other overlay. */
export function quoteOf(db: ProfileDb, conversation: ConversationId, overlay: Overlay): MessageQuote | undefined {
  const q = decodeQuote(overlay);
  if (q === null) return undefined;
  for (const m of db.messagesPage(conversation, undefined, QUOTE_SEARCH_MESSAGES)) {
    if (contentHash(m.sender, m.body) !== q.quotedHash) continue;
    const o = decodeOverlay(m.body);
    return { messageId: messageIdOf(m), text: o.ok ? overlayText(o.value) : '' };
  }
  return {};
}

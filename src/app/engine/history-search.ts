// Reading a profile's stored messages back: `history` (a page of one conversation, a group's in its timeline
// order) and `search` (any case, newest first, within SEARCH_MAX_SCAN messages read), and the one-line card of a
// group invite a message carries.

import type { AckState, EngineEvent, GroupInviteCard, HistoryMessage, SearchHit } from '../../core/api/events.js';
import { toBase64 } from '../../core/bytes.js';
import type { CryptoBackend, Pbkdf2 } from '../../core/crypto/backend.js';
import { UsageError } from '../../core/errors.js';
import { SEARCH_MAX_RESULTS, SEARCH_MAX_SCAN } from '../../core/limits.js';
import { decodePaste } from '../../core/paste.js';
import { decodeOverlay, OVERLAY_GROUP_INVITE, overlayText, type Overlay } from '../../core/peer/overlay.js';
import type { ConversationId, Message, MessageId, ProfileDb } from '../../profile/profile-db.js';
import { withId } from './deps.js';
import { messageIdOf, quoteOf } from './quotes.js';

type CardOf = (o: Overlay) => GroupInviteCard | undefined;

/** A group invite overlay that decodes: its group (the invite event and the message's one-line card). */
export function inviteCard(backend: CryptoBackend, pbkdf2: Pbkdf2, overlay: Overlay): GroupInviteCard | undefined {
  if (overlay.overlay !== OVERLAY_GROUP_INVITE) return undefined;
  const p = decodePaste(backend, pbkdf2, overlay.data);
  return p.ok && (p.value.kind === 'invite' || p.value.kind === 'tofubundle') ? { groupId: p.value.invite.groupId, groupName: p.value.invite.groupName } : undefined;
}

/** `history`: the page before `before` (newest `limit`, 200 by default); the conversation is read then. */
export function historyEvent(
  db: ProfileDb,
  conversation: string,
  limit: number | undefined,
  before: string | undefined,
  inTimelineOrder: (conv: ConversationId, rows: readonly Message[]) => Message[],
  cardOf: CardOf,
  id?: string,
): EngineEvent {
  const conv = db.findConversation(conversation);
  if (conv === null) throw new UsageError('conversation.unknown', 'no such conversation');
  let beforeId: MessageId | undefined;
  if (before !== undefined) {
    const m = db.findMessageByProtocolId(conv.id, before);
    if (m === null) throw new UsageError('history.before', '"before" is not a message of this conversation');
    beforeId = m.id;
  }
  let rows = db.messagesPage(conv.id, beforeId, limit ?? 200);
  // A group's order is its hash-chained timeline (causal), not arrival order.
  if (conv.kind === 'group') rows = inTimelineOrder(conv.id, rows);
  db.markRead(conv.id);
  return { ...withId(id), event: 'history', conversation: conv.handle, messages: rows.map((m) => historyMessage(db, m, cardOf)) };
}

/** `search`: the messages whose text holds `text` (any case), newest first, within SEARCH_MAX_SCAN messages read. */
export function searchEvent(db: ProfileDb, text: string, conversation: string | undefined, limit: number | undefined, id?: string): EngineEvent {
  const q = text.trim().toLocaleLowerCase();
  if (q.length === 0) throw new UsageError('search.empty', 'give the words to search for');
  const one = conversation === undefined ? null : db.findConversation(conversation);
  if (conversation !== undefined && one === null) throw new UsageError('conversation.unknown', 'no such conversation');
  const convs = one !== null ? [one] : db.listConversations();
  const max = Math.max(1, Math.min(limit ?? SEARCH_MAX_RESULTS, SEARCH_MAX_RESULTS));
  const hits: SearchHit[] = [];
  let scanned = 0;
  let more = false;
  for (const c of convs) {
    let before: MessageId | undefined;
    for (;;) {
      const page = db.messagesPage(c.id, before, 500);
      if (page.length === 0) break;
      for (const m of page) {
        const o = decodeOverlay(m.body);
        const t = o.ok ? overlayText(o.value) : '';
        if (t.toLocaleLowerCase().includes(q)) hits.push({ conversation: c.handle, messageId: messageIdOf(m), from: m.sender, text: t, time: m.receivedAt });
      }
      scanned += page.length;
      before = page[0]!.id;
      if (scanned >= SEARCH_MAX_SCAN) break;
    }
    if (scanned >= SEARCH_MAX_SCAN) {
      more = true;
      break;
    }
  }
  hits.sort((a, b) => b.time - a.time);
  return { ...withId(id), event: 'search', query: text, results: hits.slice(0, max), more: more || hits.length > max };
}

function historyMessage(db: ProfileDb, m: Message, cardOf: CardOf): HistoryMessage {
  const o = decodeOverlay(m.body);
  const sig = m.groupSignature === null ? null : toBase64(m.groupSignature);
  const quote = o.ok ? quoteOf(db, m.conversation, o.value) : undefined;
  const card = o.ok ? cardOf(o.value) : undefined;
  return {
    ...(sig !== null ? { signature: sig } : {}),
    messageId: messageIdOf(m),
    from: m.sender,
    text: o.ok ? overlayText(o.value) : '',
    time: m.receivedAt,
    outgoing: m.direction === 'out',
    ack: m.ack as AckState,
    ...(quote !== undefined ? { quote } : {}),
    ...(card !== undefined ? { groupInvite: card } : {}),
  };
}

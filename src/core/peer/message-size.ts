// How much of one message a text uses, and a long text cut into messages that each fit, in order. The limits are
// the wire's (docs/protocol.md §6.4, §7.4): a chat message is one peer packet in the larger (v1, base64) framing;
// a group message's overlay JSON is at most MAX_GROUP_MESSAGE_LENGTH bytes before padding.

import { MAX_ENCRYPTED_PAYLOAD, MAX_GROUP_MESSAGE_LENGTH } from '../limits.js';
import { encodeOverlay, OVERLAY_TEXT } from './overlay.js';
import { CONTEXT_RAW, encodePeerMessage } from './peer-message.js';

export type MessageKind = 'contact' | 'group';

/** The longest message id we send (a uint32 in decimal, peer-app.ts newMessageId): sizes are for the worst case. */
const LONGEST_ID = '4294967295';

/** Bytes the text takes of its one message, and the most there is room for. */
export function messageSize(kind: MessageKind, text: string): { readonly used: number; readonly max: number } {
  const overlay = encodeOverlay({ overlay: OVERLAY_TEXT, data: text });
  if (kind === 'group') return { used: overlay.length, max: MAX_GROUP_MESSAGE_LENGTH };
  return { used: encodePeerMessage({ id: LONGEST_ID, context: CONTEXT_RAW, data: overlay }, 1).length, max: MAX_ENCRYPTED_PAYLOAD };
}

export function textFits(kind: MessageKind, text: string): boolean {
  const s = messageSize(kind, text);
  return s.used <= s.max;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The text as pieces that each fit one message, in order, joined back they are the text. Cut at the last line
 * break, else the last space, in the second half of what fits; else between two characters (never inside one).
 */
export function splitText(kind: MessageKind, text: string): string[] {
  const pieces: string[] = [];
  let rest = [...graphemes.segment(text)].map((g) => g.segment);
  while (rest.length > 0) {
    if (textFits(kind, rest.join(''))) {
      pieces.push(rest.join(''));
      break;
    }
    // The most characters that fit: a binary search over the prefix length (encoding is monotone in it).
    let lo = 1;
    let hi = rest.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (textFits(kind, rest.slice(0, mid).join(''))) lo = mid;
      else hi = mid - 1;
    }
    let cut = lo;
    for (const sep of ['\n', ' ']) {
      const at = rest.slice(0, lo).lastIndexOf(sep);
      if (at >= lo / 2) {
        cut = at + 1;
        break;
      }
    }
    pieces.push(rest.slice(0, cut).join(''));
    rest = rest.slice(cut);
  }
  return pieces;
}


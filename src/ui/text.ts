// The UI's one door for text. Network text becomes SafeText in the view model (reducer); text the UI
// writes itself goes through uiText(). Components take SafeText props, so a raw string from the
// network cannot reach <Text> without a type error.

import { toSafeText, type SafeText } from '../core/text/safe-text.js';

export type { SafeText };

/** A literal written by the UI (labels, help, hints). Still sanitised: literals can interpolate values. */
export function uiText(literal: string): SafeText {
  return toSafeText(literal);
}

/** A secret as the screen shows it: one bullet per character, so only its length can be seen. */
export function secretMask(secret: string): string {
  return '•'.repeat(Array.from(secret).length);
}

/** Untrusted text from the engine (names, messages, reasons), made safe to draw. */
export function untrusted(raw: string): SafeText {
  return toSafeText(raw);
}

/** Untrusted text that must stay on one line (summaries, reasons, server names). */
export function untrustedLine(raw: string): SafeText {
  return toSafeText(raw, { singleLine: true });
}

// UI-only state (what is selected, scrolled, typed, open) — separate from the engine-built view model.

import { EMPTY_COMPOSER, type ComposerState } from '../keys/composer.js';
import type { SafeText } from '../text.js';

export type Modal =
  | { readonly kind: 'none' }
  | { readonly kind: 'help'; readonly topic?: string; readonly offset?: number }
  | { readonly kind: 'switcher'; readonly query: string; readonly index: number }
  /** `sent`: Enter sent it to the engine; the box stays (with the text) until the answer, and shows a refusal. */
  | { readonly kind: 'paste'; readonly text: string; readonly sent?: boolean }
  /** Imported servers; `index` is the selected row for "s: sync now". */
  | { readonly kind: 'servers'; readonly index: number }
  /** The last search's hits (the view model's `search`); `index` is the selected one, Enter opens it. */
  | { readonly kind: 'search'; readonly index: number }
  /** `/password`: the current password, the new one, the new one again; never drawn, only counted. */
  | { readonly kind: 'password'; readonly field: 'old' | 'new' | 'again'; readonly old: string; readonly new: string; readonly again: string; readonly mismatch?: boolean }
  /** `/profile new`: another profile's name, then its password twice (never drawn, only counted). */
  | { readonly kind: 'new-profile'; readonly field: 'name' | 'new' | 'again'; readonly name: string; readonly new: string; readonly again: string; readonly mismatch?: boolean }
  /** `/set` alone: the UI settings and their values. */
  | { readonly kind: 'settings' }
  /** A QR code (qr.ts rows) under its title; any of Esc, q, Enter closes it. */
  | { readonly kind: 'qr'; readonly title: SafeText; readonly lines: readonly SafeText[] };

export interface LocalState {
  readonly selected?: string;
  /** Scroll anchor per conversation (bottom message index); absent follows the newest message. */
  readonly anchors: ReadonlyMap<string, number>;
  readonly composer: ComposerState;
  readonly modal: Modal;
  /** A one-line note from the UI itself (slash errors, hints). */
  readonly notice?: SafeText;
  readonly showFailReasons: boolean;
  /** Tab-completion candidates to show under the composer. */
  readonly completions: readonly string[];
  /** A text too long for one message that the user was asked about: Enter again sends it as several. */
  readonly splitAsk?: string;
}

export const INITIAL_LOCAL: LocalState = {
  anchors: new Map(),
  composer: EMPTY_COMPOSER,
  modal: { kind: 'none' },
  showFailReasons: false,
  completions: [],
};

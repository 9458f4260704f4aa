// The input line(s). Pure display: the keypress layer (keys/composer.ts) owns the text.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { TUI_MAX_COMPOSER_LINES, PASTE_CONFIRM_LINES } from '../../core/limits.js';
import { lineCount, type ComposerState } from '../keys/composer.js';
import { uiText, type SafeText } from '../text.js';
import { composerLines } from '../view-model/composer-view.js';
import { SafeTextView } from './SafeTextView.js';

export interface ComposerProps {
  readonly composer: ComposerState;
  readonly notice?: SafeText;
  readonly completions: readonly string[];
  /** Shown dimmed when the composer is empty. */
  readonly placeholder: SafeText;
  /** Terminal columns: the cursor line scrolls sideways to keep the cursor in view. */
  readonly width: number;
  /** How much of one message the text uses; a counter shows from SIZE_COUNTER_FROM of it. */
  readonly size?: { readonly used: number; readonly max: number };
}

/** The counter shows once the text uses this share of one message. Our choice: time to see it coming. */
const SIZE_COUNTER_FROM = 0.8;

const showsCounter = (size: ComposerProps['size']): boolean => size !== undefined && size.used >= size.max * SIZE_COUNTER_FROM;

/** How many terminal rows the composer takes, so the pane can give it room. */
export function composerHeight(p: Pick<ComposerProps, 'composer' | 'notice' | 'completions' | 'size'>): number {
  const lines = Math.min(TUI_MAX_COMPOSER_LINES, Math.max(1, lineCount(p.composer.text)));
  return lines + (p.composer.confirming || p.composer.largePaste ? 1 : 0) + (p.notice !== undefined ? 1 : 0) + (p.completions.length > 0 ? 1 : 0) + (showsCounter(p.size) ? 1 : 0);
}

export function Composer({ composer, notice, completions, placeholder, width, size }: ComposerProps): ReactNode {
  const n = lineCount(composer.text);
  return (
    <Box flexDirection="column">
      {size !== undefined && showsCounter(size) ? (
        <SafeTextView
          text={uiText(size.used <= size.max ? `${size.used}/${size.max} bytes of one message` : `${size.used}/${size.max} bytes: too long for one message; Enter offers to send it as several`)}
          color={size.used <= size.max ? 'yellow' : 'red'}
          wrap="truncate"
        />
      ) : null}
      {notice !== undefined ? <SafeTextView text={notice} color="yellow" wrap="truncate" /> : null}
      {completions.length > 0 ? <SafeTextView text={uiText(completions.join('  '))} color="cyan" wrap="truncate" /> : null}
      {composer.confirming ? (
        <SafeTextView text={uiText(`Send this ${n}-line paste? Enter sends it, Esc keeps editing.`)} color="yellow" bold />
      ) : composer.largePaste ? (
        <SafeTextView text={uiText(`Pasted ${n} lines (more than ${PASTE_CONFIRM_LINES}): Enter will ask before sending.`)} dim />
      ) : null}
      {composer.text.length === 0 ? (
        <SafeTextView text={uiText('> ')} bold wrap="truncate">
          <SafeTextView text={uiText(' ')} inverse />
          <SafeTextView text={placeholder} dim />
        </SafeTextView>
      ) : (
        // The cursor is a cell in inverse video (Ink hides the terminal's own cursor).
        composerLines(composer.text, composer.cursor, width, TUI_MAX_COMPOSER_LINES).map((l, i) => (
          <SafeTextView key={i} text={uiText(l.prefix + l.before)} wrap="truncate">
            {l.at !== undefined ? <SafeTextView text={uiText(l.at)} inverse /> : <SafeTextView text={uiText('')} />}
            <SafeTextView text={uiText(l.after)} />
          </SafeTextView>
        ))
      )}
    </Box>
  );
}

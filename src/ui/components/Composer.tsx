// The input line(s). Pure display: the keypress layer (keys/composer.ts) owns the text.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { TUI_MAX_COMPOSER_LINES, PASTE_CONFIRM_LINES } from '../../core/limits.js';
import { lineCount, type ComposerState } from '../keys/composer.js';
import { uiText, type SafeText } from '../text.js';
import { SafeTextView } from './SafeTextView.js';

export interface ComposerProps {
  readonly composer: ComposerState;
  readonly notice?: SafeText;
  readonly completions: readonly string[];
  /** Shown dimmed when the composer is empty. */
  readonly placeholder: SafeText;
}

/** How many terminal rows the composer takes, so the pane can give it room. */
export function composerHeight(p: Pick<ComposerProps, 'composer' | 'notice' | 'completions'>): number {
  const lines = Math.min(TUI_MAX_COMPOSER_LINES, Math.max(1, lineCount(p.composer.text)));
  return lines + (p.composer.confirming || p.composer.largePaste ? 1 : 0) + (p.notice !== undefined ? 1 : 0) + (p.completions.length > 0 ? 1 : 0);
}

export function Composer({ composer, notice, completions, placeholder }: ComposerProps): ReactNode {
  const lines = composer.text.split('\n');
  const shown = lines.slice(-TUI_MAX_COMPOSER_LINES);
  const n = lineCount(composer.text);
  return (
    <Box flexDirection="column">
      {notice !== undefined ? <SafeTextView text={notice} color="yellow" wrap="truncate" /> : null}
      {completions.length > 0 ? <SafeTextView text={uiText(completions.join('  '))} color="cyan" wrap="truncate" /> : null}
      {composer.confirming ? (
        <SafeTextView text={uiText(`Send this ${n}-line paste? Enter sends it, Esc keeps editing.`)} color="yellow" bold />
      ) : composer.largePaste ? (
        <SafeTextView text={uiText(`Pasted ${n} lines (more than ${PASTE_CONFIRM_LINES}): Enter will ask before sending.`)} dim />
      ) : null}
      {composer.text.length === 0 ? (
        <SafeTextView text={uiText('> ')} bold>
          <SafeTextView text={placeholder} dim />
        </SafeTextView>
      ) : (
        shown.map((l, i) => <SafeTextView key={i} text={uiText(`${i === 0 && shown.length === lines.length ? '> ' : '  '}${l}${i === shown.length - 1 ? '▏' : ''}`)} wrap="truncate" />)
      )}
    </Box>
  );
}

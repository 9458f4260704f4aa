// The shortcut sheet (Ctrl+/ or ?) and /help topics. Built from the binding table so it cannot drift. It lays out
// as one row per line (cut, never wrapped into its neighbour) and scrolls (↑↓, PgUp/PgDn) when the terminal is
// shorter than the sheet.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { helpLines } from '../commands/help-lines.js';
import { uiText } from '../text.js';
import { SafeTextView } from './SafeTextView.js';

export interface HelpSheetProps {
  readonly topic?: string;
  /** The keys setting (extra bindings to list). */
  readonly keys?: string;
  /** First line shown (clamped here). */
  readonly offset?: number;
  /** Rows the sheet may take, border included; absent: all of it. */
  readonly height?: number;
  /** Columns the sheet may take, border included; topic text is wrapped to fit. */
  readonly width?: number;
}

export function HelpSheet({ topic, keys, offset = 0, height, width }: HelpSheetProps): ReactNode {
  const lines = helpLines(topic, width === undefined ? undefined : width - 4, keys);
  // Border (2) and title (1); one more for the scroll hint when it does not all fit.
  const room = height === undefined ? lines.length : Math.max(1, height - 3);
  const fits = lines.length <= room;
  const shown = fits ? lines.length : Math.max(1, room - 1);
  const first = fits ? 0 : Math.max(0, Math.min(offset, lines.length - shown));
  const title = topic === undefined ? 'Help — Esc closes' : `Help: ${topic} — Esc closes`;
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText(title)} bold wrap="truncate" />
      {lines.slice(first, first + shown).map((l, i) => (
        <SafeTextView key={first + i} text={uiText(l.text)} dim={l.dim} wrap="truncate" />
      ))}
      {fits ? null : <SafeTextView text={uiText(`lines ${first + 1}–${first + shown} of ${lines.length} · ↑↓ PgUp/PgDn scroll`)} color="cyan" wrap="truncate" />}
    </Box>
  );
}

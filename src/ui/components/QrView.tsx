// /me qr and /server qr: the code under its title, or, when the window is too small to hold it whole, how big the
// window must be (a QR code cut at the edge does not scan, so it is never drawn cut).

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText, type SafeText } from '../text.js';
import { SafeTextView } from './SafeTextView.js';

export interface QrViewProps {
  readonly title: SafeText;
  readonly lines: readonly SafeText[];
  readonly height: number;
  readonly width: number;
}

export function QrView({ title, lines, height, width }: QrViewProps): ReactNode {
  const codeWidth = lines[0]?.length ?? 0;
  // The title and the "Esc closes" line take two rows.
  if (lines.length + 2 > height || codeWidth > width) {
    return (
      <Box flexDirection="column">
        <SafeTextView text={title} bold wrap="truncate" />
        <SafeTextView text={uiText(`This code needs ${codeWidth}×${lines.length + 2} cells; the window has ${width}×${height}. Make it bigger (or the font smaller), then try again.`)} color="yellow" />
        <SafeTextView text={uiText('Esc closes.')} dim />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <SafeTextView text={title} bold wrap="truncate" />
      {lines.map((l, i) => (
        <SafeTextView key={i} text={l} wrap="truncate" />
      ))}
      <SafeTextView text={uiText('Esc closes. On a light terminal background, a phone may need to invert it.')} dim wrap="truncate" />
    </Box>
  );
}

// The only way text reaches Ink's <Text> in this UI: it takes SafeText, so a raw network string is a
// type error, and it draws colours as the theme says (none with NO_COLOR).

import { Text } from 'ink';
import type { ReactElement, ReactNode } from 'react';
import type { SafeText } from '../text.js';
import { FINGERPRINT_COLOURS } from '../view-model/identity.js';
import { themeColour, useTheme } from './theme.js';

export interface SafeTextViewProps {
  /** Sanitised text (from the view model, or uiText() for UI literals). */
  readonly text: SafeText;
  /** A named colour, or a fingerprint colour index (see FINGERPRINT_COLOURS). */
  readonly color?: string | number;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
  readonly wrap?: 'wrap' | 'truncate' | 'truncate-end';
  /** Nested SafeTextViews (several styles on one line); plain strings are not accepted here. */
  readonly children?: ReactElement<SafeTextViewProps> | readonly ReactElement<SafeTextViewProps>[];
}

/** Example: `<SafeTextView text={uiText('Tor 40%')} color="yellow" />`. */
export function SafeTextView(props: SafeTextViewProps): ReactNode {
  const theme = useTheme();
  const name = !theme.colour || props.color === undefined ? undefined : typeof props.color === 'number' ? FINGERPRINT_COLOURS[props.color % FINGERPRINT_COLOURS.length] : props.color;
  const color = name === undefined ? undefined : themeColour(theme, name);
  return (
    <Text color={color} bold={props.bold} dimColor={props.dim} inverse={props.inverse} wrap={props.wrap}>
      {props.text}
      {props.children}
    </Text>
  );
}

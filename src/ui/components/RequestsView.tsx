// An unknown peer asked to talk. Names are self-chosen: say so, and show the fingerprint to compare.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText } from '../text.js';
import type { ConversationVm } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface RequestsViewProps {
  readonly conversation: ConversationVm;
}

/** Rows the card takes (the pane gives it room): every line short enough for a pane at 80 columns, none cut. */
export const REQUEST_CARD_ROWS = 6;

export function RequestsView({ conversation: c }: RequestsViewProps): ReactNode {
  return (
    <Box flexDirection="column" height={REQUEST_CARD_ROWS}>
      <SafeTextView text={uiText('Contact request from ')} bold wrap="truncate">
        <SafeTextView text={c.name} />
        <SafeTextView text={uiText(` #${c.fingerprint.short}`)} color={c.fingerprint.colour} />
      </SafeTextView>
      <SafeTextView text={uiText('Names are chosen by the sender, never verified:')} dim />
      <SafeTextView text={uiText('compare the fingerprint with them another way.')} dim />
      {c.resembles !== undefined ? (
        <>
          <SafeTextView text={uiText('⚠ Looks like your VERIFIED contact ')} color="red" bold wrap="truncate">
            <SafeTextView text={c.resembles} />
          </SafeTextView>
          <SafeTextView text={uiText('  but is a different key: likely an impostor.')} color="red" bold />
        </>
      ) : (
        <>
          <SafeTextView text={uiText(c.lookalike ? '⚠ This name looks like one of your contacts.' : '')} color="red" />
          <SafeTextView text={uiText('')} />
        </>
      )}
      <SafeTextView text={uiText('[a] accept   [b] block   [i] ignore for now')} color="cyan" />
    </Box>
  );
}

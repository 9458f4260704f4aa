// An unknown peer asked to talk. Names are self-chosen: say so, and show the fingerprint to compare.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText } from '../text.js';
import type { ConversationVm } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface RequestsViewProps {
  readonly conversation: ConversationVm;
}

export function RequestsView({ conversation: c }: RequestsViewProps): ReactNode {
  return (
    <Box flexDirection="column" height={4}>
      <SafeTextView text={uiText('Contact request from ')} bold>
        <SafeTextView text={c.name} />
        <SafeTextView text={uiText(` #${c.fingerprint.short}`)} color={c.fingerprint.colour} />
      </SafeTextView>
      <SafeTextView text={uiText('The name is chosen by the sender and is not verified. Compare the fingerprint with them another way.')} dim wrap="truncate" />
      {c.resembles !== undefined ? (
        <SafeTextView text={uiText('⚠ This looks like your VERIFIED contact ')} color="red" bold wrap="truncate">
          <SafeTextView text={c.resembles} />
          <SafeTextView text={uiText(' but is a different key: likely an impersonator. Do not accept unless they confirm by voice.')} />
        </SafeTextView>
      ) : c.lookalike ? (
        <SafeTextView text={uiText('⚠ This name looks like one of your contacts.')} color="red" />
      ) : (
        <SafeTextView text={uiText('')} />
      )}
      <SafeTextView text={uiText('[a] accept   [b] block   [i] ignore for now')} color="cyan" />
    </Box>
  );
}

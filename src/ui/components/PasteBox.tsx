// One box for an onion address, a server bundle or a group invite (as Cwtch does): it says what the
// pasted thing is and what confirming will do before anything is sent. The engine validates the
// content and answers with ok or error, shown here.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { uiText, untrustedLine } from '../text.js';
import { classifyPaste, pasteConsequence } from '../view-model/paste-kind.js';
import type { UiState } from '../view-model/state.js';
import { SafeTextView } from './SafeTextView.js';

export interface PasteBoxProps {
  readonly text: string;
  readonly state: UiState;
  /** Enter sent it: waiting for the engine, whose refusal is shown here. */
  readonly sent?: boolean;
}

export function PasteBox({ text, state, sent }: PasteBoxProps): ReactNode {
  const kind = classifyPaste(text);
  const shown = text.length > 80 ? `${text.slice(0, 40)}…${text.slice(-20)}` : text;
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText('Paste an address, server bundle or group invite. Enter confirms, Ctrl+U clears, Esc cancels.')} bold />
      <SafeTextView text={untrustedLine(`> ${shown}▏`)} wrap="truncate" />
      <SafeTextView text={uiText(pasteConsequence(kind))} color={kind.kind === 'unknown' ? 'red' : undefined} />
      {sent === true && state.lastError !== undefined ? (
        <SafeTextView text={uiText('✗ Not added: ')} color="red" bold>
          <SafeTextView text={state.lastError.message} />
        </SafeTextView>
      ) : sent === true ? (
        <SafeTextView text={uiText('Adding…')} dim />
      ) : null}
    </Box>
  );
}

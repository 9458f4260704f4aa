// The shortcut sheet (Ctrl+/ or ?) and /help topics. Built from the binding table so it cannot drift.

import { Box } from 'ink';
import type { ReactNode } from 'react';
import { SLASH_COMMANDS, SLASH_USAGE } from '../commands/slash.js';
import { bindingLabels } from '../keys/bindings.js';
import type { KeyCommand } from '../keys/commands.js';
import { uiText } from '../text.js';
import { SafeTextView } from './SafeTextView.js';

const DESCRIPTIONS: Partial<Record<KeyCommand, string>> = {
  'input.submit': 'send',
  'input.newline': 'new line',
  'input.clear': 'clear the line (never quits)',
  'input.recall-last': 'recall your last message',
  'input.complete': 'complete a /command',
  'nav.next': 'next conversation',
  'nav.prev': 'previous conversation',
  'nav.jump.1': 'jump to conversation 1…9 (Alt+0: 10)',
  'nav.next-activity': 'next conversation with new messages',
  'nav.switcher': 'quick switcher (type to search)',
  'scroll.pageUp': 'scroll up',
  'scroll.pageDown': 'scroll down',
  'scroll.top': 'oldest loaded message',
  'scroll.bottom': 'newest message',
  'app.help': 'this help',
  'app.quit': 'quit (also /quit)',
  'view.fail-reasons': 'show why messages could not be sent',
  'invite.review': 'review the oldest group invite in the paste box',
  'view.servers': 'servers: state, bytes, sync now (also /server)',
};

/** Topic texts for /help <topic>. */
export const HELP_TEXT: Readonly<Record<string, string>> = {
  groups: 'Groups are experimental: messages go through an untrusted server that cannot read them. There is no member removal or key rotation, and the member list shows only people who have posted.',
  gaps: '⟂ marks messages the server did not give us (withheld, or pruned to save space). A marker closes when the missing messages arrive. The header counts open gaps.',
  paste: 'Pasted text is inserted as it is: a pasted newline never sends. A paste of more than 5 lines asks before sending. /add with nothing after it opens the paste box for addresses, server bundles and group invites.',
  lowbw: 'Low-bandwidth mode stops background sync; /sync <server> fetches on demand. A full resync shows its cost first; /sync <server> yes accepts it. The status line shows bytes used today.',
  servers: 'Servers hold group messages. The status line shows each one by fingerprint and state: Connecting, Authenticated, Synced. Alt+S or /server with nothing after it lists them with bytes used and messages fetched; s there syncs the selected one now.',
  editing: 'Left/Right move by character, Alt+B/Alt+F by word, Home/End or Ctrl+A/Ctrl+E to the line ends. Ctrl+K cuts to the end (with nothing after the cursor it opens the switcher), Ctrl+U to the start, Ctrl+W or Alt+Backspace the word before. Delete, or Ctrl+D with text, deletes forward. Up on an empty line walks back through what you sent; Down walks forward.',
};

export interface HelpSheetProps {
  readonly topic?: string;
}

export function HelpSheet({ topic }: HelpSheetProps): ReactNode {
  const labels = bindingLabels();
  const body = topic !== undefined && topic !== 'keys' && topic !== 'commands' ? HELP_TEXT[topic] : undefined;
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1}>
      <SafeTextView text={uiText(topic === undefined ? 'Help — Esc closes' : `Help: ${topic} — Esc closes`)} bold />
      {body !== undefined ? <SafeTextView text={uiText(body)} /> : null}
      {topic === undefined || topic === 'keys'
        ? Object.entries(DESCRIPTIONS).map(([cmd, what]) => {
            const keys = (labels.get(cmd as KeyCommand) ?? []).join(', ');
            return <SafeTextView key={cmd} text={uiText(`${cmd === 'nav.jump.1' ? 'Alt+1…9, Alt+0' : keys}`.padEnd(24) + what)} />;
          })
        : null}
      {topic === undefined || topic === 'commands' ? SLASH_COMMANDS.map((c) => <SafeTextView key={c} text={uiText(SLASH_USAGE[c])} dim />) : null}
    </Box>
  );
}

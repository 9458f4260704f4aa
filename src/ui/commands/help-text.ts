// What each key does and the /help topics, as plain data: the Ink help sheet and linear mode's /help both read it.

import type { KeyCommand } from '../keys/commands.js';

/** One short description per key command, in the order the help sheet lists them. */
export const DESCRIPTIONS: Partial<Record<KeyCommand, string>> = {
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
  'input.search': 'search the messages (puts /search in the composer)',
  'contact.verify': 'the open contact\'s verification code, to read to each other (also /verify)',
};

/** Topic texts for /help <topic>. */
export const HELP_TEXT: Readonly<Record<string, string>> = {
  groups: 'Groups are experimental: messages go through an untrusted server that cannot read them. There is no member removal or key rotation, and the member list shows only people who have posted. /fork makes a new group with a fresh key for the members who are your contacts (the old one stays, read-only). /mirror <server> puts the group on a second server too: posts go to both, and one server withholding or dying costs nothing. /move <server> re-homes it: the old server goes once every member has followed (the header says how many are awaited). Members running Cwtch 1.x stay on the first server. Posts the server has not taken yet wait in order, never dropped; the group header and the servers view show ⧗ how many and why (not connected, rate limited by the server, no tokens).',
  gaps: '⟂ marks messages the server did not give us (withheld, or pruned to save space). A marker closes when the missing messages arrive. Members who are your contacts and online are asked for them ("asking bob #fp"); what they give is checked like a server\'s message (group key, author\'s signature), and the marker then stays, dimmed, saying who repaired it. In a group on several servers a gap shows only when no other server brought the message within a few seconds; one filled by another server says so. The header counts open gaps.',
  paste: 'Pasted text is inserted as it is: a pasted newline never sends. A paste of more than 5 lines asks before sending. /add with nothing after it opens the paste box for addresses, server bundles and group invites.',
  lowbw: 'Low-bandwidth mode stops background sync; /sync <server> fetches on demand. A full resync shows its cost first; /sync <server> yes accepts it. The status line shows bytes used today; /budget 50MB sets a day\'s data budget: a sync that would pass it asks first, one that reaches it stops and says so.',
  servers: 'Servers hold group messages. The status line shows each one by fingerprint and state: Connecting, Authenticated, Synced. Alt+S or /server with nothing after it lists them with bytes used and messages fetched; s there syncs the selected one now.',
  editing: 'Left/Right move by character, Alt+B/Alt+F by word, Home/End or Ctrl+A/Ctrl+E to the line ends. Ctrl+K cuts to the end (with nothing after the cursor it opens the switcher), Ctrl+U to the start, Ctrl+W or Alt+Backspace the word before. Delete, or Ctrl+D with text, deletes forward. Up on an empty line walks back through what you sent; Down walks forward.',
};

// What a command the user typed did, in one line (docs/ux.md: no silent commands): the engine's answer to it,
// recognised by the id the UI gave the command, said in words, with the conversation to open if it made one.

import type { EngineCommand } from '../../core/api/commands.js';
import type { EngineEvent } from '../../core/api/events.js';
import { untrustedLine } from '../text.js';
import { formatBytes } from './format.js';
import { fingerprintOf } from './identity.js';
import type { AnswerVm, UiState } from './state.js';

const name = (s: UiState, id: string): string => {
  const c = s.conversations.get(id);
  return c === undefined ? `#${fingerprintOf(id).short}` : `${c.name} #${c.fingerprint.short}`;
};

/** The line for event `e` answering command `c` (state `s` is after `e`), or undefined when `e` says nothing of it. */
export function answerFor(c: EngineCommand, e: EngineEvent, s: UiState): AnswerVm | undefined {
  const say = (text: string, open?: string): AnswerVm => ({ text: untrustedLine(text), ...(open !== undefined ? { open } : {}) });
  switch (e.event) {
    case 'group':
      if (c.cmd === 'create-group') return say(`Group “${name(s, e.groupId)}” created on server #${fingerprintOf(e.server).short}; it is open. /invite CONTACT adds people.`, e.groupId);
      if (c.cmd === 'add') return say(`Joined group “${name(s, e.groupId)}”; it is open.`, e.groupId);
      if (c.cmd === 'rename') return say(`Renamed to “${name(s, e.groupId)}” (on this device only).`);
      if (c.cmd === 'mute') return say(c.on ? `“${name(s, e.groupId)}” muted: its news is counted apart.` : `“${name(s, e.groupId)}” unmuted.`);
      if (c.cmd === 'fork-group' && e.forkedTo === undefined) return say(`Group forked: “${name(s, e.groupId)}” has a fresh key; its members are invited 1:1, and the old one is read-only.`);
      if (c.cmd === 'mirror') return say(`“${name(s, e.groupId)}” now lives on server #${fingerprintOf(c.server).short} too.`);
      if (c.cmd === 'move-group') return say(`Moving “${name(s, e.groupId)}” to server #${fingerprintOf(c.server).short}.`);
      return undefined;
    case 'server':
      if (c.cmd !== 'add') return undefined;
      return say(e.imported ? `Server #${fingerprintOf(e.onion).short} imported. /group ${e.onion} NAME creates a group on it.` : `Server #${fingerprintOf(e.onion).short} was already known.`);
    case 'contact':
      if (c.cmd === 'add') return say(`Contact ${name(s, e.onion)} added: they see a request until they accept.`, e.onion);
      if (c.cmd === 'accept') return say(`${name(s, e.onion)} accepted.`);
      if (c.cmd === 'block') return say(`${name(s, e.onion)} blocked: nothing from them is stored.`);
      if (c.cmd === 'rename') return say(`Renamed to “${name(s, e.onion)}” (on this device only).`);
      if (c.cmd === 'mute') return say(c.on ? `${name(s, e.onion)} muted: its news is counted apart.` : `${name(s, e.onion)} unmuted.`);
      if (c.cmd === 'set-verified') return say(e.verified ? `${name(s, e.onion)} marked verified.` : `${name(s, e.onion)} no longer marked verified.`);
      return undefined;
    case 'message':
      return c.cmd === 'invite' ? say(`Invite sent to ${name(s, e.conversation)}.`) : undefined;
    case 'profile':
      if (c.cmd === 'create-profile' || c.cmd === 'select-profile') return say(`Now in the profile ${s.profile?.name ?? ''}: its conversations are shown (/profile lists the open ones).`);
      return undefined;
    case 'group-left':
      return say('You left the group; its messages on this device are deleted.');
    case 'lowbw':
      return say(e.on ? 'Low-bandwidth mode on: servers sync only when you /sync.' : 'Low-bandwidth mode off: servers sync in the background.');
    case 'ok':
      // Low-bandwidth: the one sync is done. Otherwise the standing connection was told to try now (the servers view says how it goes).
      if (c.cmd === 'sync') return say(s.lowBandwidth ? `Server #${fingerprintOf(c.server).short} synced.` : `Server #${fingerprintOf(c.server).short}: trying now (Alt+S shows how it goes).`);
      if (c.cmd === 'data-budget') return say(c.bytesPerDay === 0 ? 'Data budget removed.' : `Data budget: ${formatBytes(c.bytesPerDay)} a day for low-bandwidth syncs.`);
      if (c.cmd === 'block-unknown') return say('Done.');
      if (c.cmd === 'delete-profile') return say('Profile deleted from this device: its address is withdrawn from the network and its files are gone.');
      if (c.cmd === 'export-profile') return say(`Exported to ${c.file}, encrypted under this profile's password.`);
      if (c.cmd === 'change-password') return say(c.new === '' ? 'Password changed: the profile now uses the default password, which protects nothing.' : 'Password changed: only the new one opens this profile now.');
      return undefined;
    default:
      return undefined;
  }
}

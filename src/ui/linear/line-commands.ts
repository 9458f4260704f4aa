// One typed line in linear mode → engine commands and lines to say. Pure, like the Ink controller: every slash
// command is parsed by the same parseSlashCommand; linear mode adds /open, /list and /join in place of the keys.

import { settingEffects, settingsLines } from '../view-model/settings-lines.js';
import { profileAction, profilesText } from '../view-model/profile-lines.js';
import type { EngineCommand } from '../../core/api/commands.js';
import { LINEAR_OPEN_HISTORY } from '../../core/limits.js';
import { HELP_TEXT } from '../commands/help-text.js';
import { isSlashCommand, parseSlashCommand, SLASH_COMMANDS, SLASH_USAGE, type UiAction } from '../commands/slash.js';
import { ownAddressText, switcherMatches } from '../controller/main-keys.js';
import { budgetLine, leaveQuestion, ONLINE_STATES, serverCostText, serverGroupsText, serverOrder, serverTroubleText } from '../view-model/format.js';
import { fingerprintOf } from '../view-model/identity.js';
import { qrLines, qrTarget } from '../view-model/qr.js';
import type { UiState } from '../view-model/state.js';
import type { LocalEvent } from '../view-model/ui-store.js';
import { who } from './narrate.js';

export interface LinearLocal {
  /** The conversation plain text goes to (contact onion or group id). */
  readonly current?: string;
  /** Numbers the history requests /open makes, so only their answers are read out. */
  readonly seq: number;
}

export const INITIAL_LINEAR: LinearLocal = { seq: 0 };

export interface LineOutcome {
  readonly local: LinearLocal;
  readonly commands: readonly EngineCommand[];
  readonly say: readonly string[];
  readonly quit: boolean;
  readonly localEvents: readonly LocalEvent[];
  /** The id of a history command whose answer should be read out. */
  readonly expectHistory?: string;
}

/** Commands only linear mode has (they stand in for the Ink UI's keys). */
export const LINEAR_USAGE: readonly string[] = [
  '/open NAME  — write to a conversation (fuzzy match on name, fingerprint or address); reads its last messages',
  '/list  — conversations with unread counts; the open one is marked',
  '/join  — accept the oldest group invite waiting',
];

const said = (local: LinearLocal, say: readonly string[]): LineOutcome => ({ local, commands: [], say, quit: false, localEvents: [] });

function helpLines(topic: string | undefined): string[] {
  if (topic === 'keys' || topic === 'editing') return ['Linear mode reads whole lines: your terminal’s own line editing applies. Ctrl+D on an empty line quits, as does /quit.'];
  if (topic !== undefined && topic !== 'commands') return [HELP_TEXT[topic] ?? 'No help on that topic.'];
  return ['Type a line to send it to the open conversation. A line starting with // sends a literal /.', ...LINEAR_USAGE, ...SLASH_COMMANDS.map((c) => SLASH_USAGE[c])];
}

function listLines(local: LinearLocal, view: UiState): string[] {
  if (view.order.length === 0) return ['No conversations yet. /me shows your address; /add adds someone.'];
  return view.order.map((id, i) => {
    const c = view.conversations.get(id)!;
    const state = c.kind === 'group' ? `group, server ${c.online}` : c.authorization === 'unknown' ? 'contact request' : c.authorization === 'blocked' ? 'blocked' : ONLINE_STATES.has(c.online) ? 'online' : 'offline';
    return `${i + 1}. ${who(c)}: ${state}, ${c.unread} unread${id === local.current ? ' (open)' : ''}`;
  });
}

function serverLines(view: UiState): string[] {
  const servers = serverOrder(view);
  const head = view.lowBandwidth ? 'Low-bandwidth mode on: servers sync only when you type /sync SERVER.' : 'Servers sync in the background.';
  if (servers.length === 0) return [head, budgetLine(view), 'No servers yet: /server BUNDLE imports one.'];
  return [head, budgetLine(view), ...servers.map((onion) => `server ${fingerprintOf(onion).short}: ${view.servers.get(onion)!.state}, ${serverCostText(view, onion)}, ${serverGroupsText(view, onion)}${serverTroubleText(view.servers.get(onion)!) !== null ? `; ${serverTroubleText(view.servers.get(onion)!)!}` : ''}; address ${onion}`)];
}

function open(local: LinearLocal, view: UiState, query: string): LineOutcome {
  if (query.length === 0) return said(local, ['/open NAME: which conversation? /list shows them.']);
  const id = switcherMatches(view, query)[0];
  if (id === undefined) return said(local, ['No conversation matches that. /list shows them.']);
  const c = view.conversations.get(id)!;
  const historyId = `linear-open-${local.seq + 1}`;
  const say = [`Now writing to ${c.kind === 'group' ? `group ${who(c)}` : who(c)}.`];
  if (c.authorization === 'unknown') say.push('This is a contact request: /accept or /block.');
  return {
    local: { ...local, current: id, seq: local.seq + 1 },
    commands: [{ cmd: 'history', conversation: id, limit: LINEAR_OPEN_HISTORY, id: historyId }],
    say,
    quit: false,
    localEvents: [{ local: 'read', id }],
    expectHistory: historyId,
  };
}

function uiAction(local: LinearLocal, view: UiState, a: UiAction): LineOutcome {
  switch (a.ui) {
    case 'help':
      return said(local, helpLines(a.topic));
    case 'paste':
      return said(local, ['Put it after the command: /add ADDRESS, /add SERVER-BUNDLE or /add GROUP-INVITE.']);
    case 'servers':
      return said(local, serverLines(view));
    case 'me':
      return said(local, [ownAddressText(view)]);
    case 'password':
      return said(local, ['Linear mode cannot ask for passwords without echo here: use the full-screen client, or headless change-password.']);
    case 'qr': {
      const t = qrTarget(view, a.what, local.current, a.server);
      return said(local, 'error' in t ? [t.error] : [t.title, ...qrLines(t.text)]);
    }
    case 'confirm-leave':
      return said(local, [leaveQuestion(view, a.group, local.current)]);
    case 'settings':
      return said(local, [...settingsLines(view.settings), 'Change one with /set NAME VALUE.']);
    case 'profiles':
      return said(local, [profilesText(view)]);
    case 'new-profile':
      return said(local, ['Linear mode makes a profile when it starts (or use headless create-profile); the full-screen client has /profile new.']);
    case 'select-profile':
    case 'delete-profile': {
      const r = profileAction(view, a);
      return 'say' in r ? said(local, [r.say]) : { local, commands: [r.command], say: [], quit: false, localEvents: [] };
    }
    case 'set':
      return { local, commands: settingEffects(a.patch), say: [], quit: false, localEvents: [{ local: 'set', patch: a.patch }] };
    case 'quit':
      return { local, commands: [{ cmd: 'quit' }], say: [], quit: true, localEvents: [] };
  }
}

/**
 * Handle one line the user typed after unlocking.
 * Example: with alice open, `hello` → `[{cmd: 'send', to: <alice>, text: 'hello'}]`; `/open bob` switches to bob.
 */
export function handleLine(local: LinearLocal, view: UiState, line: string): LineOutcome {
  const text = line.replace(/\r$/, '');
  if (text.trim().length === 0) return said(local, []);
  if (isSlashCommand(text)) {
    const [head = '', ...rest] = text.slice(1).trim().split(/\s+/);
    const name = head.toLowerCase();
    if (name === 'open') return open(local, view, rest.join(' '));
    if (name === 'list') return said(local, listLines(local, view));
    if (name === 'join') {
      const invite = view.invites[0];
      if (invite === undefined) return said(local, ['No group invites waiting.']);
      return { local, commands: [{ cmd: 'add', text: invite.text }], say: [`Joining “${invite.groupName}”.`], quit: false, localEvents: [{ local: 'dismiss-invite', groupId: invite.groupId }] };
    }
    const cur = local.current === undefined ? undefined : view.conversations.get(local.current);
    const r = parseSlashCommand(text, { ...(cur !== undefined ? { current: cur.id, currentKind: cur.kind, currentMuted: cur.muted === true } : {}), lowBandwidth: view.lowBandwidth });
    if (r.kind === 'error') return said(local, [r.reason]);
    if (r.kind === 'ui') return uiAction(local, view, r.action);
    const localEvents: LocalEvent[] = r.command.cmd === 'sync' ? [{ local: 'dismiss-sync', server: r.command.server }] : [];
    return { local, commands: [r.command], say: [], quit: false, localEvents };
  }
  const cur = local.current === undefined ? undefined : view.conversations.get(local.current);
  if (cur === undefined) return said(local, ['Not sent: open a conversation first (/open NAME; /list shows them).']);
  if (cur.authorization !== 'approved') return said(local, ['Not sent: accept this contact before writing to them (/accept).']);
  return { local, commands: [{ cmd: 'send', to: cur.id, text: text.startsWith('//') ? text.slice(1) : text }], say: [], quit: false, localEvents: [] };
}

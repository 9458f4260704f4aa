// The main screen's keypress dispatcher as a pure function: modal first (it consumes keys), then the
// request view, then the composer and global commands. Returns the next local state and the engine
// commands to send, so every binding is testable without rendering.

import type { EngineCommand } from '../../core/api/commands.js';
import { helpLines } from '../commands/help-lines.js';
import { completeSlash, isSlashCommand, parseSlashCommand, SLASH_USAGE, type UiAction } from '../commands/slash.js';
import { bindingsFor, type KeyInfo } from '../keys/bindings.js';
import { settingEffects } from '../view-model/settings-lines.js';
import { profileAction, profilesText } from '../view-model/profile-lines.js';
import { TUI_HISTORY_PAGE } from '../../core/limits.js';
import { jumpSlot, type KeyCommand } from '../keys/commands.js';
import { EMPTY_COMPOSER, feedKey, withComposerText } from '../keys/composer.js';
import { uiText, untrustedLine } from '../text.js';
import { leaveQuestion, serverOrder } from '../view-model/format.js';
import { splitText, textFits } from '../../core/peer/message-size.js';
import { fuzzyFilter } from '../view-model/fuzzy.js';
import { classifyPaste } from '../view-model/paste-kind.js';
import { qrLines, qrTarget } from '../view-model/qr.js';
import type { PaneScroll } from '../view-model/pane-layout.js';
import type { UiState } from '../view-model/state.js';
import type { LocalEvent } from '../view-model/ui-store.js';
import type { LocalState } from './local-state.js';

export interface KeyEnv {
  /** New scroll anchor for a scroll command, computed from the real layout (undefined follows the tail). */
  readonly scroll: (command: PaneScroll, conversation: string, anchor: number | undefined) => number | undefined;
}

export interface KeyOutcome {
  readonly local: LocalState;
  readonly commands: readonly EngineCommand[];
  readonly quit: boolean;
  /** The conversation that became visible (its unread count should drop). */
  readonly read?: string;
  /** Changes to the view model the UI makes itself (dismissed prompts and invites). */
  readonly localEvents?: readonly LocalEvent[];
}

const none = (local: LocalState): KeyOutcome => ({ local, commands: [], quit: false });

/** Conversations for the quick switcher, best match first. */
export function switcherMatches(view: UiState, query: string): string[] {
  // The name and the short fingerprint, not the whole 56-letter onion: scattered across it, almost any query's
  // letters appear in order, and every conversation "matched".
  // An address (or the start of one, 6 characters or more) pasted as the query still finds its conversation.
  const q = query.trim().toLowerCase();
  const byAddress = q.length >= 6 ? view.order.filter((id) => id.startsWith(q)) : [];
  const rest = fuzzyFilter(
    query,
    view.order.filter((id) => !byAddress.includes(id)),
    (id) => {
      const c = view.conversations.get(id);
      return c === undefined ? '' : `${c.name} ${c.fingerprint.short}`;
    },
  );
  return [...byAddress, ...rest];
}

function select(local: LocalState, id: string | undefined): KeyOutcome {
  if (id === undefined) return none(local);
  const next: LocalState = { ...local, selected: id, modal: { kind: 'none' } };
  return { local: next, commands: [], quit: false, read: id };
}

function navigate(local: LocalState, view: UiState, command: KeyCommand): KeyOutcome {
  const order = view.order;
  if (order.length === 0) return none(local);
  const at = local.selected === undefined ? -1 : order.indexOf(local.selected);
  const slot = jumpSlot(command);
  if (slot !== undefined) return select(local, order[slot - 1]);
  if (command === 'nav.next') return select(local, order[(at + 1) % order.length]);
  if (command === 'nav.prev') return select(local, order[(at - 1 + order.length * 2) % order.length]);
  // nav.next-activity: the next conversation (after this one, wrapping) with unread messages.
  for (let k = 1; k <= order.length; k++) {
    const id = order[(at + k) % order.length]!;
    if ((view.conversations.get(id)?.unread ?? 0) > 0 && id !== local.selected) return select(local, id);
  }
  return none({ ...local, notice: uiText('No other conversation has new messages.') });
}

/** The line that tells a person their own address (they hand it over out of band). */
export function ownAddressText(view: UiState): string {
  return view.profile === undefined ? 'No profile is open.' : `Your address: ${view.profile.onion}`;
}

function uiAction(local: LocalState, view: UiState, a: UiAction): KeyOutcome {
  switch (a.ui) {
    case 'help':
      return none({ ...local, modal: a.topic === undefined ? { kind: 'help' } : { kind: 'help', topic: a.topic } });
    case 'paste':
      return none({ ...local, modal: { kind: 'paste', text: '' } });
    case 'servers':
      return none({ ...local, modal: { kind: 'servers', index: 0 } });
    case 'me':
      return none({ ...local, notice: untrustedLine(ownAddressText(view)) });
    case 'password':
      return none({ ...local, modal: { kind: 'password', field: 'old', old: '', new: '', again: '' } });
    case 'qr': {
      const t = qrTarget(view, a.what, local.selected, a.server);
      if ('error' in t) return none({ ...local, notice: uiText(t.error) });
      return none({ ...local, modal: { kind: 'qr', title: untrustedLine(t.title), lines: qrLines(t.text).map((l) => uiText(l)) } });
    }
    case 'confirm-leave':
      return none({ ...local, notice: untrustedLine(leaveQuestion(view, a.group, local.selected)) });
    case 'settings':
      return none({ ...local, modal: { kind: 'settings' } });
    case 'profiles':
      return none({ ...local, notice: untrustedLine(profilesText(view)) });
    case 'new-profile':
      return none({ ...local, modal: { kind: 'new-profile', field: 'name', name: '', new: '', again: '' } });
    case 'select-profile':
    case 'delete-profile': {
      const r = profileAction(view, a);
      return 'say' in r ? none({ ...local, notice: untrustedLine(r.say) }) : { local, commands: [r.command], quit: false };
    }
    case 'set':
      return { local, commands: settingEffects(a.patch), quit: false, localEvents: [{ local: 'set', patch: a.patch }] };
    case 'quit':
      return { local, commands: [{ cmd: 'quit' }], quit: true };
  }
}

function submit(local: LocalState, view: UiState, text: string): KeyOutcome {
  if (isSlashCommand(text)) {
    const sel = local.selected === undefined ? undefined : view.conversations.get(local.selected);
    const r = parseSlashCommand(text, { ...(sel !== undefined ? { current: sel.id, currentKind: sel.kind, currentMuted: sel.muted === true } : {}), lowBandwidth: view.lowBandwidth });
    if (r.kind === 'error') return none({ ...local, notice: uiText(r.reason) });
    if (r.kind === 'ui') return uiAction({ ...local, notice: undefined }, view, r.action);
    const c = r.command;
    const localEvents: LocalEvent[] = c.cmd === 'sync' ? [{ local: 'dismiss-sync', server: c.server }] : [];
    // A search shows its hits in a list (filled when the engine answers).
    const modal: LocalState['modal'] = c.cmd === 'search' ? { kind: 'search', index: 0 } : local.modal;
    return { local: { ...local, notice: undefined, modal }, commands: [c], quit: false, localEvents };
  }
  const body = text.startsWith('//') ? text.slice(1) : text;
  const sel = local.selected === undefined ? undefined : view.conversations.get(local.selected);
  if (sel === undefined) return none({ ...local, composer: withComposerText(local.composer, text), notice: uiText('Pick a conversation first (Ctrl+K).') });
  if (sel.authorization !== 'approved') return none({ ...local, composer: withComposerText(local.composer, text), notice: uiText('Accept this contact before writing to them.') });
  const { splitAsk: _asked, ...rest } = local;
  if (!textFits(sel.kind, body)) {
    // Too long for one message: ask once (the text stays), then send it as several, in order.
    const pieces = splitText(sel.kind, body);
    if (local.splitAsk !== body) {
      return none({ ...rest, composer: withComposerText(local.composer, text), splitAsk: body, notice: uiText(`Too long for one message: Enter again sends it as ${pieces.length} messages, in order; Esc keeps editing.`) });
    }
    return { local: { ...rest, notice: undefined }, commands: pieces.map((p): EngineCommand => ({ cmd: 'send', to: sel.id, text: p })), quit: false };
  }
  return { local: { ...rest, notice: undefined }, commands: [{ cmd: 'send', to: sel.id, text: body }], quit: false };
}

/** Lines PgUp/PgDn move the help sheet by. */
const HELP_PAGE = 10;

function modalKey(local: LocalState, view: UiState, input: string, key: KeyInfo): KeyOutcome | undefined {
  const m = local.modal;
  switch (m.kind) {
    case 'none':
      return undefined;
    case 'help': {
      if (key.escape || input === 'q' || input === '?' || key.return) return none({ ...local, modal: { kind: 'none' } });
      // Scrolling: the sheet clamps what it shows; the offset is kept within the sheet's line count here.
      const step = key.pageDown ? HELP_PAGE : key.pageUp ? -HELP_PAGE : key.downArrow ? 1 : key.upArrow ? -1 : 0;
      if (step === 0) return none(local);
      const max = Math.max(0, helpLines(m.topic, undefined, view.settings.keys).length - 1);
      return none({ ...local, modal: { ...m, offset: Math.max(0, Math.min(max, (m.offset ?? 0) + step)) } });
    }
    case 'qr':
    case 'settings':
      if (key.escape || input === 'q' || key.return) return none({ ...local, modal: { kind: 'none' } });
      return none(local);
    case 'password': {
      if (key.escape) return none({ ...local, modal: { kind: 'none' } });
      const f = m.field;
      if (key.return) {
        if (f === 'old') return none({ ...local, modal: { ...m, field: 'new' } });
        if (f === 'new') return none({ ...local, modal: { ...m, field: 'again' } });
        if (m.new !== m.again) return none({ ...local, modal: { ...m, field: 'new', new: '', again: '', mismatch: true } });
        return { local: { ...local, modal: { kind: 'none' } }, commands: [{ cmd: 'change-password', old: m.old, new: m.new }], quit: false };
      }
      return none({ ...local, modal: { ...m, [f]: typeInto(m[f], input, key) } });
    }
    case 'new-profile': {
      if (key.escape) return none({ ...local, modal: { kind: 'none' } });
      const f = m.field;
      if (key.return) {
        if (f === 'name') return m.name.trim().length === 0 ? none(local) : none({ ...local, modal: { ...m, field: 'new' } });
        if (f === 'new') return none({ ...local, modal: { ...m, field: 'again' } });
        if (m.new !== m.again) return none({ ...local, modal: { ...m, field: 'new', new: '', again: '', mismatch: true } });
        return { local: { ...local, modal: { kind: 'none' } }, commands: [{ cmd: 'create-profile', name: m.name.trim(), password: m.new }], quit: false };
      }
      return none({ ...local, modal: { ...m, [f]: typeInto(m[f], input, key) } });
    }
    case 'search': {
      if (key.escape || input === 'q') return none({ ...local, modal: { kind: 'none' } });
      const hits = view.search?.hits ?? [];
      if (key.upArrow) return none({ ...local, modal: { ...m, index: Math.max(0, m.index - 1) } });
      if (key.downArrow) return none({ ...local, modal: { ...m, index: Math.min(Math.max(0, hits.length - 1), m.index + 1) } });
      const hit = hits[m.index];
      if (key.return && hit !== undefined) {
        // Open its conversation, scrolled to it when it is among the messages loaded there.
        const at = view.messages.get(hit.conversation)?.positionOf(hit.messageId);
        const anchors = new Map(local.anchors);
        if (at !== undefined) anchors.set(hit.conversation, at);
        return { ...select({ ...local, anchors }, hit.conversation) };
      }
      return none(local);
    }
    case 'switcher': {
      if (key.escape) return none({ ...local, modal: { kind: 'none' } });
      const matches = switcherMatches(view, m.query);
      if (key.return) return select(local, matches[m.index]);
      if (key.upArrow || (key.ctrl && input === 'p')) return none({ ...local, modal: { ...m, index: Math.max(0, m.index - 1) } });
      if (key.downArrow || (key.ctrl && input === 'n')) return none({ ...local, modal: { ...m, index: Math.min(Math.max(0, matches.length - 1), m.index + 1) } });
      if (key.backspace || key.delete) return none({ ...local, modal: { ...m, query: Array.from(m.query).slice(0, -1).join(''), index: 0 } });
      if (input.length > 0 && !key.ctrl && !key.meta) return none({ ...local, modal: { ...m, query: m.query + input, index: 0 } });
      return none(local);
    }
    case 'servers': {
      if (key.escape || input === 'q' || key.return) return none({ ...local, modal: { kind: 'none' } });
      const servers = serverOrder(view);
      if (key.upArrow) return none({ ...local, modal: { ...m, index: Math.max(0, m.index - 1) } });
      if (key.downArrow) return none({ ...local, modal: { ...m, index: Math.min(Math.max(0, servers.length - 1), m.index + 1) } });
      const server = servers[m.index];
      // "s": sync now — the same command as /sync, so low-bandwidth mode shows its cost prompt first.
      if (input === 's' && server !== undefined) {
        return { local: { ...local, modal: { kind: 'none' } }, commands: [{ cmd: 'sync', server }], quit: false, localEvents: [{ local: 'dismiss-sync', server }] };
      }
      return none(local);
    }
    case 'paste': {
      if (key.escape) return none({ ...local, modal: { kind: 'none' } });
      // The box keeps what was pasted until it is added, fixed or cleared: nothing is thrown away on a mistake.
      const edited = (text: string): KeyOutcome => none({ ...local, modal: { kind: 'paste', text } });
      if (key.return) {
        // Not something the box can add (it says why in red): nothing to send, the text stays to be fixed.
        if (m.text.trim().length === 0 || classifyPaste(m.text).kind === 'unknown') return none(local);
        return { local: { ...local, modal: { kind: 'paste', text: m.text, sent: true } }, commands: [{ cmd: 'add', text: m.text.trim() }], quit: false, localEvents: [{ local: 'clear-error' }] };
      }
      if (key.ctrl && (input === 'u' || input === 'c')) return edited('');
      if (key.backspace || key.delete) return edited(Array.from(m.text).slice(0, -1).join(''));
      // Bracketed-paste markers and pasted newlines are dropped: bundles and addresses are one line.
      const clean = input.replace(/\[20[01]~|[\r\n]/g, '');
      if (clean.length > 0 && !key.ctrl && !key.meta) return edited(m.text + clean);
      return none(local);
    }
  }
}

/** A form field after one key: Backspace takes a character; a paste loses its markers and newline (as on unlock). */
function typeInto(value: string, input: string, key: KeyInfo): string {
  if (key.backspace || key.delete) return Array.from(value).slice(0, -1).join('');
  const typed = input.replace(/\[20[01]~|[\r\n]/g, '');
  return typed.length > 0 && !key.ctrl && !key.meta ? value + typed : value;
}

/** Keys for a pending contact request when the composer is empty: a accept, b block, i ignore for now. */
function requestKey(local: LocalState, view: UiState, input: string, key: KeyInfo): KeyOutcome | undefined {
  const sel = local.selected === undefined ? undefined : view.conversations.get(local.selected);
  if (sel === undefined || sel.kind !== 'contact' || sel.authorization !== 'unknown' || local.composer.text.length > 0 || key.ctrl || key.meta) return undefined;
  if (input === 'a') return { local, commands: [{ cmd: 'accept', onion: sel.id }], quit: false };
  if (input === 'b') return { local, commands: [{ cmd: 'block', onion: sel.id }], quit: false };
  if (input === 'i') return navigate(local, view, 'nav.next');
  return undefined;
}

export function handleMainKey(local0: LocalState, view: UiState, input: string, key: KeyInfo, env: KeyEnv): KeyOutcome {
  const modal = modalKey(local0, view, input, key);
  if (modal !== undefined) return modal;
  const req = requestKey(local0, view, input, key);
  if (req !== undefined) return req;

  const step = feedKey(local0.composer, input, key, bindingsFor(view.settings.keys));
  let local: LocalState = { ...local0, composer: step.state, completions: step.state.text === local0.composer.text ? local0.completions : [] };
  let commands: EngineCommand[] = [];
  let quit = false;
  let read: string | undefined;
  let localEvents: LocalEvent[] = [];
  for (const o of step.out) {
    const r = o.type === 'submit' ? submit(local, view, o.text) : command(local, view, o.command, env);
    local = r.local;
    commands = [...commands, ...r.commands];
    quit = quit || r.quit;
    read = r.read ?? read;
    localEvents = [...localEvents, ...(r.localEvents ?? [])];
  }
  return { local, commands, quit, localEvents, ...(read !== undefined ? { read } : {}) };
}

function command(local: LocalState, view: UiState, c: KeyCommand, env: KeyEnv): KeyOutcome {
  switch (c) {
    case 'app.quit':
      return { local, commands: [{ cmd: 'quit' }], quit: true };
    case 'app.help':
      return none({ ...local, modal: { kind: 'help' } });
    case 'app.cancel': {
      // Esc first clears a notice, completions, a command's answer or an error; with nothing to clear it declines
      // the oldest sync prompt.
      const { splitAsk: _asked, ...kept } = local;
      const cleared = { ...kept, notice: undefined, completions: [] };
      if (local.notice !== undefined || local.completions.length > 0) return none(cleared);
      if (view.answer !== undefined || view.lastError !== undefined) {
        return { local: cleared, commands: [], quit: false, localEvents: [{ local: 'clear-answer' }, { local: 'clear-error' }] };
      }
      const prompt = view.syncPrompts[0];
      if (prompt !== undefined) return { local: cleared, commands: [], quit: false, localEvents: [{ local: 'dismiss-sync', server: prompt.server }] };
      return none(cleared);
    }
    case 'invite.review': {
      const invite = view.invites[0];
      if (invite === undefined) return none({ ...local, notice: uiText('No group invites waiting.') });
      return {
        local: { ...local, modal: { kind: 'paste', text: invite.text } },
        commands: [],
        quit: false,
        localEvents: [{ local: 'dismiss-invite', groupId: invite.groupId }],
      };
    }
    case 'nav.switcher':
      return none({ ...local, modal: { kind: 'switcher', query: '', index: 0 } });
    case 'view.servers':
      return uiAction(local, view, { ui: 'servers' });
    case 'input.search':
      return none({ ...local, composer: withComposerText(local.composer, '/search ') });
    case 'contact.verify': {
      const sel = local.selected === undefined ? undefined : view.conversations.get(local.selected);
      if (sel === undefined || sel.kind !== 'contact') return none({ ...local, notice: uiText(SLASH_USAGE.verify) });
      return { local: { ...local, notice: undefined }, commands: [{ cmd: 'verify-code', onion: sel.id }], quit: false };
    }
    case 'view.fail-reasons':
      return none({ ...local, showFailReasons: !local.showFailReasons });
    case 'input.complete': {
      const words = [...view.order, ...view.servers.keys()];
      const done = completeSlash(local.composer.text, words);
      return none({ ...local, composer: done.text === local.composer.text ? local.composer : withComposerText(local.composer, done.text), completions: done.candidates.length > 1 ? done.candidates : [] });
    }
    case 'scroll.pageUp':
    case 'scroll.pageDown':
    case 'scroll.top':
    case 'scroll.bottom': {
      if (local.selected === undefined) return none(local);
      const anchors = new Map(local.anchors);
      const next = env.scroll(c, local.selected, local.anchors.get(local.selected));
      if (next === undefined) anchors.delete(local.selected);
      else anchors.set(local.selected, next);
      // Near the oldest message read, the page before it is read ahead, so paging back never waits at an edge.
      const older = (c === 'scroll.pageUp' || c === 'scroll.top') && next !== undefined && next < TUI_HISTORY_PAGE / 2;
      return { local: { ...local, anchors }, commands: [], quit: false, ...(older ? { localEvents: [{ local: 'older', id: local.selected }] } : {}) };
    }
    case 'input.submit':
    case 'input.newline':
    case 'input.clear':
    case 'input.recall-last':
      // Handled inside the composer; never emitted as commands.
      return none(local);
    default:
      return navigate({ ...local, composer: local.composer.text.length === 0 ? { ...EMPTY_COMPOSER, history: local.composer.history } : local.composer }, view, c);
  }
}

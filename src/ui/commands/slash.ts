// `/` commands typed in the composer. Pure: text in, an engine command, a UI action or an error out.

import type { EngineCommand } from '../../core/api/commands.js';
import { isSettingName, parseSetting, SETTING_NAMES, UI_SETTINGS, type UiSettingsValues } from '../../core/api/ui-settings.js';

export type UiAction =
  | { readonly ui: 'help'; readonly topic?: string }
  | { readonly ui: 'quit' }
  | { readonly ui: 'paste' }
  | { readonly ui: 'servers' }
  | { readonly ui: 'me' }
  /** `/password`: ask the current password and the new one twice, without echo. */
  | { readonly ui: 'password' }
  /** `/me qr`, `/server qr [onion]`: draw an address or a server bundle as a QR code. */
  | { readonly ui: 'qr'; readonly what: 'me' | 'server'; readonly server?: string }
  /** `/set` alone: the settings and their values. */
  | { readonly ui: 'settings' }
  /** `/set NAME VALUE`: a UI setting changed (and kept). */
  | { readonly ui: 'set'; readonly patch: Partial<UiSettingsValues> }
  /** `/profile`: the open profiles; `/profile new`: the form for another; `/profile NAME`: switch to it. */
  | { readonly ui: 'profiles' }
  | { readonly ui: 'new-profile' }
  | { readonly ui: 'select-profile'; readonly name: string }
  /** `/profile delete [NAME [yes]]`: asked twice (without the name, then without yes) before anything is deleted. */
  | { readonly ui: 'delete-profile'; readonly name?: string; readonly confirmed: boolean }
  /** `/leave` without "yes": ask first (leaving deletes the group's messages on this device). */
  | { readonly ui: 'confirm-leave'; readonly group: string };

export type SlashResult =
  | { readonly kind: 'engine'; readonly command: EngineCommand }
  | { readonly kind: 'ui'; readonly action: UiAction }
  | { readonly kind: 'error'; readonly code: string; readonly reason: string };

export interface SlashContext {
  /** The open conversation (contact onion or group id), used when an argument is left out. */
  readonly current?: string;
  readonly currentKind?: 'contact' | 'group';
  readonly lowBandwidth?: boolean;
  /** Whether the open conversation is muted (`/mute` alone toggles). */
  readonly currentMuted?: boolean;
}

export const SLASH_COMMANDS = ['add', 'accept', 'block', 'group', 'invite', 'leave', 'fork', 'mirror', 'move', 'rename', 'server', 'sync', 'lowbw', 'budget', 'verify', 'search', 'password', 'export', 'mute', 'set', 'profile', 'me', 'help', 'quit'] as const;
export type SlashName = (typeof SLASH_COMMANDS)[number];

/** One line of usage per command; /help and the help sheet show these. */
export const SLASH_USAGE: Readonly<Record<SlashName, string>> = {
  add: '/add [onion address | server bundle | group invite]  — add a contact, server or group (no argument: paste box)',
  accept: '/accept [onion]  — accept a contact request (default: the open one)',
  block: '/block [onion]  — block a peer (default: the open one)',
  group: '/group <server onion> <name>  — create a group on a server (experimental)',
  invite: '/invite <contact onion> [group id]  — invite a contact to a group (default: the open group)',
  leave: '/leave [group id] [yes]  — leave a group (default: the open one) and delete its messages on this device; asks first',
  fork: '/fork [server]  — a fresh key for the group\'s members; old group read-only',
  mirror: '/mirror <server>  — the open group lives on that server too (onion or bundle); members follow',
  move: '/move <server>  — move the open group there; the old server goes once every member has followed',
  rename: '/rename <name>  — your own name for the open contact or group (kept on this device, never sent)',
  server: '/server [bundle | qr [onion]]  — import a server bundle, or list servers; qr: the open group\'s server bundle as a QR code',
  sync: '/sync [server onion] [yes]  — sync a server now; "yes" accepts the cost shown',
  lowbw: '/lowbw [on|off]  — low-bandwidth mode: no background sync',
  budget: '/budget [50MB|off]  — bytes a day low-bandwidth syncs may spend before they ask; alone: the meter (servers view)',
  mute: '/mute [on|off]  — mute the open conversation (its news is counted apart), or unmute it; alone: toggles',
  export: '/export FILE  — write this profile, still encrypted, to FILE (a backup; cwtch-tui import FILE brings it in elsewhere)',
  password: '/password  — change the profile\'s password (asks the current one, then the new one twice; nothing is shown)',
  search: '/search WORDS  — messages holding the words, newest first, in every conversation (Ctrl+R starts one)',
  verify: '/verify [yes|no]  — the open contact\'s verification code to read to each other; yes: it matched, mark them verified',
  profile: '/profile [NAME | new | delete]  — the open profiles; switch to NAME; make another; delete the open one (asks twice)',
  set: '/set [NAME VALUE]  — a UI setting (theme, keys, timestamps, clock, lowbw, bell); alone: lists them',
  me: '/me [qr]  — show your own address (give it to people so they can /add you); qr: as a QR code to scan',
  help: '/help [topic]  — help; topics: keys, editing, groups, gaps, paste, lowbw, commands',
  quit: '/quit  — leave',
};

export const HELP_TOPICS = ['keys', 'editing', 'groups', 'gaps', 'paste', 'lowbw', 'commands'] as const;

/** Whether a composer line is a command at all: a leading "/" but not "//" (which sends a literal "/"). */
export function isSlashCommand(text: string): boolean {
  return text.startsWith('/') && !text.startsWith('//');
}

const err = (code: string, reason: string): SlashResult => ({ kind: 'error', code, reason });
const engine = (command: EngineCommand): SlashResult => ({ kind: 'engine', command });
const ui = (action: UiAction): SlashResult => ({ kind: 'ui', action });

/**
 * Parse one composer line that starts with "/".
 * Example: `parseSlashCommand('/lowbw on')` → `{kind: 'engine', command: {cmd: 'lowbw', on: true}}`.
 */
export function parseSlashCommand(text: string, ctx: SlashContext = {}): SlashResult {
  if (!isSlashCommand(text)) return err('slash.not-command', 'commands start with "/"');
  const trimmed = text.slice(1).trim();
  const [rawName = '', ...args] = trimmed.split(/\s+/);
  const name = rawName.toLowerCase();
  if (!(SLASH_COMMANDS as readonly string[]).includes(name)) return err('slash.unknown', `unknown command /${rawName.slice(0, 20)}; try /help commands`);
  const rest = trimmed.slice(rawName.length).trim();
  switch (name as SlashName) {
    case 'add':
      // Without an argument, open the paste box, which explains what a pasted thing is before adding it.
      if (rest.length === 0) return ui({ ui: 'paste' });
      return engine({ cmd: 'add', text: rest });
    case 'accept':
    case 'block': {
      const onion = args[0] ?? (ctx.currentKind === 'contact' ? ctx.current : undefined);
      if (onion === undefined) return err('slash.missing', SLASH_USAGE[name as 'accept' | 'block']);
      return engine({ cmd: name as 'accept' | 'block', onion });
    }
    case 'group': {
      const [server, ...nameParts] = args;
      if (server === undefined || nameParts.length === 0) return err('slash.missing', SLASH_USAGE.group);
      return engine({ cmd: 'create-group', server, name: nameParts.join(' ') });
    }
    case 'invite': {
      const to = args[0];
      const group = args[1] ?? (ctx.currentKind === 'group' ? ctx.current : undefined);
      if (to === undefined || group === undefined) return err('slash.missing', SLASH_USAGE.invite);
      return engine({ cmd: 'invite', to, group });
    }
    case 'leave': {
      const confirm = args.some((a) => a.toLowerCase() === 'yes');
      const group = args.find((a) => a.toLowerCase() !== 'yes') ?? (ctx.currentKind === 'group' ? ctx.current : undefined);
      if (group === undefined) return err('slash.missing', SLASH_USAGE.leave);
      return confirm ? engine({ cmd: 'leave-group', group }) : ui({ ui: 'confirm-leave', group });
    }
    case 'fork':
      if (ctx.current === undefined || ctx.currentKind !== 'group') return err('slash.missing', SLASH_USAGE.fork);
      return engine({ cmd: 'fork-group', group: ctx.current, ...(rest.length > 0 ? { server: rest } : {}) });
    case 'mirror':
    case 'move':
      if (ctx.current === undefined || ctx.currentKind !== 'group' || rest.length === 0) return err('slash.missing', SLASH_USAGE[name as 'mirror' | 'move']);
      return engine({ cmd: name === 'mirror' ? 'mirror' : 'move-group', group: ctx.current, server: rest });
    case 'rename':
      if (ctx.current === undefined || rest.length === 0) return err('slash.missing', SLASH_USAGE.rename);
      return engine({ cmd: 'rename', conversation: ctx.current, name: rest });
    case 'server':
      if (args[0]?.toLowerCase() === 'qr') return ui({ ui: 'qr', what: 'server', ...(args[1] !== undefined ? { server: args[1] } : {}) });
      return rest.length === 0 ? ui({ ui: 'servers' }) : engine({ cmd: 'add', text: rest });
    case 'sync': {
      const confirm = args.some((a) => a.toLowerCase() === 'yes');
      const server = args.find((a) => a.toLowerCase() !== 'yes');
      if (server === undefined) return err('slash.missing', SLASH_USAGE.sync);
      return engine(confirm ? { cmd: 'sync', server, confirm: true } : { cmd: 'sync', server });
    }
    case 'lowbw': {
      const a = args[0]?.toLowerCase();
      if (a === undefined) return engine({ cmd: 'lowbw', on: !(ctx.lowBandwidth ?? false) });
      if (a === 'on') return engine({ cmd: 'lowbw', on: true });
      if (a === 'off') return engine({ cmd: 'lowbw', on: false });
      return err('slash.argument', SLASH_USAGE.lowbw);
    }
    case 'budget': {
      const a = args[0];
      if (a === undefined) return ui({ ui: 'servers' });
      const n = parseByteSize(args.join(''));
      if (n === null) return err('slash.argument', SLASH_USAGE.budget);
      return engine({ cmd: 'data-budget', bytesPerDay: n });
    }
    case 'help': {
      const topic = args[0]?.toLowerCase();
      if (topic === undefined) return ui({ ui: 'help' });
      if (!(HELP_TOPICS as readonly string[]).includes(topic)) return err('slash.argument', SLASH_USAGE.help);
      return ui({ ui: 'help', topic });
    }
    case 'password':
      return ui({ ui: 'password' });
    case 'mute': {
      if (ctx.current === undefined) return err('slash.missing', SLASH_USAGE.mute);
      const a = args[0]?.toLowerCase();
      if (a !== undefined && a !== 'on' && a !== 'off') return err('slash.argument', SLASH_USAGE.mute);
      return engine({ cmd: 'mute', conversation: ctx.current, on: a === undefined ? !(ctx.currentMuted ?? false) : a === 'on' });
    }
    case 'export':
      return rest.length === 0 ? err('slash.missing', SLASH_USAGE.export) : engine({ cmd: 'export-profile', file: rest });
    case 'search':
      return rest.length === 0 ? err('slash.missing', SLASH_USAGE.search) : engine({ cmd: 'search', text: rest });
    case 'verify': {
      if (ctx.current === undefined || ctx.currentKind !== 'contact') return err('slash.missing', SLASH_USAGE.verify);
      const a = args[0]?.toLowerCase();
      if (a === undefined) return engine({ cmd: 'verify-code', onion: ctx.current });
      if (a === 'yes' || a === 'no') return engine({ cmd: 'set-verified', onion: ctx.current, on: a === 'yes' });
      return err('slash.argument', SLASH_USAGE.verify);
    }
    case 'set': {
      if (args.length === 0) return ui({ ui: 'settings' });
      const [setting = '', value] = args;
      if (value === undefined || args.length > 2) {
        const n = setting.toLowerCase();
        return err('slash.argument', isSettingName(n) ? `/set ${n} ${UI_SETTINGS[n].values.join('|')}  — ${UI_SETTINGS[n].help}` : SLASH_USAGE.set);
      }
      const r = parseSetting(setting, value);
      return r.ok ? ui({ ui: 'set', patch: r.value }) : err(r.error.code, r.error.reason);
    }
    case 'profile': {
      const a = args[0]?.toLowerCase();
      if (a === undefined) return ui({ ui: 'profiles' });
      if (a === 'new' && args.length === 1) return ui({ ui: 'new-profile' });
      if (a === 'delete') {
        const confirmed = args.length > 2 && args[args.length - 1]!.toLowerCase() === 'yes';
        const name = (confirmed ? args.slice(1, -1) : args.slice(1)).join(' ');
        return ui({ ui: 'delete-profile', ...(name.length > 0 ? { name } : {}), confirmed });
      }
      return ui({ ui: 'select-profile', name: rest });
    }
    case 'me':
      if (args[0]?.toLowerCase() === 'qr') return ui({ ui: 'qr', what: 'me' });
      return args.length === 0 ? ui({ ui: 'me' }) : err('slash.argument', SLASH_USAGE.me);
    case 'quit':
      return ui({ ui: 'quit' });
  }
}

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9 };

/** "50MB", "1.5 GB", "500k", "0" or "off" as bytes (decimal units, as the meters show them); null: not a size. */
export function parseByteSize(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'off' || t === 'none') return 0;
  const m = /^(\d{1,12}(?:\.\d{1,6})?)\s*([a-z]*)$/.exec(t);
  const unit = m === null ? undefined : UNITS[m[2]!];
  if (m === null || unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : null;
}

export interface Completion {
  /** The composer text after completing (unchanged when nothing or several match). */
  readonly text: string;
  /** Every candidate, for a completion menu. */
  readonly candidates: readonly string[];
}

function commonPrefix(xs: readonly string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0]!;
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** `/set` completes a setting's name, then its values. */
function settingPool(before: string): readonly string[] {
  const done = before.trim().split(/\s+/).filter((w) => w.length > 0);
  if (done.length === 0) return SETTING_NAMES;
  const n = done[0]!.toLowerCase();
  return done.length === 1 && isSettingName(n) ? UI_SETTINGS[n].values : [];
}

/**
 * Tab completion: the command name, then per-command arguments (help topics, on/off, and the
 * onions/ids in `words` for commands that take one).
 */
export function completeSlash(text: string, words: readonly string[] = []): Completion {
  if (!isSlashCommand(text)) return { text, candidates: [] };
  const space = text.indexOf(' ');
  if (space < 0) {
    const partial = text.slice(1).toLowerCase();
    const candidates = SLASH_COMMANDS.filter((c) => c.startsWith(partial));
    if (candidates.length === 1) return { text: `/${candidates[0]} `, candidates };
    const prefix = commonPrefix(candidates);
    return { text: prefix.length > partial.length ? `/${prefix}` : text, candidates };
  }
  const name = text.slice(1, space).toLowerCase();
  const lastSpace = text.lastIndexOf(' ');
  const partial = text.slice(lastSpace + 1);
  const setting = name === 'set' ? settingPool(text.slice(space + 1, lastSpace + 1)) : undefined;
  const pool: readonly string[] =
    setting !== undefined
      ? setting
      : name === 'help' ? HELP_TOPICS : name === 'lowbw' ? ['on', 'off'] : name === 'budget' ? ['off'] : name === 'verify' ? ['yes', 'no'] : ['accept', 'block', 'invite', 'sync', 'group', 'leave'].includes(name) ? words : [];
  const candidates = pool.filter((w) => w.toLowerCase().startsWith(partial.toLowerCase()));
  const head = text.slice(0, lastSpace + 1);
  if (candidates.length === 1) return { text: `${head}${candidates[0]} `, candidates };
  const prefix = commonPrefix(candidates);
  return { text: prefix.length > partial.length ? head + prefix : text, candidates };
}

// The one command API the engine accepts, from the TUI or from headless JSONL on stdin.
// `decodeCommand` is a trust-boundary decoder: any line of bytes gives a command or an error, never a throw.

import { fail, ok, type Result } from '../result.js';

/**
 * Every command may name the open profile it is for (`profile`: a `profileId`); one naming another open profile makes
 * that one active first (its snapshot is emitted, as `select-profile` does). Absent: the active profile.
 */
export type EngineCommand = CommandBody & { readonly profile?: string };

type CommandBody =
  | { readonly cmd: 'create-profile'; readonly name: string; readonly password: string; readonly id?: string }
  | { readonly cmd: 'unlock'; readonly password: string; readonly id?: string }
  | { readonly cmd: 'add'; readonly text: string; readonly id?: string }
  | { readonly cmd: 'accept'; readonly onion: string; readonly id?: string }
  | { readonly cmd: 'block'; readonly onion: string; readonly id?: string }
  | { readonly cmd: 'send'; readonly to: string; readonly text: string; readonly id?: string }
  | { readonly cmd: 'history'; readonly conversation: string; readonly limit?: number; readonly before?: string; readonly id?: string }
  | { readonly cmd: 'create-group'; readonly server: string; readonly name: string; readonly id?: string }
  | { readonly cmd: 'invite'; readonly to: string; readonly group: string; readonly id?: string }
  /** Delete a group (key, messages, gaps, sync state) from the profile; its server stays imported. */
  | { readonly cmd: 'leave-group'; readonly group: string; readonly id?: string }
  /**
   * A new group with a fresh key (on `server`, default the old group's), its members who are approved contacts
   * invited over 1:1; the old group is kept read-only, pointing at the new one.
   */
  | { readonly cmd: 'fork-group'; readonly group: string; readonly server?: string; readonly id?: string }
  | { readonly cmd: 'mirror'; readonly group: string; readonly server: string; readonly id?: string }
  | { readonly cmd: 'move-group'; readonly group: string; readonly server: string; readonly id?: string }
  /** A local name for a contact (onion) or a group (group id); stored in the profile, never sent. */
  | { readonly cmd: 'rename'; readonly conversation: string; readonly name: string; readonly id?: string }
  | { readonly cmd: 'sync'; readonly server: string; readonly confirm?: boolean; readonly id?: string }
  | { readonly cmd: 'lowbw'; readonly on: boolean; readonly id?: string }
  /** Bytes a day that low-bandwidth syncs may spend before they ask (0: no budget); remembered by the profile. */
  | { readonly cmd: 'data-budget'; readonly bytesPerDay: number; readonly id?: string }
  /** The verification code for a contact (docs/protocol.md §12.7), answered by a `verify-code` event. */
  | { readonly cmd: 'verify-code'; readonly onion: string; readonly id?: string }
  /** Mark a contact verified (the code matched when read to each other) or not; answered by its `contact` event. */
  | { readonly cmd: 'set-verified'; readonly onion: string; readonly on: boolean; readonly id?: string }
  /** Re-key the open profile: `old` must be its password ("" = the default one); `new` "" means the default password. */
  | { readonly cmd: 'change-password'; readonly old: string; readonly new: string; readonly id?: string }
  /** Mute a conversation (contact onion or group id) or not: its news is counted apart; remembered by the profile. */
  | { readonly cmd: 'mute'; readonly conversation: string; readonly on: boolean; readonly id?: string }
  /** Write the open profile, still encrypted under its password, to `file` (a backup, or to move it). */
  | { readonly cmd: 'export-profile'; readonly file: string; readonly id?: string }
  /** Bring an exported profile into this home and open it with its `password`. */
  | { readonly cmd: 'import-profile'; readonly file: string; readonly password: string; readonly id?: string }
  /** Messages whose text holds `text` (any case), newest first; in one conversation, or in all of them. */
  | { readonly cmd: 'search'; readonly text: string; readonly conversation?: string; readonly limit?: number; readonly id?: string }
  /** Disconnect peers we have not approved right after auth (Cwtch's "block unknown connections"). */
  | { readonly cmd: 'block-unknown'; readonly on: boolean; readonly id?: string }
  /** Make an open profile the active one (`profile`: its profileId): its snapshot is emitted, then `profiles`. */
  | { readonly cmd: 'select-profile'; readonly profile: string; readonly id?: string }
  /** Delete an open profile: offline first (its onion withdrawn), then its files; answered `ok`, then `profiles`. */
  | { readonly cmd: 'delete-profile'; readonly profile: string; readonly id?: string }
  | { readonly cmd: 'quit'; readonly id?: string };

export type CommandName = EngineCommand['cmd'];

type FieldType = 'string' | 'boolean' | 'number';
interface Spec {
  readonly required: Readonly<Record<string, FieldType>>;
  readonly optional: Readonly<Record<string, FieldType>>;
}

/** The headless command table; the man-page completeness test reads it. */
export const COMMAND_SPECS: Readonly<Record<CommandName, Spec>> = {
  'create-profile': { required: { name: 'string', password: 'string' }, optional: {} },
  unlock: { required: { password: 'string' }, optional: {} },
  add: { required: { text: 'string' }, optional: {} },
  accept: { required: { onion: 'string' }, optional: {} },
  block: { required: { onion: 'string' }, optional: {} },
  send: { required: { to: 'string', text: 'string' }, optional: {} },
  history: { required: { conversation: 'string' }, optional: { limit: 'number', before: 'string' } },
  'create-group': { required: { server: 'string', name: 'string' }, optional: {} },
  invite: { required: { to: 'string', group: 'string' }, optional: {} },
  'leave-group': { required: { group: 'string' }, optional: {} },
  'fork-group': { required: { group: 'string' }, optional: { server: 'string' } },
  mirror: { required: { group: 'string', server: 'string' }, optional: {} },
  'move-group': { required: { group: 'string', server: 'string' }, optional: {} },
  rename: { required: { conversation: 'string', name: 'string' }, optional: {} },
  sync: { required: { server: 'string' }, optional: { confirm: 'boolean' } },
  lowbw: { required: { on: 'boolean' }, optional: {} },
  'data-budget': { required: { bytesPerDay: 'number' }, optional: {} },
  'block-unknown': { required: { on: 'boolean' }, optional: {} },
  'verify-code': { required: { onion: 'string' }, optional: {} },
  search: { required: { text: 'string' }, optional: { conversation: 'string', limit: 'number' } },
  'change-password': { required: { old: 'string', new: 'string' }, optional: {} },
  'export-profile': { required: { file: 'string' }, optional: {} },
  mute: { required: { conversation: 'string', on: 'boolean' }, optional: {} },
  'import-profile': { required: { file: 'string', password: 'string' }, optional: {} },
  'set-verified': { required: { onion: 'string', on: 'boolean' }, optional: {} },
  'select-profile': { required: { profile: 'string' }, optional: {} },
  'delete-profile': { required: { profile: 'string' }, optional: {} },
  quit: { required: {}, optional: {} },
};

/** Longest accepted command line; a 10 MB line is refused without being parsed. */
export const MAX_COMMAND_LINE_BYTES = 256 * 1024;

export function decodeCommand(line: string): Result<EngineCommand> {
  if (typeof line !== 'string') return fail('command.type', 'a command is one line of JSON');
  if (line.length > MAX_COMMAND_LINE_BYTES) return fail('command.too-long', `a command line may be at most ${MAX_COMMAND_LINE_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return fail('command.json', 'not valid JSON: send one JSON object per line');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('command.shape', 'a command is a JSON object like {"cmd":"send",...}');
  const o = v as Record<string, unknown>;
  const name = o['cmd'];
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(COMMAND_SPECS, name)) {
    return fail('command.unknown', `unknown command ${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : ''}; known: ${Object.keys(COMMAND_SPECS).join(', ')}`);
  }
  const spec = COMMAND_SPECS[name as CommandName];
  const out: Record<string, unknown> = { cmd: name };
  if (o['id'] !== undefined) {
    if (typeof o['id'] !== 'string' && typeof o['id'] !== 'number') return fail('command.id', '"id" must be a string or number');
    out['id'] = String(o['id']);
  }
  if (o['profile'] !== undefined) {
    if (typeof o['profile'] !== 'string') return fail('command.field', '"profile" must be a profileId (string)');
    out['profile'] = o['profile'];
  }
  for (const [k, t] of Object.entries(spec.required)) {
    if (typeof o[k] !== t) return fail('command.field', `"${name}" needs "${k}" (${t})`);
    out[k] = o[k];
  }
  for (const [k, t] of Object.entries(spec.optional)) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== t) return fail('command.field', `"${k}" of "${name}" must be a ${t}`);
    out[k] = o[k];
  }
  return ok(out as unknown as EngineCommand);
}

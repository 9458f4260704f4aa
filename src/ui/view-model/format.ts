// Words and numbers the Ink screens and linear mode both say, so the two cannot drift apart. Pure (no Ink), so
// linear mode loads without it.

import type { PeerState, PostWaiting } from '../../core/api/events.js';
import { clockTime } from './pane-layout.js';
import { fingerprintOf } from './identity.js';
import { openGapCount, type PostQueueVm, type UiState } from './state.js';

/** The peer and server states shown as online (green, "online"): the connection is up and authenticated. */
export const ONLINE_STATES: ReadonlySet<PeerState> = new Set(['Authenticated', 'Synced']);

/** Servers in the servers view's order: imported ones first, then by onion for stability. */
export function serverOrder(view: UiState): string[] {
  return [...view.servers.values()].sort((a, b) => Number(b.imported) - Number(a.imported) || (a.onion < b.onion ? -1 : a.onion > b.onion ? 1 : 0)).map((s) => s.onion);
}

/** Bytes for people: 1.2 MB, 340 kB, 12 B (decimal units, like the meters in docs/ux.md's comparisons). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}

/** The question a full resync asks before it spends the bytes (groups issue: cost preview). */
export function syncPromptText(p: { readonly server: string; readonly messages: number; readonly bytes: number; readonly estimated?: boolean }): string {
  // An estimate comes before anything was sent (the server counted its windows); otherwise the server had begun.
  const cost = p.estimated === true ? `about ${formatBytes(p.bytes)} (the server's count; nothing fetched yet)` : formatBytes(p.bytes);
  return `Full resync of server #${fingerprintOf(p.server).short}: ${p.messages} messages, ${cost}. Type /sync ${p.server} yes to go ahead.`;
}

/** What /leave asks before it deletes anything (the engine deletes the group's messages on this device). */
export function leaveQuestion(state: UiState, group: string, current: string | undefined): string {
  const name = state.conversations.get(group)?.name ?? 'this group';
  const answer = group === current ? '/leave yes' : `/leave ${group} yes`;
  return `Leave “${name}”? Its messages on this device are deleted, and there is no undo. Type ${answer} to leave.`;
}

/** The groups on `server`, with open gaps, as one line. */
/** A group's servers in its header: how many, and a move we lead still waiting for members (null: nothing to say). */
export function groupServersText(c: { readonly servers?: readonly string[]; readonly moveWaiting?: number }): string | null {
  const parts: string[] = [];
  if (c.servers !== undefined && c.servers.length > 1) parts.push(`on ${c.servers.length} servers`);
  if (c.moveWaiting !== undefined) parts.push(c.moveWaiting === 0 ? 'moving' : `moving: ${c.moveWaiting} member${c.moveWaiting === 1 ? '' : 's'} to follow`);
  return parts.length === 0 ? null : parts.join(' · ');
}

export function serverGroupsText(state: UiState, server: string): string {
  const groups = [...state.conversations.values()].filter((c) => c.kind === 'group' && (c.servers !== undefined ? c.servers.includes(server) : c.server === server));
  if (groups.length === 0) return 'no groups';
  const gaps = groups.reduce((n, g) => n + openGapCount(state, g.id), 0);
  return `${groups.length} group${groups.length === 1 ? '' : 's'}${gaps > 0 ? ` · ⟂ ${gaps} gap${gaps === 1 ? '' : 's'} open` : ''}`;
}

/** A server's traffic and its fetched-vs-ours ratio. */
export function serverCostText(state: UiState, server: string): string {
  const bytes = state.bytes.get(`server:${server}`) ?? { sent: 0, received: 0 };
  const count = state.serverMessages.get(server) ?? { fetched: 0, ours: 0 };
  return `↑ ${formatBytes(bytes.sent)} ↓ ${formatBytes(bytes.received)} · ${count.fetched} fetched, ${count.ours} ours`;
}

/**
 * Our queued posts to a server, as one line: "3 posts waiting for the server: rate limited by the server until
 * 14:03:22"; "3 posts sending" while they go out; null when nothing is queued. `short` for a pane header
 * ("3 waiting: server rate limit until 14:03:22"), where the reason must fit beside the name.
 */
export function postQueueText(q: PostQueueVm | undefined, short = false): string | null {
  if (q === undefined || q.queued <= 0) return null;
  const at = q.retryAt === undefined ? '' : clockTime(q.retryAt, true);
  const n = short ? `${q.queued}` : `${q.queued} post${q.queued === 1 ? '' : 's'}`;
  if (q.waiting === null) return `${n} sending`;
  const why = short ? SHORT_REASON[q.waiting] : LONG_REASON[q.waiting];
  const when = at === '' ? '' : q.waiting === 'rate-limited' ? ` until ${at}` : `, again at ${at}`;
  return `${n} waiting${short ? '' : ' for the server'}: ${why}${when}`;
}

const LONG_REASON: Record<PostWaiting, string> = {
  connecting: 'not connected yet',
  'low-bandwidth': 'low-bandwidth mode, they go with the next /sync',
  'rate-limited': 'rate limited by the server',
  tokens: 'no tokens to post with (buying some)',
  refused: 'it refused a token',
};
const SHORT_REASON: Record<PostWaiting, string> = {
  connecting: 'not connected',
  'low-bandwidth': '/sync sends them',
  'rate-limited': 'server rate limit',
  tokens: 'no tokens',
  refused: 'token refused',
};

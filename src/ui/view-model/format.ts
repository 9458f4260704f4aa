// Words and numbers the Ink screens and linear mode both say, so the two cannot drift apart. Pure (no Ink), so
// linear mode loads without it.

import type { EngineEvent, PeerState, PostWaiting } from '../../core/api/events.js';
import { clockTime } from './pane-layout.js';
import { fingerprintOf } from './identity.js';
import { bytesToday, hotlist, openGapCount, type PostQueueVm, type SyncPromptVm, type UiState } from './state.js';

type SyncCostEvent = Extract<EngineEvent, { event: 'sync-cost' }>;

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

/** The question a full resync, or a sync past the day's data budget, asks before it spends the bytes. */
export function syncPromptText(p: SyncPromptVm | SyncCostEvent): string {
  // An estimate comes before anything was sent (the server counted its windows); otherwise the server had begun.
  const cost = p.estimated === true ? `about ${formatBytes(p.bytes)} (the server's count; nothing fetched yet)` : formatBytes(p.bytes);
  const over = 'event' in p ? (p.overBudget === true ? { today: p.today ?? 0, budget: p.budget ?? 0 } : undefined) : p.overBudget;
  const what = over === undefined ? 'Full resync' : `Past today's data budget (${formatBytes(over.today)} of ${formatBytes(over.budget)} spent): sync`;
  return `${what} of server #${fingerprintOf(p.server).short}: ${p.messages} messages, ${cost}. Type /sync ${p.server} yes to go ahead.`;
}

/** What the screen says with a verification code (docs/protocol.md §12.7): how to use it, and how to say it matched. */
export function verifyCodeText(state: UiState, onion: string, code: string): readonly [string, string] {
  const c = state.conversations.get(onion);
  const who = c === undefined ? `#${fingerprintOf(onion).short}` : `${c.name} #${c.fingerprint.short}`;
  const now = c?.verified === true ? 'Marked verified; /verify no takes it back.' : 'If theirs is the same, type /verify yes.';
  return [`Verification code with ${who}: ${code}`, `Read it to each other by voice or in person, not in this chat. ${now}`];
}

/** The status line's hotlist: "act 2(1) 5(3) 7?" (number, unread count, ? for a request), or null when all is read. */
export function hotlistText(state: UiState): string | null {
  const all = hotlist(state);
  const loud = all.filter((x) => x.muted !== true);
  const quiet = all.filter((x) => x.muted === true).reduce((n, x) => n + x.unread, 0);
  const parts: string[] = [];
  if (loud.length > 0) parts.push(`act ${loud.map((x) => `${x.slot}${x.unread > 0 ? `(${x.unread > 99 ? '99+' : x.unread})` : ''}${x.request ? '?' : ''}`).join(' ')}`);
  // Muted news is counted apart: how much, not where.
  if (quiet > 0) parts.push(`muted ${quiet > 99 ? '99+' : quiet}`);
  return parts.length === 0 ? null : parts.join(' · ');
}

/** The day's data against the budget ("1.2 MB of 5.0 MB today"), or null without a budget. */
export function budgetText(state: UiState): string | null {
  const d = state.dataDay;
  if (d === undefined || d.budget === 0) return null;
  return `${formatBytes(d.today)} of ${formatBytes(d.budget)} today${d.today >= d.budget ? ' — budget reached' : ''}`;
}

/** A text progress bar, `width` cells: filled blocks then light shade. */
export function progressBar(percent: number, width: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** Tor's state as the status line and the unlock screen say it: "Tor 45% █████░░░░░ ", "Tor ready ", "Tor failed ". */
export function torStateText(tor: UiState['tor']): string {
  return tor.state === 'starting' ? `Tor ${tor.progress}% ${progressBar(tor.progress, 10)} ` : `Tor ${tor.state} `;
}

/** The servers view's line about the data budget (also linear mode's /server). */
export function budgetLine(state: UiState): string {
  const t = budgetText(state);
  if (t === null) return `No data budget (${formatBytes(bytesToday(state))} today): /budget 50MB sets one for low-bandwidth syncs.`;
  return `Data budget: ${t} ${progressBar(budgetPercent(state), 10)} · low-bandwidth syncs stop there and ask.`;
}

/** How full the day's budget is, 0–100 (0 without one). */
export function budgetPercent(state: UiState): number {
  const d = state.dataDay;
  return d === undefined || d.budget === 0 ? 0 : Math.min(100, Math.round((d.today / d.budget) * 100));
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

/** Why a server is down and when it is tried again ("the peer is not online · next try at 14:03:22"), or null. */
export function serverTroubleText(s: { readonly state: PeerState; readonly reason?: string; readonly retryAt?: number }, hour12 = false): string | null {
  if (ONLINE_STATES.has(s.state) || (s.reason === undefined && s.retryAt === undefined)) return null;
  const when = s.retryAt === undefined ? '' : `next try at ${clockTime(s.retryAt, true, hour12)}`;
  return [s.reason, when].filter((x) => x !== undefined && x !== '').join(' · ');
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
export function postQueueText(q: PostQueueVm | undefined, short = false, hour12 = false): string | null {
  if (q === undefined || q.queued <= 0) return null;
  const at = q.retryAt === undefined ? '' : clockTime(q.retryAt, true, hour12);
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

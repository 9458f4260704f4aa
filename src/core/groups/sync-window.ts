// Time windows (docs/sync-extension.md §10): from when a client needs a server's messages, and how a server files
// and pads them. Pure arithmetic shared by the client engine and the server, so both sides round the same way.

import { GROUP_SYNC_PAD_S, GROUP_SYNC_SKEW_MS } from '../limits.js';

/** What bounds one group's need on one server: nothing of it is older than its creation, and we hold all before our last finished replay. */
export interface GroupSyncBounds {
  /** When the group was created (ms, the creator's clock), or null when unknown (a Go invite). */
  readonly createdAt: number | null;
  /** When a replay of this server last finished for it (ms, our clock), or null when never. */
  readonly syncedAt: number | null;
}

/**
 * Unix seconds from which a server's groups need messages: per group the later of its two bounds, the earliest over
 * the groups, less `skewMs` for the clocks involved (the creator's, ours, the server's), rounded down to a whole
 * `padS` (GROUP_SYNC_PAD_S: what the server sees is coarse). Null when a group has neither bound (then everything
 * after LastCommit is needed) or there is no group.
 */
export function syncSince(groups: readonly GroupSyncBounds[], skewMs = GROUP_SYNC_SKEW_MS, padS = GROUP_SYNC_PAD_S): number | null {
  let earliest = Infinity;
  for (const g of groups) {
    if (g.createdAt === null && g.syncedAt === null) return null;
    earliest = Math.min(earliest, Math.max(g.createdAt ?? -Infinity, g.syncedAt ?? -Infinity));
  }
  if (!Number.isFinite(earliest)) return null;
  return Math.max(0, Math.floor((earliest - skewMs) / 1000 / padS) * padS);
}

/** The end (unix seconds, exclusive) of the `windowS`-wide window holding the instant `nowMs`: what a stored row keeps. */
export function windowEndOf(nowMs: number, windowS: number): number {
  return (Math.floor(nowMs / 1000 / windowS) + 1) * windowS;
}

/** A client's Since padded down to the start of its window: a server replays whole windows only. */
export function windowStartOf(since: number, windowS: number): number {
  return Math.floor(since / windowS) * windowS;
}

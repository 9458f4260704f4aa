// The one event stream the engine emits. The TUI and the headless JSONL mode both consume it;
// headless writes each event as one JSON line, so every field is plain JSON (strings, numbers, booleans).
// Field names are a public, stable interface: scripts and bots depend on them.

/** An open profile: its id (for commands' `profile`), name and onion, and whether commands go to it now. */
export interface OpenProfile {
  readonly profileId: string;
  readonly name: string;
  readonly onion: string;
  readonly active: boolean;
}

/** A conversation is a contact (its onion) or a group (its 32-hex group id). */
export type ConversationId = string;

export type Authorization = 'unknown' | 'approved' | 'blocked';
export type PeerState = 'Disconnected' | 'Connecting' | 'Connected' | 'Authenticated' | 'Synced' | 'Failed' | 'Killed';
export type AckState = 'pending' | 'sent' | 'acknowledged' | 'failed';
/**
 * Why a server's queued group posts are not going out: no synced connection yet ('connecting'), low-bandwidth
 * mode (they go with the next sync), the server's rate limit, no tokens (a purchase failed), or the server refused
 * a post's token. null: they are going out (or none are queued).
 */
export type PostWaiting = 'connecting' | 'low-bandwidth' | 'rate-limited' | 'tokens' | 'refused';

interface Base {
  /** Echo of the command's "id", when the event answers a command. */
  readonly id?: string;
}

export type EngineEvent =
  /** The active profile (after unlock, create, import, a switch); `profileId` names it in commands' `profile`. */
  | (Base & { readonly event: 'profile'; readonly profileId: string; readonly onion: string; readonly name: string; readonly defaultPassword: boolean })
  | (Base & { readonly event: 'tor'; readonly state: 'starting' | 'ready' | 'failed' | 'closed'; readonly progress: number; readonly summary: string })
  /** `name` is the user's local name when the contact was renamed, else the one the peer announced. */
  /** verified: the user marked this contact verified (set-verified), stored in the profile. */
  | (Base & {
      readonly event: 'contact';
      readonly onion: string;
      /** When it was added, as an order (a conversation added later has a larger one): the UI's numbers follow it. */
      readonly position: number;
      readonly name: string;
      readonly authorization: Authorization;
      readonly unread: number;
      readonly lastActivity: number;
      readonly verified: boolean;
      /** Present (true) when the user muted it. */
      readonly muted?: boolean;
    })
  /** The verification code for a contact: six groups of five digits, the same on both sides (docs/protocol.md §12.7). */
  | (Base & { readonly event: 'verify-code'; readonly onion: string; readonly code: string })
  /**
   * The answer to `search`: matching messages newest first (at most `limit`); `more`: the search stopped at its
   * limits (SEARCH_MAX_RESULTS shown, SEARCH_MAX_SCAN read) before reading everything.
   */
  | (Base & { readonly event: 'search'; readonly query: string; readonly results: readonly SearchHit[]; readonly more: boolean })
  /**
   * How many profiles the home folder holds (at start: 0 is a first run, create, not unlock), and which are open,
   * said again whenever that changes (unlock, create, import, a switch, a delete). `open` empty: none is open now.
   */
  | (Base & { readonly event: 'profiles'; readonly count: number; readonly open: readonly OpenProfile[] })
  | (Base & { readonly event: 'peer-state'; readonly onion: string; readonly state: PeerState })
  | (Base & {
      readonly event: 'message';
      readonly conversation: ConversationId;
      readonly from: string;
      readonly text: string;
      readonly time: number;
      readonly messageId: string;
      readonly outgoing: boolean;
      readonly ack: AckState;
      readonly overlay: number;
      /** For group messages: the signature that identifies it, base64. */
      readonly signature?: string;
      readonly failReason?: string;
      /** A quoted reply (overlay 10; `text` is its body): the original it quotes. */
      readonly quote?: MessageQuote;
      /** A group invite (overlay 101) that decodes: which group; `text` is still the whole invite. */
      readonly groupInvite?: GroupInviteCard;
    })
  | (Base & { readonly event: 'sent'; readonly conversation: ConversationId; readonly messageId: string })
  | (Base & { readonly event: 'ack'; readonly conversation: ConversationId; readonly messageId: string })
  | (Base & { readonly event: 'failed'; readonly conversation: ConversationId; readonly messageId: string; readonly reason: string })
  | (Base & { readonly event: 'history'; readonly conversation: ConversationId; readonly messages: readonly HistoryMessage[] })
  /** `name` is the user's local name when the group was renamed, else the invite's; `invite` always carries the invite's. */
  /** `forkedTo`: the group was forked (fork-group) and is read-only; its successor's group id. */
  /**
   * `server`: the invite's server (the group's id and signatures are bound to it). `servers`: every server the group
   * lives on now, with its state (`leaving`: synced once more, then dropped; the engine always sends it, absent
   * means `server` alone); `move`: a move in progress
   * (docs/protocol.md §12.6), with the members not yet moved.
   */
  | (Base & {
      readonly event: 'group';
      readonly groupId: string;
      /** As a contact's: the order it was added in, shared with contacts. */
      readonly position: number;
      /** Present (true) when the user muted it. */
      readonly muted?: boolean;
      readonly name: string;
      readonly server: string;
      readonly servers?: readonly { readonly server: string; readonly state: 'active' | 'leaving' }[];
      readonly move?: { readonly from: string; readonly to: string; readonly waiting: readonly string[] };
      readonly invite: string;
      readonly forkedTo?: string;
    })
  /** The group is gone from the profile (leave-group): drop it and everything shown for it. */
  | (Base & { readonly event: 'group-left'; readonly groupId: string })
  | (Base & { readonly event: 'invite'; readonly from: string; readonly groupId: string; readonly groupName: string; readonly text: string })
  /** bundle: the signed key bundle as people share it ("server:" + base64), for a QR code or a copy. */
  | (Base & { readonly event: 'server'; readonly onion: string; readonly imported: boolean; readonly bundle?: string })
  /**
   * `reason`: why the last try failed (the network's words, or the server's); `retryAt`: when the next try is (ms
   * since the epoch). Both come with the state a standing connection is left in while it waits.
   */
  | (Base & { readonly event: 'server-state'; readonly server: string; readonly state: PeerState; readonly reason?: string; readonly retryAt?: number })
  /** Our group posts to one server not yet accepted by it; `retryAt` (ms since the epoch): when posting resumes. */
  | (Base & { readonly event: 'post-queue'; readonly server: string; readonly queued: number; readonly waiting: PostWaiting | null; readonly retryAt?: number })
  | (Base & { readonly event: 'gap'; readonly group: string; readonly gapId: string; readonly before?: string; readonly after?: string; readonly beforeTime?: number; readonly afterTime?: number; readonly cause: 'withheld' | 'pruned' })
  /**
   * `closedBy`: how the missing messages came — from the server that showed the gap (`server`), from another server
   * of the group (`mirror`, `from`: its onion), or from a member (`peer`, `from`: their onion).
   */
  | (Base & { readonly event: 'gap-closed'; readonly group: string; readonly gapId: string; readonly closedBy: 'server' | 'mirror' | 'peer'; readonly from?: string })
  /** A member (`from`) is being asked for a gap's messages; `from` null: no longer (the marker is plainly open again). */
  | (Base & { readonly event: 'gap-repair'; readonly group: string; readonly gapId: string; readonly from: string | null })
  /**
   * estimated: from the server's count before anything was sent (docs/sync-extension.md §10.3), not from its replay's
   * first answer. overBudget: the question is asked because the sync would go past the day's data budget (`today` of
   * `budget` bytes spent), not because it replays from scratch.
   */
  | (Base & {
      readonly event: 'sync-cost';
      readonly server: string;
      readonly messages: number;
      readonly bytes: number;
      readonly estimated?: boolean;
      readonly overBudget?: boolean;
      readonly today?: number;
      readonly budget?: number;
    })
  /**
   * Bytes on the wire since the engine started, per server, contact and in total. The total also carries `today`
   * (sent + received this local day, across restarts) and `budget` (the data budget's bytes a day, 0: none).
   */
  | (Base & {
      readonly event: 'bytes';
      readonly scope: 'server' | 'contact' | 'total';
      readonly key: string;
      readonly sent: number;
      readonly received: number;
      readonly today?: number;
      readonly budget?: number;
    })
  | (Base & { readonly event: 'lowbw'; readonly on: boolean })
  | (Base & { readonly event: 'ok'; readonly cmd: string })
  | (Base & { readonly event: 'error'; readonly code: string; readonly message: string });

export interface HistoryMessage {
  readonly messageId: string;
  readonly from: string;
  readonly text: string;
  readonly time: number;
  readonly outgoing: boolean;
  readonly ack: AckState;
  readonly signature?: string;
  readonly quote?: MessageQuote;
  readonly groupInvite?: GroupInviteCard;
}

/** One message a search found. */
export interface SearchHit {
  readonly conversation: string;
  readonly messageId: string;
  readonly from: string;
  readonly text: string;
  readonly time: number;
}

/** What a group invite message invites to, so a UI can show one line instead of the invite's base64. */
export interface GroupInviteCard {
  readonly groupId: string;
  readonly groupName: string;
}

/** What a quoted reply quotes: the original's id and text when this profile holds it; both absent when not. */
export interface MessageQuote {
  readonly messageId?: string;
  readonly text?: string;
}

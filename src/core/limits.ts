// Every size and time limit in one place, each with where its number comes from.

/** Every Tapir packet on the wire is exactly this long. docs/protocol.md §1.2, handbook packet_format. */
export const PACKET_SIZE = 8192;
/** Largest payload of an unencrypted packet: Go refuses len ≥ 8192 and reads len+2 ≥ 8192 as empty → 8189. docs/protocol.md §1.2. */
export const MAX_PLAINTEXT_PAYLOAD = 8189;
/** Largest payload once secretbox is on: 8192 − nonce(24) − tag(16) = 8152 sealed bytes, minus the 2-byte prefix. docs/protocol.md §1.3. */
export const MAX_ENCRYPTED_PAYLOAD = 8150;
/** The Cwtch/tapir virtual onion port for peers, servers and token services. docs/protocol.md §1.1. */
export const CWTCH_PORT = 9878;
/** Longest group message text (Go MaxGroupMessageLength). docs/protocol.md §7.4. */
export const MAX_GROUP_MESSAGE_LENGTH = 1800;
/** PBKDF2 iterations for profile keys, server configs and group ids. docs/protocol.md §7.2, §8. */
export const KDF_ITERATIONS = 4096;
/** Salt size of a profile or encrypted server config. docs/protocol.md §8. */
export const PROFILE_SALT_BYTES = 128;
// ---- Tapir sessions (src/core/tapir, src/core/net) ----
/**
 * A connection that has not finished its handshake (auth, or a chain's final capability) by then is closed.
 * Our choice: a Tor circuit plus a 3DH round trip takes a few seconds; 15 s leaves room without letting
 * silent peers hold slots (hyperswarm/secret-stream uses a similar handshake timeout).
 */
export const TAPIR_HANDSHAKE_TIMEOUT_MS = 15_000;
/** Inbound connections still in their handshake, per service; more are closed on arrival. Our choice (abuse bound). */
export const TAPIR_MAX_PENDING_HANDSHAKES = 64;
/** All open connections of one service; more are refused. Our choice: far above any real contact list. */
export const TAPIR_MAX_CONNECTIONS = 512;
/** Received packets queued unread on one connection before the stream is paused (8192 B each → 256 KiB). */
export const TAPIR_QUEUE_HIGH_WATER = 32;
/** Unread packets at which a connection whose stream cannot pause is closed (a flood): 2 MiB per connection. */
export const TAPIR_QUEUE_HARD_CAP = 256;
// ---- Profile storage (src/profile) ----
/** SQLCipher page size of a profile db: Go opens with `_pragma_cipher_page_size=8192`. docs/protocol.md §8 [unverified]. */
export const PROFILE_DB_PAGE_SIZE = 8192;
/** Random bytes of a profile folder id → 32 hex characters, like Cwtch's `<32-hex random id>`. docs/protocol.md §8. */
export const PROFILE_ID_BYTES = 16;
/** Largest `db` accepted from an imported archive (a hostile archive must not fill the disk). Our choice: 1 GiB. */
export const MAX_IMPORT_DB_BYTES = 1024 * 1024 * 1024;
/** Largest VERSION file in an imported archive ("2" plus slack for a newline). Our choice. */
export const MAX_IMPORT_VERSION_BYTES = 16;
/** Entries an imported archive may hold: `<id>/` plus db, SALT, VERSION; anything more is refused. Our choice. */
export const MAX_IMPORT_ENTRIES = 4;
/** Most messages one `messagesPage` call returns (the UI loads 200 at a time). Our choice. */
export const MAX_MESSAGES_PAGE = 1000;
// ---- Tor manager (src/tor) ----
/** Oldest tor we run: 0.4.7 is the oldest series still maintained upstream with v3-only onion services and ExtendedErrors. */
export const TOR_MIN_VERSION: readonly [number, number, number] = [0, 4, 7];
/** Longest control-port line we accept, CRLF included. Our choice: the replies we use are < 1 KiB; tor's own read buffer is far larger. */
export const TOR_CONTROL_MAX_LINE = 16 * 1024;
/** Largest control-port reply (all lines, data blocks included). Our choice: we never ask for consensus-sized GETINFO keys. */
export const TOR_CONTROL_MAX_REPLY = 256 * 1024;
/** A control-port command whose reply has not finished by then fails and closes the connection. docs/tor.md: replies take ms. */
export const TOR_CONTROL_REPLY_TIMEOUT_MS = 15_000;
/** SOCKS handshake plus onion connect. Our choice, below tor's SocksTimeout (120 s); docs/tor.md measured 0.1–3 s on the test network. */
export const TOR_SOCKS_TIMEOUT_MS = 60_000;
/** How long dial() keeps retrying 0xF0 (descriptor not found). docs/tor.md: right after publication 1–2 failures, success after 1.4–2.8 s. */
export const TOR_DIAL_RETRY_WINDOW_MS = 20_000;
/** First and largest back-off between dial retries. Our choice (doubling). */
export const TOR_DIAL_RETRY_MIN_MS = 250;
export const TOR_DIAL_RETRY_MAX_MS = 4_000;
/** From spawn until tor has written its control-port file. docs/tor.md: well under a second; generous for slow CI disks. */
export const TOR_START_TIMEOUT_MS = 30_000;
/** No bootstrap progress for this long → a status update saying so. docs/tor.md: ~3 s on the test network; the public network takes up to a minute on a slow link. */
export const TOR_BOOTSTRAP_STALL_MS = 90_000;
/** After SIGNAL SHUTDOWN, how long we wait before SIGKILL by PID. docs/tor.md: a client tor exits within ~15 ms. */
export const TOR_SHUTDOWN_GRACE_MS = 5_000;
/** Back-off when supervision restarts a tor that died: first and largest delay. Our choice (doubling). */
export const TOR_RESTART_MIN_MS = 500;
export const TOR_RESTART_MAX_MS = 30_000;

// --- TUI (src/ui) ---
/** A paste longer than this many lines asks before sending (WeeChat's paste_max_lines idea; docs/ux.md "Paste"). */
export const PASTE_CONFIRM_LINES = 5;
/** The composer shows at most this many lines (the tail of a long draft), so a 24-row terminal keeps room for the conversation. */
export const TUI_MAX_COMPOSER_LINES = 8;
/** Sent lines the composer keeps for Up/Down recall (readline-style history, this session only, never stored). Our choice. */
export const TUI_COMPOSER_HISTORY = 100;

// --- Untrusted text shown in the terminal (src/core/text). Our choices, not protocol numbers. ---
/** Default cap on a SafeText body, in UTF-16 units: twice the largest one-packet payload (MAX_ENCRYPTED_PAYLOAD, 8150 bytes ≥ that many characters), so an honest message is never cut. */
export const SAFE_TEXT_MAX_LENGTH = 16_384;
/** Default cap on lines in a SafeText body: a message of thousands of empty lines would scroll the conversation away. */
export const SAFE_TEXT_MAX_LINES = 256;
/** Default cap on one line, in UTF-16 units: about 50 rows of an 80-column terminal once wrapped. */
export const SAFE_TEXT_MAX_LINE_LENGTH = 4096;
/** Combining marks kept after one base character. Real text needs few (pointed Hebrew with a cantillation mark reaches 4); Zalgo towers use dozens. */
export const SAFE_TEXT_MAX_COMBINING_MARKS = 4;
/** Longest display name, in code points: fits a contact-list column. Cwtch's own UI limit is [unverified]. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

// --- Pasted strings (onion, server bundle, group invite) ---
/** Longest pasted string we parse: a bundle is ~400 bytes, a tofubundle ~700; 16 KiB leaves room for new key types. */
export const MAX_PASTE_BYTES = 16 * 1024;
// ---- Peers and the engine (src/core/peer, src/app/engine) ----
/** Chat messages one peer connection may deliver per second once its burst is spent; faster senders are slowed (we stop reading). Our choice: far above typing speed, below what would flood the UI. */
export const PEER_RATE_PER_SECOND = 200;
/** Messages a peer may deliver at once before the rate applies (an outbox flush after a reconnect). Our choice. */
export const PEER_RATE_BURST = 500;
/** First delay before re-dialling a contact after a failed or lost connection. Our choice (libCwtch ticks every 30 s, docs/protocol.md §9; we retry sooner on a fresh failure). */
export const PEER_RETRY_MIN_MS = 1_000;
/** Largest re-dial delay: the back-off doubles per failure up to this. docs/protocol.md §9: libCwtch caps its base at 5 min; one minute keeps a returning contact quick. */
export const PEER_RETRY_MAX_MS = 60_000;
/** Random spread of each re-dial delay (±20 %), so two peers that lost each other do not dial in lock-step. Our choice. */
export const PEER_RETRY_JITTER = 0.2;
/** Outbox entries sent per flush of one contact; the rest follow as acks arrive. Our choice: bounds one burst. */
export const PEER_OUTBOX_BATCH = 500;
/** Conversations that may sit in "unknown" (requests) at once; further unknown peers are disconnected. Our choice: an abuse bound, since onion identities are free. */
export const MAX_UNKNOWN_CONVERSATIONS = 200;
// ---- Cwtch server, privacy pass and token board (src/server, src/core/privacypass, src/core/groups/board-*) ----
/**
 * Most blinded tokens the token service signs per request. Our choice: a reply of n signed tokens is ~52·n + 110
 * bytes and must fit one plaintext packet (8189), so n ≤ 155; clients ask for 10 (TOKEN_BATCH_SIZE).
 */
export const TOKEN_MAX_BATCH = 100;
/**
 * A token-service connection (PoW + issuance) is closed this long after it opened, whatever its state. Our choice:
 * a 16-bit PoW takes < 1 s in Go and ~1–3 s in our JS client; a Tor round trip a few seconds.
 */
export const TOKEN_SESSION_TIMEOUT_MS = 60_000;
/** Concurrent token-service sessions still running; more are refused on arrival. Our choice: each costs a PoW check and ≤100 scalar mults. */
export const TOKEN_MAX_PENDING_SESSIONS = 64;
/** Board connections open at once (authenticated or not). Our choice: a group server for a few hundred members. */
export const BOARD_MAX_CONNECTIONS = 2048;
/** Board connections still in the auth handshake; more are refused (half-open floods). Our choice. */
export const BOARD_MAX_PENDING_HANDSHAKES = 128;
/** Auth handshake deadline on the board. Same reasoning as TAPIR_HANDSHAKE_TIMEOUT_MS. */
export const BOARD_HANDSHAKE_TIMEOUT_MS = 15_000;
/** After auth, a client must send its first request (replay or post) within this. Our choice: clients replay at once. */
export const BOARD_FIRST_REQUEST_TIMEOUT_MS = 30_000;
/**
 * A board connection on which the client has sent nothing for this long is closed. Our choice: Cwtch clients stay
 * connected silently to receive live messages, so this is long; a reconnect replays from the last commit.
 */
export const BOARD_IDLE_TIMEOUT_MS = 6 * 60 * 60_000;
/** Posts accepted per connection per minute; more are answered Success:false without spending. Our choice (abuse bound; a person types far fewer). */
export const BOARD_POSTS_PER_MINUTE = 120;
/**
 * Once a connection is over BOARD_POSTS_PER_MINUTE, the board refuses all its posts for at least this long (or
 * until a slot frees, if later), answering RetryAfterMs. Our choice: longer than a Tor round trip, so the posts a
 * client pipelined behind the first refused one are refused too and come again in order (docs/protocol.md §12.2).
 */
export const BOARD_RATE_LIMIT_MIN_PAUSE_MS = 5_000;
/**
 * Largest ciphertext the board stores, bytes. A Go DGM (1800 text + 1800 padding as base64 + fields) seals to
 * ≈ 4.5 KiB; and a post must fit one encrypted packet (8150 B), where the ciphertext is base64 next to ~400 B
 * of token, signature and JSON: (8150 − 400) · 3/4 ≈ 5800. docs/protocol.md §1.2, §7.4.
 */
export const BOARD_MAX_CIPHERTEXT_BYTES = 5800;
/** Ed25519 signatures are 64 bytes; a board post's signature must be exactly that (Go stores any non-empty one). */
export const BOARD_SIGNATURE_BYTES = 64;
/** Messages kept per MB of `--max-storage-mb` (Go: MaxStorageMBs × 250). docs/protocol.md §7.5. */
export const BOARD_MESSAGES_PER_MB = 250;
/** Rows read from the store per replay batch, so a long replay does not load the whole table at once. Our choice. */
export const BOARD_REPLAY_BATCH = 500;
/** Raw EGMs a client accepts after one ReplayResult before it gives up on the server. Our choice: a hostile server must not make us wait forever. */
export const BOARD_CLIENT_MAX_REPLAY = 10_000_000;
/** Signatures a board client remembers for de-duplication (newest kept). Our choice. */
export const BOARD_CLIENT_DEDUP_WINDOW = 4096;
// ---- Packed replay, a cwtch-tui extension (src/core/groups/board-packing.ts; docs/sync-extension.md) ----
/** The one packing version we speak: asked for in ReplayRequest "Packing", confirmed in ReplayResult. Our choice. */
export const PACKING_VERSION = 1;
/**
 * Payload bytes of one packed packet: the tag byte plus its share of the entry stream. The largest encrypted
 * payload (MAX_ENCRYPTED_PAYLOAD), so the packet on the wire is the same 8192 bytes as any other.
 */
export const PACKED_MAX_PAYLOAD = MAX_ENCRYPTED_PAYLOAD;
/** Bytes of an entry's ciphertext length prefix (big-endian u16: BOARD_MAX_CIPHERTEXT_BYTES < 65536). Our choice. */
export const PACKED_LENGTH_BYTES = 2;
/** An entry's signature is exactly this long: the only size our board stores (BOARD_SIGNATURE_BYTES). */
export const PACKED_SIGNATURE_BYTES = BOARD_SIGNATURE_BYTES;
/**
 * Largest ciphertext one entry may announce: the largest our board stores (BOARD_MAX_CIPHERTEXT_BYTES). A larger
 * length is refused as soon as it is read, so a hostile server cannot make a client buffer more than one entry
 * (2 + 64 + 5800 bytes).
 */
export const PACKED_MAX_CIPHERTEXT_BYTES = BOARD_MAX_CIPHERTEXT_BYTES;
/** The most bytes one entry takes in the stream: its length prefix, signature and largest ciphertext. */
export const PACKED_MAX_ENTRY_BYTES = PACKED_LENGTH_BYTES + PACKED_SIGNATURE_BYTES + PACKED_MAX_CIPHERTEXT_BYTES;
// ---- Time windows, a cwtch-tui extension (docs/sync-extension.md §10) ----
/**
 * Default width of the server's time windows (seconds). The suggestion and our choice: a stored row keeps only
 * the end of its window, so a seized store dates each message to the hour (Go's store dates none; its row order
 * already tells the sequence). Wider windows date less and cost a returning or new member more bytes.
 */
export const BOARD_WINDOW_DEFAULT_S = 3600;
/** Narrowest window a server may be set to: finer would date each message almost exactly. Our choice. */
export const BOARD_WINDOW_MIN_S = 60;
/** Widest window: a week; wider makes the extension pointless (a new member gets weeks it never needed). Our choice. */
export const BOARD_WINDOW_MAX_S = 7 * 24 * 3600;
/**
 * How far before a start point a client asks from, for the clocks involved (the inviter's or our own, and the
 * server's) to disagree without a message being skipped. Our choice: the skew Tor itself lives with — a client keeps
 * using a consensus up to REASONABLY_LIVE_TIME (24 h) past its validity (tor networkstatus.c).
 */
export const GROUP_SYNC_SKEW_MS = 24 * 3600_000;
/**
 * A client's Since is rounded down to a whole day (UTC): every member asking from the same day asks the same value, so
 * the point a new member asks from does not single out a group that began near it. Our choice; it costs up to a
 * day of other groups' traffic more per sync that uses it.
 */
export const GROUP_SYNC_PAD_S = 24 * 3600;
/** The group creation time our invites carry is rounded down to this (seconds): an invite dates a group only coarsely. Our choice. */
export const INVITE_CREATED_ROUND_S = 3600;
/**
 * A replay after an estimate may hold this many more messages than the estimate without the cost being asked again
 * (posts that arrived in between). Our choice.
 */
export const BOARD_ESTIMATE_SLACK = 1000;
// ---- Group messages and the group timeline (src/core/groups/group-message.ts, timeline.ts) ----
/**
 * Largest EncryptedGroupMessage JSON we post: the PostRequest around it (MessageType, Token {T, MAC} ≈ 190 bytes of
 * JSON) must still fit one encrypted packet (MAX_ENCRYPTED_PAYLOAD). 256 bytes of slack for the envelope; a test
 * encodes the largest post and checks it fits. An ordinary message (text + padding = 1800 bytes, padding as base64) is
 * ≈ 2.6 KB of ciphertext and ≈ 3.6 KB of EGM JSON; only texts heavy in
 * characters Go escapes (<, >, &, controls: 6 bytes each) can exceed it, and are refused as 'group.too-long'. The
 * sender also refuses a ciphertext over BOARD_MAX_CIPHERTEXT_BYTES (the stricter of the two today), so our board
 * never turns a post of ours away.
 */
export const GROUP_MAX_EGM_BYTES = MAX_ENCRYPTED_PAYLOAD - 256;
/**
 * Open gaps one group timeline tracks. Our choice: an honest server loses at most a few stretches; a hostile member
 * naming endless made-up predecessors must not grow the gap list (and the events the UI draws) without bound. At the
 * cap a further missing predecessor gets no gap of its own: the message is still shown, the link is still made if
 * the predecessor arrives, and `GroupTimeline.untrackedGaps` counts what was not marked.
 */
export const GROUP_MAX_OPEN_GAPS = 256;

/**
 * The servers one group may live on (its invite's server and mirrors; docs/protocol.md §12.6). Each is a replay,
 * a standing connection and a copy of every post: 4 covers "one dies, one withholds" with room for a move, and
 * bounds what a hostile member's server notice can make us dial.
 */
export const GROUP_MAX_SERVERS = 4;

/**
 * How long a gap in a group on several servers waits before it is shown, for another server's copy to arrive
 * (docs/ux.md "Gaps"). Live pushes over tor take a few seconds; 10 s hides a mirror's lag without hiding a
 * real loss for long. (The gap also waits for every other server of the group to finish its replay or fail.)
 */
export const MIRROR_GAP_GRACE_MS = 10_000;

/**
 * A group-servers notice's plaintext (docs/protocol.md §12.6): GROUP_MAX_SERVERS bundles of ~600 bytes and the
 * dropped onions; sealed and base64'd it must fit one peer packet (8192 bytes less framing), as a repair part does.
 */
export const SERVER_NOTICE_MAX_BYTES = 5900;

/** Dropped servers a notice lists (the newest): a group that moved more often than this forgets the oldest. */
export const SERVER_NOTICE_MAX_DROPPED = 16;
// ---- Gap repair from peers (src/core/groups/repair.ts, src/app/engine/group-repair.ts; docs/protocol.md §12.3) ----
/** Messages one repair request may ask for (the answerer walks back at most this far). Our choice: a day of a busy group. */
export const REPAIR_MAX_MESSAGES = 500;
/** Ciphertext bytes one request's answer may carry in all. Our choice: 2 MiB ≈ 750 ordinary messages; bounds what one request costs the answerer. */
export const REPAIR_MAX_BYTES = 2 * 1024 * 1024;
/** Signatures a request names as already held (where the answerer's walk stops). Our choice: the few messages just before a gap. */
export const REPAIR_MAX_HAVE = 8;
/**
 * Entry bytes (2 + ciphertext + 64 per message) in one reply part. Sized so a part fits one peer packet in v2
 * framing: base64 of (24 nonce + 16 tag + 18 header + this) plus the overlay JSON and the id|context framing stays
 * under MAX_ENCRYPTED_PAYLOAD (a test sends the largest part). Two ordinary messages fit.
 */
export const REPAIR_REPLY_MAX_ENTRY_BYTES = 5900;
/** Repair requests we answer per peer per minute; more are dropped and counted. Our choice: an abuse bound. */
export const REPAIR_ANSWERS_PER_PEER_PER_MINUTE = 10;
/** Repair requests we send one peer per minute (one outstanding at a time). Our choice, as above. */
export const REPAIR_ASKS_PER_PEER_PER_MINUTE = 10;
/** An unanswered repair request is given up after this, and another member is asked. Our choice: a few Tor round trips. */
export const REPAIR_REQUEST_TIMEOUT_MS = 30_000;
/** Invalid repair entries (forged, another group's, replayed, unsolicited) from one peer before we stop asking it. Our choice. */
export const REPAIR_PEER_MAX_BAD = 20;
// ---- Engine: groups integration and low-bandwidth mode (src/app/engine/) ----
/** At most one `bytes` event per scope/key per this interval (docs/ux.md: a meter, not a flood). Our choice: 1 s. */
export const BYTES_EVENT_INTERVAL_MS = 1000;
/** Buy a new token batch when fewer than this many unspent tokens are left for a server (not in low-bandwidth mode). Our choice: half a batch of TOKEN_BATCH_SIZE (10). */
export const GROUP_TOKENS_LOW_WATER = 5;
/** Server re-connect back-off: first delay and cap (docs/protocol.md §9 contactRetry caps at 5 min). Our choice for the first. */
export const SERVER_RETRY_MIN_MS = 2000;
export const SERVER_RETRY_MAX_MS = 5 * 60_000;
/**
 * Group posts one client has on the wire to one server before their PostResults (a pipeline, so a burst does not
 * wait a Tor round trip per post). Our choice: 32 posts ≈ 256 KiB in flight; a connection lost with the window
 * full wastes no token (an unanswered post's token is kept for it: stored → its echo acks it, not stored → unspent).
 */
export const GROUP_POSTS_IN_FLIGHT = 32;
/**
 * Tokens bought at once while more than TOKEN_BATCH_SIZE (10) posts wait: one proof-of-work (16 bits, ~1 s in our
 * client) per 100 posts rather than per 10, so a burst is not paced by PoW. Our choice: TOKEN_MAX_BATCH, the most
 * our token service signs (a Go token service's cap is unknown; a failed large purchase falls back to 10). The token
 * service learns that someone wanted many tokens, not for which group.
 */
export const GROUP_TOKEN_BURST_BATCH = TOKEN_MAX_BATCH;
/**
 * Longest wait a server's RetryAfterMs may impose before we try its posts again; a larger value is cut to this.
 * Our choice: a hostile server must not park our outbox for days with one answer (BOARD_POSTS_PER_MINUTE's window
 * is one minute).
 */
export const GROUP_POST_RETRY_AFTER_MAX_MS = 5 * 60_000;
/** Back-off after a post refused with no wait given (token spent or invalid), or a failed token purchase: first, cap. Our choice. */
export const GROUP_POST_RETRY_MIN_MS = 1_000;
export const GROUP_POST_RETRY_MAX_MS = 60_000;
/** At most one `post-queue` event per server per this interval while only its count changes (a reason change goes at once). Our choice, as BYTES_EVENT_INTERVAL_MS. */
export const POST_QUEUE_EVENT_INTERVAL_MS = 1000;
// ---- Performance: token-board replay flow control (src/server/token-board.ts, src/core/tapir/connection.ts) ----
/**
 * A replaying board stops sealing once this many bytes wait in the connection's outbound buffer and resumes on
 * drain. Our choice: 1 MiB (128 packets) keeps a loopback or Tor pipe full, and bounds what a client that stops
 * reading costs the server (before, a replay buffered the whole table: 8 KiB per stored message).
 */
export const BOARD_REPLAY_HIGH_WATER_BYTES = 1 << 20;
/**
 * A synced connection whose outbound buffer holds more than this when a live message is broadcast has stopped
 * reading: it is closed rather than buffered for without bound, and its client reconnects and replays from its last
 * commit under the flow control above. Our choice: 4 MiB (512 packets) is far beyond what a reading client lags.
 */
export const BOARD_LIVE_MAX_BUFFERED_BYTES = 4 << 20;
// ---- Performance: tapir auth handshake key conversions (src/core/tapir/apps/auth-app.ts) ----
/**
 * Peers' long-term ed25519 → X25519 public-key conversions one AuthApp (and its per-connection instances) keeps,
 * least recently used evicted first, so a contact reconnecting skips the conversion. Our choice:
 * TAPIR_MAX_CONNECTIONS (512), the most peers one profile's service holds at once. ≈ 0.4 KiB an entry in V8
 * (measured: 2048 entries ≈ 790 KiB of heap), so ≈ 200 KiB at most; a flood of made-up keys only evicts. (A board
 * server's clients dial with a fresh ephemeral identity per session, so there the cache never hits.)
 */
export const AUTH_PEER_KEY_CACHE_ENTRIES = TAPIR_MAX_CONNECTIONS;
// ---- TUI linear mode (src/ui/linear/: screen readers) ----
/**
 * Linear mode says tor's bootstrap progress at most once per this many percent. Our choice (the "at most every
 * 10 %"): tor reports ~15 steps; a screen reader reading each is noise, and ten lines at most is still a progress report.
 */
export const LINEAR_TOR_PROGRESS_STEP = 10;
/** Messages `/open` reads out from the conversation's history. Our choice: a screenful a person can listen to. */
export const LINEAR_OPEN_HISTORY = 10;
// ---- TUI output: the frame writer (src/ui/output/: bytes per key over SSH) ----
/**
 * Least time between two frame writes when frames queue up (a burst of network events); the first frame after a
 * quiet spell (a typed key) goes out at once. Our choice: ~60 frames a second, faster than a terminal repaints and
 * than anyone types, slow enough that a burst is one write.
 */
export const TUI_MIN_FRAME_INTERVAL_MS = 16;
/**
 * Distinct non-ASCII strings (names, fingerprints, ack marks) whose terminal width the pane layout remembers; the
 * cache is emptied when full, so hostile variety costs re-measuring, never memory. Our choice: far more than one
 * screen's worth (~40 rows × a few pieces).
 */
export const TUI_WIDTH_CACHE_ENTRIES = 4096;
/**
 * Lines (after Ink's colour transformers) whose tokenised cells the Ink frame builder keeps between frames
 * (src/ui/ink-internals/fast-get.ts). Two generations of this many, so at most twice it are held; the bound is a
 * count, and a line costs ~60 B per cell: ≤ ~7 MB at 120 columns, proportionally more on a terminal hundreds of
 * columns wide, ~1 MB typical. Our choice: a 120x40 frame writes ~100–150 lines,
 * so this holds several screens (PgUp then PgDn hits) while scrolling through a long history stays bounded.
 */
export const TUI_FRAME_LINE_CACHE_ENTRIES = 512;

/**
 * Messages whose wrapped lines the pane layout keeps (two generations of this many): a 120x40 screen shows ~40, so
 * this holds dozens of pages either way (PgUp then PgDn hits) while paging back through 100k keeps ≤ 8192, not all.
 * Our choice.
 */
export const TUI_WRAP_CACHE_MESSAGES = 4096;
// ---- Contact verification (src/core/crypto/verify-code.ts, docs/protocol.md §13) ----
/**
 * PBKDF2-HMAC-SHA512 iterations per half of a verification code: what each trial key of a grinding attack costs
 * (Signal's safety numbers iterate SHA-512 5200 times). Our choice, 50,000: 23 ms per half with node:crypto on the
 * development machine, so a code still shows at once.
 */
export const VERIFY_CODE_ITERATIONS = 50_000;
// ---- Quoted replies (src/app/engine/quotes.ts) ----
/** How far back in a conversation a quoted reply's original is looked for (each one hashed). Our choice: a reply is to something recent. */
export const QUOTE_SEARCH_MESSAGES = 500;
// ---- TUI feedback (src/ui/components/MainView.tsx) ----
/** An engine error on the status line fades after this (Esc clears it sooner). Our choice: long enough to read twice. */
export const UI_ERROR_FADE_MS = 15_000;
/**
 * The bell rings at most once in this long (src/ui/hooks/use-bell.ts): a group sync can bring a thousand messages
 * at once, and one ring says "something came". Our choice, as WeeChat's and irssi's beep throttles do.
 */
export const UI_BELL_MIN_INTERVAL_MS = 5_000;
/** Relative message times ("5m") are redrawn this often. Our choice: their smallest step is a minute. */
export const UI_RELATIVE_TIME_TICK_MS = 30_000;
/** Messages the TUI reads from the profile when a conversation opens, and per older page (src/ui/view-model/ui-store.ts). */
export const TUI_HISTORY_PAGE = 200;
// ---- Search (src/app/engine/history-search.ts `searchEvent`) ----
/** Results one search returns. Our choice: a screen or two of them; narrow the words for more. */
export const SEARCH_MAX_RESULTS = 50;
/** Messages one search reads at most (each decoded): ~0.2 s on the development machine, so a search never stalls the engine long. */
export const SEARCH_MAX_SCAN = 100_000;

// Every size and time limit in one place, each with where its number comes from.

/** Every Tapir packet on the wire is exactly this long. protocol.md §1.2, handbook packet_format. */
export const PACKET_SIZE = 8192;
/** Largest payload of an unencrypted packet: Go refuses len ≥ 8192 and reads len+2 ≥ 8192 as empty → 8189. protocol.md §1.2. */
export const MAX_PLAINTEXT_PAYLOAD = 8189;
/** Largest payload once secretbox is on: 8192 − nonce(24) − tag(16) = 8152 sealed bytes, minus the 2-byte prefix. protocol.md §1.3. */
export const MAX_ENCRYPTED_PAYLOAD = 8150;
/** The Cwtch/tapir virtual onion port for peers, servers and token services. protocol.md §1.1. */
export const CWTCH_PORT = 9878;
/** Longest group message text (Go MaxGroupMessageLength). protocol.md §7.4. */
export const MAX_GROUP_MESSAGE_LENGTH = 1800;
/** PBKDF2 iterations for profile keys, server configs and group ids. protocol.md §7.2, §8. */
export const KDF_ITERATIONS = 4096;
/** Salt size of a profile or encrypted server config. protocol.md §8. */
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
/** SQLCipher page size of a profile db: Go opens with `_pragma_cipher_page_size=8192`. protocol.md §8 [unverified]. */
export const PROFILE_DB_PAGE_SIZE = 8192;
/** Random bytes of a profile folder id → 32 hex characters, like Cwtch's `<32-hex random id>`. protocol.md §8. */
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
/** A control-port command whose reply has not finished by then fails and closes the connection. tor.md: replies take ms. */
export const TOR_CONTROL_REPLY_TIMEOUT_MS = 15_000;
/** SOCKS handshake plus onion connect. Our choice, below tor's SocksTimeout (120 s); tor.md measured 0.1–3 s on the test network. */
export const TOR_SOCKS_TIMEOUT_MS = 60_000;
/** How long dial() keeps retrying 0xF0 (descriptor not found). tor.md: right after publication 1–2 failures, success after 1.4–2.8 s. */
export const TOR_DIAL_RETRY_WINDOW_MS = 20_000;
/** First and largest back-off between dial retries. Our choice (doubling). */
export const TOR_DIAL_RETRY_MIN_MS = 250;
export const TOR_DIAL_RETRY_MAX_MS = 4_000;
/** From spawn until tor has written its control-port file. tor.md: well under a second; generous for slow CI disks. */
export const TOR_START_TIMEOUT_MS = 30_000;
/** No bootstrap progress for this long → a status update saying so. tor.md: ~3 s on the test network; the public network takes up to a minute on a slow link. */
export const TOR_BOOTSTRAP_STALL_MS = 90_000;
/** After SIGNAL SHUTDOWN, how long we wait before SIGKILL by PID. tor.md: a client tor exits within ~15 ms. */
export const TOR_SHUTDOWN_GRACE_MS = 5_000;
/** Back-off when supervision restarts a tor that died: first and largest delay. Our choice (doubling). */
export const TOR_RESTART_MIN_MS = 500;
export const TOR_RESTART_MAX_MS = 30_000;

// --- TUI (src/ui) ---
/** A paste longer than this many lines asks before sending (WeeChat's paste_max_lines idea; ux.md "Paste"). */
export const PASTE_CONFIRM_LINES = 5;
/** The composer shows at most this many lines (the tail of a long draft), so a 24-row terminal keeps room for the conversation. */
export const TUI_MAX_COMPOSER_LINES = 8;

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

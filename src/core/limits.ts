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

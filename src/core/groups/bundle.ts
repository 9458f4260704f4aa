// Server key bundles (docs/protocol.md §7.1) [confirmed]: a KeyBundle {Keys map[KeyType]Key; Signature []byte}
// signed by the server's onion key over json.Marshal({Keys, Signature:nil}); shared as "server:" + base64(JSON).

import { fromBase64, fromUtf8Strict, toBase64, utf8 } from '../bytes.js';
import { encodeGoJson, encodeGoJsonBytes, getField, goJson, parseJsonObject } from '../codec/go-json.js';
import type { CryptoBackend } from '../crypto/backend.js';
import { decodeOnion, type OnionAddress } from '../crypto/onion.js';
import { MAX_PASTE_BYTES } from '../limits.js';
import { fail, ok, type Result } from '../result.js';

export const KEY_BULLETIN_BOARD = 'bulletin_board_onion';
export const KEY_TOKEN_SERVICE = 'token_service_onion';
export const KEY_PRIVACY_PASS = 'privacy_pass_public_key';
export const SERVER_BUNDLE_PREFIX = 'server:';

export interface ServerBundle {
  /** The token-board onion: the server's identity. */
  readonly server: OnionAddress;
  readonly tokenService: OnionAddress;
  /** Privacy-pass public key Y (32-byte ristretto255 encoding). */
  readonly privacyPassY: Uint8Array;
  /** Every key in the bundle, as signed (a Go server may add key types; they are signed too). */
  readonly keys: ReadonlyMap<string, string>;
  readonly signature: Uint8Array;
}

function signedBytes(keys: ReadonlyMap<string, string>, signature: Uint8Array | null): Uint8Array {
  return encodeGoJsonBytes(
    goJson.object([
      ['Keys', goJson.map([...keys].map(([k, v]) => [k, goJson.string(v)] as const))],
      ['Signature', goJson.bytes(signature)],
    ]),
  );
}

/** Build and sign a bundle (the server side). `sign` signs with the server's onion key. */
export function makeServerBundle(
  server: OnionAddress,
  tokenService: OnionAddress,
  privacyPassY: Uint8Array,
  sign: (msg: Uint8Array) => Uint8Array,
): ServerBundle {
  const keys = new Map([
    [KEY_BULLETIN_BOARD, server as string],
    [KEY_TOKEN_SERVICE, tokenService as string],
    [KEY_PRIVACY_PASS, toBase64(privacyPassY)],
  ]);
  return { server, tokenService, privacyPassY, keys, signature: sign(signedBytes(keys, null)) };
}

export function serverBundleJson(b: ServerBundle): string {
  return encodeGoJson(
    goJson.object([
      ['Keys', goJson.map([...b.keys].map(([k, v]) => [k, goJson.string(v)] as const))],
      ['Signature', goJson.bytes(b.signature)],
    ]),
  );
}

export function serverBundleString(b: ServerBundle): string {
  return SERVER_BUNDLE_PREFIX + toBase64(utf8(serverBundleJson(b)));
}

/** Decode and verify a bundle from its JSON bytes. Never throws. */
export function decodeServerBundleJson(backend: CryptoBackend, json: Uint8Array): Result<ServerBundle> {
  const parsed = parseJsonObject(json);
  if (!parsed.ok) return fail('bundle.json', 'the server bundle is not valid JSON');
  const keysObj = getField(parsed.value, 'Keys');
  if (typeof keysObj !== 'object' || keysObj === null || Array.isArray(keysObj)) return fail('bundle.keys', 'the server bundle has no keys');
  const keys = new Map<string, string>();
  for (const [k, v] of Object.entries(keysObj as Record<string, unknown>)) {
    if (typeof v !== 'string') return fail('bundle.keys', 'a key in the server bundle is not a string');
    keys.set(k, v);
  }
  const sigField = getField(parsed.value, 'Signature');
  const signature = typeof sigField === 'string' ? fromBase64(sigField) : null;
  if (signature === null || signature.length !== 64) return fail('bundle.signature', 'the server bundle is not signed');
  const board = decodeOnion(keys.get(KEY_BULLETIN_BOARD) ?? '');
  if (!board.ok) return fail('bundle.server', `the server onion is invalid: ${board.error.reason}`);
  const token = decodeOnion(keys.get(KEY_TOKEN_SERVICE) ?? '');
  if (!token.ok) return fail('bundle.token-service', `the token service onion is invalid: ${token.error.reason}`);
  const y = fromBase64(keys.get(KEY_PRIVACY_PASS) ?? '');
  if (y === null || y.length !== 32) return fail('bundle.privacy-pass', 'the privacy-pass key is missing or malformed');
  if (!backend.ed25519Verify(signature, signedBytes(keys, null), board.value.publicKey)) {
    return fail('bundle.bad-signature', 'the server bundle signature does not match the server key');
  }
  return ok({ server: board.value.onion, tokenService: token.value.onion, privacyPassY: y, keys, signature });
}

/** Decode "server:<base64 JSON>". */
export function decodeServerBundle(backend: CryptoBackend, text: string): Result<ServerBundle> {
  if (text.length > MAX_PASTE_BYTES) return fail('bundle.too-long', 'the server bundle is too long');
  const s = text.trim();
  if (!s.startsWith(SERVER_BUNDLE_PREFIX)) return fail('bundle.prefix', 'a server bundle starts with "server:"');
  const raw = fromBase64(s.slice(SERVER_BUNDLE_PREFIX.length));
  if (raw === null) return fail('bundle.base64', 'the server bundle is not valid base64');
  if (fromUtf8Strict(raw) === null) return fail('bundle.utf8', 'the server bundle is not UTF-8');
  return decodeServerBundleJson(backend, raw);
}

/** TOFU: a later bundle for the same server must carry identical keys. */
export function sameBundleKeys(a: ServerBundle, b: ServerBundle): boolean {
  if (a.keys.size !== b.keys.size) return false;
  for (const [k, v] of a.keys) if (b.keys.get(k) !== v) return false;
  return true;
}

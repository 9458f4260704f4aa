// serverConfig.json in the reference format (docs/protocol.md §7.6; cwtch-server serverConfig.go): Go MarshalIndent
// with tabs, keys created on first start, optionally encrypted (SALT, VERSION "1", nonce ‖ secretbox(json)).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { bytesEqual, fromBase64, toBase64 } from '../core/bytes.js';
import { encodeGoJson, getBool, getField, getObject, goJson, parseJsonObject } from '../core/codec/go-json.js';
import { SECRETBOX_NONCE_BYTES, type CryptoBackend, type Pbkdf2 } from '../core/crypto/backend.js';
import { goPrivateKey, identityFromSeed, newIdentity, type Identity } from '../core/crypto/identity.js';
import { deriveProfileKey } from '../core/crypto/kdf.js';
import { decodeScalar, encodeScalar } from '../core/crypto/ristretto.js';
import { StorageError, UsageError } from '../core/errors.js';
import { PROFILE_SALT_BYTES } from '../core/limits.js';
import { TokenServer } from '../core/privacypass/token-server.js';
import type { Random } from '../core/ports.js';

export const CONFIG_FILE = 'serverConfig.json';
export const SALT_FILE = 'SALT';
export const VERSION_FILE = 'VERSION';
/** The encrypted-config layout version Go writes. docs/protocol.md §7.6. */
export const CONFIG_VERSION = '1';

export interface ServerConfig {
  readonly identity: Identity;
  readonly tokenIdentity: Identity;
  /** tokenServiceK. Secret. */
  readonly k: bigint;
  readonly logMetricsToFile: boolean;
  readonly attributes: ReadonlyMap<string, string>;
  /** −1 = unlimited. */
  readonly maxStorageMBs: number;
}

/** Go json.MarshalIndent(v, "", "\t") of compact Go JSON: same tokens, one member per line. */
export function indentGoJson(compact: string): string {
  let out = '';
  let depth = 0;
  let inStr = false;
  const nl = (): string => '\n' + '\t'.repeat(depth);
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (inStr) {
      out += c;
      if (c === '\\') out += compact[++i]!;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') {
      inStr = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (compact[i + 1] === close) {
        out += c + close;
        i++;
      } else {
        depth++;
        out += c + nl();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += nl() + c;
    } else if (c === ',') out += ',' + nl();
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}

export function encodeConfig(c: ServerConfig): string {
  return indentGoJson(
    encodeGoJson(
      goJson.object([
        ['publicKey', goJson.bytes(c.identity.publicKey)],
        ['privateKey', goJson.bytes(goPrivateKey(c.identity))],
        ['tokenServerPublicKey', goJson.bytes(c.tokenIdentity.publicKey)],
        ['tokenServerPrivateKey', goJson.bytes(goPrivateKey(c.tokenIdentity))],
        ['tokenServiceK', goJson.string(toBase64(encodeScalar(c.k)))],
        ['serverReporting', goJson.object([['logMetricsToFile', goJson.bool(c.logMetricsToFile)]])],
        ['attributes', goJson.map([...c.attributes].map(([k, v]) => [k, goJson.string(v)] as const))],
        ['maxStorageMBs', goJson.int(c.maxStorageMBs)],
      ]),
    ),
  );
}

function identityFromGo(backend: CryptoBackend, priv: unknown, pub: unknown): Identity | null {
  const p = typeof priv === 'string' ? fromBase64(priv) : null;
  if (p === null || p.length !== 64) return null;
  const id = identityFromSeed(backend, p.subarray(0, 32));
  const pb = typeof pub === 'string' ? fromBase64(pub) : null;
  // The stored public key must be the seed's: a mismatch means a corrupted or tampered file.
  if (pb === null || !bytesEqual(pb, id.publicKey)) return null;
  return id;
}

export function decodeConfig(backend: CryptoBackend, text: Uint8Array): ServerConfig {
  const bad = (): never => {
    throw new StorageError('server.config-invalid', 'serverConfig.json is malformed');
  };
  const p = parseJsonObject(text);
  if (!p.ok) return bad();
  const o = p.value;
  const identity = identityFromGo(backend, getField(o, 'privateKey'), getField(o, 'publicKey')) ?? bad();
  const tokenIdentity = identityFromGo(backend, getField(o, 'tokenServerPrivateKey'), getField(o, 'tokenServerPublicKey')) ?? bad();
  const kRaw = getField(o, 'tokenServiceK');
  const kb = typeof kRaw === 'string' ? fromBase64(kRaw) : null;
  const k = kb === null ? null : decodeScalar(kb);
  if (k === null || k === 0n) return bad();
  const attrs = new Map<string, string>();
  for (const [a, v] of Object.entries(getObject(o, 'attributes') ?? {})) if (typeof v === 'string') attrs.set(a, v);
  const ms = getField(o, 'maxStorageMBs');
  return {
    identity,
    tokenIdentity,
    k,
    logMetricsToFile: getBool(getObject(o, 'serverReporting') ?? {}, 'logMetricsToFile') === true,
    attributes: attrs,
    maxStorageMBs: typeof ms === 'number' && Number.isSafeInteger(ms) ? ms : -1,
  };
}

export function newConfig(backend: CryptoBackend, random: Random, encrypted: boolean): ServerConfig {
  return {
    identity: newIdentity(backend, random),
    tokenIdentity: newIdentity(backend, random),
    k: TokenServer.generateKey(random),
    logMetricsToFile: false,
    attributes: new Map([
      ['autostart', 'true'],
      ['description', ''],
      ['storageType', encrypted ? 'storage-password' : 'storage-no-password'],
    ]),
    maxStorageMBs: -1,
  };
}

/** Atomic, durable write: temp file, fsync, rename. */
function writeDurable(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

export interface ConfigDeps {
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly pbkdf2: Pbkdf2;
}

/**
 * Load the config from `dir`, creating keys on first start. With `password`, the file is (or becomes) encrypted;
 * a wrong password fails with `server.config-password`, an encrypted config without one with `server.config-locked`.
 */
export function loadOrCreateConfig(dir: string, deps: ConfigDeps, password?: string): { config: ServerConfig; created: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, CONFIG_FILE);
  const saltFile = join(dir, SALT_FILE);
  const encrypted = existsSync(saltFile);
  if (existsSync(file)) {
    let raw: Uint8Array = readFileSync(file);
    if (encrypted) {
      if (password === undefined) throw new UsageError('server.config-locked', 'the server config is encrypted: give its password');
      const key = deriveProfileKey(deps.pbkdf2, password, readFileSync(saltFile));
      const opened = raw.length > SECRETBOX_NONCE_BYTES ? deps.backend.secretboxOpen(raw.subarray(SECRETBOX_NONCE_BYTES), raw.subarray(0, SECRETBOX_NONCE_BYTES), key) : null;
      key.fill(0);
      if (opened === null) throw new UsageError('server.config-password', 'wrong password for the server config');
      raw = opened;
    }
    return { config: decodeConfig(deps.backend, raw), created: false };
  }
  const config = newConfig(deps.backend, deps.random, password !== undefined);
  saveConfig(dir, config, deps, password);
  return { config, created: true };
}

export function saveConfig(dir: string, config: ServerConfig, deps: ConfigDeps, password?: string): void {
  const json = Buffer.from(encodeConfig(config), 'utf8');
  if (password === undefined) return writeDurable(join(dir, CONFIG_FILE), json);
  const saltFile = join(dir, SALT_FILE);
  if (!existsSync(saltFile)) {
    writeDurable(saltFile, deps.random.bytes(PROFILE_SALT_BYTES));
    writeDurable(join(dir, VERSION_FILE), CONFIG_VERSION);
  }
  const key = deriveProfileKey(deps.pbkdf2, password, readFileSync(saltFile));
  const nonce = deps.random.bytes(SECRETBOX_NONCE_BYTES);
  const box = deps.backend.secretboxSeal(json, nonce, key);
  key.fill(0);
  writeDurable(join(dir, CONFIG_FILE), Buffer.concat([nonce, box]));
}

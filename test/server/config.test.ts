import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toBase64 } from '../../src/core/bytes.js';
import { identityFromSeed } from '../../src/core/crypto/identity.js';
import { decodeScalar } from '../../src/core/crypto/ristretto.js';
import { serverBundleJson, serverBundleString } from '../../src/core/groups/bundle.js';
import { CwtchError } from '../../src/core/errors.js';
import { decodeConfig, encodeConfig, indentGoJson, loadOrCreateConfig, saveConfig, type ServerConfig } from '../../src/server/config.js';
import { bundleFor } from '../../src/server/server.js';
import { backend, deps, tempDir } from './helpers.js';

const kb = JSON.parse(readFileSync(new URL('../vectors/keybundle.json', import.meta.url), 'utf8'));

function vectorConfig(): ServerConfig {
  return {
    identity: identityFromSeed(backend, fromHex(kb.server_key.seed_hex)!),
    tokenIdentity: identityFromSeed(backend, fromHex(kb.token_service_key.seed_hex)!),
    k: decodeScalar(fromHex(kb.privacy_pass_k_scalar_le_hex)!)!,
    logMetricsToFile: false,
    attributes: new Map([['storageType', 'storage-no-password']]),
    maxStorageMBs: -1,
  };
}

describe('keybundle.json: the bundle from the server’s own keys', () => {
  it('reproduces the signed bundle and the server: string', () => {
    const b = bundleFor(vectorConfig(), backend);
    expect(b.server).toBe(kb.server_key.onion);
    expect(b.tokenService).toBe(kb.token_service_key.onion);
    expect(serverBundleJson(b)).toBe(kb.serialized_bundle_json);
    expect(serverBundleString(b)).toBe(kb.server_bundle_string);
  });
  it('survives a config round trip through the data dir', () => {
    const t = tempDir();
    try {
      saveConfig(t.dir, vectorConfig(), deps);
      const { config, created } = loadOrCreateConfig(t.dir, deps);
      expect(created).toBe(false);
      expect(serverBundleString(bundleFor(config, backend))).toBe(kb.server_bundle_string);
    } finally {
      t.cleanup();
    }
  });
});

describe('serverConfig.json', () => {
  it('is Go MarshalIndent with tabs, in the reference member order', () => {
    const text = encodeConfig(vectorConfig());
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toMatch(/^\t"publicKey": "[A-Za-z0-9+/]{43}="/);
    expect(text).toContain('\t"serverReporting": {\n\t\t"logMetricsToFile": false\n\t},');
    expect(text).toContain(`\t"tokenServiceK": "${toBase64(fromHex(kb.privacy_pass_k_scalar_le_hex)!)}",`);
    expect(lines.at(-2)).toBe('\t"maxStorageMBs": -1');
    expect(indentGoJson('{"a":[],"b":{},"c":["x\\"y,",1]}')).toBe('{\n\t"a": [],\n\t"b": {},\n\t"c": [\n\t\t"x\\"y,",\n\t\t1\n\t]\n}');
    const back = decodeConfig(backend, new TextEncoder().encode(text));
    expect(back.k).toBe(vectorConfig().k);
    expect(back.identity.onion).toBe(kb.server_key.onion);
  });

  it('refuses a corrupted config (public key not matching the private key, bad k) with a code', () => {
    const text = encodeConfig(vectorConfig());
    const swapped = text.replace(/"publicKey": "[^"]+"/, `"publicKey": "${toBase64(new Uint8Array(32))}"`);
    const err = (() => {
      try {
        decodeConfig(backend, new TextEncoder().encode(swapped));
      } catch (e) {
        return e;
      }
    })();
    expect(err instanceof CwtchError && err.code).toBe('server.config-invalid');
    expect(() => decodeConfig(backend, new TextEncoder().encode('{"privateKey":1}'))).toThrow();
  });

  it('encrypted: SALT, VERSION 1, nonce ‖ secretbox; opens with the password only', () => {
    const t = tempDir();
    try {
      const { config } = loadOrCreateConfig(t.dir, deps, 'be gay do crime');
      expect(readFileSync(`${t.dir}/SALT`).length).toBe(128);
      expect(readFileSync(`${t.dir}/VERSION`, 'utf8')).toBe('1');
      const raw = readFileSync(`${t.dir}/serverConfig.json`);
      expect(raw.subarray(0, 24).length).toBe(24);
      expect(raw.includes(Buffer.from('publicKey'))).toBe(false);
      expect(loadOrCreateConfig(t.dir, deps, 'be gay do crime').config.identity.onion).toBe(config.identity.onion);
      const code = (pw?: string) => {
        try {
          loadOrCreateConfig(t.dir, deps, pw);
          return null;
        } catch (e) {
          return e instanceof CwtchError ? e.code : 'other';
        }
      };
      expect(code('wrong')).toBe('server.config-password');
      expect(code(undefined)).toBe('server.config-locked');
      // A flipped byte fails the MAC like a wrong password does.
      raw[40] = raw[40]! ^ 1;
      writeFileSync(`${t.dir}/serverConfig.json`, raw);
      expect(code('be gay do crime')).toBe('server.config-password');
    } finally {
      t.cleanup();
    }
  });
});

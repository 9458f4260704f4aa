// Real keys, bundles and invites the targets mutate. Crypto is real (sodium-native, node PBKDF2); PBKDF2 is
// memoised so mutations that leave the key and server alone do not pay 4096 iterations again.

import { nodePbkdf2 } from '../../../src/app/platform/node-platform.js';
import { sodiumNativeBackend } from '../../../src/app/platform/sodium-native-backend.js';
import type { CryptoBackend, Pbkdf2 } from '../../../src/core/crypto/backend.js';
import { onionFromPublicKey } from '../../../src/core/crypto/onion.js';
import { BASEPOINT, encodeElement } from '../../../src/core/crypto/ristretto.js';
import { makeServerBundle, serverBundleJson, serverBundleString, type ServerBundle } from '../../../src/core/groups/bundle.js';
import { groupIdFor, inviteString, tofuBundleString, type GroupInvite } from '../../../src/core/groups/invite.js';

export const backend: CryptoBackend = sodiumNativeBackend;

const cache = new Map<string, Uint8Array>();
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** nodePbkdf2 with a bounded cache keyed by every argument. */
export const pbkdf2: Pbkdf2 = (hash, password, salt, iterations, dkLen) => {
  const key = `${hash}:${hexOf(password)}:${hexOf(salt)}:${iterations}:${dkLen}`;
  const hit = cache.get(key);
  if (hit) return hit.slice();
  if (cache.size >= 256) cache.clear();
  const v = nodePbkdf2(hash, password, salt, iterations, dkLen);
  cache.set(key, v.slice());
  return v;
};

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const serverSeed = seed(1);
export const serverOnion = onionFromPublicKey(backend.ed25519PublicKey(serverSeed));
export const tokenOnion = onionFromPublicKey(backend.ed25519PublicKey(seed(2)));
export const otherOnion = onionFromPublicKey(backend.ed25519PublicKey(seed(3)));

export const bundle: ServerBundle = makeServerBundle(serverOnion, tokenOnion, encodeElement(BASEPOINT), (m) => backend.ed25519Sign(m, serverSeed));
export const bundleJson = serverBundleJson(bundle);
export const bundleText = serverBundleString(bundle);

const sharedKey = seed(9);
export const invite: GroupInvite = {
  groupId: groupIdFor(pbkdf2, sharedKey, serverOnion),
  groupName: 'fuzz group <&>',
  sharedKey,
  serverHost: serverOnion,
};
export const inviteText = inviteString(invite);
export const tofuText = tofuBundleString(bundle, invite);

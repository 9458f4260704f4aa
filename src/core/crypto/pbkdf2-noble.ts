// Pure-JS PBKDF2 for the hashes Cwtch uses; node:crypto's pbkdf2Sync (src/app) is ~10x faster and preferred.

import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { sha3_512 } from '@noble/hashes/sha3.js';
import type { Pbkdf2 } from './backend.js';

export const noblePbkdf2: Pbkdf2 = (hash, password, salt, iterations, dkLen) =>
  pbkdf2(hash === 'sha3-512' ? sha3_512 : sha512, password, salt, { c: iterations, dkLen });

// Every privacy-pass / proof-of-work detail that is [unverified] against a running Go token service lives here,
// so a correction after docs/protocol.md §11 step 4 touches this one file. Labels marked [source] come from
// pkg.go.dev cwtch.im/tapir/primitives/privacypass and cwtch.im/tapir/applications.

/** [unverified: tapir applications/token_app.go, docs/protocol.md §5.3, §11] tokens a client asks for per purchase. */
export const TOKEN_BATCH_SIZE = 10;
/** [unverified: docs/protocol.md §5.2, §11] leading zero bits of SHA-256(solution ‖ challenge) a PoW needs. */
export const POW_DIFFICULTY_BITS = 16;
/** [unverified: docs/protocol.md §5.2] bytes of the seed the server sends and of the client's solution. */
export const POW_SEED_BYTES = 64;
export const POW_SOLUTION_BYTES = 32;

/** [source] PoW transcript labels. docs/protocol.md §5.2. */
export const POW_LABELS = {
  app: 'pow-app',
  seed: 'pow-seed',
  challenge: 'pow-challenge',
  prng: 'pow-prng',
  solution: 'pow-solution',
} as const;

/** [unverified: tapir applications/token_app.go] NewProtocol label of the token app. */
export const TOKEN_APP_LABEL = 'token-app';

/** [source] capabilities granted by the PoW and token apps. docs/protocol.md §5.1. */
export const POW_CAPABILITY = 'SuccessfulProofOfWorkCapability';
export const HAS_TOKENS_CAPABILITY = 'HasTokensCapability';

/** [source] batch-proof transcript labels; "w" (PRNG) and "c" (challenge) are [unverified]. docs/protocol.md §5.3. */
export const BATCH_LABELS = {
  protocol: 'privacy-pass-batch-proof',
  x: 'X-batch',
  y: 'Y-batch',
  pVector: 'P-vector',
  qVector: 'Q-vector',
  prng: 'w',
} as const;
export const DLEQ_LABELS = { x: 'X', y: 'Y', p: 'P', q: 'Q', a: 'A', b: 'B', challenge: 'c' } as const;

/**
 * [unverified: docs/protocol.md §5.3, §11] JSON member names of SignedBatchWithProof. We write the JSON tags "st"/"dp"
 * (the more likely form) and accept the Go field names too.
 */
export const SIGNED_BATCH_FIELDS = { tokens: 'st', proof: 'dp' } as const;
export const SIGNED_BATCH_FIELDS_ALT = { tokens: 'SignedTokens', proof: 'Proof' } as const;
/** [unverified] SpentToken {T, MAC}; BlindedToken {P}; SignedToken {Q}; DLEQProof {C, S}. docs/protocol.md §5.3–§5.4. */
export const SPENT_TOKEN_FIELDS = { t: 'T', mac: 'MAC' } as const;

/** Sizes: t is 32 random bytes; the MAC is HMAC-SHA3-512. */
export const TOKEN_T_BYTES = 32;
export const TOKEN_MAC_BYTES = 64;

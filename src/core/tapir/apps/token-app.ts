// The token app (docs/protocol.md §5.3): after the PoW app, the client sends blinded tokens; the server signs them and
// proves the batch (DLEQ) on the shared transcript; the client checks the proof against the bundle's Y and only
// then unblinds. Grants HasTokensCapability. buyTokens() runs the whole PoW → token chain over an ephemeral identity.

import type { CryptoBackend } from '../../crypto/backend.js';
import type { OnionAddress } from '../../crypto/onion.js';
import type { RistrettoPointType } from '../../crypto/ristretto.js';
import { TOKEN_MAX_BATCH, TOKEN_SESSION_TIMEOUT_MS } from '../../limits.js';
import type { Acn } from '../../net/acn.js';
import type { Clock, Random } from '../../ports.js';
import { HAS_TOKENS_CAPABILITY, POW_CAPABILITY, TOKEN_APP_LABEL, TOKEN_BATCH_SIZE } from '../../privacypass/constants.js';
import { verifyBatch } from '../../privacypass/dleq.js';
import { generateBlindedTokenBatch, unblind, type Token } from '../../privacypass/token.js';
import type { TokenServer } from '../../privacypass/token-server.js';
import { decodeBlindedTokens, decodeSignedBatch, encodeBlindedTokens, encodeSignedBatch } from '../../privacypass/wire.js';
import { fail, ok, type Result } from '../../result.js';
import type { Connection } from '../connection.js';
import { TapirService } from '../service.js';
import { ApplicationChain, TranscriptApp, type Application } from './application.js';
import { PowApp, chainTranscript } from './pow-app.js';

export interface TokenClientOptions {
  readonly random: Random;
  /** Y from the server bundle: the proof must be against this key. */
  readonly Y: RistrettoPointType;
  readonly batchSize?: number;
  /** Called once with the verified, unblinded tokens. */
  readonly onTokens: (tokens: Token[]) => void;
}

/** Client side (outbound). */
export class TokenClientApp extends TranscriptApp {
  constructor(private readonly opts: TokenClientOptions) {
    super();
  }

  override newInstance(): Application {
    return new TokenClientApp(this.opts);
  }

  override async init(conn: Connection): Promise<void> {
    const tr = chainTranscript(this);
    tr.newProtocol(TOKEN_APP_LABEL);
    const n = this.opts.batchSize ?? TOKEN_BATCH_SIZE;
    const { tokens, blinded } = generateBlindedTokenBatch(this.opts.random, n);
    if (!conn.send(encodeBlindedTokens(blinded)).ok) return;
    const reply = await conn.expect();
    if (reply === null) return;
    const batch = decodeSignedBatch(reply, n);
    if (!batch.ok || batch.value.signed.length !== n) return conn.close('protocol');
    // The proof binds Q to the bundle's Y: a server signing with another key (to tag us) fails here.
    if (!verifyBatch(tr, this.opts.Y, blinded, batch.value.signed, batch.value.proof)) return conn.close('protocol');
    tokens.forEach((t, i) => unblind(t, batch.value.signed[i]!));
    this.opts.onTokens(tokens);
    conn.setCapability(HAS_TOKENS_CAPABILITY);
  }
}

export interface TokenServerAppOptions {
  readonly server: TokenServer;
  readonly random: Random;
  /** Counting hook for logs (number of tokens signed). */
  readonly onIssued?: (n: number) => void;
}

/** Server side (inbound). */
export class TokenServerApp extends TranscriptApp {
  constructor(private readonly opts: TokenServerAppOptions) {
    super();
  }

  override newInstance(): Application {
    return new TokenServerApp(this.opts);
  }

  override async init(conn: Connection): Promise<void> {
    const tr = chainTranscript(this);
    tr.newProtocol(TOKEN_APP_LABEL);
    const msg = await conn.expect();
    if (msg === null) return;
    const blinded = decodeBlindedTokens(msg, TOKEN_MAX_BATCH);
    if (!blinded.ok) return conn.close('protocol');
    const { signed, proof } = this.opts.server.signBlindedTokenBatch(blinded.value, tr, this.opts.random);
    if (!conn.send(encodeSignedBatch(signed, proof)).ok) return;
    this.opts.onIssued?.(signed.length);
    // Go's server sets no capability here and the chain then drops the connection; closing at once could cut
    // the reply short on our transports, so we mark the session done and let the client hang up (the service's
    // session deadline closes it otherwise).
    conn.setCapability(HAS_TOKENS_CAPABILITY);
    await conn.expect();
    conn.close('local');
  }
}

/** The token service's chain: PoW → token app (no auth app; clients are ephemeral). docs/protocol.md §5.1. */
export function tokenServiceChain(opts: TokenServerAppOptions & { readonly difficultyBits?: number }): ApplicationChain {
  return new ApplicationChain()
    .chain(new PowApp({ random: opts.random, difficultyBits: opts.difficultyBits }), POW_CAPABILITY)
    .chain(new TokenServerApp(opts), HAS_TOKENS_CAPABILITY);
}

export interface BuyTokensOptions {
  readonly acn: Acn;
  readonly tokenService: OnionAddress;
  readonly Y: RistrettoPointType;
  readonly backend: CryptoBackend;
  readonly random: Random;
  readonly clock: Clock;
  readonly batchSize?: number;
  readonly difficultyBits?: number;
  readonly timeoutMs?: number;
}

/**
 * Buy one batch of tokens: a fresh ephemeral identity dials the token service, solves the PoW, verifies the
 * batch proof against Y. Fails with `tokens.failed` (unreachable, refused, or an invalid batch) — never
 * returns tokens whose proof did not verify.
 */
export async function buyTokens(o: BuyTokensOptions): Promise<Result<Token[]>> {
  let got: Token[] | null = null;
  const timeoutMs = o.timeoutMs ?? TOKEN_SESSION_TIMEOUT_MS;
  const svc = TapirService.ephemeral({
    acn: o.acn,
    backend: o.backend,
    random: o.random,
    clock: o.clock,
    handshakeCapability: HAS_TOKENS_CAPABILITY,
    handshakeTimeoutMs: timeoutMs,
  });
  const chain = new ApplicationChain()
    .chain(new PowApp({ random: o.random, difficultyBits: o.difficultyBits }), POW_CAPABILITY)
    .chain(new TokenClientApp({ random: o.random, Y: o.Y, batchSize: o.batchSize, onTokens: (t) => (got = t) }), HAS_TOKENS_CAPABILITY);
  try {
    const c = await svc.connect(o.tokenService, chain);
    if (!c.ok) return fail('tokens.failed', 'could not reach the token service');
    const done = await svc.waitForCapabilityOrClose(o.tokenService, HAS_TOKENS_CAPABILITY, timeoutMs);
    if (!done.ok || got === null) return fail('tokens.failed', 'the token service did not issue valid tokens');
    return ok(got);
  } finally {
    await svc.close();
  }
}

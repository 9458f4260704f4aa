import { describe, expect, it } from 'vitest';
import { MemoryNetwork } from '../../../src/core/net/memory-acn.js';
import { TokenServer, spendToken, HAS_TOKENS_CAPABILITY, TOKEN_BATCH_SIZE } from '../../../src/core/privacypass/index.js';
import { TapirService } from '../../../src/core/tapir/service.js';
import { buyTokens, tokenServiceChain, TokenServerApp } from '../../../src/core/tapir/apps/token-app.js';
import { ApplicationChain, type Application } from '../../../src/core/tapir/apps/application.js';
import { PowApp } from '../../../src/core/tapir/apps/pow-app.js';
import { POW_CAPABILITY } from '../../../src/core/privacypass/constants.js';
import { utf8 } from '../../../src/core/bytes.js';
import type { Connection } from '../../../src/core/tapir/connection.js';
import { FakeClock, backend, makeIdentity, random, scheduler } from '../tapir/helpers.js';

async function tokenService(net: MemoryNetwork, clock: FakeClock, app: Application) {
  const identity = makeIdentity();
  const svc = new TapirService({ acn: net.acn(), identity, backend, random, clock, handshakeCapability: 'never' });
  await svc.listen(app);
  return svc;
}

describe('buying tokens: PoW → token app over the in-memory network', () => {
  it('at the default 16-bit difficulty: ten tokens, each spendable against the server key', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const server = new TokenServer(TokenServer.generateKey(random));
    let issued = 0;
    const svc = await tokenService(net, clock, tokenServiceChain({ server, random, onIssued: (n) => (issued += n) }));
    const r = await buyTokens({ acn: net.acn(), tokenService: svc.onion, Y: server.Y, backend, random, clock });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(TOKEN_BATCH_SIZE);
    expect(issued).toBe(TOKEN_BATCH_SIZE);
    for (const t of r.value) expect(server.verifySpend(spendToken(t, utf8('data')), utf8('data'))).toBe(true);
    // Distinct secrets.
    expect(new Set(r.value.map((t) => Buffer.from(t.t).toString('hex'))).size).toBe(TOKEN_BATCH_SIZE);
    await svc.close();
  });

  it('refuses a batch signed with a key other than the bundle Y (a tagging server): no tokens', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const real = new TokenServer(TokenServer.generateKey(random));
    const other = new TokenServer(TokenServer.generateKey(random));
    const svc = await tokenService(net, clock, tokenServiceChain({ server: other, random, difficultyBits: 4 }));
    const r = await buyTokens({ acn: net.acn(), tokenService: svc.onion, Y: real.Y, backend, random, clock, difficultyBits: 4 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('tokens.failed');
    await svc.close();
  });

  it('refuses a batch whose proof was tampered with', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const server = new TokenServer(TokenServer.generateKey(random));
    // A server app that flips one character of the proof before sending.
    class Tamper extends TokenServerApp {
      override newInstance(): Application {
        return new Tamper({ server, random });
      }
      override async init(conn: Connection): Promise<void> {
        const send = conn.send.bind(conn);
        conn.send = (b: Uint8Array) => {
          const s = new TextDecoder().decode(b).replace(/"S":"(.)/, (_m, c: string) => `"S":"${c === 'A' ? 'B' : 'A'}`);
          return send(utf8(s));
        };
        await super.init(conn);
      }
    }
    const chain = new ApplicationChain().chain(new PowApp({ random, difficultyBits: 4 }), POW_CAPABILITY).chain(new Tamper({ server, random }), HAS_TOKENS_CAPABILITY);
    const svc = await tokenService(net, clock, chain);
    const r = await buyTokens({ acn: net.acn(), tokenService: svc.onion, Y: server.Y, backend, random, clock, difficultyBits: 4 });
    expect(r.ok).toBe(false);
    await svc.close();
  });

  it('a client whose PoW does not meet the server difficulty gets nothing', async () => {
    const net = new MemoryNetwork({ scheduler });
    const clock = new FakeClock();
    const server = new TokenServer(TokenServer.generateKey(random));
    let issued = 0;
    const svc = await tokenService(net, clock, tokenServiceChain({ server, random, difficultyBits: 24, onIssued: (n) => (issued += n) }));
    // The client only works to 1 bit: the server's 24-bit check fails (with overwhelming probability).
    const r = await buyTokens({ acn: net.acn(), tokenService: svc.onion, Y: server.Y, backend, random, clock, difficultyBits: 1 });
    expect(r.ok).toBe(false);
    expect(issued).toBe(0);
    await svc.close();
  });
});

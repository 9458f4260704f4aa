// PeerApp over an in-memory stream pair, both sides real (AuthApp then the peer protocol): what runs after
// authentication, and what never runs when authentication fails, the peer is refused, or the service has already
// closed the connection as a duplicate.

import { describe, expect, it } from 'vitest';
import type { Identity } from '../../../src/core/crypto/identity.js';
import type { OnionAddress } from '../../../src/core/crypto/onion.js';
import { memoryStreamPair } from '../../../src/core/net/memory-acn.js';
import type { Overlay } from '../../../src/core/peer/overlay.js';
import { CWTCH_CAPABILITY, encodeRetVal, EXTENSION_GROUP_REPAIR, EXTENSION_GROUP_SERVERS, PeerApp, type PeerHandler, type PeerSession } from '../../../src/core/peer/peer-app.js';
import { CONTEXT_GET_VAL, CONTEXT_RET_VAL, decodePeerMessage, encodePeerMessage, VERSION_ID, versionAnnouncement } from '../../../src/core/peer/peer-message.js';
import { AuthApp } from '../../../src/core/tapir/apps/auth-app.js';
import { Connection } from '../../../src/core/tapir/connection.js';
import { AUTH_CAPABILITY } from '../../../src/core/tapir/wire-constants.js';
import { backend, FakeClock, makeIdentity, random, scheduler, settle } from '../tapir/helpers.js';

/** A PeerHandler that records what it is told; `commit` decides when (and whether) a message counts as stored. */
class Recorder implements PeerHandler {
  readonly log: string[] = [];
  readonly sessions: PeerSession[] = [];
  readonly messages: { id: string; overlay: Overlay }[] = [];
  readonly acks: string[] = [];
  readonly names: string[] = [];
  pendingCommits: ((stored: boolean) => void)[] = [];
  constructor(
    private readonly myName: string,
    private readonly allow = true,
  ) {}
  admit(_onion: OnionAddress): boolean {
    this.log.push('admit');
    return this.allow;
  }
  opened(s: PeerSession): void {
    this.log.push('opened');
    this.sessions.push(s);
  }
  closed(_s: PeerSession): void {
    this.log.push('closed');
  }
  message(_s: PeerSession, id: string, overlay: Overlay): Promise<boolean> {
    this.messages.push({ id, overlay });
    return new Promise((resolve) => this.pendingCommits.push(resolve));
  }
  ack(_s: PeerSession, id: string): void {
    this.acks.push(id);
  }
  name(_s: PeerSession, name: string): void {
    this.names.push(name);
  }
  publicName(): string {
    return this.myName;
  }
}

function peerApp(identity: Identity, handler: Recorder): PeerApp {
  return new PeerApp({ auth: new AuthApp({ identity, backend, random }), handler, clock: new FakeClock(), random });
}

/** `a` dials `b`; returns the two connections and both apps' runs (which end when their connection closes). */
function connect(a: PeerApp, b: PeerApp, bOnion: OnionAddress, onAuthIn?: (c: Connection) => void) {
  const [x, y] = memoryStreamPair({ scheduler });
  const out = new Connection(x, { outbound: true, hostname: bOnion, backend, random, scheduler });
  const inb = new Connection(y, { outbound: false, backend, random, scheduler });
  if (onAuthIn) inb.onCapability((cap) => cap === AUTH_CAPABILITY && onAuthIn(inb));
  const runs = Promise.all([a.newInstance().init(out), b.newInstance().init(inb)]);
  return { out, inb, runs };
}

describe('PeerApp after authentication', () => {
  it('sets the cwtch capability, exchanges public names, and acknowledges a message only once it is committed', async () => {
    const [alice, bob] = [makeIdentity(), makeIdentity()];
    const [ha, hb] = [new Recorder('alice'), new Recorder('bob')];
    const { out, inb, runs } = connect(peerApp(alice, ha), peerApp(bob, hb), bob.onion);
    await settle(20);
    expect(out.hasCapability(CWTCH_CAPABILITY) && inb.hasCapability(CWTCH_CAPABILITY)).toBe(true);
    expect(ha.sessions[0]!.onion).toBe(bob.onion);
    expect(hb.sessions[0]!.onion).toBe(alice.onion);
    expect(ha.sessions[0]!.outbound).toBe(true);
    expect(ha.names).toEqual(['bob']);
    expect(hb.names).toEqual(['alice']);
    // Both announced version 2, so both now send in v2 framing.
    expect(ha.sessions[0]!.framing).toBe(2);
    // Both said (getVal public/cwtch-tui.extensions) that they speak gap repair and group-servers notices.
    expect([...ha.sessions[0]!.extensions]).toEqual([EXTENSION_GROUP_REPAIR, EXTENSION_GROUP_SERVERS]);
    expect([...hb.sessions[0]!.extensions]).toEqual([EXTENSION_GROUP_REPAIR, EXTENSION_GROUP_SERVERS]);

    expect(ha.sessions[0]!.sendMessage('42', { overlay: 1, data: 'hi <&>' }).ok).toBe(true);
    await settle(20);
    expect(hb.messages).toEqual([{ id: '42', overlay: { overlay: 1, data: 'hi <&>' } }]);
    expect(ha.acks).toEqual([]); // not committed yet
    hb.pendingCommits.shift()!(true);
    await settle(20);
    expect(ha.acks).toEqual(['42']);

    // A message the receiver does not store is never acknowledged.
    ha.sessions[0]!.sendMessage('43', { overlay: 1, data: 'dropped' });
    await settle(20);
    hb.pendingCommits.shift()!(false);
    await settle(20);
    expect(ha.acks).toEqual(['42']);

    ha.sessions[0]!.close();
    await runs;
    expect(ha.log).toEqual(['admit', 'opened', 'closed']);
    expect(hb.log).toEqual(['admit', 'opened', 'closed']);
  });

  it('a peer that does not know our extensions getVal (as Cwtch 1.x answers: Exists false) gets none', async () => {
    const [alice, bob] = [makeIdentity(), makeIdentity()];
    const ha = new Recorder('alice');
    const [x, y] = memoryStreamPair({ scheduler });
    const out = new Connection(x, { outbound: true, hostname: bob.onion, backend, random, scheduler });
    const inb = new Connection(y, { outbound: false, backend, random, scheduler });
    const run = peerApp(alice, ha).newInstance().init(out);
    // Bob: authenticate, announce v2, answer every getVal as Go does for an attribute it lacks.
    const bobAuth = new AuthApp({ identity: bob, backend, random });
    await bobAuth.init(inb);
    inb.send(encodePeerMessage(versionAnnouncement(), 1));
    for (let i = 0; i < 3; i++) {
      const m = await inb.expect();
      const d = m === null ? null : decodePeerMessage(m);
      if (d?.ok && d.value.context === CONTEXT_GET_VAL && d.value.id !== VERSION_ID) inb.send(encodePeerMessage({ id: d.value.id, context: CONTEXT_RET_VAL, data: encodeRetVal('', false) }, 2));
    }
    await settle(20);
    expect(ha.sessions[0]!.framing).toBe(2);
    expect(ha.sessions[0]!.extensions.size).toBe(0);
    inb.close('local');
    await run;
  });

  it('a refused peer is closed before anything is opened or read', async () => {
    const [alice, bob] = [makeIdentity(), makeIdentity()];
    const [ha, hb] = [new Recorder('alice'), new Recorder('bob', false)];
    const { inb, runs } = connect(peerApp(alice, ha), peerApp(bob, hb), bob.onion);
    await runs;
    expect(inb.closeCode).toBe('local');
    expect(hb.log).toEqual(['admit']);
    expect(hb.messages).toEqual([]);
  });

  it('nothing of the peer protocol runs when authentication fails (we dialled someone else)', async () => {
    const [alice, bob, carol] = [makeIdentity(), makeIdentity(), makeIdentity()];
    const [ha, hb] = [new Recorder('alice'), new Recorder('bob')];
    // Alice believes she dials Carol's onion; Bob answers with his own key: an impostor for her.
    const { out, inb, runs } = connect(peerApp(alice, ha), peerApp(bob, hb), carol.onion);
    await runs;
    expect(out.closed && inb.closed).toBe(true);
    expect(out.hasCapability(AUTH_CAPABILITY) || out.hasCapability(CWTCH_CAPABILITY)).toBe(false);
    expect(inb.hasCapability(CWTCH_CAPABILITY)).toBe(false);
    expect(ha.log).toEqual([]);
    expect(hb.log).toEqual([]);
  });

  it('a connection the service closed as a duplicate right after auth is left alone', async () => {
    const [alice, bob] = [makeIdentity(), makeIdentity()];
    const [ha, hb] = [new Recorder('alice'), new Recorder('bob')];
    // As TapirService.handshakeDone does: close the newer connection as soon as it is authenticated.
    const { inb, runs } = connect(peerApp(alice, ha), peerApp(bob, hb), bob.onion, (c) => c.close('duplicate'));
    await runs;
    expect(inb.closeCode).toBe('duplicate');
    expect(inb.hasCapability(CWTCH_CAPABILITY)).toBe(false);
    expect(hb.log).toEqual([]);
  });
});

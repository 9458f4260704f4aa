// Linear mode end to end: two REAL engines on the local network (127.0.0.1), each driven through the real
// nodeLinearIo over in-memory streams — profiles created by answering the questions, a contact added and
// accepted by typed commands, a typed line sent, and the message printed on the other side as one plain line.
// Not one escape byte (or any control character but newline) is written, on either side.

import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeLinearIo } from '../../../src/ui/linear/linear-io.js';
import { runLinear } from '../../../src/ui/linear/run-linear.js';
import { realPeer, scratch, type RealPeer } from '../helpers/real-engine.js';
import { realServer } from '../helpers/real-server.js';

interface Side {
  readonly peer: RealPeer;
  readonly input: PassThrough;
  readonly raw: Buffer[];
  readonly done: Promise<void>;
  type(line: string): void;
  text(): string;
}

let dir: ReturnType<typeof scratch>;
const sides: Side[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  dir = scratch('cwtch-linear-real-');
});
afterAll(async () => {
  for (const s of sides) {
    s.input.end();
    await s.done;
    await s.peer.close();
  }
  for (const c of closers) await c();
  dir.dispose();
});

function open(name: string, firstRun = false): Side {
  const peer = realPeer(dir.root, dir.net, name);
  const input = new PassThrough();
  const output = new PassThrough();
  const raw: Buffer[] = [];
  output.on('data', (b: Buffer) => raw.push(b));
  // As main.ts does: the engine's count of the profiles in the home folder.
  const done = runLinear(peer.engine, { io: nodeLinearIo(input, output), ...(firstRun ? { profileCount: peer.engine.profileCount() } : {}) });
  peer.reportStatus();
  const side: Side = { peer, input, raw, done, type: (l) => void input.write(`${l}\n`), text: () => Buffer.concat(raw).toString('utf8') };
  sides.push(side);
  return side;
}

const until = async (check: () => void, onFail?: () => void): Promise<void> => {
  try {
    await vi.waitFor(check, { timeout: 20_000, interval: 50 });
  } catch (e) {
    onFail?.();
    throw e;
  }
};
const linesOf = (s: Side): string[] => s.text().split('\n');

/** Answer the create-profile questions. */
async function create(s: Side, name: string): Promise<void> {
  await until(() => expect(s.text()).toContain('Type u to unlock'));
  s.type('c');
  s.type(name);
  s.type(`${name}-pw`);
  s.type(`${name}-pw`);
  await until(() => expect(s.text()).toMatch(/Your address: [a-z2-7]{56}\n/));
  await until(() => expect(s.text()).toContain('No contacts yet.'));
}

describe('linear mode on real engines', () => {
  it('create by answering questions, add, accept, send: the message arrives as one plain line', async () => {
    const a = open('a');
    const b = open('b');
    for (const [s, name] of [
      [a, 'alice'],
      [b, 'bob'],
    ] as const)
      await create(s, name);
    const onionA = /Your address: ([a-z2-7]{56})/.exec(a.text())![1]!;
    const onionB = /Your address: ([a-z2-7]{56})/.exec(b.text())![1]!;
    // The passwords were answers to secret questions: never written back.
    expect(a.text()).not.toContain('alice-pw');

    a.type(`/add ${onionB}`);
    // The request arrives before alice's name does (names are fetched after auth): both are said.
    await until(() => expect(b.text()).toMatch(/Contact request from \(unnamed\) \(.+\)\. Names are chosen by their owners/));
    await until(() => expect(b.text()).toMatch(/\(unnamed\) \(.+\) is now called alice\n/));
    b.type(`/accept ${onionA}`);
    await until(() => expect(b.text()).toMatch(/alice \(.+\) is now accepted/));

    a.type(`/open ${onionB}`);
    await until(() => expect(a.text()).toContain('Now writing to'));
    a.type('hello bob, in one line');
    const line = /^\[\d\d:\d\d\] alice \([^)]+\): hello bob, in one line$/;
    await until(() => expect(linesOf(b).some((l) => line.test(l))).toBe(true));
    await until(() => expect(a.text()).toMatch(/delivered to /));

    // bob answers after /open: alice reads it the same way.
    b.type('/open alice');
    b.type('hi alice');
    await until(() => expect(linesOf(a).some((l) => /^\[\d\d:\d\d\] bob \([^)]+\): hi alice$/.test(l))).toBe(true));

    // /rename: bob's own name for alice, kept on his device; the engine answers with the contact under its new name.
    b.type('/rename Alice from work');
    await until(() => expect(b.text()).toMatch(/alice \([^)]+\) is now called Alice from work\n/));
    b.type('/list');
    await until(() => expect(b.text()).toMatch(/1\. Alice from work \([^)]+\): (online|offline), 0 unread \(open\)\n/));

    // Nothing but printable text and newlines, ever: no ESC, no CSI, no CR, no BEL.
    for (const s of [a, b]) {
      const bytes = Buffer.concat(s.raw);
      expect(bytes.includes(0x1b)).toBe(false);
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(s.text()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    }

    a.type('/quit');
    await a.done;
  }, 60_000);

  it('a group on a real server: created and opened, then /leave asks, /leave yes leaves and says so', async () => {
    const server = await realServer(dir.root, dir.net);
    closers.push(() => server.close());
    const c = open('c');
    await create(c, 'carol');
    c.type(`/group ${server.bundle} club`);
    await until(() => expect(c.text()).toMatch(/Group club \([^)]+\) added \(experimental\)/));
    await until(() => expect(c.text()).toMatch(/server [^ ]+: Synced\n/));
    c.type('/open club');
    await until(() => expect(c.text()).toMatch(/Now writing to group club/));
    c.type('/leave');
    await until(() => expect(c.text()).toContain('Leave “club”? Its messages on this device are deleted, and there is no undo. Type /leave yes to leave.\n'));
    c.type('/leave yes');
    await until(() => expect(c.text()).toContain('You left group club; its messages on this device are deleted.\n'));
    c.type('/list');
    await until(() => expect(c.text()).toContain('No conversations yet.'));
    expect(Buffer.concat(c.raw).includes(0x1b)).toBe(false);
  }, 60_000);
  it('a first run (the engine says no profile is here) goes straight to creating one, without the unlock question', async () => {
    const f = open('first', true);
    await until(() => expect(f.text()).toContain('There is no profile here yet: create one.'));
    f.type('fern');
    f.type('fern-pw');
    f.type('fern-pw');
    await until(() => expect(f.text()).toMatch(/Your address: [a-z2-7]{56}\n/));
    expect(f.text()).not.toContain('Type u to unlock');
  });
});

import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTor, parseTorVersion, versionAtLeast } from '../../src/tor/find-tor.js';
import { buildTorrc, torrcPaths } from '../../src/tor/torrc.js';

describe('buildTorrc', () => {
  it('has every line tor.md asks for and appends extra text last', () => {
    const t = buildTorrc({ dir: '/state/tor', ownerPid: 4242, extra: '%include /net/torrc.network' });
    const lines = t.split('\n');
    for (const l of [
      'DataDirectory "/state/tor/data"',
      'SocksPort 127.0.0.1:auto ExtendedErrors',
      'ControlPort 127.0.0.1:auto',
      'ControlPortWriteToFile "/state/tor/data/control-port"',
      'CookieAuthentication 1',
      'CookieAuthFile "/state/tor/data/control_auth_cookie"',
      '__OwningControllerProcess 4242',
      'ClientOnly 1',
      'ORPort 0',
      'Log notice file /state/tor/tor.log',
    ]) expect(lines).toContain(l);
    expect(lines.filter((l) => l.trim() !== '').at(-1)).toBe('%include /net/torrc.network');
    expect(torrcPaths('/state/tor').cookieFile).toBe('/state/tor/data/control_auth_cookie');
  });

  it('quotes paths with spaces, logs to stdout then, and refuses line breaks', () => {
    const t = buildTorrc({ dir: '/Library/Application Support/cwtch', ownerPid: 1 });
    expect(t).toContain('DataDirectory "/Library/Application Support/cwtch/data"');
    expect(t).toContain('Log notice stdout');
    expect(() => buildTorrc({ dir: '/a\nControlPort 9051', ownerPid: 1 })).toThrow(expect.objectContaining({ code: 'tor.bad-options' }));
    expect(() => buildTorrc({ dir: '/a', ownerPid: 0 })).toThrow(expect.objectContaining({ code: 'tor.bad-options' }));
  });
});

describe('parseTorVersion', () => {
  it.each([
    ['Tor version 0.4.9.11.\nThis build…', '0.4.9.11', true],
    ['Tor version 0.4.8.1-alpha (git-0123abcd).', '0.4.8.1-alpha', true],
    ['Tor version 0.4.7.16.', '0.4.7.16', true],
    ['Tor version 0.4.6.10.', '0.4.6.10', false],
    ['Tor version 0.3.5.8.', '0.3.5.8', false],
  ])('%s', (out, text, newEnough) => {
    const v = parseTorVersion(out);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.text).toBe(text);
    expect(versionAtLeast(v.value)).toBe(newEnough);
  });

  it.each(['', 'tor 0.4.9.11', 'Tor version 0.4.9.', 'Tor version 0.4.9.11.; rm -rf /', 'Anon version 0.4.9.11.', 'Tor version 1234.4.9.11.'])(
    'refuses %j',
    (out) => expect(parseTorVersion(out).ok).toBe(false),
  );
});

describe('findTor', () => {
  async function fakeTor(versionLine: string): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'faketor-'));
    const p = join(d, 'tor');
    await writeFile(p, `#!/bin/sh\necho "${versionLine}"\n`);
    await chmod(p, 0o755);
    return p;
  }

  it('explains how to install tor when none is found', async () => {
    const e = await findTor({ env: { PATH: '/nonexistent' } }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'tor.not-found' });
    expect((e as Error).message).toContain('apt-get install -y --no-install-recommends tor');
    await expect(findTor({ torPath: '/nonexistent/tor', env: {} })).rejects.toMatchObject({ code: 'tor.not-found' });
  });

  it('prefers the explicit path, then CWTCH_TOR, then PATH, and checks the version', async () => {
    const good = await fakeTor('Tor version 0.4.8.12.');
    const old = await fakeTor('Tor version 0.4.5.1.');
    const junk = await fakeTor('hello');
    expect((await findTor({ torPath: good, env: { CWTCH_TOR: old } })).path).toBe(good);
    await expect(findTor({ env: { CWTCH_TOR: old, PATH: join(good, '..') } })).rejects.toMatchObject({ code: 'tor.too-old' });
    expect((await findTor({ env: { PATH: `relative/dir:${join(good, '..')}` } })).version.text).toBe('0.4.8.12');
    await expect(findTor({ torPath: junk })).rejects.toMatchObject({ code: 'tor.bad-version' });
  });
});

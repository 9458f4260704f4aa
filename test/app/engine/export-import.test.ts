// Export and import through real engines (profile/archive.ts, wired in engine.ts): the export stays encrypted (no
// message text, name or onion in the file's bytes); imported into another home it opens with its password and
// keeps its onion, contacts, groups and history; importing it again says so and changes nothing; a wrong password
// imports nothing.

import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/core/api/events.js';
import { listProfileIds } from '../../../src/profile/profile-store.js';
import { engineWorld, got } from './client.js';

const world = engineWorld('cwtch-export-');

describe('export-profile and import-profile', () => {
  it('round-trips a profile to another home, encrypted on the way; refuses a duplicate and a wrong password', async () => {
    const alice = world.start('alice');
    const bob = world.start('bob');
    const a = await alice.call({ cmd: 'create-profile', name: 'alice-unique-name', password: 'secret-pw' }, 'profile');
    const b = await bob.call({ cmd: 'create-profile', name: 'bob', password: 'b' }, 'profile');
    await alice.call({ cmd: 'add', text: b.onion }, 'contact');
    await bob.call({ cmd: 'add', text: a.onion }, 'contact');
    const m = await bob.call({ cmd: 'send', to: a.onion, text: 'a very recognisable sentence' }, 'message');
    await bob.waitFor((e) => e.event === 'ack' && e.messageId === m.messageId, 30_000, 'ack');
    const g = await alice.call({ cmd: 'create-group', server: world.server().bundle, name: 'book-club-xyz' }, 'group');

    const file = join(world.dir().root, 'alice-backup.tar.gz');
    expect(await alice.call({ cmd: 'export-profile', file }, 'ok')).toMatchObject({ cmd: 'export-profile' });
    const raw = readFileSync(file);
    const bytes = Buffer.concat([raw, gunzipSync(raw)]);
    for (const secret of ['a very recognisable sentence', 'alice-unique-name', 'book-club-xyz', a.onion, b.onion, g.groupId]) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }

    // The original goes offline (one onion, one place); the copy opens elsewhere.
    await world.stop(alice);
    const copy = world.start('alice-elsewhere');
    expect((await copy.call({ cmd: 'import-profile', file, password: 'not it' }, 'profile')) as EngineEvent).toMatchObject({ event: 'error', code: 'profile.wrong-password' });
    expect(listProfileIds(copy.peer.home)).toEqual([]);
    const opened = await copy.call({ cmd: 'import-profile', file, password: 'secret-pw' }, 'profile');
    expect(opened).toMatchObject({ onion: a.onion, name: 'alice-unique-name' });
    await copy.waitFor((e) => e.event === 'contact' && e.onion === b.onion, 5_000, 'the contact');
    await copy.waitFor((e) => e.event === 'group' && e.groupId === g.groupId, 5_000, 'the group');
    const h = await copy.call({ cmd: 'history', conversation: b.onion }, 'history');
    expect(h.messages.map((x) => x.text)).toEqual(['a very recognisable sentence']);
    // And it is online at its onion: Bob reaches it.
    await bob.call({ cmd: 'send', to: a.onion, text: 'you moved?' }, 'message');
    await got(copy, b.onion, 'you moved?');

    const before = listProfileIds(copy.peer.home);
    expect((await copy.call({ cmd: 'import-profile', file, password: 'secret-pw' }, 'profile')) as EngineEvent).toMatchObject({ event: 'error', code: 'profile.import-exists' });
    expect(listProfileIds(copy.peer.home)).toEqual(before);
    expect(existsSync(file)).toBe(true);

    // From the shell: `cwtch-tui import FILE` into a third home; a file that is not an export is refused (exit 1).
    const third = join(world.dir().root, 'third-home');
    const bin = fileURLToPath(new URL('../../../dist/bin/cwtch-tui.js', import.meta.url));
    const ok = spawnSync(process.execPath, [bin, 'import', file, '--home', third], { encoding: 'utf8', timeout: 30_000 });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Imported');
    expect(listProfileIds(third)).toHaveLength(1);
    const bad = spawnSync(process.execPath, [bin, 'import', join(world.dir().root, 'nothing.tar.gz'), '--home', third], { encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('could not import');
  }, 90_000);
});

// The built CLI, as a user runs it: `node dist/bin/cwtch-tui.js inspect STRING` (npm test builds first).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadVector } from '../vectors/load.js';

const bin = fileURLToPath(new URL('../../dist/bin/cwtch-tui.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 20_000 });

const kb = loadVector<{ server_bundle_string: string; server_key: { onion: string } }>('keybundle');
const gm = loadVector<{ group_invite: { invite_string: string } }>('group_message');
const onion = loadVector<{ vectors: { onion: string }[] }>('onion');

const valid: Record<string, string> = {
  onion: onion.vectors[0]!.onion,
  server: kb.server_bundle_string,
  invite: gm.group_invite.invite_string,
  tofubundle: `tofubundle:${kb.server_bundle_string}||${gm.group_invite.invite_string}`,
};

function flip(s: string, at: number): string {
  const c = s[at]!;
  return s.slice(0, at) + (c === 'a' ? 'b' : c === 'A' ? 'B' : 'a') + s.slice(at + 1);
}

describe('cwtch-tui inspect (built binary; npm test builds first)', () => {
  for (const [kind, text] of Object.entries(valid)) {
    it(`describes a valid ${kind} and exits 0`, () => {
      const r = run('inspect', text);
      expect(r.status).toBe(0);
      const j = JSON.parse(r.stdout) as { kind: string; valid: boolean };
      expect(j).toMatchObject({ kind, valid: true });
      expect(r.stderr).toBe('');
    });
    it(`rejects a one-character corruption of a ${kind} with exit 1 and a one-line reason`, () => {
      // Position 20 is inside the key/checksum material of each kind.
      const r = run('inspect', flip(text, 20));
      expect(r.status).toBe(1);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const j = JSON.parse(lines[0]!) as { valid: boolean; reason: string };
      expect(j.valid).toBe(false);
      expect(j.reason).toMatch(/\w/);
      expect(r.stderr).not.toMatch(/at .*\.js/);
    });
  }
  it('garbage is invalid, not a crash', () => {
    const r = run('inspect', '\u001b]52;c;aGVsbG8=\u0007');
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
  });
  it('usage errors exit 64', () => {
    expect(run('inspect').status).toBe(64);
    expect(run('frobnicate').status).toBe(64);
  });
  it('--version and --help', () => {
    expect(run('--version').stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(run('--help').stdout).toContain('inspect STRING');
  });
});

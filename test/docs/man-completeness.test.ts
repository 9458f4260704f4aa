// The man pages and README must describe what the programs actually accept: every flag and subcommand in the
// built binaries' --help, every headless command (COMMAND_SPECS) and every event (the `event: '…'` literals of
// src/core/api/events.ts), with their fields. Adding one without documenting it fails `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '../../src/core/api/commands.js';
import { SLASH_COMMANDS } from '../../src/ui/commands/slash.js';
import { DEFAULT_BINDINGS } from '../../src/ui/keys/bindings.js';
import { parseRoff, eventFields, helpFlags, helpSubcommands, helpEnv, readmeFirstCodeBlock, type RoffPage } from './man-parse.js';

const root = (p: string): string => fileURLToPath(new URL(`../../${p}`, import.meta.url));

function help(bin: string): string {
  const path = root(`dist/bin/${bin}.js`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first (npm test does)`);
  const r = spawnSync(process.execPath, [path, '--help'], { encoding: 'utf8', timeout: 20_000 });
  expect(r.status).toBe(0);
  return r.stdout;
}

const page = (name: string): RoffPage => parseRoff(readFileSync(root(`man/${name}.1`), 'utf8'));

describe('the checker itself', () => {
  // A checker that finds nothing passes everything: prove it sees a missing item.
  const snippet = ['.TH X 1', '.SH OPTIONS', '.TP', '.BI \\-\\-home " DIR"', 'The folder.', '.TP', '.B \\-\\-verbose', 'More.'].join('\n');

  it('reads .TP heads with escapes and font macros', () => {
    expect(parseRoff(snippet).items('OPTIONS').map((i) => i.head)).toEqual(['--home DIR', '--verbose']);
  });

  it('reads flags, subcommands and events from their sources', () => {
    expect(helpFlags('  Options\n    --home DIR   x\n    --version, --help\n')).toEqual(['--home', '--version', '--help']);
    expect(helpSubcommands('    $ b [options]\n    $ b inspect STRING\n', 'b')).toEqual(['inspect']);
    const ev = eventFields("type E =\n  | (Base & { readonly event: 'a'; readonly x: number })\n  | (Base & { readonly event: 'b'; readonly y?: string });\ninterface H { readonly z: string }");
    expect([...ev]).toEqual([['a', ['x']], ['b', ['y']]]);
  });
});

const REQUIRED_SECTIONS = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'SUBCOMMANDS', 'OPTIONS', 'FILES', 'ENVIRONMENT', 'EXIT STATUS', 'SECURITY'];

for (const bin of ['cwtch-tui', 'cwtch-server'] as const) {
  describe(`man/${bin}.1 against \`${bin} --help\``, () => {
    const text = help(bin);
    const man = page(bin);

    it('has the standard sections', () => {
      for (const s of REQUIRED_SECTIONS) expect(man.sections.has(s), `section ${s}`).toBe(true);
      expect(man.title).toBe(bin.toUpperCase());
    });

    it('documents every flag of --help as an OPTIONS item', () => {
      const flags = helpFlags(text);
      expect(flags.length).toBeGreaterThan(4); // the parser found the options block at all
      const items = man.items('OPTIONS');
      for (const f of flags) expect(items.some((i) => i.head.split(/[\s,|]+/).includes(f)), `${f} in OPTIONS`).toBe(true);
    });

    it('documents every subcommand of --help as a SUBCOMMANDS item and in the SYNOPSIS', () => {
      const subs = helpSubcommands(text, bin);
      expect(subs.length).toBeGreaterThan(0);
      const heads = man.items('SUBCOMMANDS').map((i) => i.head.split(' ')[0]);
      for (const s of subs) {
        expect(heads, `${s} in SUBCOMMANDS`).toContain(s);
        expect(man.sections.get('SYNOPSIS')!.text, `${s} in SYNOPSIS`).toContain(`${bin} ${s}`);
      }
    });

    it('lists every environment variable --help mentions under ENVIRONMENT', () => {
      const env = man.items('ENVIRONMENT').map((i) => i.head);
      for (const v of helpEnv(text)) expect(env, v).toContain(v);
    });

    it('gives the exit codes 0, 1 and 64, as --help does', () => {
      expect(text).toMatch(/0 success, 1 failure, 64 usage error/);
      expect(man.items('EXIT STATUS').map((i) => i.head)).toEqual(['0', '1', '64']);
    });
  });
}

describe('each program introduces itself', () => {
  it('cwtch-server --help opens with what the server is, not the client\'s tagline', () => {
    const text = help('cwtch-server').trimStart();
    expect(text.startsWith('cwtch-server: a Cwtch group server.')).toBe(true);
    expect(text).not.toContain('for the terminal');
  });
});

describe('man/cwtch-tui.1: headless mode and the rest', () => {
  const man = page('cwtch-tui');

  it('documents every headless command with each of its fields', () => {
    const items = man.items('HEADLESS MODE', 'Commands');
    for (const [name, spec] of Object.entries(COMMAND_SPECS)) {
      const item = items.find((i) => i.head === name);
      expect(item, `command ${name}`).toBeDefined();
      for (const field of [...Object.keys(spec.required), ...Object.keys(spec.optional)]) {
        expect(item!.words, `field ${field} of command ${name}`).toContain(field);
      }
      for (const field of Object.keys(spec.optional)) expect(item!.body, `optional ${field} of ${name} marked ?`).toContain(`${field}?`);
    }
    // Nothing documented that the engine does not accept.
    for (const i of items) expect(Object.keys(COMMAND_SPECS), `documented command ${i.head}`).toContain(i.head);
  });

  it('documents every engine event with each of its fields', () => {
    const events = eventFields(readFileSync(root('src/core/api/events.ts'), 'utf8'));
    expect(events.size).toBeGreaterThan(10);
    const items = man.items('HEADLESS MODE', 'Events');
    for (const [name, fields] of events) {
      const item = items.find((i) => i.head.split(/[\s,]+/).includes(name));
      expect(item, `event ${name}`).toBeDefined();
      for (const f of fields) expect(item!.words, `field ${f} of event ${name}`).toContain(f);
    }
    for (const i of items) for (const n of i.head.split(/[\s,]+/)) expect([...events.keys()], `documented event ${n}`).toContain(n);
  });

  it('lists the environment variables the client reads', () => {
    const env = man.items('ENVIRONMENT').map((i) => i.head);
    expect(env).toEqual(expect.arrayContaining(['CWTCH_HOME', 'CWTCH_LOCAL_NET', 'CWTCH_TOR', 'NO_COLOR']));
  });

  it('lists every default key binding under KEYS', () => {
    const heads = man.items('KEYS').map((i) => i.head).join(' | ');
    for (const b of DEFAULT_BINDINGS) {
      const key = b.label.replace(/ \(.*\)$/, '');
      if (/^Alt\+[2-8]$/.test(key)) continue; // shown as the range "Alt+1 ... Alt+9"
      expect(heads, `key ${b.label} (${b.command})`).toMatch(new RegExp(`(^|[ ,|])${key.replace(/[+?/]/g, '\\$&')}($|[ ,|])`));
    }
  });

  it('lists every slash command under "Commands typed in the composer"', () => {
    const heads = man.items('USING THE CLIENT', 'Commands typed in the composer').map((i) => i.head.split(' ')[0]);
    for (const c of SLASH_COMMANDS) expect(heads, `/${c}`).toContain(`/${c}`);
  });
});

describe('README.md', () => {
  const readme = readFileSync(root('README.md'), 'utf8');

  it('starts with exactly the two commands: start the client, run the tests', () => {
    expect(readmeFirstCodeBlock(readme)).toEqual(['npm ci && npm start', 'npm test']);
  });

  it('names every headless command and event in its tables', () => {
    for (const name of Object.keys(COMMAND_SPECS)) expect(readme, name).toContain(`| \`${name}\``);
    for (const name of eventFields(readFileSync(root('src/core/api/events.ts'), 'utf8')).keys()) expect(readme, name).toMatch(new RegExp(`\\| (\`[a-z-]+\`, )*\`${name}\``));
  });

  it('mentions every slash command', () => {
    for (const c of SLASH_COMMANDS) expect(readme, `/${c}`).toContain(`\`/${c}`);
  });

  it('tells a Debian user how to install tor', () => {
    expect(readme).toContain('apt-get install -y --no-install-recommends tor');
  });
});

// groff ships with man-db on Debian; where it is missing the roff is still parsed by the tests above.
const groff = spawnSync('groff', ['--version'], { encoding: 'utf8' }).status === 0;
describe.skipIf(!groff)('man pages render without groff warnings', () => {
  for (const name of ['cwtch-tui', 'cwtch-server']) {
    it(`${name}.1`, () => {
      const r = spawnSync('groff', ['-man', '-ww', '-z', root(`man/${name}.1`)], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
    });
  }
});

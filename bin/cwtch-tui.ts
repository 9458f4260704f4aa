#!/usr/bin/env node
// Argument parsing only. Ink and React are imported lazily so --help and `inspect` start fast.

import meow from 'meow';

const cli = meow(
  `
  Usage
    $ cwtch-tui [options]                 open the terminal client
    $ cwtch-tui headless [options]        JSON commands on stdin, JSON events on stdout
    $ cwtch-tui inspect STRING            describe an onion address, server bundle or group invite
    $ cwtch-tui import FILE               bring in an exported profile (/export); unlock it after

  Options
    --home DIR            profiles folder (env CWTCH_HOME; default: the XDG data dir)
    --network tor|local   tor (default) or the local test network on 127.0.0.1
    --local-net DIR       registry folder of the local network (env CWTCH_LOCAL_NET)
    --tor-path PATH       tor binary (env CWTCH_TOR; default: tor on PATH)
    --tor-config FILE     extra torrc lines for our tor (bridges, or %include of a test network)
    --tor-control H:P     attach to a running tor instead (needs --tor-auth)
    --tor-auth AUTH       cookie:FILE or password:SECRET for --tor-control
    --low-bandwidth       no background sync; groups sync when you ask (/sync)
    --linear              plain lines for screen readers: no screen drawing, colour or
                          spinners (also when TERM=dumb)
    --verbose             details after one-line errors
    --version, --help

  Exit status: 0 success, 1 failure, 64 usage error.
`,
  {
    importMeta: import.meta,
    // Checked below, so an unknown flag exits 64 with one line like every other usage error (meow would exit 2).
    allowUnknownFlags: true,
    flags: {
      home: { type: 'string' },
      network: { type: 'string', default: 'tor' },
      localNet: { type: 'string' },
      torPath: { type: 'string' },
      torConfig: { type: 'string' },
      torControl: { type: 'string' },
      torAuth: { type: 'string' },
      lowBandwidth: { type: 'boolean', default: false },
      linear: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  },
);

const [sub, ...rest] = cli.input;
const usage = (msg: string): never => {
  process.stderr.write(`cwtch-tui: ${msg} (see cwtch-tui --help)\n`);
  process.exit(64);
};

const known = new Set(['home', 'network', 'localNet', 'torPath', 'torConfig', 'torControl', 'torAuth', 'lowBandwidth', 'linear', 'verbose', 'help', 'version']);
for (const k of Object.keys(cli.flags)) if (!known.has(k)) usage(`unknown option --${k.slice(0, 40)}`);
if (sub !== 'inspect' && sub !== 'import' && rest.length > 0) usage('too many arguments');

if (sub === 'import') {
  if (rest.length !== 1) usage('import takes exactly one FILE');
  const { importCommand } = await import('../src/app/import-command.js');
  process.exit(await importCommand(rest[0]!, cli.flags.home));
} else if (sub === 'inspect') {
  if (rest.length !== 1) usage('inspect takes exactly one STRING');
  const { inspectCommand } = await import('../src/app/inspect-command.js');
  process.exit(inspectCommand(rest[0]!));
} else if (sub === undefined || sub === 'headless') {
  if (cli.flags.network !== 'tor' && cli.flags.network !== 'local') usage('--network is tor or local');
  const { runMain } = await import('../src/app/main.js');
  // TERM=dumb: a terminal that cannot draw a screen (and what some screen-reader setups set) gets linear mode.
  const linear = cli.flags.linear || process.env['TERM'] === 'dumb';
  process.exit(await runMain(sub === 'headless' ? 'headless' : 'tui', { ...cli.flags, linear }));
} else {
  usage(`unknown command "${sub.slice(0, 40)}"`);
}

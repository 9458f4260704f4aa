#!/usr/bin/env node
// Argument parsing only; the wiring lives in src/app/server-main.ts.

import meow from 'meow';

const cli = meow(
  `
  Usage
    $ cwtch-server --data-dir DIR [options]     run a Cwtch group server; prints its server: bundle first
    $ cwtch-server bundle --data-dir DIR         print the server: bundle and exit

  Options
    --data-dir DIR        config, keys and messages (created on first start)
    --network tor|local   tor (default) or the local test network on 127.0.0.1
    --local-net DIR       registry folder of the local network (env CWTCH_LOCAL_NET)
    --tor-path PATH       tor binary (env CWTCH_TOR; default: tor on PATH)
    --tor-config FILE     extra torrc lines for our tor
    --max-storage-mb N    keep about N × 250 messages; the oldest are pruned
    --posts-per-minute N  posts one connection may make per minute (default 120); over it they are
                          refused with a wait, and the client retries them in order
    --window-minutes N    width of the time windows messages are filed in (default 60, 1 to 10080): a
                          returning or new cwtch-tui member fetches only the windows since it needs; the
                          store dates each message to its window (wider dates less, costs members more)
    --verbose             details after one-line errors
    --version, --help

  Environment
    CWTCH_SERVER_PASSWORD  encrypt serverConfig.json with this password (and unlock it)

  Exit status: 0 success, 1 failure, 64 usage error.
`,
  {
    importMeta: import.meta,
    // Not the package's description, which is the client's.
    description: 'cwtch-server: a Cwtch group server. It stores group messages it cannot read and serves them back to members, without learning which group a message is for.',
    // Checked below, so an unknown flag exits 64 like every other usage error (meow itself would exit 2).
    allowUnknownFlags: true,
    flags: {
      dataDir: { type: 'string' },
      network: { type: 'string', default: 'tor' },
      localNet: { type: 'string' },
      torPath: { type: 'string' },
      torConfig: { type: 'string' },
      maxStorageMb: { type: 'number' },
      postsPerMinute: { type: 'number' },
      windowMinutes: { type: 'number' },
      verbose: { type: 'boolean', default: false },
    },
  },
);

const usage = (msg: string): never => {
  process.stderr.write(`cwtch-server: ${msg} (see cwtch-server --help)\n`);
  process.exit(64);
};

// meow names the process after the package's first bin; ps should say what runs.
process.title = 'cwtch-server';

const known = new Set(['dataDir', 'network', 'localNet', 'torPath', 'torConfig', 'maxStorageMb', 'postsPerMinute', 'windowMinutes', 'verbose', 'help', 'version']);
for (const k of Object.keys(cli.flags)) if (!known.has(k)) usage(`unknown option --${k.slice(0, 40)}`);
const [sub, ...rest] = cli.input;
if (rest.length > 0) usage('too many arguments');
if (cli.flags.dataDir === undefined) usage('--data-dir is required');
if (cli.flags.network !== 'tor' && cli.flags.network !== 'local') usage('--network is tor or local');
const { bundleCommand, runServer } = await import('../src/app/server-main.js');
if (sub === 'bundle') process.exit(bundleCommand(cli.flags));
else if (sub === undefined) process.exit(await runServer(cli.flags));
else usage(`unknown command "${sub.slice(0, 40)}"`);

#!/usr/bin/env node
// `npm run testnet`: a private Cwtch network on this machine for trying the client — the private tor network
// (scripts/tornet.sh, every listener on 127.0.0.1, never the public Tor network) plus one cwtch-server
// joined to it — then the exact commands for two clients. `-- --local` uses the tor-less local network instead,
// `-- --tmux` opens the server and two clients in a tmux session, `-- stop` stops everything it started by the
// PIDs kept in the state dir (./.testnet, or $TESTNET_DIR), and `-- stop --clean` also deletes the state dir.
// Plain JavaScript on purpose: it runs the built binaries (npm run build first) and needs no compile step itself.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const EXIT_USAGE = 64;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATE = resolve(process.env.TESTNET_DIR || join(ROOT, '.testnet'));
const STATE_FILE = join(STATE, 'state.json');
const SERVER_BIN = join(ROOT, 'dist', 'bin', 'cwtch-server.js');
const TUI_BIN = join(ROOT, 'dist', 'bin', 'cwtch-tui.js');
/** The server prints its bundle once its onion services are up; a cold private network + tor takes ~15 s. */
const SERVER_READY_TIMEOUT_MS = 120_000;
/** How long a stopped process gets to close cleanly before SIGKILL. */
const STOP_GRACE_MS = 15_000;

const say = (s) => void process.stdout.write(s + '\n');
const warn = (s) => void process.stderr.write(`testnet: ${s}\n`);
const die = (s, code = 1) => {
  warn(s);
  process.exit(code);
};
const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function tornetScript() {
  return process.env.TORNET_SH || resolve(ROOT, 'scripts', 'tornet.sh');
}

function onPath(name) {
  return (process.env.PATH || '').split(delimiter).some((d) => d !== '' && isAbsolute(d) && existsSync(join(d, name)));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** The kernel's start time of a process (/proc/PID/stat field 22), or null without /proc. */
function startTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * A PID from the state file is only ours while it is the same process we started: PIDs are reused, so compare
 * start times. (Not the command line: meow sets process.title, which rewrites /proc/PID/cmdline.)
 */
function stillOurs(p) {
  return alive(p.pid) && (p.start === null || startTime(p.pid) === p.start);
}

async function stopPid(p, what) {
  const pid = p.pid;
  if (!stillOurs(p)) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + STOP_GRACE_MS;
  while (alive(pid) && Date.now() < until) await sleep(100);
  if (alive(pid)) {
    warn(`${what} (pid ${pid}) did not stop in ${STOP_GRACE_MS / 1000} s; sending SIGKILL`);
    process.kill(pid, 'SIGKILL');
  }
  say(`stopped ${what} (pid ${pid})`);
}

function readState() {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return null;
  }
}

async function stop(clean) {
  const st = readState();
  if (st === null) say('testnet: nothing running (no state file)');
  else {
    if (st.tmux) await stopPid(st.tmux, 'tmux session');
    if (st.server) await stopPid(st.server, 'cwtch-server');
    if (st.tornet) {
      // tornet.sh stops its own tors by the PIDs in its state dir.
      const r = spawnSync('bash', [tornetScript(), 'stop', st.tornet.dir], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) {
        // Keep the state (and the tors' PID files): forgetting them would leave tors running that nothing can stop.
        warn(`tornet.sh stop failed; state kept in ${STATE} — fix the cause and run stop again`);
        process.exitCode = 1;
        return;
      }
      say('stopped the private tor network');
    }
    rmSync(STATE_FILE, { force: true });
  }
  if (clean) {
    rmSync(STATE, { recursive: true, force: true });
    say(`removed ${STATE}`);
  }
}

function writeState(st) {
  writeFileSync(STATE_FILE, JSON.stringify(st, null, 2) + '\n');
}

async function waitForBundle(file, pid, logFile) {
  const until = Date.now() + SERVER_READY_TIMEOUT_MS;
  while (Date.now() < until) {
    const first = readFileSync(file, 'utf8').split('\n');
    if (first.length > 1 && first[0].startsWith('server:')) return first[0];
    if (!alive(pid)) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
      throw new Error(`cwtch-server exited before it was ready:\n${log}`);
    }
    await sleep(200);
  }
  throw new Error(`cwtch-server printed no bundle within ${SERVER_READY_TIMEOUT_MS / 1000} s (log: ${logFile})`);
}

function parseArgs(argv) {
  const o = { cmd: 'start', local: false, tmux: false, clean: false };
  for (const a of argv) {
    if (a === 'stop' || a === 'start' || a === 'status') o.cmd = a;
    else if (a === '--local') o.local = true;
    else if (a === '--tmux') o.tmux = true;
    else if (a === '--clean') o.clean = true;
    else if (a === '--help' || a === '-h') o.cmd = 'help';
    else die(`unknown argument "${a.slice(0, 40)}" (try: npm run testnet -- --help)`, EXIT_USAGE);
  }
  return o;
}

const HELP = `Usage: npm run testnet [-- OPTIONS]
  (no args)     private tor network on 127.0.0.1 + a cwtch-server; prints the commands for two clients
  --local       the same on the local test network, without tor
  --tmux        also open the server log and two clients in a tmux session
  status        show what is running
  stop          stop everything it started (by PID); add --clean to delete ${STATE}
Environment: TESTNET_DIR (state dir, default ./.testnet), TORNET_SH (path of tornet.sh).`;

function status() {
  const st = readState();
  if (st === null) return say('testnet: not running');
  const line = (what, p) => say(`${what}: pid ${p.pid} ${stillOurs(p) ? 'running' : 'gone'}`);
  say(`network: ${st.network}`);
  if (st.server) line('cwtch-server', st.server);
  if (st.tmux) line(`tmux (attach: tmux -L ${st.tmux.socket} attach)`, st.tmux);
  if (st.bundle) say(st.bundle);
}

function clientCommand(st, home) {
  const base = `node ${q(TUI_BIN)} --home ${q(join(STATE, home))}`;
  return st.network === 'local' ? `${base} --network local --local-net ${q(st.localNet)}` : `${base} --tor-config ${q(st.torConfig)}`;
}

function startTmux(st) {
  if (!onPath('tmux')) throw new Error('--tmux needs tmux: apt-get install -y --no-install-recommends tmux');
  // Our own tmux server (its own socket), so `stop` ends exactly it, by PID, and nobody else's sessions.
  const socket = `cwtch-testnet-${process.pid}`;
  const t = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' }).trim();
  // CI=false: with CI=true in the environment Ink renders nothing until exit.
  const env = `CI=false`;
  t('new-session', '-d', '-s', 'cwtch', '-x', '200', '-y', '50', `tail -n +1 -F ${q(st.server.log)}`);
  t('split-window', '-h', '-t', 'cwtch', `${env} ${clientCommand(st, 'alice')}`);
  t('split-window', '-v', '-t', 'cwtch', `${env} ${clientCommand(st, 'bob')}`);
  t('select-layout', '-t', 'cwtch', 'main-vertical');
  const pid = Number(t('display-message', '-p', '-t', 'cwtch', '#{pid}'));
  return { socket, pid, start: startTime(pid) };
}

async function start(o) {
  const prev = readState();
  if (prev !== null && prev.server && stillOurs(prev.server)) {
    die('a testnet is already running; stop it first: npm run testnet -- stop');
  }
  if (prev !== null) await stop(false); // leftovers of a run that died half-way (e.g. its tor network)
  if (!existsSync(SERVER_BIN) || !existsSync(TUI_BIN)) die('the binaries are not built: run npm run build (npm run testnet does)');
  mkdirSync(STATE, { recursive: true });
  const st = { network: o.local ? 'local' : 'tor', startedBy: process.pid };
  const serverArgs = [SERVER_BIN, '--data-dir', join(STATE, 'server')];

  if (o.local) {
    st.localNet = join(STATE, 'localnet');
    mkdirSync(st.localNet, { recursive: true });
    serverArgs.push('--network', 'local', '--local-net', st.localNet);
  } else {
    const haveTor = process.env.CWTCH_TOR || onPath('tor');
    if (!haveTor || !onPath('tor-gencert')) {
      die('the private tor network needs tor and tor-gencert: apt-get install -y --no-install-recommends tor\n' + '  (or run without tor: npm run testnet -- --local)');
    }
    if (!existsSync(tornetScript())) die(`tornet.sh not found at ${tornetScript()} (set TORNET_SH)`);
    st.tornet = { dir: join(STATE, 'tornet') };
    writeState(st); // from here on `stop` can clean up even if we fail half-way
    say('testnet: starting the private tor network on 127.0.0.1 (about 10 s)...');
    const r = spawnSync('bash', [tornetScript(), 'start', st.tornet.dir], {
      env: { ...process.env, TORNET_CLIENTS: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status !== 0) {
      await stop(false);
      die('the private tor network did not start (see above)');
    }
    st.torConfig = join(STATE, 'torrc');
    // The file both the server and the clients pass as --tor-config: it joins their own tors to this network.
    writeFileSync(st.torConfig, `%include ${join(st.tornet.dir, 'torrc.network')}\n`);
    serverArgs.push('--network', 'tor', '--tor-config', st.torConfig);
  }

  const out = join(STATE, 'server.out');
  const log = join(STATE, 'server.log');
  const outFd = openSync(out, 'w');
  const logFd = openSync(log, 'a');
  // Detached: the server outlives this script; `stop` ends it by its PID.
  const child = spawn(process.execPath, serverArgs, { detached: true, stdio: ['ignore', outFd, logFd] });
  closeSync(outFd);
  closeSync(logFd);
  child.unref();
  st.server = { pid: child.pid, start: startTime(child.pid), log };
  writeState(st);
  say(`testnet: cwtch-server started (pid ${child.pid}); waiting for its bundle...`);
  try {
    st.bundle = await waitForBundle(out, child.pid, log);
  } catch (e) {
    warn(e.message);
    await stop(false);
    process.exit(1);
  }
  writeState(st);

  say('');
  say('Server bundle (paste it into each client with /add or /server):');
  say(st.bundle);
  say('');
  if (o.tmux) {
    try {
      st.tmux = startTmux(st);
    } catch (e) {
      warn(e.message);
      await stop(false);
      process.exit(1);
    }
    writeState(st);
    say(`Two clients and the server log are open in tmux: tmux -L ${st.tmux.socket} attach`);
  } else {
    say('Open two clients, one per terminal:');
    say(`  ${clientCommand(st, 'alice')}`);
    say(`  ${clientCommand(st, 'bob')}`);
  }
  say('');
  say("Create a profile in each, then /add the other one's onion address (shown at the top) and the server bundle.");
  say(`Server log: ${log}`);
  say('Stop everything: npm run testnet -- stop');
}

const o = parseArgs(process.argv.slice(2));
if (o.cmd === 'help') say(HELP);
else if (o.cmd === 'status') status();
else if (o.cmd === 'stop') await stop(o.clean);
else await start(o);

#!/usr/bin/env bash
# Copied into cwtch-tui unchanged from the project's shared test-network tool (docs/tor.md says how it is used).
# tornet.sh - a private Tor test network on 127.0.0.1 (the approach of Tor's
# "chutney"), built from the system's tor + tor-gencert (Debian package "tor").
#
#   tornet.sh start  STATE_DIR   configure (first time only) and start the
#                                network; returns once every client tor has
#                                bootstrapped to 100 %, non-zero on failure
#   tornet.sh stop   STATE_DIR   stop every tor of that network, by PID
#   tornet.sh status STATE_DIR   processes, consensus size, client bootstrap
#
# All state (keys, torrcs, data dirs, logs, pid files) is kept in STATE_DIR and
# every listener is on 127.0.0.1. No node ever contacts the public Tor network:
# each one carries only our own DirAuthority line(s) and UseDefaultFallbackDirs 0.
#
# Default network (the smallest that carries onion-service traffic between two
# pure clients): 1 directory authority + 3 relays + 2 clients = 6 tor processes.
# Onion circuits need 4 distinct relays (client intro and service rendezvous
# circuits are 4 hops long), the authority counts as one of them.
#
# When ready, `start` prints one line per client on stdout:
#   client c0 socks=127.0.0.1:P control=127.0.0.1:P cookie=STATE_DIR/nodes/c0/control_auth_cookie
# and writes the same to STATE_DIR/network.env and STATE_DIR/network.json, and
# STATE_DIR/torrc.network holds the lines another tor (e.g. the one the app
# under test starts) needs to join the network (use it with %include).
#
# Environment:
#   TOR=tor TOR_GENCERT=tor-gencert   binaries
#   TORNET_AUTHORITIES=1              directory authorities (they are relays too,
#                                     and the only directory caches / HSDirs)
#   TORNET_RELAYS=3                   plain relays (DirCache 0)
#   TORNET_CLIENTS=2                  client tors (SocksPort + ControlPort + cookie)
#   TORNET_TIMEOUT=60                 seconds from `start` to 100 % bootstrap
#   TORNET_BASE_PORT=<random>         first port of a block of contiguous ports
#   TORNET_OWNER_PID=<pid>            every tor exits by itself (within 15 s) once
#                                     this process is gone (__OwningControllerProcess)
#   TORNET_LOG_LEVEL=                 e.g. info: extra per-node log file
set -u -o pipefail

TOR=${TOR:-tor}
TOR_GENCERT=${TOR_GENCERT:-tor-gencert}
NAUTH=${TORNET_AUTHORITIES:-1}
NRELAY=${TORNET_RELAYS:-3}
NCLIENT=${TORNET_CLIENTS:-2}
TIMEOUT=${TORNET_TIMEOUT:-60}
# Consensus timing. Tor's floors in a TestingTorNetwork: initial voting
# interval 5 s, later intervals 10 s, vote and distribution delays 2 s each.
INITIAL_INTERVAL=5
VOTING_INTERVAL=10
# TestingV3AuthVotingStartOffset is chosen so that the first consensus is
# published 5-6 s after the tors are launched. Measured here: an authority
# schedules its first vote 1.4-2.4 s after launch, for the *next* interval
# boundary, and votes ~1-2 s before that boundary (at once if it is later);
# relays upload their descriptors ~1.5 s after launch. A boundary 5-6 s out
# is the nearest one that is reliably after all of that; with a random one
# the first round often misses relays, and the next one is 10 s later.
FIRST_CONSENSUS_AFTER=5

die() { echo "tornet: error: $*" >&2; exit 1; }
log() { echo "tornet: $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# ---------------------------------------------------------------- ports ----
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_base_port() {  # count -> first port of a block nobody uses
  local n=$1 base p ok tries=0 used=" "
  command -v ss >/dev/null 2>&1 &&
    used=" $(ss -Htan 2>/dev/null | awk '{n=split($4,a,":"); print a[n]}' | sort -un | tr '\n' ' ') "
  while (( tries++ < 50 )); do
    base=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
    ok=1
    for (( p = base; p < base + n; p++ )); do
      if [[ $used == *" $p "* ]] || port_in_use "$p"; then ok=0; break; fi
    done
    (( ok )) && { echo "$base"; return 0; }
  done
  return 1
}

# ------------------------------------------------------ control protocol ----
ctl() {  # PORT COOKIEFILE CMD... -> raw replies (cookie auth, then QUIT)
  local port=$1 cookie=$2 hex fd c
  shift 2
  [[ -r $cookie ]] || return 1
  hex=$(od -An -v -tx1 "$cookie" | tr -d ' \n')
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || return 1
  {
    printf 'AUTHENTICATE %s\r\n' "$hex"
    for c in "$@"; do printf '%s\r\n' "$c"; done
    printf 'QUIT\r\n'
  } >&"$fd"
  timeout 5 cat <&"$fd" | tr -d '\r'
  exec {fd}>&-
}

bootstrap_phase() {  # client dir -> value of GETINFO status/bootstrap-phase
  local d=$1 port
  port=$(cat "$d/control_port" 2>/dev/null) || return 1
  ctl "$port" "$d/control_auth_cookie" 'GETINFO status/bootstrap-phase' |
    sed -n 's/^250-status\/bootstrap-phase=//p'
}

# ------------------------------------------------------------ processes ----
node_pid() {  # node dir -> pid, only if that process is alive and is our tor
  local d=$1 pid
  pid=$(cat "$d/pid" 2>/dev/null || cat "$d/pid.saved" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF -- "$d/torrc" || return 1
  echo "$pid"
}

start_node() {  # node dir. RunAsDaemon 1: tor returns once its child is up.
  local d=$1 out rc i
  out=$("$TOR" -f "$d/torrc" 2>&1); rc=$?
  if (( rc != 0 )); then
    { echo "$out" | grep -E '\[(warn|err)\]' | grep -vE 'DirAuthority|TestingTorNetwork|as root|SafeLogging' | tail -n 5
      tail -n 5 "$d/notice.log" 2>/dev/null; } >&2
    echo "tornet: tor for $(basename "$d") failed to start (exit $rc)" >&2
    return 1
  fi
  for (( i = 0; i < 50; i++ )); do [[ -s $d/pid ]] && break; sleep 0.1; done
  cp "$d/pid" "$d/pid.saved" 2>/dev/null
}

start_nodes() {  # node dirs... in parallel; fails if any failed
  local d pids=() rc=0 p
  for d in "$@"; do start_node "$d" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  for d in "$@"; do node_pid "$d" >/dev/null || rc=1; done
  return $rc
}

stop_all() {  # SIGTERM every tor of the network, SIGKILL after 10 s
  local state=$1 d pid pids=() waited=0 alive
  for d in "$state"/nodes/*; do
    pid=$(node_pid "$d") || continue
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  while (( ${#pids[@]} && waited < 100 )); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    pids=("${alive[@]+"${alive[@]}"}")
    (( ${#pids[@]} )) && { sleep 0.1; (( waited++ )); }
  done
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -KILL "$pid" 2>/dev/null; done
  rm -f "$state"/nodes/*/pid.saved
}

# ------------------------------------------------------------- configure ----
configure() {  # ports, keys, DirAuthority lines; done once per STATE_DIR
  local state=$1 base i d p nports
  nports=$(( 2 * NAUTH + NRELAY + 2 * NCLIENT ))
  base=${TORNET_BASE_PORT:-$(pick_base_port "$nports")} || die "no free block of $nports ports"
  mkdir -p "$state/nodes" || die "cannot create $state"
  p=$base
  for (( i = 0; i < NAUTH; i++ )); do
    d="$state/nodes/a$i"; mkdir -p "$d/keys"; chmod 700 "$d"
    echo "$p" > "$d/or_port"; echo $(( p + 1 )) > "$d/dir_port"; p=$(( p + 2 ))
  done
  for (( i = 0; i < NRELAY; i++ )); do
    d="$state/nodes/r$i"; mkdir -p "$d"; chmod 700 "$d"
    echo "$p" > "$d/or_port"; p=$(( p + 1 ))
  done
  for (( i = 0; i < NCLIENT; i++ )); do
    d="$state/nodes/c$i"; mkdir -p "$d"; chmod 700 "$d"
    echo "$p" > "$d/socks_port"; echo $(( p + 1 )) > "$d/control_port"; p=$(( p + 2 ))
  done
  for (( p = base; p < base + nports; p++ )); do
    port_in_use "$p" && die "port $p is in use (set TORNET_BASE_PORT)"
  done

  # Authority identity key + certificate (RSA-3072, ~1.4 s CPU each) and every
  # relay's identity fingerprint, all in parallel.
  local pids=() rc=0
  for (( i = 0; i < NAUTH; i++ )); do
    d="$state/nodes/a$i"
    ( echo "" | "$TOR_GENCERT" --create-identity-key --passphrase-fd 0 -m 12 \
        -i "$d/keys/authority_identity_key" -s "$d/keys/authority_signing_key" \
        -c "$d/keys/authority_certificate" -a "127.0.0.1:$(cat "$d/dir_port")" \
        >"$d/gencert.log" 2>&1 ) &
    pids+=($!)
  done
  for d in "$state"/nodes/[ar]*; do
    "$TOR" --list-fingerprint --orport 1 --datadirectory "$d" \
      -f /dev/null --ignore-missing-torrc >/dev/null 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  (( rc == 0 )) || die "key generation failed (see $state/nodes/a*/gencert.log)"

  local lines="" hsdirs="" sep="" v3 fp
  for (( i = 0; i < NAUTH; i++ )); do
    d="$state/nodes/a$i"
    v3=$(awk '$1=="fingerprint"{print $2}' "$d/keys/authority_certificate")
    fp=$(awk '{print $2}' "$d/fingerprint")
    [[ -n $v3 && -n $fp ]] || die "missing fingerprint for a$i"
    lines+="DirAuthority a$i orport=$(cat "$d/or_port") no-v2 v3ident=$v3 127.0.0.1:$(cat "$d/dir_port") $fp"$'\n'
    hsdirs+="$sep\$$fp"; sep=","
  done
  echo "$hsdirs" > "$state/hsdirs"
  cat > "$state/torrc.network" <<EOF
# Options for a tor that joins the private test network in $state
TestingTorNetwork 1
${lines}UseDefaultFallbackDirs 0
ClientUseIPv6 0
PathsNeededToBuildCircuits 0.67
TestingClientMaxIntervalWithoutRequest 1 second
EOF
  echo "$base" > "$state/base_port"
  printf '%s %s %s\n' "$NAUTH" "$NRELAY" "$NCLIENT" > "$state/configured"
}

write_torrcs() {  # state, voting start offset
  local state=$1 offset=$2 d name owner=""
  [[ -n ${TORNET_OWNER_PID:-} ]] && owner="__OwningControllerProcess $TORNET_OWNER_PID"
  for d in "$state"/nodes/*; do
    name=$(basename "$d")
    {
      echo "# generated by tornet.sh"
      cat "$state/torrc.network"
      cat <<EOF
Nickname $name
DataDirectory $d
PidFile $d/pid
RunAsDaemon 1
Log notice file $d/notice.log
${TORNET_LOG_LEVEL:+Log $TORNET_LOG_LEVEL file $d/$TORNET_LOG_LEVEL.log}
SafeLogging 0
LogTimeGranularity 1
ShutdownWaitLength 0
AvoidDiskWrites 1
NumCPUs 1
$owner
EOF
      case $name in
        a*|r*)
          cat <<EOF
Address 127.0.0.1
ORPort 127.0.0.1:$(cat "$d/or_port")
SocksPort 0
AssumeReachable 1
ExitRelay 0
ExitPolicy reject *:*
ContactInfo $name@tornet.invalid
EOF
          ;;&
        r*)
          # Not a directory cache: clients then fetch every document from the
          # authorities, which always have all of them (no 404 + backoff).
          echo "DirCache 0"
          ;;
        a*)
          cat <<EOF
DirPort 127.0.0.1:$(cat "$d/dir_port")
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
TestingV3AuthInitialVotingInterval $INITIAL_INTERVAL
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3AuthVotingInterval $VOTING_INTERVAL
V3AuthVoteDelay 2
V3AuthDistDelay 2
V3AuthNIntervalsValid 2
TestingV3AuthVotingStartOffset $offset
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir $(cat "$state/hsdirs")
TestingDirAuthVoteHSDirIsStrict 1
EOF
          ;;
        c*)
          cat <<EOF
SocksPort 127.0.0.1:$(cat "$d/socks_port") ExtendedErrors
ControlPort 127.0.0.1:$(cat "$d/control_port")
CookieAuthentication 1
CookieAuthFile $d/control_auth_cookie
EOF
          ;;
      esac
    } > "$d/torrc"
  done
}

reset_data() {  # forget documents of an earlier run, keep keys
  local d
  for d in "$1"/nodes/*; do
    rm -rf "$d"/cached-* "$d"/unverified-* "$d"/diff-cache "$d"/state "$d"/sr-state \
      "$d"/v3-status-votes "$d"/router-stability "$d"/consensus-transparency-* \
      "$d"/control_auth_cookie "$d"/*.log "$d"/pid "$d"/pid.saved
  done
}

consensus_relays() {  # state -> Running+Valid+Guard relays in a0's consensus
  local f="$1/nodes/a0/cached-microdesc-consensus"
  [[ -r $f ]] || { echo 0; return; }
  awk '/^r /{r=1} /^s /{ if (r && / Running/ && / Valid/ && / Guard/) n++; r=0 } END{print n+0}' "$f"
}

write_outputs() {
  local state=$1 d name sp cp ck up json="" env="" sep=""
  for d in "$state"/nodes/c*; do
    [[ -d $d ]] || continue
    name=$(basename "$d"); up=${name^^}
    sp=$(cat "$d/socks_port"); cp=$(cat "$d/control_port"); ck="$d/control_auth_cookie"
    echo "client $name socks=127.0.0.1:$sp control=127.0.0.1:$cp cookie=$ck"
    env+="TORNET_${up}_SOCKS_PORT=$sp"$'\n'"TORNET_${up}_CONTROL_PORT=$cp"$'\n'"TORNET_${up}_COOKIE=$ck"$'\n'
    json+="$sep    {\"name\": \"$name\", \"socksPort\": $sp, \"controlPort\": $cp, \"cookieFile\": \"$ck\", \"dataDir\": \"$d\"}"
    sep=$',\n'
  done
  printf 'TORNET_DIR=%s\nTORNET_TORRC=%s\n%s' "$state" "$state/torrc.network" "$env" > "$state/network.env"
  printf '{\n  "dir": "%s",\n  "torrc": "%s",\n  "clients": [\n%s\n  ]\n}\n' \
    "$state" "$state/torrc.network" "$json" > "$state/network.json"
  echo "network torrc=$state/torrc.network json=$state/network.json"
}

# ----------------------------------------------------------------- start ----
cmd_start() {
  local state=$1 t0 d deadline nrel launch offset ph pending
  t0=$(now)
  deadline=$(( ${t0%.*} + TIMEOUT ))
  command -v "$TOR" >/dev/null || die "tor binary '$TOR' not found (apt-get install tor)"
  command -v "$TOR_GENCERT" >/dev/null || die "'$TOR_GENCERT' not found (Debian ships it in the tor package)"
  (( NAUTH >= 1 && NAUTH + NRELAY >= 1 )) || die "need at least one authority"
  for d in "$state"/nodes/*; do
    [[ -d $d ]] && node_pid "$d" >/dev/null && die "a network is already running in $state (tornet.sh stop $state)"
  done
  if [[ -e $state/configured ]]; then
    read -r NAUTH NRELAY NCLIENT < "$state/configured"
    log "reusing keys and ports in $state ($NAUTH authorities, $NRELAY relays, $NCLIENT clients)"
  else
    configure "$state"
    log "configured $NAUTH authorities, $NRELAY relays, $NCLIENT clients, ports $(cat "$state/base_port")+ ($(elapsed "$t0") s)"
  fi
  reset_data "$state"

  # Align the authorities' voting schedule so that the first consensus is
  # published FIRST_CONSENSUS_AFTER seconds from now (instead of at a random
  # point of the 5 s grid, which sometimes makes the first round fail).
  launch=$(date +%s.%N)
  offset=$(( (${launch%.*} + FIRST_CONSENSUS_AFTER + 1) % INITIAL_INTERVAL ))
  write_torrcs "$state" "$offset"

  local servers=("$state"/nodes/a*)
  (( NRELAY > 0 )) && servers+=("$state"/nodes/r*)
  if ! start_nodes "${servers[@]}"; then
    stop_all "$state"; die "relays failed to start, network stopped"
  fi
  log "authorities and relays running ($(elapsed "$t0") s)"

  nrel=$(( NAUTH + NRELAY ))
  until (( $(consensus_relays "$state") >= nrel )); do
    if (( $(date +%s) >= deadline )); then
      stop_all "$state"
      die "no consensus listing all $nrel relays within ${TIMEOUT}s; network stopped (see $state/nodes/a0/notice.log)"
    fi
    sleep 0.1
  done
  log "consensus lists all $nrel relays ($(elapsed "$t0") s)"

  if (( NCLIENT > 0 )); then
    if ! start_nodes "$state"/nodes/c*; then
      stop_all "$state"; die "clients failed to start, network stopped"
    fi
  fi
  while :; do
    pending=0
    for d in "$state"/nodes/c*; do
      [[ -d $d ]] || continue
      ph=$(bootstrap_phase "$d")
      [[ $ph == *PROGRESS=100* ]] || pending=1
    done
    (( pending )) || break
    if (( $(date +%s) >= deadline )); then
      for d in "$state"/nodes/c*; do echo "$(basename "$d"): $(bootstrap_phase "$d")" >&2; done
      stop_all "$state"
      die "clients did not reach bootstrap 100% within ${TIMEOUT}s; network stopped (logs: $state/nodes/*/notice.log)"
    fi
    sleep 0.2
  done
  elapsed "$t0" > "$state/start_seconds"
  if (( NCLIENT > 0 )); then
    log "all clients bootstrapped 100% ($(cat "$state/start_seconds") s)"
  else
    log "network ready, no clients ($(cat "$state/start_seconds") s)"
  fi
  write_outputs "$state"
}

cmd_status() {
  local state=$1 d name pid running=0 total=0
  [[ -d $state/nodes ]] || die "$state is not a tornet state directory"
  for d in "$state"/nodes/*; do
    name=$(basename "$d"); (( total++ ))
    if pid=$(node_pid "$d"); then
      (( running++ ))
      if [[ $name == c* ]]; then
        printf '%-4s pid=%-7s socks=%s control=%s %s\n' "$name" "$pid" \
          "$(cat "$d/socks_port")" "$(cat "$d/control_port")" "$(bootstrap_phase "$d")"
      else
        printf '%-4s pid=%-7s orport=%s\n' "$name" "$pid" "$(cat "$d/or_port")"
      fi
    else
      printf '%-4s not running\n' "$name"
    fi
  done
  node_pid "$state/nodes/a0" >/dev/null &&
    echo "consensus: $(consensus_relays "$state") relays Running+Valid+Guard"
  echo "$running/$total tor processes running"
  (( running == total ))
}

main() {
  [[ $# -eq 2 ]] || usage
  local cmd=$1 state
  case $cmd in start|stop|status) ;; *) usage ;; esac
  [[ $cmd == start ]] && mkdir -p "$2"
  state=$(cd "$2" 2>/dev/null && pwd) || die "no such directory: $2"
  case $cmd in
    start) cmd_start "$state" ;;
    stop) stop_all "$state"; log "stopped" ;;
    status) cmd_status "$state" ;;
  esac
}

main "$@"

#!/usr/bin/env bash
# The Deliverlab mail lab: Debian's Postfix and Dovecot on 127.0.0.1, from the config templates next to
# this script, with a throw-away CA. Nothing under /etc is read for settings or written.
#
#   bash test/lab/mail-lab/lab.sh start    # (re)start; waits until every port answers; writes lab.json
#   bash test/lab/mail-lab/lab.sh stop     # stops both and checks that no process is left
#   bash test/lab/mail-lab/lab.sh status   # JSON: ports, users, CA path, pids; exit 3 when not running
#
# Needs root (Postfix's master and Dovecot start as root and drop to their own users) and:
#   echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
#   apt-get install -y --no-install-recommends postfix dovecot-imapd dovecot-lmtpd dovecot-sieve ssl-cert
#
# Environment (all optional): MAIL_LAB_DIR (runtime folder, default <repo>/.tmp/mail-lab),
# MAIL_LAB_SMTP_PORT (2525), MAIL_LAB_SUBMISSION_PORT (2587), MAIL_LAB_SUBMISSIONS_PORT (2465),
# MAIL_LAB_IMAP_PORT (2143), MAIL_LAB_IMAPS_PORT (2993), MAIL_LAB_LMTP_PORT (2424),
# MAIL_LAB_AUTH_PORT (2412), MAIL_LAB_SEEDS (20 seed users), MAIL_LAB_MAIL_USER (vmail),
# MAIL_LAB_WAIT_SECONDS (15, bound on waiting for ports and for processes to end).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
RUNTIME=${MAIL_LAB_DIR:-$REPO/.tmp/mail-lab}
SMTP_PORT=${MAIL_LAB_SMTP_PORT:-2525}
SUBMISSION_PORT=${MAIL_LAB_SUBMISSION_PORT:-2587}
SUBMISSIONS_PORT=${MAIL_LAB_SUBMISSIONS_PORT:-2465}
IMAP_PORT=${MAIL_LAB_IMAP_PORT:-2143}
IMAPS_PORT=${MAIL_LAB_IMAPS_PORT:-2993}
LMTP_PORT=${MAIL_LAB_LMTP_PORT:-2424}
AUTH_PORT=${MAIL_LAB_AUTH_PORT:-2412}
SEEDS=${MAIL_LAB_SEEDS:-20}
MAIL_USER=${MAIL_LAB_MAIL_USER:-vmail}
WAIT_SECONDS=${MAIL_LAB_WAIT_SECONDS:-15}
DOMAIN=lab.test
HOSTNAME_FQDN=mx.lab.test
OPENSSL=${OPENSSL:-openssl}

# Postfix checks that its config folder is all root-owned, so the queue lives beside it, not in it.
PF_DIR=$RUNTIME/postfix/conf
PF_QUEUE=$RUNTIME/postfix/queue
PF_DATA=$RUNTIME/postfix/data
DC_CONF=$RUNTIME/dovecot/dovecot.conf
PF_PID_FILE=$PF_QUEUE/pid/master.pid
DC_PID_FILE=$RUNTIME/dovecot/run/master.pid

die() { printf 'mail-lab: %s\n' "$*" >&2; exit 1; }
note() { printf 'mail-lab: %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

case "$RUNTIME" in /*) ;; *) die "MAIL_LAB_DIR must be an absolute path (got $RUNTIME)" ;; esac

ports() { echo "$SMTP_PORT $SUBMISSION_PORT $SUBMISSIONS_PORT $IMAP_PORT $IMAPS_PORT $LMTP_PORT $AUTH_PORT"; }

for p in $(ports); do
  [[ $p =~ ^[0-9]+$ ]] && (( p > 0 && p < 65536 )) || die "port '$p' is not a number between 1 and 65535"
done
[ "$(printf '%s\n' $(ports) | sort -u | wc -l)" -eq 7 ] || die "the seven lab ports must differ: $(ports)"
[[ $SEEDS =~ ^[0-9]+$ ]] && (( SEEDS >= 1 && SEEDS <= 500 )) || die "MAIL_LAB_SEEDS must be 1..500 (got $SEEDS)"

# A pid from a pid file, printed only when that process is alive.
live_pid() {
  local file=$1 pid
  [ -r "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# wait_for SECONDS COMMAND...: polls COMMAND (quietly) until it succeeds or the time is up.
wait_for() {
  local deadline=$(( $(date +%s) + $1 ))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Processes in a session: Postfix's master and Dovecot's master each lead their own (setsid), and
# their children stay in it, so the session id finds stragglers without matching on names.
session_pids() { ps -e -o pid=,sid= | awk -v s="$1" '$2 == s && $1 != s { print $1 }'; }

# Stops one daemon: polite command, then wait (bounded), then SIGKILL whatever is left of its session.
stop_daemon() {
  local name=$1 pid_file=$2 pid deadline left
  shift 2
  pid=$(live_pid "$pid_file") || return 0
  "$@" >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + WAIT_SECONDS ))
  while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    note "$name (pid $pid) did not stop in ${WAIT_SECONDS}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # Children normally exit with their master; give them a moment, then force.
  deadline=$(( $(date +%s) + 3 ))
  while left=$(session_pids "$pid") && [ -n "$left" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
  left=$(session_pids "$pid")
  if [ -n "$left" ]; then
    note "killing $name leftovers: $(echo $left)"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
}

do_stop() {
  if [ -f "$PF_DIR/main.cf" ]; then
    stop_daemon postfix "$PF_PID_FILE" postfix -c "$PF_DIR" stop
  fi
  if [ -f "$DC_CONF" ]; then
    stop_daemon dovecot "$DC_PID_FILE" dovecot -c "$DC_CONF" stop
  fi
  local pid
  if pid=$(live_pid "$PF_PID_FILE"); then die "postfix master (pid $pid) is still running"; fi
  if pid=$(live_pid "$DC_PID_FILE"); then die "dovecot master (pid $pid) is still running"; fi
  # A stopped lab has no lab.json, so suites report "not running" instead of "connection refused".
  rm -f "$RUNTIME/lab.json"
}

seed_password() { echo "lab-pass-$1"; }

# An address Postfix accepts (it is in its mailbox map) and Dovecot does not have: Postfix takes the
# message, Dovecot's LMTP refuses the recipient (550 5.1.1), and Postfix returns a delivery status
# notification (RFC 3464) to the envelope sender, as a provider does for a mailbox that is gone.
BOUNCING=gone

# Every user of the lab: "local-part password".
users() {
  echo "sender $(seed_password sender)"
  echo "postmaster $(seed_password postmaster)"
  local i
  for (( i = 1; i <= SEEDS; i++ )); do echo "seed$i $(seed_password "seed$i")"; done
}

# The lab's CA and one server certificate for every name a client might use. Kept across restarts while
# valid for another day, so a test that read the CA before a restart still trusts the servers.
make_certs() {
  local dir=$RUNTIME/tls
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ -s "$dir/ca.pem" ] && [ -s "$dir/server.pem" ] && [ -s "$dir/server.key" ] \
    && "$OPENSSL" x509 -checkend 86400 -noout -in "$dir/ca.pem" >/dev/null 2>&1 \
    && "$OPENSSL" x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null 2>&1 \
    && "$OPENSSL" verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1; then
    return 0
  fi
  rm -f "$dir"/*
  (
    cd "$dir"
    "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
    "$OPENSSL" req -x509 -new -key ca.key -subj '/CN=Deliverlab Mail Lab CA' -days 365 -out ca.pem \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'
    "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key 2>/dev/null
    "$OPENSSL" req -new -key server.key -subj "/CN=$HOSTNAME_FQDN" -out server.csr
    cat >server.ext <<EOF
[ leaf ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$HOSTNAME_FQDN,DNS:smtp.$DOMAIN,DNS:imap.$DOMAIN,DNS:$DOMAIN,DNS:localhost,IP:127.0.0.1
EOF
    "$OPENSSL" x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial "0x$("$OPENSSL" rand -hex 8)" \
      -days 365 -sha256 -extfile server.ext -extensions leaf -out server.pem 2>/dev/null
    rm -f server.csr server.ext
  ) || die "openssl could not make the lab certificates"
  chmod 600 "$dir/ca.key" "$dir/server.key"
  chmod 644 "$dir/ca.pem" "$dir/server.pem"
}

render() {
  sed -e "s|@RUNTIME@|$RUNTIME|g" \
    -e "s|@SMTP_PORT@|$SMTP_PORT|g" -e "s|@SUBMISSION_PORT@|$SUBMISSION_PORT|g" \
    -e "s|@SUBMISSIONS_PORT@|$SUBMISSIONS_PORT|g" -e "s|@IMAP_PORT@|$IMAP_PORT|g" \
    -e "s|@IMAPS_PORT@|$IMAPS_PORT|g" -e "s|@LMTP_PORT@|$LMTP_PORT|g" -e "s|@AUTH_PORT@|$AUTH_PORT|g" \
    -e "s|@MAIL_UID@|$MAIL_UID|g" -e "s|@MAIL_GID@|$MAIL_GID|g" "$1" >"$2"
  if grep -n '@[A-Z_]*@' "$2" >&2; then die "unfilled placeholder in $2"; fi
}

json_users() {
  local first=1 user pass
  printf '['
  while read -r user pass; do
    case $user in seed*) ;; *) continue ;; esac
    [ $first = 1 ] || printf ','
    first=0
    printf '\n    {"user": "%s@%s", "password": "%s"}' "$user" "$DOMAIN" "$pass"
  done < <(users)
  printf '\n  ]'
}

write_lab_json() {
  local started=$1 seconds=$2
  cat >"$RUNTIME/lab.json.new" <<EOF
{
  "version": 1,
  "runtimeDir": "$RUNTIME",
  "host": "127.0.0.1",
  "hostname": "$HOSTNAME_FQDN",
  "domain": "$DOMAIN",
  "caPath": "$RUNTIME/tls/ca.pem",
  "ports": {
    "smtp": $SMTP_PORT,
    "submission": $SUBMISSION_PORT,
    "submissions": $SUBMISSIONS_PORT,
    "imap": $IMAP_PORT,
    "imaps": $IMAPS_PORT,
    "lmtp": $LMTP_PORT,
    "auth": $AUTH_PORT
  },
  "sender": {"user": "sender@$DOMAIN", "password": "$(seed_password sender)"},
  "postmaster": {"user": "postmaster@$DOMAIN", "password": "$(seed_password postmaster)"},
  "seeds": $(json_users),
  "bouncing": "$BOUNCING@$DOMAIN",
  "junkRules": ["X-Spam-Flag: YES", "Authentication-Results: $HOSTNAME_FQDN; ... dmarc=fail"],
  "logs": {"postfix": "$RUNTIME/log/postfix.log", "dovecot": "$RUNTIME/log/dovecot.log"},
  "startedAt": "$started",
  "startSeconds": $seconds
}
EOF
  mv "$RUNTIME/lab.json.new" "$RUNTIME/lab.json"
  chmod 644 "$RUNTIME/lab.json"
}

# Undo a half-done start so a failure never leaves a daemon behind, then explain.
fail_start() {
  note "start failed: $*"
  for log in "$RUNTIME/log/dovecot.log" "$RUNTIME/log/postfix.log"; do
    if [ -s "$log" ]; then note "last lines of $log:"; tail -n 15 "$log" >&2; fi
  done
  do_stop || true
  rm -f "$RUNTIME/lab.json"
  exit 1
}

do_start() {
  local t0 started missing=() bin
  t0=$(now)
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  [ "$(id -u)" = 0 ] || die "start needs root: Postfix and Dovecot start as root and drop privileges"
  for bin in postfix dovecot doveconf sievec "$OPENSSL" script ss timeout; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
  done
  [ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
  [ -x /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
  [ -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ] || missing+=(dovecot-sieve)
  if [ ${#missing[@]} -gt 0 ]; then
    die "missing: ${missing[*]}. Install with:
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix dovecot-imapd dovecot-lmtpd dovecot-sieve ssl-cert"
  fi

  do_stop

  # Something else on a lab port would make the daemons fail with a less clear message.
  local busy=()
  for p in $(ports); do
    if port_open "$p"; then busy+=("$p"); fi
  done
  if [ ${#busy[@]} -gt 0 ]; then
    die "port(s) ${busy[*]} already in use on 127.0.0.1 (set MAIL_LAB_*_PORT to move the lab):
$(ss -ltnp 2>/dev/null | grep -E ":($(IFS='|'; echo "${busy[*]}"))\b" || true)"
  fi

  if ! id -u "$MAIL_USER" >/dev/null 2>&1; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$MAIL_USER" \
      || die "could not create the mail user $MAIL_USER"
  fi
  MAIL_UID=$(id -u "$MAIL_USER")
  MAIL_GID=$(id -g "$MAIL_USER")

  # The daemons' own users (postfix, dovecot, dovenull, the mail user) must reach the runtime folder.
  mkdir -p "$RUNTIME"
  local d=$RUNTIME
  while [ "$d" != / ]; do
    [ "$(( 0$(stat -c %a "$d") & 1 ))" = 1 ] || die "$d is not searchable by other users (chmod o+x it, or set MAIL_LAB_DIR)"
    d=$(dirname "$d")
  done
  chmod 755 "$RUNTIME"
  rm -f "$RUNTIME/lab.json"
  mkdir -p "$RUNTIME/log" "$PF_DIR" "$PF_QUEUE" "$PF_DATA" "$RUNTIME/dovecot/state" "$RUNTIME/sieve" "$RUNTIME/mail"
  : >"$RUNTIME/log/postfix.log"
  : >"$RUNTIME/log/dovecot.log"
  chmod 755 "$RUNTIME/log" "$RUNTIME/postfix" "$PF_DIR" "$RUNTIME/dovecot" "$RUNTIME/sieve"
  chown root:root "$PF_QUEUE"
  chmod 755 "$PF_QUEUE"
  chown postfix:postfix "$PF_DATA"
  chmod 700 "$PF_DATA"
  chown "$MAIL_UID:$MAIL_GID" "$RUNTIME/mail"
  chmod 700 "$RUNTIME/mail"

  make_certs

  render "$HERE/postfix/main.cf" "$PF_DIR/main.cf"
  render "$HERE/postfix/master.cf" "$PF_DIR/master.cf"
  render "$HERE/dovecot/dovecot.conf" "$DC_CONF"
  cp "$HERE/sieve/before.sieve" "$RUNTIME/sieve/before.sieve"

  local user pass
  : >"$RUNTIME/dovecot/users.new"
  : >"$PF_DIR/mailboxes.new"
  while read -r user pass; do
    printf '%s@%s:{PLAIN}%s::::::\n' "$user" "$DOMAIN" "$pass" >>"$RUNTIME/dovecot/users.new"
    printf '%s@%s OK\n' "$user" "$DOMAIN" >>"$PF_DIR/mailboxes.new"
  done < <(users)
  printf '%s@%s OK\n' "$BOUNCING" "$DOMAIN" >>"$PF_DIR/mailboxes.new"
  mv "$RUNTIME/dovecot/users.new" "$RUNTIME/dovecot/users"
  mv "$PF_DIR/mailboxes.new" "$PF_DIR/mailboxes"
  chmod 644 "$RUNTIME/dovecot/users" "$PF_DIR/mailboxes"

  # Compiled now, as root, so LMTP (running as the mail user) never needs to write next to the script.
  sievec -c "$DC_CONF" "$RUNTIME/sieve/before.sieve" >"$RUNTIME/log/sievec.log" 2>&1 \
    || { cat "$RUNTIME/log/sievec.log" >&2; die "sievec could not compile $RUNTIME/sieve/before.sieve"; }
  chmod 644 "$RUNTIME/sieve/"*

  # Output goes to files, not $(...): both daemons inherit the descriptors, and a pipe held open by a
  # daemon would make the capture wait forever.
  local out=$RUNTIME/log/start.out
  dovecot -c "$DC_CONF" >"$out" 2>&1 </dev/null || fail_start "dovecot: $(cat "$out")"
  # The daemonized master writes its pid file a moment after the command returns.
  wait_for 5 live_pid "$DC_PID_FILE" || fail_start "dovecot did not start: $(cat "$out")"

  # Postfix prints fatal start-up errors only to a terminal, so give it one.
  script -qec "postfix -c '$PF_DIR' start" /dev/null >"$out" 2>&1 </dev/null \
    || fail_start "postfix: $(tr -d '\r' <"$out")"
  wait_for 5 live_pid "$PF_PID_FILE" || fail_start "postfix did not start: $(tr -d '\r' <"$out")"

  local deadline waiting
  deadline=$(( $(date +%s) + WAIT_SECONDS ))
  while :; do
    waiting=()
    for p in $(ports); do
      port_open "$p" || waiting+=("$p")
    done
    [ ${#waiting[@]} -eq 0 ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail_start "port(s) ${waiting[*]} not accepting connections after ${WAIT_SECONDS}s"
    sleep 0.05
  done

  # One login before anyone else: the auth process's one-time start-up wait is paid here, not by a test.
  timeout "$WAIT_SECONDS" doveadm -c "$DC_CONF" auth test "sender@$DOMAIN" "$(seed_password sender)" >/dev/null 2>&1 \
    || fail_start "dovecot's auth service did not answer a test login within ${WAIT_SECONDS}s"

  local seconds
  seconds=$(elapsed "$t0")
  write_lab_json "$started" "$seconds"
  note "up in ${seconds}s: smtp $SMTP_PORT, submission $SUBMISSION_PORT, submissions $SUBMISSIONS_PORT, imap $IMAP_PORT, imaps $IMAPS_PORT, lmtp $LMTP_PORT, auth $AUTH_PORT; details in $RUNTIME/lab.json"
}

do_status() {
  local pf dc running=false
  pf=$(live_pid "$PF_PID_FILE") || pf=null
  dc=$(live_pid "$DC_PID_FILE") || dc=null
  [ "$pf" != null ] && [ "$dc" != null ] && running=true
  if [ -s "$RUNTIME/lab.json" ]; then
    # lab.json with the live state put in front.
    printf '{\n  "running": %s,\n  "pids": {"postfix": %s, "dovecot": %s},\n' "$running" "$pf" "$dc"
    sed '1d' "$RUNTIME/lab.json"
  else
    printf '{\n  "running": %s,\n  "pids": {"postfix": %s, "dovecot": %s},\n  "runtimeDir": "%s",\n  "ports": {"smtp": %s, "submission": %s, "submissions": %s, "imap": %s, "imaps": %s, "lmtp": %s, "auth": %s}\n}\n' \
      "$running" "$pf" "$dc" "$RUNTIME" $(ports)
  fi
  [ "$running" = true ] || exit 3
}

case "${1:-}" in
  start) do_start ;;
  stop)
    t0=$(now)
    do_stop
    note "stopped in $(elapsed "$t0")s"
    ;;
  restart) do_start ;;
  status) do_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac

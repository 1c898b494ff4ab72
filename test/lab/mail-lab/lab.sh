#!/usr/bin/env bash
# The Deliverlab mail lab: Debian's Postfix and Dovecot on 127.0.0.1, from the config templates next to
# this script, with a throw-away CA. Nothing under /etc is read for settings or written.
#
#   bash test/lab/mail-lab/lab.sh start    # (re)start; waits until every port answers; writes lab.json
#   bash test/lab/mail-lab/lab.sh stop     # stops both and checks that no process is left
#   bash test/lab/mail-lab/lab.sh status   # JSON: ports, users, CA path, pids; exit 3 when not running
#   bash test/lab/mail-lab/lab.sh start-filters  # (re)starts only the spam filters (spamd, rspamd)
#   bash test/lab/mail-lab/lab.sh stop-filters   # stops only the spam filters
#
# start and stop include the spam filters: SpamAssassin's spamd and rspamd, from the config files in
# spamassassin/ and rspamd/ next to this script, with every network test off so that scores are the
# same on every machine. rspamd reads Debian's stock rule set under /etc/rspamd (read only; the lab's
# overrides come first through LOCAL_CONFDIR); spamd reads nothing under /etc. Without them installed
# start goes on without filters (a note says how to install them), except under CI=true, where it fails.
#
# Needs root (Postfix's master and Dovecot start as root and drop to their own users) and:
#   echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
#   apt-get install -y --no-install-recommends postfix dovecot-imapd dovecot-lmtpd dovecot-sieve ssl-cert
#   apt-get install -y --no-install-recommends spamassassin spamd rspamd    # the spam filters
#
# Environment (all optional): MAIL_LAB_DIR (runtime folder, default <repo>/.tmp/mail-lab),
# MAIL_LAB_SMTP_PORT (2525), MAIL_LAB_SUBMISSION_PORT (2587), MAIL_LAB_SUBMISSIONS_PORT (2465),
# MAIL_LAB_IMAP_PORT (2143), MAIL_LAB_IMAPS_PORT (2993), MAIL_LAB_LMTP_PORT (2424),
# MAIL_LAB_AUTH_PORT (2412), MAIL_LAB_SEEDS (20 seed users), MAIL_LAB_MAIL_USER (vmail),
# MAIL_LAB_WAIT_SECONDS (15, bound on waiting for ports and for processes to end),
# MAIL_LAB_SPAMD_PORT (2783), MAIL_LAB_RSPAMD_PORT (2733, rspamd's scanner: /checkv2),
# MAIL_LAB_RSPAMD_CONTROLLER_PORT (2734), MAIL_LAB_RSPAMD_DNS_PORT (2736: rspamd's DNS server, a port
# where nothing listens, so its lookups fail at once), MAIL_LAB_FILTER_WAIT_SECONDS (90, bound on the
# filters' warm-up: rspamd compiles its rules on first start).
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
SPAMD_PORT=${MAIL_LAB_SPAMD_PORT:-2783}
RSPAMD_PORT=${MAIL_LAB_RSPAMD_PORT:-2733}
RSPAMD_CONTROLLER_PORT=${MAIL_LAB_RSPAMD_CONTROLLER_PORT:-2734}
RSPAMD_DNS_PORT=${MAIL_LAB_RSPAMD_DNS_PORT:-2736}
FILTER_WAIT_SECONDS=${MAIL_LAB_FILTER_WAIT_SECONDS:-90}
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
SA_DIR=$RUNTIME/spamd
SA_PID_FILE=$SA_DIR/spamd.pid
RS_DIR=$RUNTIME/rspamd
RS_PID_FILE=$RS_DIR/run/rspamd.pid

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
filter_ports() { echo "$SPAMD_PORT $RSPAMD_PORT $RSPAMD_CONTROLLER_PORT $RSPAMD_DNS_PORT"; }
for p in $(filter_ports); do
  [[ $p =~ ^[0-9]+$ ]] && (( p > 0 && p < 65536 )) || die "port '$p' is not a number between 1 and 65535"
done
[ "$(printf '%s\n' $(ports) $(filter_ports) | sort -u | wc -l)" -eq 11 ] || die "the lab's ports must differ: $(ports) $(filter_ports)"
[[ $FILTER_WAIT_SECONDS =~ ^[0-9]+$ ]] || die "MAIL_LAB_FILTER_WAIT_SECONDS must be a number of seconds"
[[ $SEEDS =~ ^[0-9]+$ ]] && (( SEEDS >= 1 && SEEDS <= 500 )) || die "MAIL_LAB_SEEDS must be 1..500 (got $SEEDS)"

# A pid from a pid file, printed only when that process is alive.
live_pid() {
  local file=$1 pid
  [ -r "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # A process that has ended but not been reaped yet is not running.
  case $(ps -o stat= -p "$pid" 2>/dev/null) in Z*|'') return 1 ;; esac
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
  filters_stop
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

  local filters_missing_now
  filters_missing_now=$(filters_missing)
  if [ -z "$filters_missing_now" ]; then
    ( filters_start ) || fail_start "the spam filters did not start (see above)"
  elif [ "${CI:-}" = true ]; then
    fail_start "spam filters missing: $filters_missing_now (apt-get install -y --no-install-recommends $FILTER_PACKAGES)"
  else
    note "no spam filters (missing: $filters_missing_now); install them with: apt-get install -y --no-install-recommends $FILTER_PACKAGES"
  fi

  local seconds
  seconds=$(elapsed "$t0")
  write_lab_json "$started" "$seconds"
  merge_filters_json
  note "up in ${seconds}s: smtp $SMTP_PORT, submission $SUBMISSION_PORT, submissions $SUBMISSIONS_PORT, imap $IMAP_PORT, imaps $IMAPS_PORT, lmtp $LMTP_PORT, auth $AUTH_PORT$( [ -s "$RUNTIME/filters.json" ] && echo ", spamd $SPAMD_PORT, rspamd $RSPAMD_PORT"); details in $RUNTIME/lab.json"
}

# ---- The spam filters: SpamAssassin's spamd and rspamd ----

FILTER_PACKAGES="spamassassin spamd rspamd"

filters_missing() {
  local missing=()
  command -v spamd >/dev/null 2>&1 || [ -x /usr/sbin/spamd ] || missing+=(spamd)
  [ -d /usr/share/spamassassin ] || missing+=(spamassassin)
  command -v rspamd >/dev/null 2>&1 || missing+=(rspamd)
  [ -r /etc/rspamd/rspamd.conf ] || missing+=(rspamd-config)
  echo "${missing[*]}"
}

spamd_bin() { command -v spamd 2>/dev/null || echo /usr/sbin/spamd; }

render_filter() {
  sed -e "s|@RSPAMD_PORT@|$RSPAMD_PORT|g" -e "s|@RSPAMD_CONTROLLER_PORT@|$RSPAMD_CONTROLLER_PORT|g" \
    -e "s|@RSPAMD_DNS_PORT@|$RSPAMD_DNS_PORT|g" "$1" >"$2"
  if grep -n '@[A-Z_]*@' "$2" >&2; then die "unfilled placeholder in $2"; fi
}

# The GTUBE test string (SpamAssassin's and rspamd's): both filters must call it spam once warmed up.
GTUBE='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'
warmup_message() {
  printf 'From: lab@lab.test\r\nTo: seed1@lab.test\r\nSubject: mail lab warm-up\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <warm-up@lab.test>\r\n\r\n%s\r\n' "$GTUBE"
}

# One SPAMC CHECK of the warm-up message; succeeds when spamd calls it spam. spamd reads the message
# until the client half-closes, which bash's /dev/tcp cannot do: Perl (which spamd itself needs) can.
spamd_scans() {
  warmup_message | timeout 10 perl -MIO::Socket::INET -e '
    local $/; my $body = <STDIN>;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Timeout => 5) or exit 1;
    print $s "CHECK SPAMC/1.5\r\nContent-length: " . length($body) . "\r\n\r\n" . $body;
    shutdown($s, 1);
    my $answer = <$s>;
    exit($answer =~ /^Spam: True/m ? 0 : 1);' "$SPAMD_PORT"
}

# One rspamd /checkv2 of the warm-up message; succeeds when rspamd asks to reject it.
rspamd_scans() {
  local body
  body=$(warmup_message)
  timeout 10 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$RSPAMD_PORT"' || exit 1
    printf "POST /checkv2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s" "${#1}" "$1" >&3
    grep -q "\"action\":\"reject\"" <&3' _ "$body"
}

filters_stop() {
  stop_daemon spamd "$SA_PID_FILE" false
  stop_daemon rspamd "$RS_PID_FILE" false
  local pid
  if pid=$(live_pid "$SA_PID_FILE"); then die "spamd (pid $pid) is still running"; fi
  if pid=$(live_pid "$RS_PID_FILE"); then die "rspamd (pid $pid) is still running"; fi
  rm -f "$RUNTIME/filters.json"
  # lab.json without its filters, when the rest of the lab keeps running.
  if [ -s "$RUNTIME/lab.json" ] && grep -q '^  "filters":' "$RUNTIME/lab.json"; then
    grep -v '^  "filters":' "$RUNTIME/lab.json" >"$RUNTIME/lab.json.new"
    mv "$RUNTIME/lab.json.new" "$RUNTIME/lab.json"
    chmod 644 "$RUNTIME/lab.json"
  fi
}

filters_fail() {
  note "spam filters did not start: $*"
  for log in "$RUNTIME/log/spamd.log" "$RUNTIME/log/rspamd.log" "$RUNTIME/log/filters.out"; do
    if [ -s "$log" ]; then note "last lines of $log:"; tail -n 15 "$log" >&2; fi
  done
  filters_stop || true
  exit 1
}

# Starts spamd and rspamd, waits until each answers a real scan, and writes filters.json (one line,
# merged into lab.json by the callers).
filters_start() {
  local missing busy=() p
  [ "$(id -u)" = 0 ] || die "the spam filters need root: spamd and rspamd start as root and drop to their own users"
  missing=$(filters_missing)
  [ -z "$missing" ] || die "spam filters missing: $missing. Install with:
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $FILTER_PACKAGES"
  filters_stop
  for p in $(filter_ports); do
    if port_open "$p"; then busy+=("$p"); fi
  done
  [ ${#busy[@]} -eq 0 ] || die "port(s) ${busy[*]} already in use on 127.0.0.1 (set MAIL_LAB_SPAMD_PORT / MAIL_LAB_RSPAMD_* to move the filters)"
  id -u debian-spamd >/dev/null 2>&1 || die "the user debian-spamd (from Debian's spamd package) does not exist"
  id -u _rspamd >/dev/null 2>&1 || die "the user _rspamd (from Debian's rspamd package) does not exist"

  mkdir -p "$RUNTIME/log" "$SA_DIR/conf" "$SA_DIR/home" "$RS_DIR/local/local.d" "$RS_DIR/local/override.d" "$RS_DIR/db" "$RS_DIR/run"
  chmod 755 "$SA_DIR" "$SA_DIR/conf" "$RS_DIR" "$RS_DIR/local" "$RS_DIR/local/local.d" "$RS_DIR/local/override.d"
  rm -f "$SA_DIR/conf/"* "$RS_DIR/local/local.d/"* "$RS_DIR/local/override.d/"*
  cp "$HERE/spamassassin/"* "$SA_DIR/conf/"
  local f
  for f in "$HERE/rspamd/local.d/"* "$HERE/rspamd/override.d/"*; do
    render_filter "$f" "$RS_DIR/local/${f#"$HERE/rspamd/"}"
  done
  chmod 644 "$SA_DIR/conf/"* "$RS_DIR/local/local.d/"* "$RS_DIR/local/override.d/"*
  chown debian-spamd "$SA_DIR/home"
  # rspamd keeps its compiled rules (hyperscan) in DBDIR across restarts: a second start is quick.
  chown _rspamd:_rspamd "$RS_DIR/db" "$RS_DIR/run"
  : >"$RUNTIME/log/spamd.log"
  : >"$RUNTIME/log/rspamd.log"
  chown _rspamd "$RUNTIME/log/rspamd.log"
  local out=$RUNTIME/log/filters.out

  # -L: local tests only; -x: no per-user preferences; -C and --siteconfigpath: rules from the
  # package's folder and the lab's own settings, never /etc/spamassassin.
  "$(spamd_bin)" -d -L -x -u debian-spamd -A 127.0.0.1 -i "127.0.0.1:$SPAMD_PORT" \
    -C /usr/share/spamassassin --siteconfigpath="$SA_DIR/conf" --helper-home-dir="$SA_DIR/home" \
    -r "$SA_PID_FILE" -s "$RUNTIME/log/spamd.log" -m 2 --min-children=1 --min-spare=1 --max-spare=1 \
    >"$out" 2>&1 </dev/null || filters_fail "spamd: $(cat "$out")"
  wait_for 10 live_pid "$SA_PID_FILE" || filters_fail "spamd wrote no pid file: $(cat "$out")"

  # rspamd keeps the caller's output open: a file, never a pipe.
  rspamd -c /etc/rspamd/rspamd.conf -u _rspamd -g _rspamd --var="LOCAL_CONFDIR=$RS_DIR/local" \
    --var="DBDIR=$RS_DIR/db" --var="RUNDIR=$RS_DIR/run" --var="LOGDIR=$RUNTIME/log" \
    >>"$out" 2>&1 </dev/null || filters_fail "rspamd: $(cat "$out")"
  wait_for 30 live_pid "$RS_PID_FILE" || filters_fail "rspamd wrote no pid file: $(cat "$out")"

  # Both answer a real scan before anyone else asks: rspamd's first scans wait for its rules.
  wait_for "$FILTER_WAIT_SECONDS" spamd_scans || filters_fail "spamd did not call GTUBE spam within ${FILTER_WAIT_SECONDS}s"
  wait_for "$FILTER_WAIT_SECONDS" rspamd_scans || filters_fail "rspamd did not reject GTUBE within ${FILTER_WAIT_SECONDS}s"

  local sa_version rs_version
  sa_version=$("$(spamd_bin)" --version 2>/dev/null | awk 'NR == 1 { print $NF }')
  rs_version=$(rspamd --version 2>/dev/null | awk 'NR == 1 { print $NF }')
  printf '{"spamd": {"host": "127.0.0.1", "port": %s, "version": "%s", "log": "%s"}, "rspamd": {"url": "http://127.0.0.1:%s", "port": %s, "controllerPort": %s, "version": "%s", "log": "%s"}}\n' \
    "$SPAMD_PORT" "$sa_version" "$RUNTIME/log/spamd.log" "$RSPAMD_PORT" "$RSPAMD_PORT" "$RSPAMD_CONTROLLER_PORT" "$rs_version" "$RUNTIME/log/rspamd.log" \
    >"$RUNTIME/filters.json"
  chmod 644 "$RUNTIME/filters.json"
}

# lab.json gains (or replaces) its "filters" line from filters.json, atomically.
merge_filters_json() {
  [ -s "$RUNTIME/lab.json" ] && [ -s "$RUNTIME/filters.json" ] || return 0
  awk -v line="  \"filters\": $(cat "$RUNTIME/filters.json")," '
    /^  "filters":/ { next }
    { print }
    /^  "version":/ { print line }' "$RUNTIME/lab.json" >"$RUNTIME/lab.json.new"
  mv "$RUNTIME/lab.json.new" "$RUNTIME/lab.json"
  chmod 644 "$RUNTIME/lab.json"
}

do_start_filters() {
  local t0
  t0=$(now)
  filters_start
  merge_filters_json
  note "spam filters up in $(elapsed "$t0")s: spamd 127.0.0.1:$SPAMD_PORT, rspamd http://127.0.0.1:$RSPAMD_PORT"
}

do_status() {
  local pf dc running=false
  pf=$(live_pid "$PF_PID_FILE") || pf=null
  dc=$(live_pid "$DC_PID_FILE") || dc=null
  local sa rs
  sa=$(live_pid "$SA_PID_FILE") || sa=null
  rs=$(live_pid "$RS_PID_FILE") || rs=null
  [ "$pf" != null ] && [ "$dc" != null ] && running=true
  if [ -s "$RUNTIME/lab.json" ]; then
    # lab.json with the live state put in front.
    printf '{\n  "running": %s,\n  "pids": {"postfix": %s, "dovecot": %s, "spamd": %s, "rspamd": %s},\n' "$running" "$pf" "$dc" "$sa" "$rs"
    sed '1d' "$RUNTIME/lab.json"
  else
    printf '{\n  "running": %s,\n  "pids": {"postfix": %s, "dovecot": %s, "spamd": %s, "rspamd": %s},\n  "runtimeDir": "%s",\n  "ports": {"smtp": %s, "submission": %s, "submissions": %s, "imap": %s, "imaps": %s, "lmtp": %s, "auth": %s}\n}\n' \
      "$running" "$pf" "$dc" "$sa" "$rs" "$RUNTIME" $(ports)
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
  start-filters) do_start_filters ;;
  stop-filters)
    t0=$(now)
    filters_stop
    note "spam filters stopped in $(elapsed "$t0")s"
    ;;
  *)
    echo "usage: $0 start|stop|status|start-filters|stop-filters" >&2
    exit 2
    ;;
esac

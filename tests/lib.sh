# tests/lib.sh - helpers for integration tests (sourced by bash scripts).
#
#   . "$(dirname "$0")/../lib.sh"
#   srv_start [extra yaml lines...]   # starts unifiedid-dirsrv on a random
#                                     # loopback port with an empty database;
#                                     # sets URI, LDAPI, BASE, ADMIN_DN, ADMIN_PW,
#                                     # CONF, DATA, T (temp dir)
#   srv_import FILE                   # offline import (server must be stopped)
#   srv_stop                          # SIGTERM and wait (checks exit status 0)
#   ok CONDITION-DESCRIPTION / fail / check_rc EXPECTED ACTUAL WHAT
#   done_testing                      # prints "N passed, N failed", exit code
#
# Every test gets its own temp dir and port; the EXIT trap kills what is
# left, so a failing test never leaves a daemon behind.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${B:-build}
case "$B" in /*) ;; *) B="$TOP/$B" ;; esac
DIRSRV="$B/unifiedid-dirsrv"
BASE="dc=example,dc=gov,dc=cn"
ADMIN_DN="cn=admin,$BASE"
ADMIN_PW="secret"
T=$(mktemp -d /tmp/unifiedid-test.XXXXXX)
SRV_PID=""
_passed=0
_failed=0

_cleanup() {
	if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
		kill -KILL "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
	fi
	# and any daemon of this test a subshell started (its configuration
	# lives in $T, unique to the test): nothing may outlive it
	pkill -KILL -f -- "-f $T/" 2>/dev/null
	rm -rf "$T"
}
trap _cleanup EXIT

ok() {
	_passed=$((_passed + 1))
	echo "ok $((_passed + _failed)) - $*"
}

fail() {
	_failed=$((_failed + 1))
	echo "not ok $((_passed + _failed)) - $*"
}

# check EXPECTED ACTUAL DESCRIPTION
check() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		fail "$3 (expected '$1', got '$2')"
	fi
}

# check_contains HAYSTACK NEEDLE DESCRIPTION
check_contains() {
	case "$1" in
	*"$2"*) ok "$3" ;;
	*) fail "$3 (no '$2' in: $(printf '%s' "$1" | head -c 400))" ;;
	esac
}

check_not_contains() {
	case "$1" in
	*"$2"*) fail "$3 (unexpected '$2')" ;;
	*) ok "$3" ;;
	esac
}

done_testing() {
	# a sanitizer report from the daemon fails the test even when the
	# checks passed (a use-after-free does not always crash)
	if [ -f "$T/server.log" ] && grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$T/server.log"; then
		fail "sanitizer report in the server log"
		grep -A25 -E "AddressSanitizer|LeakSanitizer|runtime error:" "$T/server.log" | sed 's/^/# /' | head -60
	fi
	echo "$_passed passed, $_failed failed"
	[ "$_failed" -eq 0 ]
}

free_port() {
	python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# srv_config [extra yaml lines]: writes $CONF
srv_config() {
	PORT=$(free_port)
	URI="ldap://127.0.0.1:$PORT"
	DATA="$T/data"
	LDAPI_PATH="$T/ldapi"
	LDAPI="ldapi://$(printf '%s' "$LDAPI_PATH" | sed 's,/,%2F,g')"
	CONF="$T/dirsrv.yaml"
	{
		echo "suffix: \"$BASE\""
		echo "data_dir: $DATA"
		echo "listen:"
		echo "  - \"$URI\""
		echo "  - \"$LDAPI\""
		echo "rootdn: \"$ADMIN_DN\""
		echo "rootpw: \"$ADMIN_PW\""
		echo "schema_dir: $TOP/schema"
		for l in "$@"; do echo "$l"; done
	} > "$CONF"
}

# srv_run: start with the current $CONF; waits until it answers
srv_run() {
	"$DIRSRV" -f "$CONF" serve >> "$T/server.log" 2>&1 &
	SRV_PID=$!
	local i
	for i in $(seq 1 100); do
		if ldapsearch -x -H "$URI" -b "" -s base -LLL namingContexts \
		    >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$SRV_PID" 2>/dev/null; then
			echo "# server exited; log:" >&2
			sed 's/^/# /' "$T/server.log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "# server did not answer within 10 s" >&2
	return 1
}

srv_start() {
	srv_config "$@"
	srv_run
}

srv_import() {
	"$DIRSRV" -f "$CONF" import "$1" >> "$T/server.log" 2>&1
}

srv_stop() {
	local rc=0
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" || rc=$?
		SRV_PID=""
	fi
	return $rc
}

# ldap-utils shortcuts
lsearch() { ldapsearch -x -H "$URI" -LLL -o ldif-wrap=no "$@"; }
asearch() { ldapsearch -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -LLL -o ldif-wrap=no "$@"; }
amodify() { ldapmodify -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$@"; }
aadd() { ldapadd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$@"; }
adelete() { ldapdelete -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$@"; }

# base entries most tests need
srv_seed() {
	aadd >/dev/null <<EOF
dn: $BASE
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,$BASE
objectClass: organizationalUnit
ou: people

dn: ou=orgs,$BASE
objectClass: organizationalUnit
ou: orgs
EOF
}

# srv_alive_or_dump: a check that the daemon is still running; if it is
# not, print the end of its log (crash reports) as TAP comments
srv_alive_or_dump() {
	if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
		ok "server still running"
	else
		fail "server still running (SERVER CRASHED)"
		if grep -q '^==[0-9]*==ERROR' "$T/server.log"; then
			sed -n '/^==[0-9]*==ERROR/,/^SUMMARY/p' "$T/server.log" |
			    grep -v '^ *$' | head -n 40 | sed 's/^/# /'
		else
			tail -n 15 "$T/server.log" | sed 's/^/# /'
		fi
	fi
}

# bail_if_dead: stop here (with the log) when the daemon has died, rather
# than report every following check as failed
# stop_ok DESCRIPTION: SIGTERM, expect exit status 0; otherwise show why
stop_ok() {
	local src
	srv_stop; src=$?
	check 0 "$src" "$1"
	if [ "$src" -ne 0 ]; then
		grep -E '==ERROR|SUMMARY|runtime error|LeakSanitizer|free\(\)|malloc\(\)' "$T/server.log" |
		    head -n 10 | sed 's/^/# /'
	fi
}
bail_if_dead() {
	if [ -z "$SRV_PID" ] || ! kill -0 "$SRV_PID" 2>/dev/null; then
		srv_alive_or_dump
		echo "# Bail out: the server died during the section before line ${BASH_LINENO[0]}"
		done_testing
		exit 1
	fi
}

# ---- unifiedid-agent (host side) -------------------------------------------
# For the agent, NSS and PAM tests.  After srv_start (or srv_run):
#   agent_config [extra yaml lines]  writes $AGENT_CONF: uri $URI (or the
#                                    list in $AGENT_URIS), base, the demo's
#                                    host service account ($AGENT_BINDDN,
#                                    $AGENT_BINDPW; set AGENT_BINDDN= for an
#                                    anonymous agent), socket $AGENT_SOCK,
#                                    cache $AGENT_CACHE, short timeouts
#                                    (timeout_seconds 3, retry_seconds 1,
#                                    unless given)
#   agent_start                      starts build/unifiedid-agent -d, waits
#                                    for its socket and its first full
#                                    refresh; exports UNIFIEDID_AGENT_SOCKET
#   agent_stop                       SIGTERM and wait; returns its status
#   agent_cli ARGS...                the client subcommands on $AGENT_SOCK
#   agent_wait_refresh               wait (10 s) until status says complete=1
#   agent_log_clean                  a check: no sanitizer report in the log
# agent_start makes the EXIT trap kill the agent too; a test with a trap
# of its own calls _agent_kill in it.
AGENT="$B/unifiedid-agent"
AGENT_PID=""
AGENT_BINDDN=${AGENT_BINDDN-"cn=host-agent,ou=services,$BASE"}
AGENT_BINDPW=${AGENT_BINDPW-"HostAgent@2024"}

_agent_kill() {
	if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
		kill -KILL "$AGENT_PID" 2>/dev/null
		wait "$AGENT_PID" 2>/dev/null
	fi
	AGENT_PID=""
}

agent_config() {
	AGENT_DIR="$T/agent"
	AGENT_SOCK="$AGENT_DIR/agent.sock"
	AGENT_MAP="$AGENT_DIR/nss.map"
	AGENT_CACHE="$T/agent-cache"
	AGENT_CONF="$T/agent.yaml"
	local u
	{
		echo "uri:"
		for u in ${AGENT_URIS:-$URI}; do echo "  - \"$u\""; done
		echo "base: \"$BASE\""
		if [ -n "$AGENT_BINDDN" ]; then
			printf '%s\n' "$AGENT_BINDPW" > "$T/agent.pw"
			chmod 600 "$T/agent.pw"
			echo "binddn: \"$AGENT_BINDDN\""
			echo "bindpw_file: $T/agent.pw"
		fi
		echo "cache_dir: $AGENT_CACHE"
		echo "socket: $AGENT_SOCK"
		# short defaults, unless the test gives its own
		case " $* " in *" timeout_seconds:"*) ;; *) echo "timeout_seconds: 3" ;; esac
		case " $* " in *" retry_seconds:"*) ;; *) echo "retry_seconds: 1" ;; esac
		for u in "$@"; do echo "$u"; done
	} > "$AGENT_CONF"
}

agent_cli() { "$AGENT" -s "$AGENT_SOCK" "$@"; }

agent_wait_refresh() {
	local i
	for i in $(seq 1 100); do
		agent_cli status 2>/dev/null | grep -qx 'complete=1' && return 0
		sleep 0.1
	done
	return 1
}

agent_start() {
	trap '_agent_kill; _cleanup' EXIT
	"$AGENT" -d -f "$AGENT_CONF" serve >> "$T/agent.log" 2>&1 &
	AGENT_PID=$!
	export UNIFIEDID_AGENT_SOCKET="$AGENT_SOCK"
	local i
	for i in $(seq 1 100); do
		if [ -S "$AGENT_SOCK" ] && agent_cli status >/dev/null 2>&1; then
			agent_wait_refresh
			return 0
		fi
		if ! kill -0 "$AGENT_PID" 2>/dev/null; then
			echo "# agent exited; log:" >&2
			sed 's/^/# /' "$T/agent.log" | tail -n 20 >&2
			AGENT_PID=""
			return 1
		fi
		sleep 0.1
	done
	echo "# agent did not answer within 10 s" >&2
	return 1
}

agent_stop() {
	local rc=0
	if [ -n "$AGENT_PID" ]; then
		kill -TERM "$AGENT_PID" 2>/dev/null
		wait "$AGENT_PID" || rc=$?
		AGENT_PID=""
	fi
	return $rc
}

agent_log_clean() {
	if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$T/agent.log" 2>/dev/null; then
		fail "sanitizer report in the agent log"
		grep -A25 -E "AddressSanitizer|LeakSanitizer|runtime error:" "$T/agent.log" | sed 's/^/# /' | head -60
	else
		ok "no sanitizer report in the agent log"
	fi
}

# ---- certificates --------------------------------------------------------------
# pki_ca DIR: a test CA in DIR (ca.key, ca.crt); pki_cert DIR NAME CN
# [EXTFILE]: NAME.key and NAME.crt signed by it.  `openssl req`, 2 days.
pki_ca() {
	mkdir -p "$1"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/ca.key" \
	    -out "$1/ca.crt" -days 2 -subj "/CN=UnifiedID test CA" 2>/dev/null
}
pki_cert() {
	openssl req -newkey rsa:2048 -nodes -keyout "$1/$2.key" \
	    -out "$1/$2.csr" -subj "/CN=$3" 2>/dev/null &&
	openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" \
	    -CAcreateserial -out "$1/$2.crt" -days 2 ${4:+-extfile "$4"} \
	    2>/dev/null
}

# ---- the unifiedid CLI ------------------------------------------------------------
# cli_run CMD...: sets OUT (stdout), ERR (stderr), RC; appends both to
# $T/all-output for the final "no password printed" checks
cli_run() {
	OUT=$("$@" 2>"$T/err" </dev/null)
	RC=$?
	ERR=$(cat "$T/err")
	printf '%s\n%s\n' "$OUT" "$ERR" >> "$T/all-output"
}
# cli_py EXPR: a Python expression on the JSON document in OUT (d); a
# tuple prints space-separated
cli_py() {
	printf '%s' "$OUT" | python3 -c "import json,sys
d = json.load(sys.stdin)
r = ($1)
print(' '.join(map(str, r)) if isinstance(r, tuple) else r)" 2>&1
}

#!/bin/bash
# Robustness against bad input (issue 2, "bad input included"): garbage,
# wrong tags, truncated, oversized and indefinite-length PDUs, the max_pdu
# limit, invalid DNs and filters inside valid BER, unknown operations,
# pipelining, LDAPv2 binds, odd controls and attribute lists.  After every
# abuse the daemon must still be running and answer a normal ldapsearch.
. "$(dirname "$0")/../lib.sh"
TOOLS="$(dirname "$0")/tools"
MAX_PDU=65536

# these tests are about bad input, not access: everyone may read
srv_start "max_pdu: 64K" "acl: ['to * by * read']" || { fail "server starts"; done_testing; exit 1; }
ok "server starts (max_pdu 64K)"
srv_seed
PORT=${URI##*:}
export ADMIN_DN ADMIN_PW
FDS0=$(ls /proc/"$SRV_PID"/fd | wc -l)

# alive WHAT: the daemon runs and answers an ordinary ldapsearch
alive() {
	local out
	# a daemon that is about to die (heap corruption) gets a moment
	out=$(timeout 10 ldapsearch -x -H "$URI" -b "$BASE" -s base -LLL dn 2>&1)
	case "$out" in *"dn: $BASE"*) ;; *) sleep 0.5 ;; esac
	if ! kill -0 "$SRV_PID" 2>/dev/null; then
		fail "server alive after $1 (SERVER DIED)"
		tail -n 20 "$T/server.log" | sed 's/^/# log: /'
		# start it again so that the other scenarios still run
		wait "$SRV_PID" 2>/dev/null
		: > "$T/server.log"
		srv_run || { echo "# Bail out: cannot restart"; done_testing;
		    exit 1; }
		FDS0=$(ls /proc/"$SRV_PID"/fd | wc -l)
		return
	fi
	check_contains "$out" "dn: $BASE" "server alive and answering after $1"
}

# scenario NAME DESCRIPTION [ARGS]: run a python scenario, then alive
scenario() {
	local name=$1 what=$2 out rc
	shift 2
	out=$(timeout 80 python3 "$TOOLS/robust.py" "$PORT" "$BASE" "$name" \
	    "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" > "$T/last.out"
	printf '%s\n' "$out" | sed 's/^\([^#]\)/# \1/'
	check 0 "$rc" "$what"
	alive "$what"
}

scenario garbage "garbage bytes close the connection"
scenario wrong_tag "a PDU with a wrong outer tag closes the connection"
scenario truncated_close "truncated PDUs followed by a close: the server \
closes its side and does not spin" "$SRV_PID"
scenario truncated_idle "truncated PDUs left idle do not block others" 3
scenario oversized "oversized length headers close the connection, no \
memory blow-up" "$SRV_PID"
scenario max_pdu "PDUs just under max_pdu are served, just over are \
refused" "$MAX_PDU"
scenario indefinite "indefinite lengths are refused"
scenario invalid_dn "invalid DNs in search, add, delete and bind give \
invalidDNSyntax"
scenario bad_filter "malformed filters give protocolError or \
adminLimitExceeded"
scenario unknown_op "unknown operations and envelopes give protocolError \
or a disconnect"
scenario strict_envelope "envelope elements of the wrong BER type give \
protocolError"
scenario pipeline "200 pipelined searches in one write are answered in \
order" 200
scenario pipeline_writes "pipelined adds, searches and deletes are \
answered in order" 50
scenario bind_v2 "bind with version 2 is a protocolError"
scenario controls "critical unknown and malformed controls"
scenario deletes "anonymous deletes with DNs of every length"
scenario search_attrs "odd requested-attribute lists"
scenario nested_dn "DNs nested as DN-valued RDNs are answered promptly" 40
# a worker may still be busy with them: do not let SIGTERM wait for it
if [ "$(grep -c 'NO ANSWER' "$T/last.out" 2>/dev/null)" != 0 ]; then
	kill -KILL "$SRV_PID"; wait "$SRV_PID" 2>/dev/null
	srv_run || { echo "# Bail out: cannot restart"; done_testing; exit 1; }
	FDS0=$(ls /proc/"$SRV_PID"/fd | wc -l)
fi

# the same through ldap-utils: what a real client sends
out=$(ldapsearch -x -H "$URI" -b "cn=a,,dc=b" -s base 2>&1)
check_contains "$out" "result: 34 Invalid DN syntax" "ldapsearch with an invalid \
base gets invalidDNSyntax"
alive "an invalid base from ldapsearch"
out=$(ldapsearch -x -H "$URI" -b "$BASE" "(&(cn=a)(!(sn=b))" 2>&1)
check_contains "$out" "Bad search filter" "ldapsearch refuses an unbalanced \
filter itself"
alive "an unbalanced filter"
out=$(ldapsearch -x -P 2 -H "$URI" -b "$BASE" -s base 2>&1)
check_contains "$out" "Protocol error (2)" "ldapsearch -P 2 (LDAPv2 bind) gets \
protocolError"
alive "an LDAPv2 bind from ldapsearch"
out=$(ldapdelete -x -H "$URI" "cn=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" 2>&1 ;
    ldapdelete -x -H "$URI" "cn=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" 2>&1 ;
    ldapdelete -x -H "$URI" "cn=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" 2>&1)
# an anonymous delete is refused: 50, or 32 where the entry is not visible
case "$out" in
*"Insufficient access (50)"*|*"No such object (32)"*) ok "ldapdelete of a 33-byte DN is refused" ;;
*) fail "ldapdelete of a 33-byte DN is refused ($out)" ;;
esac
alive "three anonymous ldapdelete of a 33-byte DN"

# every client has gone: the daemon holds no socket for them any more
sleep 1
fds=$(ls /proc/"$SRV_PID"/fd 2>/dev/null | wc -l)
check "$FDS0" "$fds" "no file descriptor leaked over all the abuse"
srv_stop
check 0 $? "SIGTERM stops the server with status 0 after all that"
done_testing

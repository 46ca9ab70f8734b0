#!/bin/bash
# Robustness of connection handling (issue 2: "many concurrent clients;
# one slow or malicious client never blocks others; limits on PDU size,
# idle time and connections"): 300 concurrent clients, stalled and
# slowloris clients, a client that never reads its big results,
# idle_timeout and max_connections.
. "$(dirname "$0")/../lib.sh"
TOOLS="$(dirname "$0")/tools"
export ADMIN_DN ADMIN_PW

# alive WHAT: the daemon runs and answers an ordinary ldapsearch
alive() {
	local out
	# a daemon that is about to die (heap corruption) gets a moment
	out=$(timeout 10 ldapsearch -x -H "$URI" -b "$BASE" -s base -LLL dn 2>&1)
	case "$out" in *"dn: $BASE"*) ;; *) sleep 0.5 ;; esac
	if ! kill -0 "$SRV_PID" 2>/dev/null; then
		fail "server alive after $1 (SERVER DIED)"
		tail -n 20 "$T/server.log" | sed 's/^/# log: /'
		wait "$SRV_PID" 2>/dev/null
		srv_run || { echo "# Bail out: cannot restart"; done_testing;
		    exit 1; }
		return
	fi
	check_contains "$out" "dn: $BASE" "server alive and answering after $1"
}

scenario() {
	local name=$1 what=$2 out rc
	shift 2
	out=$(timeout 80 python3 "$TOOLS/robust.py" "${URI##*:}" "$BASE" \
	    "$name" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^\([^#]\)/# \1/'
	check 0 "$rc" "$what"
	alive "$what"
}

# 2000 entries of about 3 kB: one subtree search returns ~6 MB
python3 - "$BASE" > "$T/big.ldif" <<'PY'
import sys
base = sys.argv[1]
print("dn: %s\nobjectClass: dcObject\nobjectClass: organization\n"
      "dc: example\no: Example\n" % base)
print("dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n" % base)
for i in range(2000):
    print("dn: cn=user%d,ou=people,%s\nobjectClass: person\ncn: user%d\n"
          "sn: s%d\ndescription: %s\n" % (i, base, i, i, ("%04d" % i) * 750))
PY

# these tests are about connections, not access: everyone may read
srv_config "threads: 4" "acl: ['to * by * read']"
srv_import "$T/big.ldif"
check 0 $? "2000 entries of 3 kB import"
srv_run || { fail "server starts"; done_testing; exit 1; }
ok "server starts"

scenario concurrent "300 concurrent clients are all answered" 300
scenario stalled "with 20 stalled clients and a slowloris, ldapsearch \
answers within 2 s" 20 2
scenario nonreader "a client that never reads its big results does not \
block others or make the server buffer without bound" "$SRV_PID" 20 2

# a loop of backgrounded ldapsearch, as a shell script would do it
pids=""
for i in $(seq 1 60); do
	ldapsearch -x -H "$URI" -b "ou=people,$BASE" -LLL "(cn=user$i)" cn \
	    > "$T/bg.$i" 2>&1 &
	pids="$pids $!"
done
bad=0
for p in $pids; do wait "$p" || bad=$((bad + 1)); done
good=0
for i in $(seq 1 60); do
	grep -q "^cn: user$i\$" "$T/bg.$i" && good=$((good + 1))
done
check "60 0" "$good $bad" "60 backgrounded ldapsearch processes all succeed"
alive "60 parallel ldapsearch processes"
srv_stop
check 0 $? "SIGTERM stops the server with status 0"

# limits
srv_config "idle_timeout: 2" "max_connections: 10" "acl: ['to * by * read']"
srv_run || { fail "server starts with idle_timeout 2, max_connections 10";
    done_testing; exit 1; }
ok "server starts with idle_timeout 2 and max_connections 10"
scenario idle "idle_timeout 2 closes an idle connection, not a busy one" 2
scenario max_connections "max_connections 10 refuses the 11th client; the \
first 10 work; slots are reused" 10
# ldap-utils sees the refusal as a failure to talk to the server
python3 - "${URI##*:}" > "$T/hold.out" 2>&1 <<'PY' &
import socket, sys, time
s = [socket.create_connection(("127.0.0.1", int(sys.argv[1])))
     for _ in range(10)]
print("holding", flush=True)
time.sleep(4)
PY
holder=$!
for i in $(seq 1 50); do
	grep -q holding "$T/hold.out" 2>/dev/null && break
	sleep 0.1
done
sleep 0.3
out=$(timeout 10 ldapsearch -x -H "$URI" -b "$BASE" -s base -LLL dn 2>&1)
rc=$?
[ "$rc" -ne 0 ] && ok "ldapsearch fails while 10 connections are held \
(rc $rc)" || fail "ldapsearch fails while 10 connections are held (got \
rc $rc: $out)"
wait "$holder"
sleep 0.5
alive "max_connections was reached"
srv_stop
check 0 $? "SIGTERM stops the server with status 0"
done_testing

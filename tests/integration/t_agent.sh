#!/bin/bash
# unifiedid-agent (issue 5): configuration checks, passwd/group/initgroups/
# shadow lookups and enumerations through its socket, root-only actions,
# authentication (good, wrong, unknown, pending, mobile login, must
# change), password change with a policy violation then a good one, the
# rate limit, hostile clients, the NSS map, answers from the cache and
# offline login while dirsrv is stopped, failover to the second URI, cold
# lookups answered while the full refresh waits for a held server, and a
# clean stop.  The demo directory is the data; the agent binds as the
# demo's host service account.
. "$(dirname "$0")/../lib.sh"
P='Demo@2024pass'
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
# non-root clients reach the socket: $T is traversable, not listable
chmod 711 "$T"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# size_limit below what some answers need: the agent must page
srv_config "default_gid: 20000" "size_limit: 10"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }

# ---- configuration -----------------------------------------------------------
out=$("$AGENT" --version); check "unifiedid-agent $(cat "$TOP/VERSION")" "$out" "--version"
agent_config "mobile_login: true" "auth_rate: 20" "max_clients: 16" "negative_ttl_seconds: 2"
out=$("$AGENT" -f "$AGENT_CONF" check 2>&1); check_contains "$out" "configuration is valid" "check accepts the test configuration"
cp "$AGENT_CONF" "$T/bad.yaml"; echo "cache_ttl: 5" >> "$T/bad.yaml"
out=$("$AGENT" -f "$T/bad.yaml" check 2>&1); rc=$?
check 1 "$rc" "check: unknown key exits 1"
check_contains "$out" "bad.yaml:$(wc -l < "$T/bad.yaml"): cache_ttl: unknown key" "unknown key named with file:line"
chmod 644 "$T/agent.pw"
out=$("$AGENT" -f "$AGENT_CONF" check 2>&1); check_contains "$out" "others cannot read" "world-readable bindpw_file refused"
chmod 600 "$T/agent.pw"
printf 'uri: [ "http://x" ]\nbase: x\n' > "$T/bad2.yaml"
out=$("$AGENT" -f "$T/bad2.yaml" check 2>&1); check_contains "$out" "bad2.yaml:1: uri:" "a non-LDAP URI refused with its line"
out=$("$AGENT" -s "$T/none.sock" lookup passwd 2>&1); check 2 $? "usage error exits 2"

agent_start || { fail "agent starts"; done_testing; exit 1; }
ok "agent starts and completes its first refresh"
mode=$(stat -c %a "$AGENT_SOCK"); check 666 "$mode" "socket mode 0666"

# ---- lookups -----------------------------------------------------------------
out=$(agent_cli lookup passwd zhangwei); check "zhangwei:x:10001:20013:张伟:/home/zhangwei:/bin/bash" "$out" "passwd by name (gecos = cn)"
out=$(agent_cli lookup passwd 10002); check "wangfang:x:10002:20014:王芳:/home/wangfang:/bin/bash" "$out" "passwd by uid"
out=$(agent_cli lookup group fin); check "fin:x:20002:liangchen,lina,xiehui" "$out" "group by name with members"
out=$(agent_cli lookup group 20014); check_contains "$out" "ops:x:20014:" "group by gid"
out=$(agent_cli lookup initgroups wangfang)
check "wangfang 20014 20009 20011 21001" "$out" "initgroups: primary organisation, other organisations, then roles"
out=$(agent_cli lookup passwd nosuchperson 2>&1); rc=$?
check 1 "$rc" "unknown name exits 1"; check_contains "$out" "notfound" "unknown name: notfound"
out=$(agent_cli lookup group 99999 2>&1); check_contains "$out" "notfound" "unknown gid: notfound"
out=$(agent_cli lookup passwd 'a:b' 2>&1); check_contains "$out" "notfound" "name with a colon: notfound"
n=$(agent_cli enum passwd | wc -l); people=$(asearch -b "$BASE" '(objectClass=posixAccount)' dn | grep -c '^dn:')
check "$people" "$n" "enum passwd lists every person ($people)"
n=$(agent_cli enum group | wc -l); groups=$(asearch -b "$BASE" '(objectClass=posixGroup)' dn | grep -c '^dn:')
check "$groups" "$n" "enum group lists every group ($groups)"
out=$(agent_cli enum passwd | grep '^lina:'); check "lina:x:10003:20002:李娜:/home/lina:/bin/bash" "$out" "enumerated record is complete"

# root-only actions
out=$(agent_cli lookup shadow wangfang); check "wangfang:*:::::::" "$out" "shadow for root: no hash"
out=$(agent_cli lookup shadow caolei); check_contains "$out" ":1:" "shadow: a pending account is expired (expire=1)"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" lookup shadow wangfang 2>&1); check_contains "$out" "denied" "shadow refused to uid 65534"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" enum shadow 2>&1); check_contains "$out" "denied" "shadow enumeration refused to uid 65534"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" status 2>&1); check_contains "$out" "denied" "status refused to uid 65534"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" flush 2>&1); check_contains "$out" "denied" "flush refused to uid 65534"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" lookup passwd lina 2>&1); check_contains "$out" "lina:x:10003:" "lookups allowed to uid 65534"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" account lina 2>&1); check_contains "$out" "denied" "account state of someone else refused to uid 65534"
out=$(agent_cli enum shadow | wc -l); check "$people" "$out" "shadow enumeration for root"

# a person added after the refresh is found at once (cold lookup)
aadd >/dev/null 2>&1 <<EOF
dn: uid=newcomer,ou=people,$BASE
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: unifiedIdPerson
uid: newcomer
cn: Newcomer
sn: Newcomer
uidNumber: 19999
gidNumber: 20000
homeDirectory: /home/newcomer
userPassword: $P
EOF
out=$(agent_cli lookup passwd newcomer); check_contains "$out" "newcomer:x:19999:20000:" "new person found by a cold lookup"
# more groups than the server's size_limit (10), looked up cold: paged
for i in $(seq 1 12); do
	printf 'dn: cn=team%s,ou=roles,%s\nobjectClass: groupOfNames\nobjectClass: posixGroup\nobjectClass: unifiedIdRole\ncn: team%s\ngidNumber: %s\nmember: uid=newcomer,ou=people,%s\n\n' \
	    "$i" "$BASE" "$i" $((30000 + i)) "$BASE"
done | aadd >/dev/null 2>&1
out=$(agent_cli lookup initgroups newcomer)
check "newcomer 20000 $(seq -s ' ' 30001 30012)" "$out" "cold initgroups: every one of 12 roles beyond the size limit, in gid order"
out=$(agent_cli account newcomer); check_contains "$out" "groups=team1,team2,team3," "account: role names (the primary gid 20000 has no group)"
out=$(agent_cli lookup passwd gone1 2>&1); check_contains "$out" "notfound" "negative answer for gone1"
aadd >/dev/null 2>&1 <<EOF
dn: uid=gone1,ou=people,$BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: gone1
cn: Gone
sn: Gone
uidNumber: 19998
gidNumber: 20000
homeDirectory: /home/gone1
EOF
sleep 2.2
out=$(agent_cli lookup passwd gone1 2>&1); check_contains "$out" "gone1:x:19998:" "negative entry expires after negative_ttl_seconds"

# ---- the NSS map ---------------------------------------------------------------
if [ -f "$AGENT_MAP" ]; then
	ok "map published at $AGENT_MAP"
	check 644 "$(stat -c %a "$AGENT_MAP")" "map mode 0644"
	check_contains "$(head -c 7 "$AGENT_MAP")" "UIDNSS1" "map starts with its magic"
	grep -q zhangwei "$AGENT_MAP" && ok "map holds the people" || fail "map holds the people"
	st=$(agent_cli status)
	check_contains "$st" "map_complete=1" "status: the map holds a whole refresh"
	check_contains "$st" "map=published" "status: map published"
	# a person fetched alone (getpwnam) is not published: their groups
	# are unknown, and the map must never answer initgroups wrongly; so
	# that lookup does not rewrite the map.  Their groups publish them.
	pubs() { agent_cli status | sed -n "s/^$1=//p"; }
	last=''
	for _ in $(seq 1 30); do	# until no publication is pending
		p=$(pubs publications); [ "$p" = "$last" ] && break
		last=$p; sleep 0.3
	done
	mp=$(pubs map_people)
	aadd >/dev/null 2>&1 <<EOF
dn: uid=loner,ou=people,$BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: loner
cn: Loner
sn: Loner
uidNumber: 19997
gidNumber: 20000
homeDirectory: /home/loner
EOF
	out=$(agent_cli lookup passwd loner); check_contains "$out" "loner:x:19997:" "cold getpwnam of a new person"
	sleep 1
	check "$last" "$(pubs publications)" "a person fetched alone does not rewrite the map"
	grep -q loner "$AGENT_MAP" && fail "not in the map before their groups are known" ||
	    ok "not in the map before their groups are known"
	out=$(agent_cli lookup initgroups loner); check "loner 20000" "$out" "initgroups of the new person"
	for _ in $(seq 1 30); do
		[ "$(pubs publications)" != "$last" ] && break
		sleep 0.1
	done
	check $((mp + 1)) "$(pubs map_people)" "their groups known: published (one person more in the map)"
	grep -q loner "$AGENT_MAP" && ok "the new person is in the map" || fail "the new person is in the map"
else
	fail "map published at $AGENT_MAP"
fi

# ---- authentication ------------------------------------------------------------
out=$(echo "$P" | agent_cli auth zhangwei login); rc=$?
check 0 "$rc" "auth: good password"; check_contains "$out" "account=zhangwei" "auth answers the account"
out=$(echo "wrong#Pass1" | agent_cli auth zhangwei 2>&1); rc=$?
check 1 "$rc" "auth: wrong password exits 1"
wrong=$out
out=$(echo "wrong#Pass1" | agent_cli auth nosuchperson 2>&1)
check "$wrong" "$out" "auth: unknown account answers exactly like a wrong password"
check_contains "$out" "auth-failed" "auth: auth-failed"
out=$(printf '\n' | agent_cli auth zhangwei 2>&1); check_contains "$out" "auth-failed" "auth: empty password refused (no anonymous bind)"
out=$(echo "$P" | agent_cli auth 13805120001); check_contains "$out" "account=zhangwei" "mobile login maps to the account name"
out=$(echo "$P" | agent_cli auth "+86 138-0512-0001"); check_contains "$out" "account=zhangwei" "mobile login with country code and hyphens"
out=$(echo "$P" | agent_cli auth caolei 2>&1); check_contains "$out" "account is pending" "pending account: the server's reason"
out=$(agent_cli account caolei); check_contains "$out" "status=pending" "account state: pending"
out=$(agent_cli account jiangming); check_contains "$out" "status=locked" "account state: locked"
out=$(agent_cli account wangfang)
check_contains "$out" "realname=advanced" "account: real-name level"
check_contains "$out" "groups=ops,sci,approval,sysadmins" "account: group names in initgroups order"
check_contains "$out" "must_change=0" "account: no must-change"
grep -q "$P" "$T/agent.log" && fail "a password appears in the agent log" || ok "no password in the agent log"
grep -aq "$P" "$AGENT_CACHE/data.mdb" && fail "a cleartext password in the cache" || ok "no cleartext password in the cache"

# must change after an administrator's reset; change with policy violation
ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s 'Admin#Set2025' "uid=lina,ou=people,$BASE" >/dev/null
out=$(echo 'Admin#Set2025' | agent_cli auth lina); check_contains "$out" "flags=must-change" "auth after a reset: must-change"
out=$(agent_cli account lina); check_contains "$out" "must_change=1" "account after a reset: must_change=1"
out=$(printf 'Wrong#Old2025\nNew#Good2025\n' | agent_cli passwd lina 2>&1); check_contains "$out" "auth-failed" "passwd: wrong old password"
out=$(printf 'Admin#Set2025\nshort\n' | agent_cli passwd lina 2>&1); rc=$?
check 1 "$rc" "passwd: policy violation exits 1"
check_contains "$out" "policy: password is too short" "passwd: the server's policy message verbatim"
out=$(printf 'Admin#Set2025\nNew#Good2025\n' | agent_cli passwd lina 2>&1); check 0 $? "passwd: good new password"
out=$(echo 'New#Good2025' | agent_cli auth lina); check "$(printf 'account=lina\nflags=')" "$out" "auth with the new password, no must-change"
out=$(echo 'Admin#Set2025' | agent_cli auth lina 2>&1); check_contains "$out" "auth-failed" "the old password no longer works"

# rate limit per calling uid
busy=0
for i in $(seq 1 25); do
	out=$(echo x | as_nobody "$AGENT" -s "$AGENT_SOCK" auth nosuchperson 2>&1)
	case "$out" in *busy*) busy=1; break ;; esac
done
check 1 "$busy" "auth attempts of uid 65534 limited (busy)"
out=$(echo "$P" | agent_cli auth zhangwei); check_contains "$out" "account=zhangwei" "root's attempts not limited by uid 65534's"

# ---- hostile clients -------------------------------------------------------------
cat > "$T/hostile.py" <<'EOF'
import socket, struct, sys, time
path, what = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s
def status(s):
    h = b""
    while len(h) < 8:
        try:
            b = s.recv(8 - len(h))
        except ConnectionResetError:
            return "closed"
        if not b:
            return "closed"
        h += b
    m, v, c = struct.unpack("!IHH", h)
    return "status=%d" % c
hdr = struct.pack("!IHH", 0x55494441, 1, 1)
if what == "garbage":
    s = conn(); s.sendall(b"GET / HTTP/1.0\r\n\r\n" * 10); print(status(s))
elif what == "huge-field":
    s = conn(); s.sendall(hdr + struct.pack("!II", 1, 0x7fffffff)); print(status(s))
elif what == "many-fields":
    s = conn(); s.sendall(hdr + struct.pack("!I", 1000000)); print(status(s))
elif what == "bad-version":
    s = conn(); s.sendall(struct.pack("!IHH", 0x55494441, 9, 1) + struct.pack("!I", 0)); print(status(s))
elif what == "nul-in-field":
    s = conn(); s.sendall(hdr + struct.pack("!II", 1, 3) + b"a\0b"); print(status(s))
elif what == "wrong-count":
    s = conn(); s.sendall(hdr + struct.pack("!III", 2, 1, 1) + b"ab"); print(status(s))
elif what == "unknown-action":
    s = conn(); s.sendall(struct.pack("!IHH", 0x55494441, 1, 999) + struct.pack("!I", 0)); print(status(s))
elif what == "slow":
    # hold connections that send half a header until the agent drops them
    socks = []
    for i in range(int(sys.argv[3])):
        try:
            s = conn(); s.sendall(hdr[:3]); socks.append(s)
        except OSError:
            pass
    time.sleep(float(sys.argv[4]))
    t0 = time.time()
    res = [status(s) for s in socks]
    # the agent keeps at most 4 of one uid (max_clients 16), each for
    # 2 s, and closes the others at once
    print("held>=4:%s all-closed:%s" % (len(socks) >= 4,
        res.count("closed") == len(socks)))
EOF
out=$($PY "$T/hostile.py" "$AGENT_SOCK" garbage); check "status=7" "$out" "garbage: bad-request"
out=$($PY "$T/hostile.py" "$AGENT_SOCK" huge-field); check "status=7" "$out" "field of 2 GiB announced: bad-request before reading it"
out=$($PY "$T/hostile.py" "$AGENT_SOCK" many-fields); check "status=7" "$out" "a million fields announced: bad-request"
out=$($PY "$T/hostile.py" "$AGENT_SOCK" bad-version); check "status=7" "$out" "wrong protocol version: bad-request"
out=$($PY "$T/hostile.py" "$AGENT_SOCK" nul-in-field); check "status=7" "$out" "NUL inside a field: bad-request"
out=$($PY "$T/hostile.py" "$AGENT_SOCK" wrong-count); check "status=7" "$out" "wrong field count: bad-request"
out=$($PY "$T/hostile.py" "$AGENT_SOCK" unknown-action); check "status=7" "$out" "unknown action: bad-request"
# slow clients of uid 65534: at most 4 held (max_clients 16), each for 2 s
as_nobody $PY "$T/hostile.py" "$AGENT_SOCK" slow 30 1 > "$T/slow.out" 2>&1 &
slow=$!
sleep 0.5
t0=$(date +%s%N)
out=$(agent_cli lookup passwd wangfang); check_contains "$out" "wangfang:x:10002" "root served while uid 65534 holds slow connections"
out=$(as_nobody "$AGENT" -s "$AGENT_SOCK" lookup passwd 10001 2>&1)
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 1500 ] && ok "lookups answered at once during the slow clients" || fail "lookups slow during the slow clients ($(( (t1 - t0) / 1000000 )) ms)"
wait "$slow"
out=$(cat "$T/slow.out"); check "held>=4:True all-closed:True" "$out" "every slow or surplus connection closed by the agent"
[ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null && ok "agent alive after hostile clients" || fail "agent alive after hostile clients"

# ---- status, flush ---------------------------------------------------------------
out=$(agent_cli status)
check_contains "$out" "server=$URI" "status names the current server"
check_contains "$out" "complete=1" "status: complete"
agent_cli flush >/dev/null; check 0 $? "flush"
agent_wait_refresh && ok "full refresh after a flush" || fail "full refresh after a flush"
out=$(agent_cli status); check_contains "$out" "offline_hashes=2" "flush keeps the offline hashes"

# ---- servers unreachable: the cache, offline login -----------------------------
agent_cli lookup initgroups zhangwei >/dev/null
stop_ok "dirsrv stopped"
out=$(agent_cli lookup passwd zhangwei); check "zhangwei:x:10001:20013:张伟:/home/zhangwei:/bin/bash" "$out" "passwd from the cache while dirsrv is down"
out=$(agent_cli lookup group fin); check_contains "$out" "fin:x:20002:" "group from the cache while dirsrv is down"
out=$(agent_cli lookup initgroups wangfang); check "wangfang 20014 20009 20011 21001" "$out" "initgroups from the cache while dirsrv is down"
out=$(agent_cli lookup passwd neverseen 2>&1); check_contains "$out" "unavailable" "a name never seen: unavailable"
n=$(agent_cli enum passwd | wc -l); [ "$n" -ge "$people" ] && ok "enumeration from the cache" || fail "enumeration from the cache ($n)"
out=$(echo "$P" | agent_cli auth zhangwei); check "$(printf 'account=zhangwei\nflags=offline')" "$out" "offline login with the stored hash"
out=$(echo "$P" | agent_cli auth 13805120001); check_contains "$out" "account=zhangwei" "offline mobile login"
out=$(echo 'wrong#Pass1' | agent_cli auth zhangwei 2>&1); check_contains "$out" "auth-failed" "offline: wrong password refused"
out=$(echo "$P" | agent_cli auth wangfang 2>&1); check_contains "$out" "unavailable" "offline: a person who never logged in is refused (unavailable)"
out=$(agent_cli account zhangwei); check_contains "$out" "groups=bigdata,ops" "account state from the cache"
out=$(printf '%s\nNew#Good2026\n' "$P" | agent_cli passwd zhangwei 2>&1); check_contains "$out" "unavailable" "passwd while dirsrv is down: unavailable"

# ---- failover: the first URI is dead -------------------------------------------
agent_stop; check 0 $? "agent stops cleanly (SIGTERM)"
[ -e "$AGENT_SOCK" ] && fail "socket removed on stop" || ok "socket removed on stop"
[ -e "$AGENT_MAP" ] && fail "map removed on stop" || ok "map removed on stop"
srv_run || fail "dirsrv restarts"
DEAD="ldap://127.0.0.1:$(free_port)"
AGENT_URIS="$DEAD $URI" agent_config "mobile_login: true"
agent_start || fail "agent starts with a dead first server"
out=$(agent_cli lookup passwd lina); check_contains "$out" "lina:x:10003:" "lookup through the second server"
out=$(agent_cli status); check_contains "$out" "server=$URI" "status: the second server in use"
out=$(echo 'New#Good2025' | agent_cli auth lina); check_contains "$out" "account=lina" "auth through the second server"
check_not_contains "$out" "offline" "the second server answered (not offline)"

# ---- a cold lookup while the full refresh waits for the server -----------------
# A proxy holds the refresh's paged search of every person (the filter
# (objectClass=posixAccount) alone, with the paged-results control) for
# as long as $T/hold exists; timeout_seconds is longer than any client
# waits.  An agent that kept LMDB's write transaction open across the
# wait, or wrote the cache before replying, could not answer a cold
# lookup until the hold ends (the client gives up after 5 s).
agent_stop
cat > "$T/holdproxy.py" <<'EOF'
import os, select, socket, sys, threading, time
up, portfile, flag, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
PAGED = b"1.2.840.113556.1.4.319"
# attrsOnly FALSE, then the filter (objectClass=posixAccount) alone
ALL = b"\x01\x01\x00\xa3\x1b\x04\x0bobjectClass\x04\x0cposixAccount"
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0)); ls.listen(32)
with open(portfile + ".tmp", "w") as f: f.write(str(ls.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
def serve(c):
    u = socket.create_connection(("127.0.0.1", up))
    try:
        while True:
            for s in select.select([c, u], [], [])[0]:
                d = s.recv(65536)
                if not d: return
                if s is c and PAGED in d and ALL in d and os.path.exists(flag):
                    open(marker, "w").close()
                    t0 = time.time()
                    while os.path.exists(flag) and time.time() - t0 < 60:
                        time.sleep(0.05)
                (u if s is c else c).sendall(d)
    except OSError:
        pass
    finally:
        c.close(); u.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
rm -f "$T/proxy.port" "$T/hold" "$T/held"
$PY "$T/holdproxy.py" "${URI##*:}" "$T/proxy.port" "$T/hold" "$T/held" 2>>"$T/proxy.log" &
proxy=$!
for i in $(seq 1 50); do [ -s "$T/proxy.port" ] && break; sleep 0.1; done
AGENT_URIS="ldap://127.0.0.1:$(cat "$T/proxy.port")" agent_config "timeout_seconds: 60"
agent_start || fail "agent starts behind the proxy"
touch "$T/hold"
agent_cli flush >/dev/null		# empties the cache, starts a refresh
for i in $(seq 1 100); do [ -e "$T/held" ] && break; sleep 0.1; done
[ -e "$T/held" ] && ok "full refresh held waiting for its first page" || fail "full refresh held waiting for its first page"
out=$(timeout 30 "$AGENT" -s "$AGENT_SOCK" lookup passwd wangfang 2>&1)
check "wangfang:x:10002:20014:王芳:/home/wangfang:/bin/bash" "$out" "cold lookup answered while the refresh waits for the server"
out=$(timeout 30 "$AGENT" -s "$AGENT_SOCK" lookup passwd nosuchperson 2>&1)
check_contains "$out" "notfound" "cold negative lookup answered while the refresh waits"
out=$(timeout 30 "$AGENT" -s "$AGENT_SOCK" lookup initgroups wangfang 2>&1)
check "wangfang 20014 20009 20011 21001" "$out" "cold initgroups answered while the refresh waits"
out=$(agent_cli status); check_contains "$out" "complete=0" "the refresh was still in progress"
rm -f "$T/hold"
agent_wait_refresh && ok "the held refresh completes once released" || fail "the held refresh completes once released"
people=$(asearch -b "$BASE" '(objectClass=posixAccount)' dn | grep -c '^dn:')
out=$(agent_cli enum passwd | wc -l); check "$people" "$out" "enumeration complete after the held refresh ($people)"
kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null
agent_stop
agent_config "mobile_login: true"

# ---- sd_notify ---------------------------------------------------------------------
agent_stop
cat > "$T/notify.py" <<'EOF'
import socket, subprocess, sys, os
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path); s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=path)
p = subprocess.Popen(sys.argv[2:], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    print(s.recv(100).decode())
except socket.timeout:
    print("timeout")
p.terminate(); print("exit=%d" % p.wait(10))
EOF
out=$($PY "$T/notify.py" "$T/notify.sock" "$AGENT" -f "$AGENT_CONF" serve)
check "$(printf 'READY=1\nexit=0')" "$out" "sd_notify READY=1 with NOTIFY_SOCKET; SIGTERM exits 0"

agent_log_clean
stop_ok "dirsrv stops"
done_testing

#!/bin/bash
# Audit log and failed-bind rate limit (issue 3): one JSON line per bind,
# write and refusal, with no passwords in it; a burst of failed binds
# from one address is answered "busy" without slowing other clients.
. "$(dirname "$0")/../lib.sh"
srv_start "audit_log: $T/audit.jsonl" "bind_rate: 5" || { fail "server starts"; done_testing; exit 1; }
srv_seed
SECRET='Sup3r#Secret-pw'
aadd >/dev/null <<EOF
dn: uid=alice,ou=people,$BASE
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: A
userPassword: $SECRET
EOF
ldapwhoami -x -H "$URI" -D "uid=alice,ou=people,$BASE" -w "$SECRET" >/dev/null
ldapwhoami -x -H "$URI" -D "uid=alice,ou=people,$BASE" -w 'wrong-guess' >/dev/null 2>&1
ldapmodify -x -H "$URI" -D "uid=alice,ou=people,$BASE" -w "$SECRET" >/dev/null 2>&1 <<EOF
dn: uid=alice,ou=people,$BASE
changetype: modify
replace: sn
sn: B
EOF
ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s 'N3w#Secret-pw' "uid=alice,ou=people,$BASE" >/dev/null
adelete "uid=alice,ou=people,$BASE"
sleep 0.2
log=$(cat "$T/audit.jsonl")
n=$(python3 - "$T/audit.jsonl" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert set(d) == {"time", "conn", "client", "binddn", "op", "dn", "result"}, d
    n += 1
print(n)
PY
)
case "$n" in ''|*[!0-9]*) fail "audit lines are not all JSON objects with the documented keys" ;; *) ok "every line is a JSON object with the documented keys" ;; esac
[ "${n:-0}" -ge 8 ] && ok "audit has a line per bind and write ($n)" || fail "too few audit lines ($n)"
check_contains "$log" '"op":"add","dn":"uid=alice,ou=people,'"$BASE"'","result":0' "add audited"
check_contains "$log" '"op":"bind","dn":"uid=alice,ou=people,'"$BASE"'","result":49' "failed bind audited"
check_contains "$log" '"op":"modify","dn":"uid=alice,ou=people,'"$BASE"'","result":50' "refused write audited"
check_contains "$log" '"op":"passwd"' "password change audited"
check_contains "$log" '"op":"delete"' "delete audited"
check_contains "$log" '"client":"127.0.0.1:' "client address recorded"
check_not_contains "$log" "$SECRET" "no password in the audit log"
check_not_contains "$log" "N3w#Secret-pw" "no new password in the audit log"
check_not_contains "$log" "wrong-guess" "no failed guess in the audit log"
mode=$(stat -c %a "$T/audit.jsonl"); check 600 "$mode" "audit log is created 0600"

# failed-bind burst: after bind_rate failures in a second, busy at once
busy=0
for i in $(seq 1 12); do
	out=$(ldapwhoami -x -H "$URI" -D "uid=ghost,$BASE" -w x 2>&1)
	case "$out" in *"busy (51)"*) busy=$((busy + 1)) ;; esac
done
[ "$busy" -ge 4 ] && ok "burst of failed binds answered busy ($busy of 12)" || fail "no busy answers in a burst ($busy)"
t0=$(date +%s%N)
out=$(ldapsearch -H "$LDAPI" -Y EXTERNAL -b "" -s base -LLL namingContexts 2>/dev/null)
t1=$(date +%s%N)
check_contains "$out" "namingContexts" "other clients are served during the burst"
[ $(( (t1 - t0) / 1000000 )) -lt 2000 ] && ok "and quickly" || fail "slow answer during the burst"
sleep 1.2
out=$(ldapwhoami -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" 2>&1)
check "dn:$ADMIN_DN" "$out" "the address may bind again a second later"
grep -q '"result":51' "$T/audit.jsonl" && ok "busy refusals audited" || fail "busy refusals not audited"
srv_stop; check 0 $? "clean stop"
done_testing

#!/bin/bash
# Workflow rules on plain LDAP writes (workflows.md, R1, R7, R10):
# application approval by the organisation's administrator activates the
# pending post and the memberships and notifies the person; a rejection
# needs a reason; illegal status changes and other organisations'
# administrators are refused; identity changes reset real-name status.
. "$(dirname "$0")/../lib.sh"
srv_config "default_gid: 20000" "notify:" "  outbox: $T/outbox.jsonl"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
P="ou=people,$BASE"
PW='Demo@2024pass'
mod() {	# mod BINDUID ; LDIF on stdin ; prints the result code
	ldapmodify -x -H "$URI" -D "uid=$1,$P" -w "$PW" >"$T/mod.out" 2>&1
	echo $?
}
status() { asearch -b "uid=$1,$P" -s base accountStatus | sed -n 's/^accountStatus: //p'; }

out=$(ldapwhoami -x -H "$URI" -D "uid=caolei,$P" -w "$PW" 2>&1)
check_contains "$out" "pending" "a pending applicant cannot log in"
rc=$(mod lina <<EOF
dn: uid=caolei,$P
changetype: modify
replace: accountStatus
accountStatus: active
EOF
); check 50 "$rc" "another organisation's administrator cannot approve"
check pending "$(status caolei)" "... and nothing changed"
rc=$(mod gaoyan <<EOF
dn: uid=caolei,$P
changetype: modify
replace: accountStatus
accountStatus: active
EOF
); check 0 "$rc" "the organisation's administrator approves the application"
out=$(asearch -b "orgCode=accept,uid=caolei,$P" -s base postStatus)
check_contains "$out" "postStatus: active" "the pending post became active"
out=$(asearch -b "uid=caolei,$P" -s base memberOf gidNumber)
check_contains "$out" "gidNumber: 20012" "gidNumber from the organisation"
out=$(asearch -b "ou=orgs,$BASE" "(memberUid=caolei)" cn)
check_contains "$out" "cn: accept" "memberUid added to the organisation"
out=$(ldapwhoami -x -H "$URI" -D "uid=caolei,$P" -w "$PW" 2>&1)
check "dn:uid=caolei,$P" "$out" "the approved person can log in"
grep -q '"kind":"application-approved".*"to":"18605120031"' "$T/outbox.jsonl" && ok "approval SMS in the outbox" || fail "approval SMS in the outbox"

rc=$(mod huwenbo <<EOF
dn: uid=pengli,$P
changetype: modify
replace: accountStatus
accountStatus: rejected
EOF
); check 19 "$rc" "a rejection without a reason is refused"
check pending "$(status pengli)" "... and nothing changed"
rc=$(mod huwenbo <<EOF
dn: uid=pengli,$P
changetype: modify
replace: accountStatus
accountStatus: rejected
-
replace: statusReason
statusReason: 身份证照片不清晰
EOF
); check 0 "$rc" "rejection with a reason"
grep -q '"kind":"application-rejected".*身份证照片不清晰' "$T/outbox.jsonl" && ok "rejection SMS with the reason" || fail "rejection SMS with the reason"
out=$(ldapwhoami -x -H "$URI" -D "uid=pengli,$P" -w "$PW" 2>&1)
check_contains "$out" "rejected" "a rejected applicant cannot log in"
rc=$(mod huwenbo <<EOF
dn: uid=pengli,$P
changetype: modify
replace: accountStatus
accountStatus: active
EOF
); check 53 "$rc" "rejected cannot jump to active"
rc=$(amodify >/dev/null 2>&1 <<EOF
dn: uid=zhangwei,$P
changetype: modify
replace: accountStatus
accountStatus: pending
EOF
); rc=$?; check 53 "$rc" "active cannot go back to pending (even for the rootdn)"
rc=$(amodify >/dev/null 2>&1 <<EOF
dn: uid=zhangwei,$P
changetype: modify
replace: accountStatus
accountStatus: sleeping
EOF
); rc=$?; check 53 "$rc" "unknown status refused"

# R7: identity change of a verified person resets the verification
before=$(asearch -b "uid=zhangwei,$P" -s base realNameStatus | sed -n 's/^realNameStatus: //p')
check verified "$before" "zhangwei starts verified"
amodify >/dev/null <<EOF
dn: uid=zhangwei,$P
changetype: modify
replace: mobile
mobile: 13800000001
EOF
check verified "$(asearch -b "uid=zhangwei,$P" -s base realNameStatus | sed -n 's/^realNameStatus: //p')" "a contact change keeps the verification"
amodify >/dev/null <<EOF
dn: uid=zhangwei,$P
changetype: modify
replace: cn
cn: 张伟伟
EOF
check unverified "$(asearch -b "uid=zhangwei,$P" -s base realNameStatus | sed -n 's/^realNameStatus: //p')" "a name change resets real-name verification"
srv_stop; check 0 $? "clean stop"
done_testing

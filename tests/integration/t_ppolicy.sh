#!/bin/bash
# Password policy (issue 3, workflows.md): quality rules, history, lockout
# and unlock, must-change after an administrator's reset, expiry, the
# ppolicy response control as ldapwhoami -e ppolicy shows it, rehash of
# imported hashes on bind, and inactive accounts.
. "$(dirname "$0")/../lib.sh"
srv_config "password_policy:" "  min_length: 8" "  min_classes: 3" \
    "  history: 2" "  max_failures: 3" "  lockout_seconds: 2"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
SSHA=$(slappasswd -h '{SSHA}' -s 'Old#Ssha2020')
cat > "$T/old.ldif" <<EOF
dn: uid=legacy1,ou=people,$BASE
objectClass: inetOrgPerson
uid: legacy1
cn: Legacy One
sn: One
userPassword: $SSHA
EOF
srv_import "$T/old.ldif" || fail "import with {SSHA}"
srv_run || { fail "server starts"; done_testing; exit 1; }
U="uid=lina,ou=people,$BASE"
P='Demo@2024pass'
who() { ldapwhoami -x -H "$URI" -e ppolicy -D "$1" -w "$2" 2>&1; }
pmod() { ldappasswd -x -H "$URI" -e ppolicy -D "$1" -w "$2" -a "$2" -s "$3" 2>&1; }

# quality
out=$(pmod "$U" "$P" 'Sh0rt!')
check_contains "$out" "Constraint violation (19)" "too short refused"
check_contains "$out" "Password is too short" "ppolicy control says passwordTooShort"
out=$(pmod "$U" "$P" 'alllowercase')
check_contains "$out" "Password fails quality" "one character class refused (insufficientPasswordQuality)"
out=$(pmod "$U" "$P" 'My-LINA-pass1')
check_contains "$out" "account name" "password containing the account name refused"
out=$(pmod "$U" "$P" "$P")
check_contains "$out" "list of old passwords" "the current password cannot be reused"
out=$(ldappasswd -x -H "$URI" -e ppolicy -D "$U" -w "$P" -s 'Fresh#Pass01' 2>&1)
check_contains "$out" "unwilling" "self change without the old password refused"
out=$(pmod "$U" "$P" 'Fresh#Pass01'); check_not_contains "$out" "Result:" "good new password accepted"
out=$(pmod "$U" 'Fresh#Pass01' "$P")
check_contains "$out" "list of old passwords" "a recent password (history) cannot be reused"
out=$(who "$U" 'Fresh#Pass01'); check "dn:$U" "$out" "bind with the new password"
out=$(asearch -b "$U" -s base pwdChangedTime pwdHistory)
check_contains "$out" "pwdChangedTime: " "pwdChangedTime stamped"
check_contains "$out" "pwdHistory: " "old hash kept in pwdHistory"
check_not_contains "$out" "Fresh#Pass01" "no cleartext in the history"

# modify of userPassword goes through the same rules
out=$(amodify 2>&1 <<EOF
dn: $U
changetype: modify
replace: userPassword
userPassword: weak
EOF
)
check_contains "$out" "Constraint violation (19)" "ldapmodify with a weak userPassword refused"

# lockout after max_failures, automatic unlock after lockout_seconds
V="uid=wangfang,ou=people,$BASE"
for i in 1 2 3; do who "$V" wrong >/dev/null; done
out=$(who "$V" "$P")
check_contains "$out" "Account locked" "locked after 3 failures (accountLocked control)"
check_contains "$out" "Invalid credentials (49)" "locked account: invalidCredentials"
out=$(asearch -b "$V" -s base pwdAccountLockedTime)
check_contains "$out" "pwdAccountLockedTime: " "lock stored in the entry"
sleep 2.2
out=$(who "$V" "$P"); check "dn:$V" "$out" "lock expires after lockout_seconds"
out=$(asearch -b "$V" -s base pwdFailureTime pwdAccountLockedTime)
check_not_contains "$out" "pwdFailureTime" "successful bind clears the failures"

# administrator unlock survives a restart in between
for i in 1 2 3; do who "$V" wrong >/dev/null; done
srv_stop; srv_run || fail "restart"
out=$(who "$V" "$P"); check_contains "$out" "Account locked" "lock survives a restart"
amodify >/dev/null <<EOF
dn: $V
changetype: modify
delete: pwdAccountLockedTime
EOF
out=$(who "$V" "$P"); check "dn:$V" "$out" "administrator unlock by deleting pwdAccountLockedTime"

# must change after an administrator's reset
ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s 'Admin#Set2025' "$V" >/dev/null
out=$(who "$V" 'Admin#Set2025')
check_contains "$out" "Password must be changed" "bind after reset reports changeAfterReset"
out=$(ldapsearch -x -H "$URI" -D "$V" -w 'Admin#Set2025' -b "$BASE" -s base 2>&1)
check_contains "$out" "unwilling" "only the password change is allowed after a reset"
out=$(pmod "$V" 'Admin#Set2025' 'Mine#Now2025'); check_not_contains "$out" "Result:" "person changes the reset password"
out=$(who "$V" 'Mine#Now2025'); check "dn:$V" "$out" "normal bind after the change"
out=$(asearch -b "$V" -s base pwdReset); check_not_contains "$out" "pwdReset" "pwdReset cleared"

# imported {SSHA} is rehashed to yescrypt on the first bind
out=$(who "uid=legacy1,ou=people,$BASE" 'Old#Ssha2020'); check "dn:uid=legacy1,ou=people,$BASE" "$out" "bind with an imported {SSHA} hash"
srv_stop
out=$("$DIRSRV" -f "$CONF" export 2>/dev/null | awk '/^dn: uid=legacy1,/{f=1} f&&/^userPassword/{print; exit}')
case "$out" in
"userPassword:: "*) dec=$(printf '%s' "${out#userPassword:: }" | base64 -d) ;;
*) dec=${out#userPassword: } ;;
esac
check_contains "$dec" '{CRYPT}$y$' "the {SSHA} hash was replaced by yescrypt"
srv_run || fail "restart"
out=$(who "uid=legacy1,ou=people,$BASE" 'Old#Ssha2020'); check "dn:uid=legacy1,ou=people,$BASE" "$out" "bind still works after the rehash"

# inactive accounts (demo: caolei pending, zengqiang rejected)
out=$(who "uid=caolei,ou=people,$BASE" "$P"); check_contains "$out" "account is pending" "pending account cannot bind"
out=$(who "uid=zengqiang,ou=people,$BASE" "$P"); check_contains "$out" "account is rejected" "rejected account cannot bind"
srv_stop; check 0 $? "clean stop"
done_testing

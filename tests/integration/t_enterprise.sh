#!/bin/bash
# Enterprises (R11-R13, seed 001/004): the legal representative names the
# administrators and licence administrators (at most five); administrators
# name the handlers and grant authorisations; one person represents
# several enterprises; other people only read.  Demo: chenjianguo
# represents two enterprises, liuting administers the first.
. "$(dirname "$0")/../lib.sh"
srv_config "default_gid: 20000"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
P="ou=people,$BASE"
PW='Demo@2024pass'
E1="uscc=91320500MA1XK7Q29R,ou=enterprises,$BASE"
E2="uscc=91320500MA20LN3K0P,ou=enterprises,$BASE"
mod() {	# mod UID ; LDIF on stdin ; prints rc
	ldapmodify -x -H "$URI" -D "uid=$1,$P" -w "$PW" >"$T/out" 2>&1
	echo $?
}
rc=$(mod chenjianguo <<EOF
dn: $E1
changetype: modify
add: enterpriseAdmin
enterpriseAdmin: uid=wangqiang,$P
EOF
); check 0 "$rc" "the legal representative adds an administrator"
rc=$(mod chenjianguo <<EOF
dn: $E2
changetype: modify
add: enterpriseAdmin
enterpriseAdmin: uid=liuting,$P
EOF
); check 0 "$rc" "the same person acts for a second enterprise"
rc=$(mod liuting <<EOF
dn: $E1
changetype: modify
add: enterpriseAdmin
enterpriseAdmin: uid=zhangwei,$P
EOF
); check 50 "$rc" "an administrator cannot name administrators"
rc=$(mod liuting <<EOF
dn: $E1
changetype: modify
add: enterpriseHandler
enterpriseHandler: uid=zhangwei,$P
EOF
); check 0 "$rc" "an administrator adds a handler"
rc=$(mod zhangwei <<EOF
dn: $E1
changetype: modify
add: enterpriseHandler
enterpriseHandler: uid=lina,$P
EOF
); check 50 "$rc" "a handler cannot add handlers"
rc=$(mod liuting <<EOF
dn: $E1
changetype: modify
add: enterpriseHandler
enterpriseHandler: uid=nobody,$P
EOF
); check 19 "$rc" "a handler must be an existing person"
rc=$(mod chenjianguo <<EOF
dn: $E1
changetype: modify
add: licenseAdmin
licenseAdmin: uid=zhangwei,$P
licenseAdmin: uid=lina,$P
licenseAdmin: uid=wangfang,$P
EOF
); check 0 "$rc" "licence administrators up to five"
rc=$(mod chenjianguo <<EOF
dn: $E1
changetype: modify
add: licenseAdmin
licenseAdmin: uid=huangqiang,$P
EOF
); check 19 "$rc" "a sixth licence administrator is refused"
rc=$(mod liuting <<EOF
dn: cn=zhangwei,$E1
changetype: add
objectClass: unifiedIdAuthorization
cn: zhangwei
authorizedPerson: uid=zhangwei,$P
authorizedService: 外国人来华工作许可
EOF
); check 0 "$rc" "an administrator grants an authorisation (R13)"
rc=$(mod zhangwei <<EOF
dn: cn=lina,$E1
changetype: add
objectClass: unifiedIdAuthorization
cn: lina
authorizedPerson: uid=lina,$P
authorizedService: x
EOF
); check 50 "$rc" "a handler cannot grant authorisations"
rc=$(mod chenjianguo <<EOF
dn: $E1
changetype: modify
replace: legalRepresentative
legalRepresentative: uid=zhangwei,$P
EOF
); check 50 "$rc" "the legal representative itself is changed by the rootdn only"
out=$(ldapsearch -x -H "$URI" -LLL -D "uid=lina,$P" -w "$PW" -b "$E1" -s base o legalRepresentative 2>&1)
check_contains "$out" "legalRepresentative: uid=chenjianguo" "people read enterprises"
out=$(aadd 2>&1 <<EOF
dn: uscc=91320500MA1XK7Q29X,ou=enterprises,$BASE
objectClass: organization
objectClass: unifiedIdEnterprise
o: 坏代码公司
uscc: 91320500MA1XK7Q29X
legalRepresentative: uid=chenjianguo,$P
EOF
); check_contains "$out" "(19)" "a credit code with a wrong check character is refused"
check_contains "$out" "uscc" "... naming the field"
srv_stop; check 0 $? "clean stop"
done_testing

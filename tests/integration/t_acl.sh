#!/bin/bash
# Access control (issue 3, workflows.md "Default access control") with
# the demo directory: anonymous, a person, self, an organisation
# administrator, a host agent, the rootdn, and a rule from the YAML.
. "$(dirname "$0")/../lib.sh"
srv_config "acl:" \
    "  - 'to dn.base=\"uid=sunli,ou=people,{suffix}\" attrs=description by dn=\"uid=maxiaoyu,ou=people,{suffix}\" write by users read by * none'"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
P='Demo@2024pass'
PEOPLE="ou=people,$BASE"
as() {	# as UID ldapsearch-args...
	local who=$1; shift
	ldapsearch -x -H "$URI" -LLL -o ldif-wrap=no -D "uid=$who,$PEOPLE" -w "$P" "$@" 2>&1
}
host() { ldapsearch -x -H "$URI" -LLL -o ldif-wrap=no -D "cn=host-agent,ou=services,$BASE" -w 'HostAgent@2024' "$@" 2>&1; }
# has OUTPUT ATTR: is there an "ATTR:" line?
has() { printf '%s\n' "$1" | grep -qi "^$2:"; }
no_attr() { has "$1" "$2" && fail "$3 ($2 returned)" || ok "$3"; }
mod_as() {	# mod_as BINDDN PW ; LDIF on stdin ; prints the result code
	ldapmodify -x -H "$URI" -D "$1" -w "$2" >/dev/null 2>&1
	echo $?
}

# anonymous: root DSE and schema only
out=$(lsearch -b "" -s base namingContexts); check_contains "$out" "namingContexts" "anonymous reads the root DSE"
out=$(lsearch -b cn=Subschema -s base objectClasses | head -3); check_contains "$out" "objectClasses" "anonymous reads the schema"
out=$(lsearch -b "$BASE" "(uid=zhangwei)" 2>&1); check_not_contains "$out" "dn: uid=zhangwei" "anonymous sees no person"
out=$(ldapsearch -x -H "$URI" -b "uid=zhangwei,$PEOPLE" -s base 2>&1); check_contains "$out" "result: 32 No such object" "anonymous: an existing entry is noSuchObject"

# a person: address book, not the private fields
# (maxiaoyu administers no organisation)
out=$(as maxiaoyu -b "uid=zhangwei,$PEOPLE" -s base)
check_contains "$out" "mobile: " "a person reads another's mobile"
check_contains "$out" "mail: " "... mail"
check_contains "$out" "telephoneNumber: " "... work phone"
no_attr "$out" idNumber "... but not the ID number"
no_attr "$out" backupMail "... not the backup e-mail"
no_attr "$out" emergencyPhone "... not the emergency phone"
no_attr "$out" realNameLevel "... not the real-name data"
no_attr "$out" accountStatus "... not the account status"
out=$(as maxiaoyu -b "$PEOPLE" "(idNumber=*)" dn)
check "dn: uid=maxiaoyu,$PEOPLE" "$(printf '%s\n' "$out" | grep '^dn:')" "a filter on a hidden attribute matches only what one may read (self)"
id_zw=$(asearch -b "uid=zhangwei,$PEOPLE" -s base idNumber | sed -n 's/^idNumber: //p')
out=$(as maxiaoyu -b "$PEOPLE" "(idNumber=$id_zw)" dn); check_not_contains "$out" "uid=zhangwei" "an ID number cannot be probed by filter"
out=$(as maxiaoyu -b "$PEOPLE" "(cn=*伟*)" cn); check_contains "$out" "uid=zhangwei" "address book search by name works"
out=$(as maxiaoyu -b "$PEOPLE" "(mobile=13805120001)" dn); check_contains "$out" "uid=zhangwei" "address book search by mobile works"

# self: own private fields, profile writes, no identity writes
out=$(as zhangwei -b "uid=zhangwei,$PEOPLE" -s base idNumber backupMail realNameLevel)
check_contains "$out" "idNumber: " "self reads own ID number"
check_contains "$out" "backupMail: " "self reads own backup e-mail"
check_contains "$out" "realNameLevel: " "self reads own real-name level"
rc=$(mod_as "uid=lina,$PEOPLE" "$P" <<EOF
dn: uid=lina,$PEOPLE
changetype: modify
replace: mobile
mobile: 13912345678
-
replace: officeAddress
officeAddress: 新地址 2 号
EOF
); check 0 "$rc" "self changes own mobile and office address"
rc=$(mod_as "uid=lina,$PEOPLE" "$P" <<EOF
dn: uid=lina,$PEOPLE
changetype: modify
replace: idNumber
idNumber: 11010519491231002X
EOF
); check 50 "$rc" "self cannot change own ID number"
rc=$(mod_as "uid=lina,$PEOPLE" "$P" <<EOF
dn: uid=lina,$PEOPLE
changetype: modify
replace: accountStatus
accountStatus: active
EOF
); check 50 "$rc" "self cannot change own account status"
rc=$(mod_as "uid=huangqiang,$PEOPLE" "$P" <<EOF
dn: uid=lina,$PEOPLE
changetype: modify
replace: mobile
mobile: 13900000000
EOF
); check 50 "$rc" "a person cannot change another's mobile"

# organisation administrator: lina administers fin and below (budget, treasury)
out=$(as lina -b "uid=liuyang,$PEOPLE" -s base idNumber); check_contains "$out" "idNumber: " "org admin reads ID numbers in the subtree"
rc=$(mod_as "uid=lina,$PEOPLE" "$P" <<EOF
dn: uid=liuyang,$PEOPLE
changetype: modify
replace: title
title: 副处长
EOF
); check 0 "$rc" "org admin modifies a person of a sub-organisation"
rc=$(mod_as "uid=lina,$PEOPLE" "$P" <<EOF
dn: uid=huangqiang,$PEOPLE
changetype: modify
replace: title
title: x
EOF
); check 50 "$rc" "org admin cannot modify a person of another organisation"
out=$(as lina -b "uid=huangqiang,$PEOPLE" -s base idNumber); no_attr "$out" idNumber "org admin cannot read ID numbers elsewhere"
out=$(ldappasswd -x -H "$URI" -D "uid=lina,$PEOPLE" -w "$P" -s 'Reset#By-Admin1' "uid=chenjing,$PEOPLE" 2>&1); rc=$?
check 0 "$rc" "org admin resets the password of a person in the subtree"
out=$(ldapwhoami -x -H "$URI" -e ppolicy -D "uid=chenjing,$PEOPLE" -w 'Reset#By-Admin1' 2>&1)
check_contains "$out" "Password must be changed" "... who must change it"
out=$(ldappasswd -x -H "$URI" -D "uid=lina,$PEOPLE" -w "$P" -s 'Reset#By-Admin1' "uid=huangqiang,$PEOPLE" 2>&1)
check_contains "$out" "(50)" "org admin cannot reset a password elsewhere"

# host agents: POSIX data and account state, not ID numbers
out=$(host -b "$PEOPLE" "(uid=zhangwei)" uidNumber gidNumber homeDirectory loginShell accountStatus realNameLevel idNumber)
check_contains "$out" "uidNumber: 10001" "host agent reads uidNumber"
check_contains "$out" "accountStatus: active" "host agent reads accountStatus"
check_contains "$out" "realNameLevel: " "host agent reads realNameLevel"
no_attr "$out" idNumber "host agent does not read ID numbers"
out=$(host -b "ou=orgs,$BASE" "(&(objectClass=posixGroup)(memberUid=zhangwei))" cn)
check_contains "$out" "cn: bigdata" "host agent resolves group membership"

# userPassword is never returned, not even to the rootdn
out=$(asearch -b "uid=zhangwei,$PEOPLE" -s base userPassword '*' '+'); check_not_contains "$out" "userPassword" "userPassword never returned to the rootdn"
out=$(as zhangwei -b "uid=zhangwei,$PEOPLE" -s base userPassword); check_not_contains "$out" "userPassword" "userPassword never returned to self"

# a rule from the YAML comes before the defaults
rc=$(mod_as "uid=maxiaoyu,$PEOPLE" "$P" <<EOF
dn: uid=sunli,$PEOPLE
changetype: modify
replace: description
description: 由 maxiaoyu 维护
EOF
); check 0 "$rc" "a configured rule grants a write"
rc=$(mod_as "uid=gaoyan,$PEOPLE" "$P" <<EOF
dn: uid=sunli,$PEOPLE
changetype: modify
replace: description
description: x
EOF
); check 50 "$rc" "... to that identity only"

# a broken rule is refused at start with a clear line
srv_stop
grep -v "^acl:\|to dn.base" "$CONF" > "$T/bad.yaml"
printf 'acl:\n  - "to dn.subtree=ou=people,{suffix} by everybody read"\n' >> "$T/bad.yaml"
out=$("$DIRSRV" -f "$T/bad.yaml" check 2>&1); rc=$?
check 1 "$rc" "check refuses a bad acl rule"
check_contains "$out" "syntax error" "... saying where"
done_testing

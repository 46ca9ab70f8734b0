#!/bin/bash
# Server-filled values (contract section 4): uidNumber/gidNumber from the
# configured ranges (never reused, skipping numbers already held),
# homeDirectory, loginShell, default gidNumber, idType and accountStatus
# defaults, an organisation's cn, and a clear error when a range is used up.
. "$(dirname "$0")/../lib.sh"
srv_start "uid_min: 5000" "uid_max: 5003" "gid_min: 7000" "gid_max: 7100" \
    "default_gid: 100" "default_shell: /bin/zsh" || { fail "server starts"; done_testing; exit 1; }
srv_seed
aadd >/dev/null <<EOF
dn: uid=taken,ou=people,$BASE
objectClass: inetOrgPerson
objectClass: posixAccount
uid: taken
cn: t
sn: t
uidNumber: 5001
gidNumber: 5
homeDirectory: /srv/taken
EOF
person() {	# person UID [extra LDIF lines]
	local u=$1; shift
	{ printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nobjectClass: unifiedIdPerson\nuid: %s\ncn: %s\nsn: %s\n' "$u" "$BASE" "$u" "$u" "$u"
	  for l in "$@"; do printf '%s\n' "$l"; done; } | aadd >/dev/null 2>&1
	echo $?
}
check 0 "$(person p1 'idNumber: 11010519491231002X')" "person without POSIX numbers added"
out=$(asearch -b "uid=p1,ou=people,$BASE" -s base uidNumber gidNumber homeDirectory loginShell idType accountStatus)
check_contains "$out" "uidNumber: 5000" "uidNumber allocated from uid_min"
check_contains "$out" "gidNumber: 100" "gidNumber is default_gid"
check_contains "$out" "homeDirectory: /home/p1" "homeDirectory is /home/<uid>"
check_contains "$out" "loginShell: /bin/zsh" "loginShell is default_shell"
check_contains "$out" "idType: resident-id" "idType defaults to resident-id"
check_contains "$out" "accountStatus: active" "accountStatus defaults to active"
check 0 "$(person p2)" "second person added"
out=$(asearch -b "uid=p2,ou=people,$BASE" -s base uidNumber)
check_contains "$out" "uidNumber: 5002" "a number already held (5001) is skipped"
adelete "uid=p2,ou=people,$BASE"
check 0 "$(person p3)" "third person added"
out=$(asearch -b "uid=p3,ou=people,$BASE" -s base uidNumber)
check_contains "$out" "uidNumber: 5003" "a deleted person's number is not reused"
out=$(printf 'dn: uid=p4,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: p4\ncn: p4\nsn: p4\n' "$BASE" | aadd 2>&1)
check_contains "$out" "(53)" "exhausted uid range refused"
check_contains "$out" "exhausted" "... saying so"
out=$(asearch -b "$BASE" "(uid=p4)" dn); check_not_contains "$out" "uid=p4" "... and nothing added"
check 0 "$(person p5 'uidNumber: 9999' 'homeDirectory: /srv/p5')" "given values are kept"
out=$(asearch -b "uid=p5,ou=people,$BASE" -s base uidNumber homeDirectory)
check_contains "$out" "uidNumber: 9999" "given uidNumber kept"
check_contains "$out" "homeDirectory: /srv/p5" "given homeDirectory kept"
aadd >/dev/null <<EOF
dn: orgCode=fin,ou=orgs,$BASE
objectClass: organizationalUnit
objectClass: unifiedIdOrg
objectClass: posixGroup
ou: 财政局
orgCode: fin
EOF
out=$(asearch -b "orgCode=fin,ou=orgs,$BASE" -s base cn gidNumber)
check_contains "$out" "cn: fin" "organisation cn filled from orgCode"
check_contains "$out" "gidNumber: 7000" "organisation gidNumber allocated from gid_min"
srv_stop; check 0 $? "clean stop"
srv_run || fail "restart"
check 0 "$(person p6 'uidNumber: 5004')" "explicit number outside the counter"
aadd >/dev/null <<EOF
dn: cn=team,ou=orgs,$BASE
objectClass: groupOfNames
objectClass: posixGroup
cn: team
member: uid=p1,ou=people,$BASE
EOF
out=$(asearch -b "cn=team,ou=orgs,$BASE" -s base gidNumber)
check_contains "$out" "gidNumber: 7001" "the gid counter survives a restart"
# memberships derived from posts (issue 4 groundwork): member/memberUid of
# the organisation, the person's memberOf and primary gidNumber
FIN="orgCode=fin,ou=orgs,$BASE"
aadd >"$T/posts.out" 2>&1 <<EOF
dn: orgCode=sci,ou=orgs,$BASE
objectClass: organizationalUnit
objectClass: unifiedIdOrg
objectClass: posixGroup
ou: 科技局
orgCode: sci
gidNumber: 7050

dn: orgCode=fin,uid=p1,ou=people,$BASE
objectClass: unifiedIdPost
orgCode: fin
postOrg: $FIN
postRank: 0
postStatus: active

dn: orgCode=sci,uid=p1,ou=people,$BASE
objectClass: unifiedIdPost
orgCode: sci
postOrg: orgCode=SCI,ou=orgs,$BASE
postRank: 1
postStatus: active
EOF
check 0 $? "organisation and two posts added"
out=$(asearch -b "uid=p1,ou=people,$BASE" -s base gidNumber memberOf)
check_contains "$out" "gidNumber: 7000" "gidNumber follows the primary (rank 0) organisation"
check_contains "$out" "memberOf: $FIN" "memberOf lists the primary organisation"
check_contains "$out" "memberOf: orgCode=sci,ou=orgs,$BASE" "memberOf lists the concurrent post's organisation"
out=$(asearch -b "ou=orgs,$BASE" "(&(objectClass=posixGroup)(memberUid=p1))" cn)
check_contains "$out" "cn: fin" "memberUid added to the first organisation"
check_contains "$out" "cn: sci" "memberUid added to the second organisation"
out=$(asearch -b "ou=orgs,$BASE" "(&(objectClass=unifiedIdOrg)(member=UID=P1,OU=People,$BASE))" dn | grep -c '^dn:')
check 2 "$out" "member (DN) added to both"
amodify >/dev/null <<EOF
dn: orgCode=fin,uid=p1,ou=people,$BASE
changetype: modify
replace: postRank
postRank: 2
EOF
out=$(asearch -b "uid=p1,ou=people,$BASE" -s base gidNumber)
check_contains "$out" "gidNumber: 7050" "reordering posts changes the primary gidNumber"
amodify >/dev/null <<EOF
dn: orgCode=sci,uid=p1,ou=people,$BASE
changetype: modify
replace: postStatus
postStatus: transfer-pending
EOF
out=$(asearch -b "orgCode=sci,ou=orgs,$BASE" -s base memberUid member)
check_not_contains "$out" "p1" "a transfer-pending post does not count"
out=$(asearch -b "uid=p1,ou=people,$BASE" -s base gidNumber memberOf)
check_contains "$out" "gidNumber: 7000" "... and the primary falls back to the remaining post"
adelete "orgCode=fin,uid=p1,ou=people,$BASE"
out=$(asearch -b "$FIN" -s base memberUid); check_not_contains "$out" "memberUid: p1" "deleting the post removes the membership"
out=$(asearch -b "uid=p1,ou=people,$BASE" -s base gidNumber memberOf)
check_contains "$out" "gidNumber: 100" "no counting post: default_gid"
check_not_contains "$out" "memberOf: " "no counting post: no memberOf"
amodify >/dev/null <<EOF
dn: orgCode=sci,uid=p1,ou=people,$BASE
changetype: modify
replace: postStatus
postStatus: active
EOF
ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "uid=p1,ou=people,$BASE" uid=p1new >/dev/null 2>&1
out=$(asearch -b "orgCode=sci,ou=orgs,$BASE" -s base memberUid member)
check_contains "$out" "memberUid: p1new" "a renamed person's memberUid follows"
check_contains "$out" "member: uid=p1new,ou=people,$BASE" "... and member"
n=$(printf '%s\n' "$out" | grep -cx "memberUid: p1")
check 0 "$n" "... the old uid is gone"
# roles: memberUid follows member, memberOf lists the role
aadd >/dev/null <<EOF
dn: ou=roles,$BASE
objectClass: organizationalUnit
ou: roles

dn: cn=auditors,ou=roles,$BASE
objectClass: groupOfNames
objectClass: posixGroup
objectClass: unifiedIdRole
cn: auditors
member: uid=p1new,ou=people,$BASE
member: uid=p3,ou=people,$BASE
EOF
check 0 $? "role with two members added"
out=$(asearch -b "cn=auditors,ou=roles,$BASE" -s base memberUid gidNumber)
check_contains "$out" "memberUid: p1new" "role memberUid derived from member (1)"
check_contains "$out" "memberUid: p3" "role memberUid derived from member (2)"
check_contains "$out" "gidNumber: " "role got a gidNumber"
out=$(asearch -b "uid=p3,ou=people,$BASE" -s base memberOf)
check_contains "$out" "memberOf: cn=auditors,ou=roles,$BASE" "member's memberOf lists the role"
amodify >/dev/null <<EOF
dn: cn=auditors,ou=roles,$BASE
changetype: modify
delete: member
member: uid=p3,ou=people,$BASE
EOF
out=$(asearch -b "cn=auditors,ou=roles,$BASE" -s base memberUid)
check_not_contains "$out" "memberUid: p3" "removed member's uid leaves memberUid"
out=$(asearch -b "uid=p3,ou=people,$BASE" -s base memberOf)
check_not_contains "$out" "auditors" "removed member's memberOf no longer lists the role"
out=$(asearch -b "uid=p1new,ou=people,$BASE" -s base memberOf)
check_contains "$out" "memberOf: cn=auditors,ou=roles,$BASE" "remaining member keeps the role"
check_contains "$out" "memberOf: orgCode=sci,ou=orgs,$BASE" "... and the organisation"
adelete "orgCode=sci,uid=p1new,ou=people,$BASE"
adelete "uid=p1new,ou=people,$BASE"
out=$(asearch -b "cn=auditors,ou=roles,$BASE" -s base member memberUid)
check_not_contains "$out" "p1new" "a deleted person leaves the role"
srv_stop; check 0 $? "clean stop"
done_testing

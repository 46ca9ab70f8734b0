#!/bin/bash
# Write operations: add, delete, modify, modify DN, compare, and the
# access rule that only the administrator writes (issue 2).  Checks result
# codes and the values stored afterwards.
. "$(dirname "$0")/../lib.sh"


W="ou=w,$BASE"
# add_rc / mod_rc: LDIF on stdin, as the administrator; set $out and $rc
add_rc() { out=$(aadd 2>&1); rc=$?; }
mod_rc() { out=$(amodify 2>&1); rc=$?; }
run() { out=$("$@" 2>&1); rc=$?; }
# get DN ATTR: the values of ATTR (sorted, "|"-separated), or NOENTRY
get() {
	local o
	o=$(asearch -b "$1" -s base "(objectClass=*)" "$2" 2>/dev/null) || { echo NOENTRY; return; }
	printf '%s\n' "$o" | sed -n "s/^$2: //Ip" | LC_ALL=C sort | tr '\n' '|'
}
exists() { asearch -b "$1" -s base "(objectClass=*)" 1.1 >/dev/null 2>&1; }
# one_of RC "LIST" DESC
one_of() {
	case " $2 " in
	*" $1 "*) ok "$3" ;;
	*) fail "$3 (expected one of '$2', got '$1': $(printf '%s' "$out" | tr '\n' ' ' | head -c 300))" ;;
	esac
}

srv_start || { fail "server starts"; done_testing; exit 1; }
ok "server starts"
srv_seed
add_rc <<EOF
dn: $W
objectClass: organizationalUnit
ou: w
EOF
check 0 "$rc" "container added"

# ================================================================ add
add_rc <<EOF
dn: uid=alice,$W
objectClass: inetOrgPerson
objectClass: posixAccount
uid: alice
cn: Alice Smith
sn: Smith
mail: alice@example.com
uidNumber: 5001
gidNumber: 100
homeDirectory: /home/alice
userPassword: Wonder-Land-7
EOF
check 0 "$rc" "add: success"
check "Alice Smith|" "$(get "uid=alice,$W" cn)" "add: the value is stored"
check "alice@example.com|" "$(get "uid=alice,$W" mail)" "add: mail stored"
add_rc <<EOF
dn: uid=alice,$W
objectClass: inetOrgPerson
uid: alice
cn: Other
sn: Other
EOF
check 68 "$rc" "add: existing entry gives entryAlreadyExists"
check "Alice Smith|" "$(get "uid=alice,$W" cn)" "add: the existing entry is unchanged"
add_rc <<EOF
dn: $BASE
objectClass: dcObject
objectClass: organization
dc: example
o: again
EOF
check 68 "$rc" "add: the suffix entry again gives entryAlreadyExists"
add_rc <<EOF
dn: uid=x,ou=nope,$W
objectClass: account
uid: x
EOF
check 32 "$rc" "add: missing parent gives noSuchObject"
check_contains "$out" "matched DN: $W" "add: missing parent reports the matchedDN"
add_rc <<EOF
dn: uid=x,ou=a,ou=b,$W
objectClass: account
uid: x
EOF
check_contains "$rc $out" "matched DN: $W" "add: missing grandparent reports the closest existing ancestor"
add_rc <<EOF
dn: cn=x,$W
objectClass: person
cn: x
EOF
check 65 "$rc" "add: missing MUST attribute (sn) gives objectClassViolation"
add_rc <<EOF
dn: cn=x,$W
objectClass: person
cn: x
sn: x
mail: x@example.com
EOF
check 65 "$rc" "add: attribute not allowed (mail on person) gives objectClassViolation"
add_rc <<EOF
dn: uid=x,$W
objectClass: posixAccount
uid: x
cn: x
uidNumber: 5002
gidNumber: 100
homeDirectory: /home/x
EOF
check 65 "$rc" "add: no structural object class gives objectClassViolation"
add_rc <<EOF
dn: cn=x,$W
objectClass: noSuchClass
cn: x
EOF
check 65 "$rc" "add: unknown object class gives objectClassViolation"
add_rc <<EOF
dn: cn=x,$W
cn: x
EOF
check 65 "$rc" "add: no objectClass at all gives objectClassViolation"
add_rc <<EOF
dn: cn=x,$W
objectClass: person
cn: x
sn: x
fooAttr: 1
EOF
check 17 "$rc" "add: unknown attribute type gives undefinedAttributeType"
add_rc <<EOF
dn: uid=x,$W
objectClass: inetOrgPerson
objectClass: posixAccount
uid: x
cn: x
sn: x
uidNumber: abc
gidNumber: 100
homeDirectory: /home/x
EOF
check 21 "$rc" "add: uidNumber: abc gives invalidAttributeSyntax"
add_rc <<EOF
dn: uid=x,$W
objectClass: inetOrgPerson
objectClass: unifiedIdPerson
uid: x
cn: x
sn: x
idValidFrom: 2024-01-01
EOF
check 21 "$rc" "add: a bad GeneralizedTime gives invalidAttributeSyntax"
add_rc <<EOF
dn: uid=x,$W
objectClass: inetOrgPerson
objectClass: unifiedIdPerson
uid: x
cn: x
sn: x
idValidFrom: 20241301000000Z
EOF
check 21 "$rc" "add: month 13 in a GeneralizedTime gives invalidAttributeSyntax"
add_rc <<EOF
dn: cn=x,$W
objectClass: groupOfNames
cn: x
member: not a dn
EOF
check 21 "$rc" "add: member that is not a DN gives invalidAttributeSyntax"
add_rc <<EOF
dn: uid=x,$W
objectClass: account
uid: y
EOF
check 64 "$rc" "add: RDN value absent from the entry gives namingViolation"
add_rc <<EOF
dn: uid=x,$W
objectClass: inetOrgPerson
objectClass: posixAccount
uid: x
cn: x
sn: x
uidNumber: 5003
uidNumber: 5004
gidNumber: 100
homeDirectory: /home/x
EOF
check 19 "$rc" "add: two values of SINGLE-VALUE uidNumber gives constraintViolation"
add_rc <<EOF
dn: uid=x,$W
objectClass: account
uid: x
description: same
description: same
EOF
check 20 "$rc" "add: a duplicate value gives attributeOrValueExists"
add_rc <<EOF
dn: uid=x,$W
objectClass: account
uid: x
description: Same
description: sAME
EOF
check 20 "$rc" "add: values equal under caseIgnoreMatch are duplicates"
add_rc <<EOF
dn: uid=x,dc=other,dc=com
objectClass: account
uid: x
EOF
one_of "$rc" "32 53 10" "add: outside the suffix is refused (noSuchObject/unwillingToPerform/referral)"
add_rc <<EOF
dn: cn=x,$W
objectClass: device
cn: x
createTimestamp: 20200101000000Z
EOF
one_of "$rc" "19 53" "add: a NO-USER-MODIFICATION attribute (createTimestamp) is refused"
add_rc <<EOF
dn: cn=x,$W
objectClass: device
cn: x
entryUUID: 3f1c2e4a-0000-4000-8000-000000000001
EOF
one_of "$rc" "19 53" "add: entryUUID supplied by a client is refused"
exists "uid=x,$W" && fail "no failed add left an entry behind" || ok "no failed add left an entry behind"
exists "cn=x,$W" && fail "no failed add left cn=x behind" || ok "no failed add left cn=x behind"
add_rc <<EOF
dn: cn=hashed,$W
objectClass: device
objectClass: simpleSecurityObject
cn: hashed
userPassword: {CRYPT}\$6\$saltsalt\$Zc8Ji8g5gMUdbGY5OzTd0MuUk0PWYCbhRGHyiOoKp5jI6GCVu3uQ8hh3p28LWaDgjUYwJdQvHpd1qEZnzs7.e.
EOF
check 0 "$rc" "add: an already hashed userPassword is accepted"
add_rc <<EOF
dn: cn=Dup Entry,$W
objectClass: device
cn: dup entry
EOF
check 0 "$rc" "add: RDN value matching an attribute value by caseIgnoreMatch"
add_rc <<EOF
dn: cn=DUP ENTRY,$W
objectClass: device
cn: DUP ENTRY
EOF
check 68 "$rc" "add: DN differing only in case gives entryAlreadyExists"
add_rc <<EOF
dn: cn=张伟,$W
objectClass: device
cn: 张伟
description: 中文描述
EOF
check 0 "$rc" "add: UTF-8 RDN"
check "$(printf '%s' '中文描述' | base64)|" "$(asearch -b "cn=张伟,$W" -s base description 2>/dev/null | sed -n 's/^description:: //p' | tr '\n' '|')" \
    "add: UTF-8 value stored and returned (base64 in LDIF)"
bail_if_dead

# ================================================================ delete
add_rc <<EOF
dn: ou=d,$W
objectClass: organizationalUnit
ou: d

dn: cn=leaf,ou=d,$W
objectClass: device
cn: leaf
EOF
check 0 "$rc" "delete: test subtree added"
run adelete "ou=d,$W"
check 66 "$rc" "delete: non-leaf gives notAllowedOnNonLeaf"
exists "ou=d,$W" && ok "delete: refused entry still exists" || fail "delete: refused entry still exists"
run adelete "$BASE"
check 66 "$rc" "delete: the suffix entry with children gives notAllowedOnNonLeaf"
run adelete "cn=leaf,ou=d,$W"
check 0 "$rc" "delete: leaf"
exists "cn=leaf,ou=d,$W" && fail "delete: deleted entry is gone" || ok "delete: deleted entry is gone"
run adelete "cn=leaf,ou=d,$W"
check 32 "$rc" "delete: missing entry gives noSuchObject"
run adelete "ou=d,$W"
check 0 "$rc" "delete: the parent once it is a leaf"
s=$(asearch -b "$W" -s one "(objectClass=*)" hasSubordinates 2>&1)
check_not_contains "$s" "ou=d," "delete: parent gone from one-level search"
run adelete "cn=x,ou=nope,$W"
check 32 "$rc" "delete: entry below a missing parent gives noSuchObject"
run adelete "not a dn"
check 34 "$rc" "delete: malformed DN gives invalidDNSyntax"
bail_if_dead

# ================================================================ modify
A="uid=alice,$W"
ts0=$(get "$A" modifyTimestamp)
sleep 1.1
mod_rc <<EOF
dn: $A
changetype: modify
add: description
description: one
description: two
-
replace: sn
sn: Smythe
-
increment: uidNumber
uidNumber: 5
-
delete: mail
-
add: telephoneNumber
telephoneNumber: +86 512 0000 0001
EOF
check 0 "$rc" "modify: add/replace/increment/delete in one request"
check "one|two|" "$(get "$A" description)" "modify: add stored both values"
check "Smythe|" "$(get "$A" sn)" "modify: replace"
check "5006|" "$(get "$A" uidNumber)" "modify: increment by 5"
check "" "$(get "$A" mail)" "modify: delete of a whole attribute"
ts1=$(get "$A" modifyTimestamp)
if [ -n "$ts1" ] && [ "$ts1" != "$ts0" ]; then
	ok "modify: modifyTimestamp updated ($ts0 -> $ts1)"
else
	fail "modify: modifyTimestamp updated ($ts0 -> $ts1)"
fi
check "$ADMIN_DN|" "$(get "$A" modifiersName)" "modify: modifiersName"
check "$ts0" "$(get "$A" createTimestamp)" "modify: createTimestamp unchanged"
mod_rc <<EOF
dn: $A
changetype: modify
increment: uidNumber
uidNumber: -10
EOF
check "0 4996|" "$rc $(get "$A" uidNumber)" "modify: increment by a negative number"
mod_rc <<EOF
dn: $A
changetype: modify
delete: description
description: ONE
EOF
check "0 two|" "$rc $(get "$A" description)" "modify: delete one value, matched with caseIgnoreMatch"

# all-or-nothing
tsA=$(get "$A" modifyTimestamp)
sleep 1.1
mod_rc <<EOF
dn: $A
changetype: modify
replace: sn
sn: ShouldNotStick
-
delete: description
description: not-there
EOF
check 16 "$rc" "modify: good change then deletion of a missing value gives noSuchAttribute"
check "Smythe|" "$(get "$A" sn)" "modify: all-or-nothing, the good change was not applied"
mod_rc <<EOF
dn: $A
changetype: modify
add: description
description: three
-
add: fooAttr
fooAttr: x
EOF
check 17 "$rc" "modify: unknown attribute gives undefinedAttributeType"
check "two|" "$(get "$A" description)" "modify: all-or-nothing after undefinedAttributeType"
mod_rc <<EOF
dn: $A
changetype: modify
increment: uidNumber
uidNumber: 1
-
replace: uidNumber
uidNumber: notanumber
EOF
check 21 "$rc" "modify: bad integer gives invalidAttributeSyntax"
check "4996|" "$(get "$A" uidNumber)" "modify: all-or-nothing after invalidAttributeSyntax"
check "$tsA" "$(get "$A" modifyTimestamp)" "modify: a failed modify does not touch modifyTimestamp"

mod_rc <<EOF
dn: $A
changetype: modify
delete: roomNumber
EOF
check 16 "$rc" "modify: deleting an absent attribute gives noSuchAttribute"
mod_rc <<EOF
dn: $A
changetype: modify
add: description
description: TWO
EOF
check 20 "$rc" "modify: adding an existing value gives attributeOrValueExists"
mod_rc <<EOF
dn: $A
changetype: modify
add: description
description: four
description: four
EOF
check 20 "$rc" "modify: adding the same value twice gives attributeOrValueExists"
mod_rc <<EOF
dn: $A
changetype: modify
add: uidNumber
uidNumber: 7
EOF
check 19 "$rc" "modify: second value of a SINGLE-VALUE attribute gives constraintViolation"
mod_rc <<EOF
dn: $A
changetype: modify
delete: uid
uid: alice
EOF
check 67 "$rc" "modify: deleting the RDN value gives notAllowedOnRDN"
mod_rc <<EOF
dn: $A
changetype: modify
replace: uid
uid: notalice
EOF
one_of "$rc" "67 64" "modify: replacing away the RDN value is refused"
check "alice|" "$(get "$A" uid)" "modify: RDN value still there"
mod_rc <<EOF
dn: $A
changetype: modify
add: uid
uid: alice2
EOF
check "0 alice|alice2|" "$rc $(get "$A" uid)" "modify: adding a second uid value"
mod_rc <<EOF
dn: $A
changetype: modify
delete: uid
uid: alice2
EOF
check "0 alice|" "$rc $(get "$A" uid)" "modify: deleting a non-RDN value of the RDN attribute"
mod_rc <<EOF
dn: $A
changetype: modify
replace: description
EOF
check "0 " "$rc $(get "$A" description)" "modify: replace with no values removes the attribute"
mod_rc <<EOF
dn: $A
changetype: modify
replace: roomNumber
EOF
check 0 "$rc" "modify: replace of an absent attribute with no values is a no-op"
mod_rc <<EOF
dn: $A
changetype: modify
delete: sn
EOF
check 65 "$rc" "modify: deleting a MUST attribute gives objectClassViolation"
mod_rc <<EOF
dn: $A
changetype: modify
add: host
host: h1
EOF
check 65 "$rc" "modify: adding an attribute not allowed gives objectClassViolation"
mod_rc <<EOF
dn: $A
changetype: modify
delete: objectClass
objectClass: posixAccount
EOF
check 65 "$rc" "modify: removing posixAccount while uidNumber remains gives objectClassViolation"
mod_rc <<EOF
dn: $A
changetype: modify
add: objectClass
objectClass: noSuchClass
EOF
check 65 "$rc" "modify: adding an unknown object class gives objectClassViolation"
mod_rc <<EOF
dn: $A
changetype: modify
replace: entryUUID
entryUUID: 3f1c2e4a-0000-4000-8000-000000000001
EOF
one_of "$rc" "19 53" "modify: entryUUID (NO-USER-MODIFICATION) is refused"
mod_rc <<EOF
dn: $A
changetype: modify
replace: modifyTimestamp
modifyTimestamp: 20000101000000Z
EOF
one_of "$rc" "19 53" "modify: modifyTimestamp is refused"
mod_rc <<EOF
dn: $A
changetype: modify
delete: createTimestamp
EOF
one_of "$rc" "19 53" "modify: deleting createTimestamp is refused"
mod_rc <<EOF
dn: $A
changetype: modify
increment: sn
sn: 1
EOF
one_of "$rc" "19 21 53 18" "modify: increment of a non-integer attribute is refused"
add_rc <<EOF
dn: cn=ext,$W
objectClass: device
objectClass: extensibleObject
cn: ext
EOF
mod_rc <<EOF
dn: cn=ext,$W
changetype: modify
increment: uidNumber
uidNumber: 1
EOF
check 16 "$rc" "modify: increment of an absent attribute gives noSuchAttribute"
mod_rc <<EOF
dn: uid=nobody,$W
changetype: modify
replace: sn
sn: x
EOF
check 32 "$rc" "modify: missing entry gives noSuchObject"
mod_rc <<EOF
dn: $A
changetype: modify
replace: telephoneNumber
telephoneNumber: +86 512 0000 0002
telephoneNumber: +86-512-0000-0002
EOF
check 20 "$rc" "modify: values equal under telephoneNumberMatch are duplicates"
run ldapmodify -Y EXTERNAL -H "$LDAPI" <<EOF
dn: $A
changetype: modify
replace: description
description: via ldapi
EOF
check "0 via ldapi|" "$rc $(get "$A" description)" "modify: root over ldapi with SASL EXTERNAL"
bail_if_dead

# ================================================================ modrdn
add_rc <<EOF
dn: uid=carol,$W
objectClass: inetOrgPerson
uid: carol
cn: Carol
sn: C
EOF
uuid=$(get "uid=carol,$W" entryUUID)
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "uid=carol,$W" "uid=carol2"
check 0 "$rc" "modrdn: new RDN, old RDN kept"
check "carol|carol2|" "$(get "uid=carol2,$W" uid)" "modrdn: without deleteoldrdn both values are present"
check NOENTRY "$(get "uid=carol,$W" uid)" "modrdn: the old DN is gone"
check "$uuid" "$(get "uid=carol2,$W" entryUUID)" "modrdn: entryUUID preserved"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "uid=carol2,$W" "uid=carol3"
check 0 "$rc" "modrdn: new RDN with deleteoldrdn"
check "carol|carol3|" "$(get "uid=carol3,$W" uid)" "modrdn: deleteoldrdn removed the old RDN value only"
s=$(asearch -b "$W" "(uid=carol2)" 1.1 2>&1)
check_not_contains "$s" "dn:" "modrdn: the index no longer finds the removed value"
s=$(asearch -b "$W" "(uid=carol3)" 1.1 2>&1)
check_contains "$s" "dn: uid=carol3,$W" "modrdn: the index finds the new value"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "uid=carol3,$W" "cn=Carol"
check "0 carol|" "$rc $(get "cn=Carol,$W" uid)" "modrdn: RDN to another attribute type (cn), old uid value removed"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "cn=Carol,$W" "uid=alice"
check 68 "$rc" "modrdn: target DN exists gives entryAlreadyExists"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "uid=nobody,$W" "uid=nobody2"
check 32 "$rc" "modrdn: missing entry gives noSuchObject"
add_rc <<EOF
dn: uid=acct,$W
objectClass: account
uid: acct
EOF
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "uid=acct,$W" "cn=acct"
check 65 "$rc" "modrdn: new RDN attribute not allowed by the object classes gives objectClassViolation"
check "acct|" "$(get "uid=acct,$W" uid)" "modrdn: refused rename leaves the entry"

# subtree move with newSuperior
add_rc <<EOF
dn: ou=dept,$W
objectClass: organizationalUnit
ou: dept

dn: ou=team,ou=dept,$W
objectClass: organizationalUnit
ou: team

dn: uid=dave,ou=team,ou=dept,$W
objectClass: inetOrgPerson
uid: dave
cn: Dave
sn: D

dn: ou=target,$W
objectClass: organizationalUnit
ou: target
EOF
check 0 "$rc" "modrdn: 3-level subtree added"
duuid=$(get "uid=dave,ou=team,ou=dept,$W" entryUUID)
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s "ou=team,ou=dept,$W" "ou=dept,$W" "ou=dept"
check 53 "$rc" "modrdn: moving an entry below its own child gives unwillingToPerform"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s "ou=dept,$W" "ou=dept,$W" "ou=dept"
one_of "$rc" "53 68" "modrdn: moving an entry below itself is refused"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s "ou=nope,$W" "ou=dept,$W" "ou=dept"
check 32 "$rc" "modrdn: missing newSuperior gives noSuchObject"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s "ou=target,$W" "ou=dept,$W" "ou=dept"
check 0 "$rc" "modrdn: move a 3-level subtree with newSuperior"
N="ou=dept,ou=target,$W"
s=$(asearch -b "$N" "(objectClass=*)" 1.1 2>&1)
check "3" "$(printf '%s\n' "$s" | grep -c '^dn:')" "modrdn: the 3 entries are found under the new DN"
check_contains "$s" "dn: uid=dave,ou=team,$N" "modrdn: the grandchild has its new DN"
check NOENTRY "$(get "ou=dept,$W" ou)" "modrdn: the old subtree root is gone"
check NOENTRY "$(get "uid=dave,ou=team,ou=dept,$W" uid)" "modrdn: the old grandchild DN is gone"
s=$(asearch -b "$W" "(uid=dave)" 1.1 2>&1)
check "dn: uid=dave,ou=team,$N" "$(printf '%s\n' "$s" | grep '^dn:')" "modrdn: a filter search finds the grandchild at its new DN only"
s=$(asearch -b "ou=team,$N" -s one "(objectClass=*)" 1.1 2>&1)
check_contains "$s" "dn: uid=dave,ou=team,$N" "modrdn: one-level search below the moved child"
check "$duuid" "$(get "uid=dave,ou=team,$N" entryUUID)" "modrdn: entryUUID of a moved descendant preserved"
check "TRUE|" "$(get "ou=target,$W" hasSubordinates)" "modrdn: new parent hasSubordinates TRUE"
run ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "$N" "ou=dept2"
check 0 "$rc" "modrdn: rename a non-leaf in place"
check "Dave|" "$(get "uid=dave,ou=team,ou=dept2,ou=target,$W" cn)" "modrdn: descendants follow an in-place rename"
run adelete "uid=dave,ou=team,ou=dept2,ou=target,$W"
check 0 "$rc" "modrdn: the moved grandchild can be deleted at its new DN"
bail_if_dead

# ================================================================ compare
cmp() { out=$(ldapcompare -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "$@" 2>&1); rc=$?; }
cmp "$A" "cn:Alice Smith"
check "6" "$rc" "compare: TRUE (6)"
check_contains "$out" "TRUE" "compare: ldapcompare prints TRUE"
cmp "$A" "cn:alice SMITH"
check 6 "$rc" "compare: uses the equality rule (caseIgnore)"
cmp "$A" "cn:Bob"
check 5 "$rc" "compare: FALSE (5)"
cmp "$A" "uidNumber:4996"
check 6 "$rc" "compare: integer TRUE"
cmp "$A" "fooAttr:x"
check 17 "$rc" "compare: undefined attribute type (17)"
cmp "uid=nobody,$W" "cn:x"
check 32 "$rc" "compare: missing entry (32)"
add_rc <<EOF
dn: cn=grp,$W
objectClass: groupOfNames
cn: grp
member: uid=alice,$W
EOF
cmp "cn=grp,$W" "member:UID=Alice, OU=W,DC=example,DC=gov,DC=cn"
check 6 "$rc" "compare: member compared as a normalised DN"
bail_if_dead

# ================================================================ access
run ldapadd -x -H "$URI" <<EOF
dn: cn=anon,$W
objectClass: device
cn: anon
EOF
check 50 "$rc" "access: anonymous add gives insufficientAccessRights"
run ldapmodify -x -H "$URI" <<EOF
dn: $A
changetype: modify
replace: sn
sn: anon
EOF
one_of "$rc" "50 32" "access: anonymous modify is refused (insufficientAccessRights, or noSuchObject to hide the entry)"
run ldapdelete -x -H "$URI" "cn=ext,$W"
one_of "$rc" "50 32" "access: anonymous delete is refused (insufficientAccessRights, or noSuchObject to hide the entry)"
run ldapmodrdn -x -H "$URI" "cn=ext,$W" "cn=ext2"
one_of "$rc" "50 32" "access: anonymous modrdn is refused (insufficientAccessRights, or noSuchObject to hide the entry)"
UA=(-x -H "$URI" -D "$A" -w Wonder-Land-7)
run ldapadd "${UA[@]}" <<EOF
dn: cn=user,$W
objectClass: device
cn: user
EOF
check 50 "$rc" "access: non-root add gives insufficientAccessRights"
run ldapmodify "${UA[@]}" <<EOF
dn: cn=ext,$W
changetype: modify
replace: description
description: by alice
EOF
check 50 "$rc" "access: non-root modify of another entry gives insufficientAccessRights"
run ldapdelete "${UA[@]}" "cn=ext,$W"
check 50 "$rc" "access: non-root delete gives insufficientAccessRights"
run ldapmodrdn "${UA[@]}" "cn=ext,$W" "cn=ext2"
check 50 "$rc" "access: non-root modrdn gives insufficientAccessRights"
run ldapmodify "${UA[@]}" <<EOF
dn: $A
changetype: modify
replace: uidNumber
uidNumber: 0
EOF
check 50 "$rc" "access: a user cannot change their own uidNumber"
check "ext|" "$(get "cn=ext,$W" cn)" "access: refused delete/modrdn left cn=ext in place"
check "" "$(get "cn=ext,$W" description)" "access: refused modify changed nothing"
exists "cn=user,$W" && fail "access: refused add created nothing" || ok "access: refused add created nothing"
check "4996|" "$(get "$A" uidNumber)" "access: uidNumber unchanged"
bail_if_dead

# ================================================================ stored password
stop_ok "SIGTERM stops the server with status 0"
exp=$("$DIRSRV" -f "$CONF" export 2>"$T/export.err"); erc=$?
exp=$(printf '%s\n' "$exp" | awk 'NR > 1 && /^ / { buf = buf substr($0, 2); next }
	{ if (NR > 1) print buf; buf = $0 } END { print buf }')
check 0 "$erc" "export after stop succeeds ($(head -c 200 "$T/export.err" | tr '\n' ' '))"
pw=$(printf '%s\n' "$exp" | awk -v dn="dn: $A" '
	/^dn:/ { cur = $0 }
	cur == dn && /^userPassword:: / { sub(/^userPassword:: /, ""); print "b64 " $0 }
	cur == dn && /^userPassword: / { sub(/^userPassword: /, ""); print "raw " $0 }')
case "$pw" in
b64\ *) pw=$(printf '%s' "${pw#b64 }" | base64 -d 2>/dev/null) ;;
raw\ *) pw=${pw#raw } ;;
esac
case "$pw" in
'{CRYPT}$y$'*) ok "cleartext userPassword is stored as a {CRYPT} yescrypt hash" ;;
*) fail "cleartext userPassword is stored as a {CRYPT} yescrypt hash (got '$pw')" ;;
esac
check_not_contains "$exp" "Wonder-Land-7" "the cleartext password is nowhere in the export"
done_testing

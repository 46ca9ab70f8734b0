#!/bin/bash
# Search operation: every filter type, matching rules, scopes, limits,
# attribute lists, operational attributes, paged results, controls, the
# root DSE and cn=Subschema, errors, and the filters SSSD and nslcd send
# (contract sections 3, 4 and 4b; issue 2).
. "$(dirname "$0")/../lib.sh"


DEMO="$TOP/etc/demo/demo.ldif"
P="ou=people,$BASE"
TD="ou=testdata,$BASE"

srv_config "default_gid: 20000"
srv_import "$DEMO"
check 0 $? "demo directory imports"
srv_run || { fail "server starts"; done_testing; exit 1; }
ok "server starts on the imported demo directory"

# s ARGS...: admin search; sets $out and $rc
s() { out=$(asearch "$@" 2>&1); rc=$?; }
# names: first RDN values of the returned entries, sorted, space-separated
names() {
	printf '%s\n' "$out" | sed -n 's/^dn: [^=]*=\([^,]*\),.*/\1/p' |
	    LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
ndn() { printf '%s\n' "$out" | grep -c '^dn:'; }
# q EXPECTED-NAMES FILTER DESCRIPTION: sub search below $TD
q() {
	s -b "$TD" "$2" 1.1
	if [ "$rc" -ne 0 ]; then
		fail "$3: result $rc (${out//$'\n'/ })"
		return
	fi
	check "$1" "$(names)" "$3"
}

# ---------------------------------------------------------------- data
aadd > "$T/add.out" 2>&1 <<EOF
dn: $TD
objectClass: organizationalUnit
ou: testdata

dn: uid=alice,$TD
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: unifiedIdPerson
objectClass: ldapPublicKey
uid: alice
cn: Alice Smith
sn: Smith
description: first test person
telephoneNumber: +86 512-1234 5678
labeledURI: http://Example.com/Alice
mail: alice@example.com
uidNumber: 999
gidNumber: 100
homeDirectory: /home/alice
idValidFrom: 20200101000000Z
sshPublicKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@host
userPassword: Wonder-Land-7

dn: uid=bob,$TD
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: unifiedIdPerson
uid: bob
cn: Bob Jones
sn: Jones
uidNumber: 1000
gidNumber: 100
homeDirectory: /home/bob
idValidFrom: 20240601120000Z
telephoneNumber: 0512-6668 0236

dn: uid=carol,$TD
objectClass: inetOrgPerson
objectClass: posixAccount
uid: carol
cn: Carol White
sn: White
uidNumber: 20
gidNumber: 100
homeDirectory: /home/carol

dn: cn=grp1,$TD
objectClass: groupOfNames
cn: grp1
member: uid=alice,$TD
member: uid=carol,$TD

dn: ou=many,$TD
objectClass: organizationalUnit
ou: many
EOF
check 0 $? "test entries added"
for i in $(seq -w 1 25); do
	printf 'dn: cn=m%s,ou=many,%s\nobjectClass: device\ncn: m%s\n\n' \
	    "$i" "$TD" "$i"
done | aadd > "$T/add2.out" 2>&1
check 0 $? "25 entries for paging added"
ALL="alice bob carol grp1 m01 m02 m03 m04 m05 m06 m07 m08 m09 m10 m11 m12 m13 m14 m15 m16 m17 m18 m19 m20 m21 m22 m23 m24 m25 many testdata"

bail_if_dead
# ---------------------------------------------------------------- filters
q "alice" "(uid=alice)" "equality"
q "alice" "(cn=ALICE SMITH)" "caseIgnore equality ignores case"
q "alice" "(cn=  alice   smith )" "caseIgnore equality ignores insignificant spaces"
q "alice" "(cn=ali*)" "substring initial"
q "alice" "(cn=*CE SM*)" "substring any"
q "alice" "(cn=*SMITH)" "substring final"
q "alice" "(cn=a*e*m*h)" "substring initial+any+final"
q "" "(cn=*xyz*)" "substring without match"
q "bob" "(uidNumber>=1000)" "integer >= is numeric (999 and 20 are below 1000)"
q "alice carol" "(uidNumber<=999)" "integer <= is numeric"
q "alice" "(uidNumber=999)" "integer equality"
q "alice" "(labeledURI=*)" "presence"
q "alice bob carol" "(uidNumber=*)" "presence on several entries"
q "alice" "(cn~=alice smith)" "approx matches at least like equality"
q "alice" "(labeledURI=http://Example.com/Alice)" "caseExact equality, same case"
q "" "(labeledURI=http://example.com/alice)" "caseExact equality, other case does not match"
q "alice" "(cn:caseExactMatch:=Alice Smith)" "extensible with a matching rule name"
q "" "(cn:caseExactMatch:=alice smith)" "extensible caseExactMatch honours case"
q "alice" "(cn:2.5.13.5:=Alice Smith)" "extensible with a matching rule OID (caseExactMatch)"
q "alice" "(uidNumber:2.5.13.14:=999)" "extensible integerMatch by OID"
q "alice" "(cn:=alice smith)" "extensible without a rule uses the equality rule"
q "m01 m02 m03 m04 m05 m06 m07 m08 m09 m10 m11 m12 m13 m14 m15 m16 m17 m18 m19 m20 m21 m22 m23 m24 m25 many" \
    "(ou:dn:=many)" "extensible :dn: matches DN attribute values"
q "m01 m02 m03 m04 m05 m06 m07 m08 m09 m10 m11 m12 m13 m14 m15 m16 m17 m18 m19 m20 m21 m22 m23 m24 m25 many" \
    "(ou:dn:caseIgnoreMatch:=MANY)" "extensible :dn: with a rule name"
q "m07" "(&(objectClass=device)(cn:dn:2.5.13.2:=M07))" "extensible :dn: with a rule OID and no type in AND"
q "" "(cn:1.2.3.4.5:=x)" "extensible with an unknown matching rule is Undefined"
q "alice" "(&(objectClass=posixAccount)(|(uid=alice)(uid=bob))(!(uid=bob)))" "AND/OR/NOT"
q "bob carol" "(&(uidNumber=*)(!(|(cn=alice*)(&(sn=x)(sn=y)))))" "nested AND/OR/NOT"
q "$ALL" "(&)" "absolute true (&)"
q "" "(|)" "absolute false (|)"
q "alice" "(!(!(uid=alice)))" "double NOT"

# distinguishedName matching
q "grp1" "(member=UID=ALICE,OU=TestData,DC=example,DC=gov,DC=cn)" \
    "member equality normalises the DN (case)"
q "grp1" "(member=uid=carol , ou=testdata,  dc=example,dc=gov,dc=cn)" \
    "member equality normalises the DN (spaces)"
q "" "(member=uid=bob,$TD)" "member equality without match"
# octetString
q "alice" "(sshPublicKey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@host)" \
    "octetString equality"
q "" "(sshPublicKey=SSH-ED25519 AAAAC3NzaC1lZDI1NTE5AAAAIAlice alice@host)" \
    "octetString equality is exact"
# generalizedTime
q "bob" "(idValidFrom>=20230101000000Z)" "generalizedTime >="
q "alice" "(idValidFrom<=20230101000000Z)" "generalizedTime <="
q "alice" "(idValidFrom=20200101080000+0800)" "generalizedTime equality across time zones"
q "alice bob" "(idValidFrom>=20191231235959.5Z)" "generalizedTime with a fraction"
q "$ALL" "(createTimestamp>=20000101000000Z)" "createTimestamp >= a past time"
q "" "(createTimestamp>=20990101000000Z)" "createTimestamp >= a future time"
q "" "(createTimestamp<=20000101000000Z)" "createTimestamp <= a past time"
# telephoneNumber
q "alice" "(telephoneNumber=+8651212345678)" "telephoneNumber ignores spaces and hyphens"
q "alice" "(telephoneNumber=+86-512-12345678)" "telephoneNumber assertion with hyphens"
q "bob" "(telephoneNumber=051266680236)" "telephoneNumber 0512-6668 0236"
q "alice" "(telephoneNumber=*1234 5*)" "telephoneNumber substring ignores spaces"
# unknown attributes are Undefined
q "" "(fooAttr=x)" "unknown attribute: no match, no error"
q "" "(!(fooAttr=x))" "NOT of an unknown attribute is still no match"
q "alice" "(|(fooAttr=x)(uid=alice))" "OR with an unknown attribute"
q "" "(&(fooAttr=*)(uid=alice))" "AND with an unknown attribute"
q "" "(fooAttr>=1)" "ordering on an unknown attribute"
q "" "(fooAttr=*x*)" "substring on an unknown attribute"
q "" "(uidNumber=abc)" "equality with an invalid integer assertion"
q "" "(!(uidNumber=abc))" "NOT of an invalid assertion is still no match"
q "" "(sn>=a)" "ordering on a type without ORDERING rule is Undefined"

# Chinese values (demo data)
s -b "$BASE" "(cn=张伟)" 1.1
check "0 uid=zhangwei,$P" "$rc $(printf '%s\n' "$out" | sed -n 's/^dn: //p')" \
    "(cn=张伟) finds zhangwei"
want=$(awk '/^dn:/{seen=0} /^cn: .*伟/ && !seen {n++; seen=1} END{print n+0}' "$DEMO")
s -b "$BASE" "(cn=*伟*)" 1.1
check "0 $want" "$rc $(ndn)" "(cn=*伟*) finds every cn containing 伟"
s -b "$BASE" "(ou=财政局)" 1.1
check "0 1" "$rc $(ndn)" "(ou=财政局) finds one organisation"

bail_if_dead
# ---------------------------------------------------------------- scopes
s -b "$TD" -s base "(objectClass=*)" 1.1
check "0 testdata" "$rc $(names)" "scope base"
s -b "$TD" -s one "(objectClass=*)" 1.1
check "0 alice bob carol grp1 many" "$rc $(names)" "scope one"
s -b "$TD" -s sub "(objectClass=*)" 1.1
check "0 31" "$rc $(ndn)" "scope sub includes the base"
s -b "$TD" -s children "(objectClass=*)" 1.1
check "0 30" "$rc $(ndn)" "scope children (subordinate) excludes the base"
s -b "uid=alice,$TD" -s one "(objectClass=*)" 1.1
check "0 0" "$rc $(ndn)" "scope one below a leaf"
s -b "$TD" -s base "(uid=alice)" 1.1
check "0 0" "$rc $(ndn)" "scope base with a non-matching filter"

bail_if_dead
# ---------------------------------------------------------------- limits
s -b "ou=many,$TD" -z 5 "(objectClass=device)" 1.1
check "4 5" "$rc $(ndn)" "size limit 5: sizeLimitExceeded and exactly 5 entries"
s -b "ou=many,$TD" -z 25 "(objectClass=device)" 1.1
check "0 25" "$rc $(ndn)" "size limit equal to the result count is not exceeded"
s -b "ou=many,$TD" -z 1 -s base "(objectClass=*)" 1.1
check "0 1" "$rc $(ndn)" "size limit 1 with one result"
s -b "ou=many,$TD" -l 5 "(objectClass=device)" 1.1
check "0 25" "$rc $(ndn)" "time limit 5 s on a fast search"
out=$(ldapsearch -x -H "$URI" -LLL -D "uid=zhangwei,$P" -w 'Demo@2024pass' \
    -b "$P" -s one -z 3 "(objectClass=inetOrgPerson)" 1.1 2>&1); rc=$?
check "4 3" "$rc $(ndn)" "size limit also applies to a person's search of the address book"
out=$(lsearch -b "$BASE" "(objectClass=*)" 1.1 2>&1); rc=$?
case "$rc" in
0|32) check 0 "$(ndn)" "anonymous sees no directory entries (default access control)" ;;
*) fail "anonymous search of the directory: result 0 or 32 (got $rc)" ;;
esac

bail_if_dead
# ---------------------------------------------------------------- attributes
A_DN="uid=alice,$TD"
s -b "$A_DN" -s base
check_contains "$out" "cn: Alice Smith" "no attribute list: user attributes"
check_not_contains "$out" "entryUUID" "no attribute list: no operational attributes"
s -b "$A_DN" -s base '*'
check_contains "$out" "mail: alice@example.com" "'*': user attributes"
check_not_contains "$out" "createTimestamp" "'*': no operational attributes"
s -b "$A_DN" -s base '+'
check_contains "$out" "entryUUID: " "'+': operational attributes"
check_not_contains "$out" "cn: " "'+': no user attributes"
s -b "$A_DN" -s base '*' '+'
check_contains "$out" "cn: Alice Smith" "'* +': user attributes"
check_contains "$out" "modifyTimestamp: " "'* +': operational attributes"
s -b "$A_DN" -s base 1.1
check "0 dn: $A_DN" "$rc $(printf '%s' "$out" | sed '/^$/d')" "'1.1': DN only"
s -b "$A_DN" -s base cn uid
check "0 cn: Alice Smith|uid: alice|" \
    "$rc $(printf '%s\n' "$out" | grep -v '^dn:' | sed '/^$/d' | sort | tr '\n' '|')" \
    "specific attributes only"
s -b "$A_DN" -s base CN cn sN
check "0 cn: Alice Smith|sn: Smith|" \
    "$rc $(printf '%s\n' "$out" | grep -v '^dn:' | sed '/^$/d' | sort | tr '\n' '|')" \
    "attribute names are case-insensitive, repeated names are returned once"
s -b "$A_DN" -s base fooAttr 'userCertificate;binary' uid krbPrincipalName nsAccountLock
check "0 uid: alice|" \
    "$rc $(printf '%s\n' "$out" | grep -v '^dn:' | sed '/^$/d' | sort | tr '\n' '|')" \
    "unknown names and ;binary options are ignored"
s -b "$A_DN" -s base 1.1 uid
check_contains "$rc $out" "uid: alice" "'1.1' with other names returns those names"
s -b "$A_DN" -s base -A cn sn
check "0 cn:|sn:|" \
    "$rc $(printf '%s\n' "$out" | grep -v '^dn:' | sed '/^$/d' | sort | tr '\n' '|')" \
    "typesOnly returns types without values"
s -b "$A_DN" -s base userPassword
check_not_contains "$out" "serPassword" "userPassword not returned when asked by name"
s -b "$A_DN" -s base '*' '+'
check_not_contains "$out" "serPassword" "userPassword not returned with '* +'"
s -b "$TD" "(userPassword=*)" userPassword
check_not_contains "$out" "serPassword:" "userPassword not returned by a presence search"

# operational attributes
s -b "$A_DN" -s base '+'
check_contains "$out" "structuralObjectClass: inetOrgPerson" "structuralObjectClass"
uuid=$(printf '%s\n' "$out" | sed -n 's/^entryUUID: //p')
if printf '%s' "$uuid" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'; then
	ok "entryUUID has the RFC 4122 form"
else
	fail "entryUUID has the RFC 4122 form (got '$uuid')"
fi
ts=$(printf '%s\n' "$out" | sed -n 's/^createTimestamp: //p')
if printf '%s' "$ts" | grep -Eq '^20[0-9]{12}Z$'; then
	ok "createTimestamp is a GeneralizedTime in UTC"
else
	fail "createTimestamp is a GeneralizedTime in UTC (got '$ts')"
fi
check_contains "$out" "modifyTimestamp: $ts" "modifyTimestamp equals createTimestamp after add"
check_contains "$out" "creatorsName: $ADMIN_DN" "creatorsName"
check_contains "$out" "modifiersName: $ADMIN_DN" "modifiersName"
check_contains "$out" "hasSubordinates: FALSE" "hasSubordinates FALSE on a leaf"
check_contains "$out" "subschemaSubentry: cn=Subschema" "subschemaSubentry"
s -b "$TD" -s base hasSubordinates
check_contains "$out" "hasSubordinates: TRUE" "hasSubordinates TRUE on a parent"
s -b "$A_DN" -s base entryUUID
check "0 entryUUID: $uuid|" \
    "$rc $(printf '%s\n' "$out" | grep -v '^dn:' | sed '/^$/d' | tr '\n' '|')" \
    "an operational attribute by name"
s -b "$TD" "(entryUUID=$uuid)" 1.1
check "0 alice" "$rc $(names)" "search by entryUUID"
s -b "$TD" "(hasSubordinates=TRUE)" 1.1
check "0 many testdata" "$rc $(names)" "filter on hasSubordinates"
s -b "$TD" "(structuralObjectClass=groupOfNames)" 1.1
check "0 grp1" "$rc $(names)" "filter on structuralObjectClass"

bail_if_dead
# ---------------------------------------------------------------- paging
out=$(ldapsearch -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -o ldif-wrap=no \
    -b "ou=many,$TD" -E pr=5/noprompt "(objectClass=device)" 1.1 2>&1); rc=$?
check 0 "$rc" "paged search succeeds"
check 25 "$(printf '%s\n' "$out" | grep '^dn:' | sort -u | wc -l)" "paged search returns all 25 entries"
check 25 "$(ndn)" "paged search returns each entry once"
pages=$(printf '%s\n' "$out" | grep -c '^pagedresults: cookie=')
if [ "$pages" -ge 5 ]; then
	ok "paged search with size 5 over 25 entries uses at least 5 pages ($pages)"
else
	fail "paged search with size 5 over 25 entries uses at least 5 pages ($pages)"
fi
out=$(ldapsearch -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -LLL -o ldif-wrap=no \
    -b "$TD" -E '!pr=7/noprompt' "(objectClass=*)" 1.1 2>&1); rc=$?
check "0 31" "$rc $(printf '%s\n' "$out" | grep '^dn:' | sort -u | wc -l)" \
    "critical paged results over 31 entries returns all"

bail_if_dead
# ---------------------------------------------------------------- controls
s -b "$TD" -s base -e '!1.2.3.4' "(objectClass=*)" 1.1
check 12 "$rc" "unknown critical control: unavailableCriticalExtension"
check_not_contains "$out" "dn: $TD" "unknown critical control: no entry returned"
s -b "$TD" -s base -e '1.2.3.4' "(objectClass=*)" 1.1
check "0 testdata" "$rc $(names)" "unknown non-critical control is ignored"
s -b "$TD" -s base -M "(objectClass=*)" 1.1
check "0 testdata" "$rc $(names)" "ManageDsaIT is accepted"
s -b "$TD" -s one -E 'deref=member:uid' "(cn=grp1)" cn
check "0 grp1" "$rc $(names)" "non-critical dereference control (nslcd) is ignored or honoured"

bail_if_dead
# ---------------------------------------------------------------- root DSE
out=$(lsearch -b "" -s base '+' 2>&1); rc=$?
check 0 "$rc" "root DSE read anonymously"
check_contains "$out" "namingContexts: $BASE" "root DSE namingContexts"
check_contains "$out" "supportedControl: 1.2.840.113556.1.4.319" "root DSE lists paged results"
check_contains "$out" "supportedExtension: 1.3.6.1.4.1.4203.1.11.3" "root DSE lists Who am I?"
check_contains "$out" "supportedExtension: 1.3.6.1.4.1.4203.1.11.1" "root DSE lists Password Modify"
check_contains "$out" "supportedLDAPVersion: 3" "root DSE supportedLDAPVersion"
check_contains "$out" "subschemaSubentry: cn=Subschema" "root DSE subschemaSubentry"
out=$(lsearch -b "" -s base 2>&1)
check_not_contains "$out" "namingContexts" "root DSE without '+' hides operational attributes"
out=$(lsearch -b "" -s base '*' altServer namingContexts supportedControl \
    supportedExtension supportedFeatures supportedLDAPVersion \
    supportedSASLMechanisms defaultNamingContext lastUSN highestCommittedUSN 2>&1); rc=$?
check_contains "$rc $out" "namingContexts: $BASE" "root DSE read as SSSD does (* plus AD names)"
out=$(lsearch -b "" -s base "(objectClass=*)" namingContexts 2>&1)
check_contains "$out" "namingContexts: $BASE" "root DSE by name"

bail_if_dead
# ---------------------------------------------------------------- subschema
out=$(lsearch -b cn=Subschema -s base '(objectClass=subschema)' \
    attributeTypes objectClasses ldapSyntaxes matchingRules 2>&1); rc=$?
check 0 "$rc" "cn=Subschema read anonymously"
for a in attributeTypes objectClasses ldapSyntaxes matchingRules; do
	n=$(printf '%s\n' "$out" | grep -c "^$a: ")
	if [ "$n" -gt 5 ]; then ok "cn=Subschema has $a ($n)"; else fail "cn=Subschema has $a ($n)"; fi
done
pa=$(printf '%s\n' "$out" | grep "^objectClasses: .*NAME 'posixAccount'")
check_contains "$pa" "AUXILIARY" "posixAccount is AUXILIARY (RFC 2307bis)"
check_contains "$(printf '%s\n' "$out" | grep "^objectClasses: .*NAME 'posixGroup'")" \
    "AUXILIARY" "posixGroup is AUXILIARY"
check_contains "$(printf '%s\n' "$out" | grep "^attributeTypes: .*NAME 'uidNumber'")" \
    "integerMatch" "uidNumber has integerMatch"
check_contains "$out" "NAME 'unifiedIdPerson'" "our own object classes are published"
out=$(lsearch -b cn=subschema -s base '+' 2>&1)
check_contains "$out" "objectClasses: " "cn=subschema (lower case) with '+'"
out=$(lsearch -b cn=Subschema -s base 2>&1)
check_not_contains "$out" "attributeTypes:" "cn=Subschema without a list hides the definitions"

bail_if_dead
# ---------------------------------------------------------------- errors
s -b "uid=nobody,$TD" "(objectClass=*)"
check 32 "$rc" "missing base: noSuchObject"
check_contains "$out" "Matched DN: $TD" "missing base: matchedDN is the closest ancestor"
s -b "uid=x,ou=nope,ou=nope2,$TD"
check_contains "$rc $out" "Matched DN: $TD" "missing base two levels deep: matchedDN"
s -b "dc=other,dc=com" "(objectClass=*)"
check 32 "$rc" "base outside the suffix: noSuchObject"
s -b "uid=alice,,ou=testdata" "(objectClass=*)"
check 34 "$rc" "malformed base DN: invalidDNSyntax"
s -b "notadn" "(objectClass=*)"
check 34 "$rc" "base without '=': invalidDNSyntax"
s -b "uid=alice,$TD" -s base "(objectClass=*)" 1.1
check 0 "$rc" "the server still answers after errors"

bail_if_dead
# ---------------------------------------------------------------- SSSD / nslcd
ZW="uid=zhangwei,$P"
SSSD_USER_ATTRS="objectClass uid userPassword uidNumber gidNumber gecos homeDirectory loginShell krbPrincipalName cn modifyTimestamp modifyTimestamp shadowLastChange shadowMin shadowMax shadowWarning shadowInactive shadowExpire shadowFlag krbLastPwdChange krbPasswordExpiration pwdAttribute authorizedService accountExpires userAccountControl nsAccountLock host rhost loginDisabled loginExpirationTime loginAllowedTimeMap sshPublicKey userCertificate;binary mail memberOf ipaUniqueID ipaNTSecurityIdentifier entryUUID"
# shellcheck disable=SC2086
s -b "$BASE" "(&(uid=zhangwei)(objectclass=posixAccount)(&(uidNumber=*)(!(uidNumber=0))))" $SSSD_USER_ATTRS
check "0 1" "$rc $(ndn)" "SSSD user lookup by name"
check_contains "$out" "uidNumber: 10001" "SSSD user lookup returns uidNumber"
check_contains "$out" "homeDirectory: /home/zhangwei" "SSSD user lookup returns homeDirectory"
check_not_contains "$out" "serPassword" "SSSD user lookup: no userPassword"
# shellcheck disable=SC2086
s -b "$BASE" "(&(uidNumber=10001)(objectclass=posixAccount)(&(uidNumber=*)(!(uidNumber=0))))" $SSSD_USER_ATTRS
check_contains "$rc $out" "dn: $ZW" "SSSD user lookup by uidNumber"
s -b "$BASE" -E pr=100/noprompt "(&(cn=sysadmins)(objectClass=posixGroup)(cn=*)(&(gidNumber=*)(!(gidNumber=0))))" \
    objectClass cn userPassword gidNumber member memberUid modifyTimestamp entryUSN
check_contains "$rc $out" "gidNumber: 21001" "SSSD group lookup (paged)"
check_contains "$out" "member: $ZW" "SSSD group lookup returns member"
check_contains "$out" "memberUid: zhangwei" "SSSD group lookup returns memberUid"
want=$(awk -v m="member: $ZW" '/^dn:/{dn=$0} $0==m{n++} END{print n+0}' "$DEMO")
s -b "$BASE" "(&(member=$ZW)(objectClass=posixGroup)(cn=*))" cn gidNumber
check "0 $want" "$rc $(ndn)" "SSSD RFC 2307bis initgroups by member DN ($want groups)"
s -b "$BASE" "(&(member=UID=ZhangWei,OU=People,DC=Example,DC=Gov,DC=CN)(objectClass=posixGroup)(cn=*))" cn
check "0 $want" "$rc $(ndn)" "initgroups with a differently spelt member DN"
wantu=$(awk '/^dn:/{dn=$0} /^memberUid: zhangwei$/{n++} END{print n+0}' "$DEMO")
s -b "$BASE" "(&(memberUid=zhangwei)(objectClass=posixGroup)(cn=*)(&(gidNumber=*)(!(gidNumber=0))))" cn
check "0 $wantu" "$rc $(ndn)" "SSSD RFC 2307 initgroups by memberUid"
wantg=$(grep -c '^objectClass: posixGroup$' "$DEMO")
out=$(ldapsearch -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -LLL -o ldif-wrap=no \
    -b "$BASE" -E pr=5/noprompt "(&(objectClass=posixGroup)(cn=*)(&(gidNumber=*)(!(gidNumber=0))))" \
    cn gidNumber 2>&1); rc=$?
check "0 $wantg" "$rc $(printf '%s\n' "$out" | grep '^dn:' | sort -u | wc -l)" \
    "SSSD group enumeration with paging finds all $wantg groups"
s -b "$BASE" "(&(objectClass=sudoRole)(|(!(sudoNotAfter=*))(sudoNotAfter>=20250101000000Z))(|(sudoHost=ALL)(sudoHost=host1)(sudoHost=+*)))" \
    objectClass cn sudoCommand sudoHost sudoUser sudoOption sudoRunAsUser sudoNotBefore sudoNotAfter sudoOrder entryUSN
check "0 0" "$rc $(ndn)" "SSSD sudo refresh filter (no rules in the demo)"
s -b "$BASE" "(&(objectClass=posixAccount)(uid=zhangwei))" uid uidNumber gidNumber gecos cn homeDirectory loginShell
check_contains "$rc $out" "dn: $ZW" "nslcd passwd lookup"
s -b "$BASE" -E 'deref=member:uid' "(&(objectClass=posixGroup)(cn=sysadmins))" cn userPassword memberUid gidNumber member
check_contains "$rc $out" "gidNumber: 21001" "nslcd group lookup with the dereference control"
s -b "$BASE" "(&(objectClass=posixGroup)(|(memberUid=zhangwei)(member=$ZW)))" cn gidNumber
check "0 $want" "$rc $(ndn)" "nslcd initgroups (memberUid or member)"
s -b "$BASE" "(&(objectClass=shadowAccount)(uid=zhangwei))" shadowLastChange shadowMax
check "0 0" "$rc $(ndn)" "nslcd shadow lookup (no shadowAccount in the demo)"
out=$(ldapsearch -x -H "$URI" -LLL -o ldif-wrap=no -e ppolicy -D "$ZW" -w 'Demo@2024pass' \
    -b "$ZW" -s base "(objectClass=*)" uid 2>&1); rc=$?
check_contains "$rc $out" "uid: zhangwei" "nslcd PAM: bind as the person with ppolicy, read own entry"

srv_alive_or_dump
stop_ok "SIGTERM stops the server with status 0"
done_testing

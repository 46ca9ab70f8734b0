#!/bin/bash
# Transfers and concurrent posts (R9, R10, workflows.md "Posts and
# transfers"), through plain ldapadd/ldapmodify/ldapdelete as the person,
# the target organisation's administrator and another administrator.
. "$(dirname "$0")/../lib.sh"
srv_config "default_gid: 20000" "notify:" "  outbox: $T/outbox.jsonl"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
P="ou=people,$BASE"
PW='Demo@2024pass'
ME="uid=wuxiuying,$P"
SCI="orgCode=sci,orgCode=sip,ou=orgs,$BASE"
EMPLOY="orgCode=employ,orgCode=hrss,orgCode=sip,ou=orgs,$BASE"
as() {	# as UID ldapmodify|ldapadd|ldapdelete args... ; prints rc
	local who=$1 tool=$2; shift 2
	$tool -x -H "$URI" -D "uid=$who,$P" -w "$PW" "$@" >"$T/out" 2>&1
	echo $?
}
attr() { asearch -b "$1" -s base "$2" | sed -n "s/^$2: //p"; }

# a concurrent post (keep the origin)
rc=$(as wuxiuying ldapadd <<EOF
dn: orgCode=sci,$ME
objectClass: unifiedIdPost
orgCode: sci
postOrg: $SCI
keepOrigin: TRUE
EOF
); check 0 "$rc" "a person asks for a concurrent post in another organisation"
check transfer-pending "$(attr "orgCode=sci,$ME" postStatus)" "the request is transfer-pending"
out=$(asearch -b "$SCI" -s base memberUid); check_not_contains "$out" "wuxiuying" "a pending request grants no membership"
rc=$(as wuxiuying ldapmodify <<EOF
dn: orgCode=sci,$ME
changetype: modify
replace: postStatus
postStatus: active
EOF
); check 50 "$rc" "the person cannot approve their own request"
rc=$(as huwenbo ldapmodify <<EOF
dn: orgCode=sci,$ME
changetype: modify
replace: postStatus
postStatus: active
EOF
); check 50 "$rc" "another organisation's administrator cannot approve"
rc=$(as zhuhong ldapmodify <<EOF
dn: orgCode=sci,$ME
changetype: modify
replace: postStatus
postStatus: active
EOF
); check 0 "$rc" "the target organisation's administrator approves"
check 1 "$(attr "orgCode=sci,$ME" postRank)" "the concurrent post ranks after the primary"
check 20006 "$(attr "$ME" gidNumber)" "the primary organisation still gives the gidNumber"
out=$(asearch -b "ou=orgs,$BASE" "(memberUid=wuxiuying)" cn); check_contains "$out" "cn: sci" "member of the new organisation"
check_contains "$out" "cn: employ" "and still of the old one"
grep -q '"kind":"transfer-approved"' "$T/outbox.jsonl" && ok "the person is notified" || fail "the person is notified"

# leaving: only a concurrent post, approved by that organisation
rc=$(as wuxiuying ldapmodify <<EOF
dn: orgCode=employ,$ME
changetype: modify
replace: postStatus
postStatus: leave-pending
EOF
); check 53 "$rc" "the primary post cannot be left"
rc=$(as wuxiuying ldapmodify <<EOF
dn: orgCode=sci,$ME
changetype: modify
replace: postStatus
postStatus: leave-pending
EOF
); check 0 "$rc" "the person asks to leave the concurrent post"
rc=$(as wuxiuying ldapdelete "orgCode=sci,$ME"); check 50 "$rc" "the person cannot delete a post"
rc=$(as zhuhong ldapdelete "orgCode=sci,$ME"); check 0 "$rc" "the organisation's administrator approves the leave"
out=$(asearch -b "$SCI" -s base memberUid); check_not_contains "$out" "wuxiuying" "membership gone"

# a move (do not keep the origin): the new post takes the primary rank
rc=$(as wuxiuying ldapadd <<EOF
dn: orgCode=sci,$ME
objectClass: unifiedIdPost
orgCode: sci
postOrg: $SCI
keepOrigin: FALSE
EOF
); check 19 "$rc" "a move must name the post it leaves"
rc=$(as wuxiuying ldapadd <<EOF
dn: orgCode=sci,$ME
objectClass: unifiedIdPost
orgCode: sci
postOrg: $SCI
keepOrigin: FALSE
transferFrom: orgCode=employ,$ME
EOF
); check 0 "$rc" "a person asks to move"
rc=$(as zhuhong ldapmodify <<EOF
dn: orgCode=sci,$ME
changetype: modify
replace: postStatus
postStatus: active
EOF
); check 0 "$rc" "the move is approved"
out=$(asearch -b "$ME" -s one "(objectClass=unifiedIdPost)" orgCode postRank)
check_not_contains "$out" "orgCode: employ" "the origin post is gone"
check 0 "$(attr "orgCode=sci,$ME" postRank)" "the new post took the primary rank"
check 20009 "$(attr "$ME" gidNumber)" "gidNumber follows the new primary organisation"
out=$(asearch -b "$EMPLOY" -s base memberUid); check_not_contains "$out" "wuxiuying" "left the old organisation"

# bad requests
rc=$(as wuxiuying ldapadd <<EOF
dn: orgCode=nope,$ME
objectClass: unifiedIdPost
orgCode: nope
postOrg: orgCode=nope,ou=orgs,$BASE
EOF
); check 19 "$rc" "a post in an organisation that does not exist is refused"
rc=$(as wuxiuying ldapadd <<EOF
dn: orgCode=fin,$ME
objectClass: unifiedIdPost
orgCode: fin
postOrg: $SCI
EOF
); check 19 "$rc" "orgCode must match postOrg"
rc=$(as wuxiuying ldapadd <<EOF
dn: orgCode=fin,uid=lina,$P
objectClass: unifiedIdPost
orgCode: fin
postOrg: orgCode=fin,orgCode=sip,ou=orgs,$BASE
EOF
); check 50 "$rc" "nobody adds posts under someone else"
srv_stop; check 0 $? "clean stop"
done_testing

#!/bin/bash
# Enterprises (R11-R13, seed 001/004): the legal representative names the
# administrators and licence administrators (at most five); administrators
# name the handlers and grant authorisations; one person represents
# several enterprises; other people only read.  Changing a key field
# (003's table) of a verified enterprise verifies it again, through the
# verifier when one is configured (R12).  The unifiedid enterprise
# commands over the same rules.  Demo: chenjianguo represents two
# enterprises, liuting administers the first.
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
# ---- re-verification when key fields change (R12, 003's table) ----
est() {	# est DN: "status level"
	echo "$(asearch -b "$1" -s base realNameStatus | sed -n 's/^realNameStatus: //p') $(asearch -b "$1" -s base realNameLevel | sed -n 's/^realNameLevel: //p')"
}
rc=$(amodify >/dev/null 2>&1 <<EOF; echo $?
dn: $E1
changetype: modify
replace: description
description: 只改简介
EOF
); check 0 "$rc" "a field outside the table changes"
check "verified " "$(est "$E1")" "... the enterprise stays verified"
rc=$(amodify >/dev/null 2>&1 <<EOF; echo $?
dn: $E1
changetype: modify
replace: o
o: 苏州星河智能科技股份有限公司
EOF
); check 0 "$rc" "the registered name changes (without a verifier)"
check "unverified none" "$(est "$E1")" "... verify again: unverified, in the same write"
rc=$(mod liuting <<EOF
dn: $E1
changetype: modify
replace: realNameStatus
realNameStatus: verified
EOF
); check 50 "$rc" "an enterprise administrator cannot set the status"

# ---- the CLI: list, show, role lists (the server decides who may) ----
CLI="$B/unifiedid"
export UNIFIEDID_URI="$URI" LC_ALL=C.UTF-8
printf '%s\n' "$PW" > "$T/demo.pw"
cli() { local who=$1; shift; OUT=$("$CLI" -D "$who" -y "$T/demo.pw" "$@" 2>"$T/err"); RC=$?; ERR=$(cat "$T/err"); }
py() { printf '%s' "$OUT" | python3 -c "import json,sys
d = json.load(sys.stdin)
print($1)"; }
cli chenjianguo --json enterprise list; check 0 "$RC" "enterprise list"
check "legalRepresentative,licenseAdmins legalRepresentative" "$(py '" ".join(",".join(e["myRoles"]) for e in d if e["uscc"] in ("91320500MA1XK7Q29R", "91320500MA20LN3K0P"))')" "... the representative's roles in both"
cli lina enterprise list; check_contains "$OUT" "苏州金鸡湖生物医药有限公司" "a person reads the list (table)"
cli liuting --json enterprise show 91320500MA1XK7Q29R; check 0 "$RC" "enterprise show"
check "chenjianguo|liuting wangqiang|unverified" "$(py '"|".join([" ".join(d["legalRepresentative"]), " ".join(d["admins"]), d["status"]])')" "... representative, administrators, status"
check "外国人来华工作许可" "$(py '" ".join(a["services"][0] for a in d["authorizations"] if a["person"] == "zhangwei")')" "... and the authorisations"
cli liuting enterprise show 91320500MA1XK7Q29X; check 1 "$RC" "enterprise show of an unknown code: exit 1"
cli liuting enterprise admins 91320500MA1XK7Q29R --add zhangwei; check 1 "$RC" "an administrator cannot add administrators (CLI)"
check_contains "$ERR" "Insufficient access" "... the server's answer"
cli chenjianguo --json enterprise admins 91320500MA1XK7Q29R --add zhangwei --remove wangqiang
check "0 liuting zhangwei" "$RC $(py '" ".join(sorted(d["admins"]))')" "the representative adds and removes administrators"
cli liuting --json enterprise handlers 91320500MA1XK7Q29R --add lina; check "0" "$RC" "an administrator adds a handler (CLI)"
check_contains "$OUT" "lina" "... listed"
cli liuting enterprise handlers 91320500MA1XK7Q29R --add nobody; check 1 "$RC" "a handler must be a person (CLI)"
cli chenjianguo enterprise license-admins 91320500MA1XK7Q29R --add huangqiang; check 1 "$RC" "a sixth licence administrator is refused (CLI)"
check_contains "$ERR" "at most five" "... the server's reason"
cli zhangwei enterprise handlers 91320500MA1XK7Q29R; check 0 "$RC" "anyone reads a role list"
srv_stop; check 0 $? "clean stop"

# ---- with a verifier: verifying, then the verifier's answer ----
cat > "$T/verifier.sh" <<EOF
#!/bin/sh
cat > "$T/request.json"
sleep 0.5
echo "verified advanced"
EOF
chmod +x "$T/verifier.sh"
cat >> "$CONF" <<EOF
realname:
  verifier: $T/verifier.sh
  timeout: 5
EOF
srv_run || { fail "server starts with a verifier"; done_testing; exit 1; }
rc=$(amodify >/dev/null 2>&1 <<EOF; echo $?
dn: $E2
changetype: modify
replace: realNameStatus
realNameStatus: verified
EOF
); check 0 "$rc" "the rootdn sets the second enterprise verified"
rc=$(amodify >/dev/null 2>&1 <<EOF; echo $?
dn: $E2
changetype: modify
replace: regionType
regionType: hk-macao-taiwan
EOF
); check 0 "$rc" "its region type changes"
check "verifying none" "$(est "$E2")" "... verifying, in the same write"
for i in $(seq 1 50); do [ "$(est "$E2")" = "verifying none" ] || break; sleep 0.1; done
check "verified advanced" "$(est "$E2")" "... then the verifier's answer"
python3 - "$T/request.json" <<'PY' && ok "the verifier got the enterprise and its representative" || fail "the verifier got the enterprise and its representative"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "enterprise" and d["uscc"] == "91320500MA20LN3K0P"
assert d["regionType"] == "hk-macao-taiwan" and d["representative"]["uid"] == "chenjianguo"
PY
# a rename to a new credit code is a key-field change too (R12)
ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "$E2" "uscc=91320500MA20LN3K1X" >"$T/out" 2>&1
check 19 "$?" "a rename to a credit code with a wrong check character is refused (constraintViolation)"
check_contains "$(cat "$T/out")" "uscc:" "... and the server names the field"
check "verified advanced" "$(est "$E2")" "... the enterprise is unchanged"
ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "$E2" "uscc=91320500MA20LN3K1T" >"$T/out" 2>&1
check 0 "$?" "the enterprise is renamed to a new valid credit code"
E3="uscc=91320500MA20LN3K1T,ou=enterprises,$BASE"
for i in $(seq 1 50); do [ "$(est "$E3")" = "verifying none" ] || break; sleep 0.1; done
check "verified advanced" "$(est "$E3")" "... verified again under the new code"
python3 - "$T/request.json" <<'PY' && ok "the verifier got the new credit code" || fail "the verifier got the new credit code"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["uscc"] == "91320500MA20LN3K1T", d["uscc"]
PY
srv_stop; check 0 $? "clean stop"
done_testing

#!/bin/bash
# Password appeals (R5, seed 003 "申诉找回密码"): a person who cannot reset
# by SMS sends their name, ID type and number, a mobile for the answer and
# ID scans (anonymous extended operation .3.5, rate-limited; the answer
# never tells whether the data match an account).  A match becomes an
# appeal entry under ou=appeals that only the administrators of the
# person's organisations (and the rootdn) read and decide: approval sets a
# temporary password the person must change at the next login and sends
# it, with the account name, to the appeal's mobile; rejection needs a
# reason.  Walked through the CLI and plain ldapexop/ldapmodify as
# anonymous, the person, the organisation's administrator and another
# organisation's administrator.  (Demo: wuxiuying and xuming
# in employ, administered by zhoujie; jiangming (locked) in treasury, by
# yangmin; huwenbo administers another organisation.)
. "$(dirname "$0")/../lib.sh"
srv_config "default_gid: 20000" "anon_rate: 12" "notify:" "  outbox: $T/outbox.jsonl"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
P="ou=people,$BASE"
A="ou=appeals,$BASE"
PW='Demo@2024pass'
CLI="$B/unifiedid"
UIDEXT="$TOP/tests/integration/tools/uidext.py"
export UNIFIEDID_URI="$URI" LC_ALL=C.UTF-8
unset UNIFIEDID_BASE LANGUAGE LANG LC_MESSAGES
printf '%s\n' "$PW" > "$T/demo.pw"
printf '\x89PNG\r\n\x1a\nfront-of-id-card' > "$T/front.png"
printf '\xff\xd8\xff\xe0back-of-id-card' > "$T/back.jpg"
printf 'GIF89a-not-allowed' > "$T/scan.gif"
head -c 1048577 /dev/zero | sed '1s/^/\xff\xd8\xff/' > "$T/big.jpg"
run() { cli_run "$@"; }
as() { local who=$1; shift; run "$CLI" -D "$who" -y "$T/demo.pw" "$@"; }
mod() {	# mod UID ; LDIF on stdin ; prints rc
	ldapmodify -x -H "$URI" -D "uid=$1,$P" -w "$PW" >"$T/out" 2>&1
	echo $?
}
exop() {	# exop ARGS of uidext.py: prints the LDAP result code
	if ldapexop -x -H "$URI" "$(python3 "$UIDEXT" "$@")" >"$T/out" 2>&1; then
		echo 0
	else
		sed -n 's/.*(\([0-9][0-9]*\))$/\1/p' "$T/out" | head -n 1
	fi
}
appeals() { asearch -b "$A" -s one "(objectClass=unifiedIdAppeal)" appealId 2>/dev/null | grep -c '^appealId:'; }
py() { printf '%s' "$OUT" | python3 -c "import json,sys
d = json.load(sys.stdin)
print($1)"; }

out=$(ldapsearch -x -H "$URI" -LLL -b "" -s base supportedExtension)
check_contains "$out" "41451.3.5" "the root DSE lists the appeal operation"

# ---- anonymous: bad input is refused, a mismatch looks like a match ----
run "$CLI" forgot appeal 吴秀英 320500196909053227 13612340000
check 2 "$RC" "forgot appeal without --scan: usage"
run "$CLI" forgot appeal 吴秀英 320500196909053227 13612340000 --scan "$T/big.jpg"
check 1 "$RC" "a scan over 1 MB is refused"
check_contains "$ERR" "at most 1 MB" "... saying why"
run "$CLI" forgot appeal 吴秀英 320500196909053227 13612340000 --scan "$T/scan.gif"
check 1 "$RC" "a GIF scan is refused (the server's check)"
check_contains "$ERR" "JPEG or PNG" "... saying why"
run "$CLI" forgot appeal 吴秀英 320500196909053228 13612340000 --scan "$T/front.png"
check 1 "$RC" "an ID number with a wrong check character is refused"
check_contains "$ERR" "check character" "... saying why"
run "$CLI" forgot appeal 吴秀英 320500196909053227 1361234 --scan "$T/front.png"
check 1 "$RC" "a malformed mobile is refused"
check 19 "$(exop appeal 吴秀英 "" 320500196909053227 13612340000)" "ldapexop: an appeal without scans is refused"
check 2 "$(exop raw 5 3003040141)" "ldapexop: a malformed appeal is a protocol error"
check 0 "$(appeals)" "nothing was recorded"
run "$CLI" forgot appeal 吴秀秀 320500196909053227 13612340000 --scan "$T/front.png"
check 0 "$RC" "a name that does not match: the same answer"
miss=$OUT
check 0 "$(appeals)" "... and nothing recorded"
run "$CLI" forgot appeal 吴秀英 320500196909053227 13612340000 --scan "$T/front.png" --scan "$T/back.jpg" --note "手机号已停用"
check 0 "$RC" "forgot appeal with matching data"
check "$miss" "$OUT" "... the answer does not tell a match from a mismatch"
check 1 "$(appeals)" "... an appeal is recorded"
grep -q '"kind":"appeal-to-review","to":"18705120012"' "$T/outbox.jsonl" && ok "... the organisation's administrator is told" || fail "... the organisation's administrator is told"
check 0 "$(exop appeal 徐明 resident-id 420100197705226559 13612340001 "$T/back.jpg")" "ldapexop: an appeal"
check 2 "$(appeals)" "... recorded too"
check 0 "$(exop appeal 徐明 passport 420100197705226559 13612340001 "$T/back.jpg")" "another ID type than the account's: the same answer"
check 2 "$(appeals)" "... nothing recorded"
check 0 "$(exop appeal 蒋明 "" 320300198708144577 13612340002 "$T/back.jpg" --note 账号被锁)" "ldapexop: an appeal for a locked account"
check 3 "$(appeals)" "... recorded (a lock does not stop an appeal)"
busy=0
for i in $(seq 1 15); do
	[ "$(exop appeal 某人 "" 320500196909053227 13612340000 "$T/front.png")" = 51 ] && busy=1 && break
done
check 1 "$busy" "appeals are rate-limited per address (busy)"

# ---- who sees appeals ----
out=$(ldapsearch -x -H "$URI" -LLL -b "$A" -s one "(objectClass=*)" 2>&1)
check_not_contains "$out" "appealId" "anonymous sees no appeal"
out=$(ldapsearch -x -H "$URI" -LLL -D "uid=wuxiuying,$P" -w "$PW" -b "$A" -s one "(objectClass=*)" 2>&1)
check_not_contains "$out" "appealId" "a person sees no appeal, not even their own"
as huwenbo --json appeal list; check "[]" "$OUT" "another organisation's administrator sees none"
as zhoujie --json appeal list; check 0 "$RC" "appeal list as the organisation's administrator"
check "wuxiuying xuming" "$(py '" ".join(sorted(r["account"] for r in d))')" "... the two appeals of the organisation, not a third one's"
ID=$(py '[r["id"] for r in d if r["account"] == "wuxiuying"][0]')
JID=$(py '[r["id"] for r in d if r["account"] == "xuming"][0]')
check "13612340000 手机号已停用" "$(py '" ".join([r["contact"] + " " + r["note"] for r in d if r["account"] == "wuxiuying"])')" "... with the contact and the note"
as yangmin --json appeal list; check "jiangming 账号被锁" "$(py '" ".join(r["account"] + " " + r["note"] for r in d)')" "the locked person's organisation's administrator sees that one"
mkdir "$T/scans"
as zhoujie --json appeal show "$ID" --save-scans "$T/scans"; check 0 "$RC" "appeal show"
check "wuxiuying 320500196909053227 2 review-pending" "$(py '" ".join([d["account"], d["idNumber"], str(d["scans"]), d["status"]])')" "... the person's identity to compare the scans with"
cmp -s "$T/scans/$ID-2.jpg" "$T/back.jpg" && ok "... --save-scans writes the scans" || fail "... --save-scans writes the scans"
as zhoujie appeal list; check_contains "$OUT" "$JID" "appeal list: a table"

# ---- illegal changes ----
rc=$(mod huwenbo <<EOF
dn: appealId=$ID,$A
changetype: modify
replace: appealStatus
appealStatus: approved
EOF
); [ "$rc" = 32 ] || [ "$rc" = 50 ]; check 0 $? "another organisation's administrator cannot approve (ldapmodify)"
as huwenbo appeal approve "$ID"; check 1 "$RC" "... nor through the CLI"
rc=$(mod wuxiuying <<EOF
dn: appealId=$ID,$A
changetype: modify
replace: appealStatus
appealStatus: approved
EOF
); [ "$rc" = 32 ] || [ "$rc" = 50 ]; check 0 $? "the person cannot approve their own appeal"
rc=$(mod zhoujie <<EOF
dn: appealId=$ID,$A
changetype: modify
replace: appealContact
appealContact: 13900000000
EOF
); check 50 "$rc" "the administrator cannot change where the answer goes"
rc=$(mod zhoujie <<EOF
dn: appealId=$ID,$A
changetype: modify
replace: appealStatus
appealStatus: rejected
EOF
); check 19 "$rc" "a rejection without a reason is refused"
rc=$(mod zhoujie <<EOF
dn: appealId=forged-1,$A
changetype: add
objectClass: unifiedIdAppeal
appealId: forged-1
appealPerson: uid=zhangwei,$P
appealStatus: review-pending
appealContact: 13900000000
EOF
); check 50 "$rc" "an administrator cannot add an appeal over LDAP"
rc=$(ldapdelete -x -H "$URI" -D "uid=zhoujie,$P" -w "$PW" "appealId=$ID,$A" >/dev/null 2>&1; echo $?)
check 50 "$rc" "... nor delete one"
as zhoujie appeal reject "$ID"; check 2 "$RC" "appeal reject without --reason: usage"

# ---- approval: a temporary password, changed at the next login ----
old=$(asearch -b "uid=wuxiuying,$P" -s base pwdChangedTime | sed -n 's/^pwdChangedTime: //p')
as zhoujie appeal approve "$ID"; check 0 "$RC" "the organisation's administrator approves"
check "approved uid=zhoujie,$P" "$(asearch -b "appealId=$ID,$A" -s base appealStatus realNameReviewer | sed -n 's/^appealStatus: //p;s/^realNameReviewer: //p' | tr '\n' ' ' | sed 's/ $//')" "... approved, the reviewer recorded"
check TRUE "$(asearch -b "uid=wuxiuying,$P" -s base pwdReset | sed -n 's/^pwdReset: //p')" "... the password must be changed at the next login"
tmp=$(python3 -c 'import json,re,sys
l=[json.loads(x) for x in open(sys.argv[1])]
m=[x for x in l if x["kind"] == "appeal-approved"][-1]
assert m["to"] == "13612340000" and "wuxiuying" in m["text"]
print(re.search(r"临时密码为 (\S+)，", m["text"]).group(1))' "$T/outbox.jsonl" 2>/dev/null)
[ -n "$tmp" ] && ok "... the account name and a temporary password go to the appeal's mobile" || fail "... the account name and a temporary password go to the appeal's mobile"
ldapwhoami -x -H "$URI" -D "uid=wuxiuying,$P" -w "$PW" >/dev/null 2>&1; check 49 $? "the old password no longer works"
out=$(ldapsearch -x -H "$URI" -LLL -D "uid=wuxiuying,$P" -w "$tmp" -b "uid=wuxiuying,$P" -s base cn 2>&1)
check_contains "$out" "(53)" "with the temporary one the person must change it first"
printf '%s\n' "$tmp" > "$T/tmp.pw"; printf 'N3w!Appeal2024\n' > "$T/new.pw"
run "$CLI" -D wuxiuying -y "$T/tmp.pw" passwd --old-file "$T/tmp.pw" --new-file "$T/new.pw"
check 0 "$RC" "... and does (unifiedid passwd)"
ldapwhoami -x -H "$URI" -D "uid=wuxiuying,$P" -w 'N3w!Appeal2024' >/dev/null 2>&1; check 0 $? "... then logs in with the new password"
grep -qF -- "$tmp" "$T/server.log" && fail "the temporary password is not logged" || ok "the temporary password is not logged"
grep -qF -- "$tmp" "$T/all-output" && fail "... nor shown to the administrator" || ok "... nor shown to the administrator"
as zhoujie appeal approve "$ID"; check 1 "$RC" "an appeal is decided once"
check_contains "$ERR" "not waiting for review" "... says so"
rc=$(mod zhoujie <<EOF
dn: appealId=$ID,$A
changetype: modify
replace: appealStatus
appealStatus: rejected
-
replace: statusReason
statusReason: x
EOF
); check 53 "$rc" "ldapmodify: a decided appeal cannot be rejected"
check_contains "$(cat "$T/out")" "only a pending appeal" "... the server's reason"

# ---- rejection; a locked account's appeal ----
as zhoujie --json appeal reject "$JID" --reason "扫描件与登记信息不符"; check 0 "$RC" "appeal reject with a reason"
check rejected "$(py 'd["status"]')" "... rejected"
grep -q '"kind":"appeal-rejected","to":"13612340001"' "$T/outbox.jsonl" && ok "... the reason goes to the appeal's mobile" || fail "... the reason goes to the appeal's mobile"
as zhoujie --json appeal list; check "[]" "$OUT" "no appeal waits any more"
as zhoujie --json appeal list --all; check 2 "$(py 'len(d)')" "appeal list --all shows the decided ones"
srv_alive_or_dump
srv_stop; check 0 $? "clean stop"
done_testing

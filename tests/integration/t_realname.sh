#!/bin/bash
# Manual real-name review (R7, workflows.md): the person uploads ID scans
# (JPEG or PNG, at most 1 MB), the status becomes review-pending; an
# administrator of their organisation passes it (with a level) or fails it
# (with a reason); the reviewer and the time are recorded; the person is
# told.  (Demo: wuxiuying in employ; zhoujie administers employ.)
. "$(dirname "$0")/../lib.sh"
srv_config "default_gid: 20000" "notify:" "  outbox: $T/outbox.jsonl"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
P="ou=people,$BASE"
PW='Demo@2024pass'
ME="uid=wuxiuying,$P"
printf '\x89PNG\r\n\x1a\nfront-of-id-card' > "$T/front.png"
printf '\xff\xd8\xff\xe0back-of-id-card' > "$T/back.jpg"
printf 'GIF89a-not-allowed' > "$T/scan.gif"
head -c 1048577 /dev/zero | tr '\0' 'a' | sed '1s/^/\xff\xd8\xff/' > "$T/big.jpg"
mod() {	# mod UID ; LDIF on stdin ; prints rc
	ldapmodify -x -H "$URI" -D "uid=$1,$P" -w "$PW" >"$T/out" 2>&1
	echo $?
}
attr() { asearch -b "$ME" -s base "$1" | sed -n "s/^$1: //p"; }

rc=$(mod wuxiuying <<EOF
dn: $ME
changetype: modify
add: realNameScan
realNameScan:< file://$T/scan.gif
EOF
); check 19 "$rc" "a GIF scan is refused"
rc=$(mod wuxiuying <<EOF
dn: $ME
changetype: modify
add: realNameScan
realNameScan:< file://$T/big.jpg
EOF
); check 19 "$rc" "a scan over 1 MB is refused"
rc=$(mod wuxiuying <<EOF
dn: $ME
changetype: modify
add: realNameScan
realNameScan:< file://$T/front.png
realNameScan:< file://$T/back.jpg
EOF
); check 0 "$rc" "the person uploads two scans (PNG, JPEG)"
check review-pending "$(attr realNameStatus)" "the status becomes review-pending"
rc=$(mod wuxiuying <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: review-passed
-
replace: realNameLevel
realNameLevel: advanced
EOF
); check 50 "$rc" "the person cannot pass their own review"
rc=$(mod zhoujie <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: review-passed
-
replace: realNameLevel
realNameLevel: none
EOF
); check 19 "$rc" "a pass without a level is refused"
rc=$(mod zhoujie <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: review-failed
EOF
); check 19 "$rc" "a failure without a reason is refused"
rc=$(mod huwenbo <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: review-passed
-
replace: realNameLevel
realNameLevel: intermediate
EOF
); check 50 "$rc" "another organisation's administrator cannot review"
rc=$(mod zhoujie <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: review-passed
-
replace: realNameLevel
realNameLevel: intermediate
EOF
); check 0 "$rc" "the organisation's administrator passes the review"
check review-passed "$(attr realNameStatus)" "status review-passed"
check intermediate "$(attr realNameLevel)" "level intermediate"
check "uid=zhoujie,$P" "$(attr realNameReviewer)" "the reviewer is recorded"
[ -n "$(attr realNameReviewTime)" ] && ok "the review time is recorded" || fail "the review time is recorded"
grep -q '"kind":"realname-passed"' "$T/outbox.jsonl" && ok "the person is told" || fail "the person is told"
rc=$(mod zhoujie <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: review-failed
-
replace: realNameReason
realNameReason: x
EOF
); check 53 "$rc" "a finished review cannot be changed to failed"
rc=$(mod zhoujie <<EOF
dn: $ME
changetype: modify
replace: realNameLevel
realNameLevel: supreme
EOF
); check 19 "$rc" "an unknown level is refused"
out=$(ldapsearch -x -H "$URI" -LLL -D "uid=maxiaoyu,$P" -w "$PW" -b "$ME" -s base realNameScan realNameLevel 2>&1)
check_not_contains "$out" "realNameScan" "another person cannot see the scans"
rc=$(mod zhoujie <<EOF
dn: $ME
changetype: modify
replace: realNameStatus
realNameStatus: verifying
EOF
); check 53 "$rc" "without a verifier, a re-run is refused"
check_contains "$(cat "$T/out")" "no automatic verifier" "... saying why"

# ---- the CLI: reviews waiting, one person's scans, the decision ----
CLI="$B/unifiedid"
export UNIFIEDID_URI="$URI" LC_ALL=C.UTF-8
printf '%s\n' "$PW" > "$T/demo.pw"
cli() { local who=$1; shift; OUT=$("$CLI" -D "$who" -y "$T/demo.pw" "$@" 2>"$T/err"); RC=$?; ERR=$(cat "$T/err"); }
cli zhoujie --json realname review
check "[]" "$OUT" "realname review: nothing waits in zhoujie's organisation now"
cli huangqiang realname review; check 0 "$RC" "realname review lists the pending reviews"
check_contains "$OUT" "hanmei" "... of the administrator's organisation (hanmei)"
cli maxiaoyu --json realname review; check "[]" "$OUT" "a person sees none"
mkdir "$T/scans"
cli zhoujie --json realname review wuxiuying --save-scans "$T/scans"
check "0 2" "$RC $(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["scans"])')" "review ACCOUNT --save-scans: the person's scans"
cmp -s "$T/scans/wuxiuying-1.png" "$T/front.png" && ok "... written as uploaded" || fail "... written as uploaded"
cli zhoujie realname review hanmei --pass advanced; check 1 "$RC" "another organisation's administrator cannot decide (CLI)"
cli huangqiang realname review hanmei --pass supreme; check 2 "$RC" "an unknown level is a usage error"
cli huangqiang realname review hanmei --fail "照片模糊"; check 0 "$RC" "realname review --fail"
check review-failed "$(asearch -b "uid=hanmei,$P" -s base realNameStatus | sed -n 's/^realNameStatus: //p')" "... review-failed"
cli huangqiang realname review hanmei --pass basic; check 1 "$RC" "a decided review cannot be decided again"
check_contains "$ERR" "only a pending review" "... the server's reason"
cli zhoujie realname verify wuxiuying; check 1 "$RC" "realname verify without a verifier: exit 1"
srv_stop; check 0 $? "clean stop"

# ---- the automatic verifier (R7): one that passes, fails, says
# unsupported, hangs past the timeout, prints garbage, exits non-zero ----
cat > "$T/verifier.sh" <<EOF
#!/bin/sh
cat > "$T/request.json"
mode=\$(cat "$T/mode")
case "\$mode" in
pass) sleep 0.5; echo "verified advanced" ;;
fail) echo "failed 证件有效期与国家平台不一致" ;;
unsupported) echo "unsupported" ;;
hang) sleep 61 & sleep 61 ;;
garbage) echo "yes, probably" ;;
crash) echo "verified basic"; exit 3 ;;
esac
EOF
chmod +x "$T/verifier.sh"
echo pass > "$T/mode"
cat >> "$CONF" <<EOF
realname:
  verifier: $T/verifier.sh
  timeout: 2
EOF
srv_run || { fail "server starts with a verifier"; done_testing; exit 1; }
status() { asearch -b "uid=$1,$P" -s base realNameStatus | sed -n 's/^realNameStatus: //p'; }
level() { asearch -b "uid=$1,$P" -s base realNameLevel | sed -n 's/^realNameLevel: //p'; }
reason() { asearch -b "uid=$1,$P" -s base realNameReason | python3 -c 'import base64,sys
for l in sys.stdin.read().splitlines():
    if l.startswith("realNameReason:: "): print(base64.b64decode(l[17:]).decode())
    elif l.startswith("realNameReason: "): print(l[16:])'; }
wait_status() {	# wait_status UID NOT-THIS: until the status leaves NOT-THIS
	local i
	for i in $(seq 1 60); do
		[ "$(status "$1")" != "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
setname() {	# setname UID GIVENNAME, as zhoujie (administrator of employ)
	mod zhoujie <<EOF
dn: uid=$1,$P
changetype: modify
replace: givenName
givenName: $2
EOF
}
rc=$(setname wuxiuying 秀英二); check 0 "$rc" "an identity field of a verified person changes"
check verifying "$(status wuxiuying)" "... the status is verifying at once (the write does not wait)"
check none "$(level wuxiuying)" "... and the old level no longer applies"
wait_status wuxiuying verifying
check "verified advanced" "$(status wuxiuying) $(level wuxiuying)" "a verifier that passes: verified with its level"
python3 - "$T/request.json" <<'PY' && ok "the verifier got the identity as JSON on stdin" || fail "the verifier got the identity as JSON on stdin"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "person" and d["uid"] == "wuxiuying" and d["givenName"] == "秀英二"
assert d["idType"] == "resident-id" and len(d["idNumber"]) == 18 and d["sn"] == "吴"
PY
grep -q '"kind":"realname-verified".*"to":"18805120013"' "$T/outbox.jsonl" && ok "... the person is told" || fail "... the person is told"
idn=$(asearch -b "uid=wuxiuying,$P" -s base idNumber | sed -n 's/^idNumber: //p')
grep -qF "$idn" "$T/server.log" && fail "the ID number is not logged" || ok "the ID number is not logged"
echo fail > "$T/mode"
rc=$(setname wuxiuying 秀英); check 0 "$rc" "another change"
wait_status wuxiuying verifying
check "unverified none" "$(status wuxiuying) $(level wuxiuying)" "a verifier that fails: unverified"
check "证件有效期与国家平台不一致" "$(reason wuxiuying)" "... with its reason for the person"
grep -q '"kind":"realname-unverified"' "$T/outbox.jsonl" && ok "... the person is told" || fail "... the person is told"
echo hang > "$T/mode"
rc=$(setname wuxiuying 秀英三); check 0 "$rc" "a change while the verifier hangs"
t0=$(date +%s)
sleep 0.3
ps -eo args | grep -F "$T/verifier.sh" | grep -v grep | grep -qF "$idn" && fail "no ID number on the verifier's command line" || ok "no ID number on the verifier's command line"
out=$(ldapsearch -x -H "$URI" -LLL -D "uid=zhoujie,$P" -w "$PW" -b "uid=zhoujie,$P" -s base cn 2>&1); check_contains "$out" "cn:" "reads are answered meanwhile"
rc=$(mod zhoujie <<EOF
dn: uid=zhoujie,$P
changetype: modify
replace: telephoneNumber
telephoneNumber: 0512-66600099
EOF
); check 0 "$rc" "... and writes (the writer does not wait for the verifier)"
[ $(( $(date +%s) - t0 )) -lt 2 ] && ok "... without delay" || fail "... without delay"
check verifying "$(status wuxiuying)" "... the status is still verifying"
wait_status wuxiuying verifying
check unverified "$(status wuxiuying)" "a verifier past the timeout is killed: unverified"
check_contains "$(reason wuxiuying)" "did not answer in time" "... the reason says so"
sleep 0.3
if pgrep -fx "sleep 61" >/dev/null; then
	fail "... with the processes it started"
	pgrep -fx "sleep 61" | xargs -r kill
else
	ok "... with the processes it started"
fi
echo garbage > "$T/mode"
rc=$(mod zhoujie <<EOF
dn: uid=wuxiuying,$P
changetype: modify
replace: realNameStatus
realNameStatus: verifying
EOF
); check 0 "$rc" "an administrator re-runs the verifier (realNameStatus: verifying)"
wait_status wuxiuying verifying
check unverified "$(status wuxiuying)" "a garbage answer: unverified"
check_contains "$(reason wuxiuying)" "no valid answer" "... the reason says so"
echo crash > "$T/mode"
"$CLI" -D zhoujie -y "$T/demo.pw" realname verify wuxiuying >/dev/null 2>&1; check 0 $? "unifiedid realname verify"
wait_status wuxiuying verifying
check unverified "$(status wuxiuying)" "a verifier exiting non-zero: unverified, whatever it printed"
echo unsupported > "$T/mode"
rc=$(mod zhoujie <<EOF
dn: uid=wuxiuying,$P
changetype: modify
replace: idType
idType: passport
-
replace: idNumber
idNumber: E12345678
EOF
); check 0 "$rc" "a change to a passport"
wait_status wuxiuying verifying
check unverified "$(status wuxiuying)" "unsupported: unverified"
check_contains "$(reason wuxiuying)" "upload scans" "... pointing to a manual review"
echo pass > "$T/mode"
rc=$(mod wuxiuying <<EOF
dn: uid=wuxiuying,$P
changetype: modify
replace: realNameStatus
realNameStatus: verifying
EOF
); check 50 "$rc" "a person cannot re-run it"
rc=$(mod huwenbo <<EOF
dn: uid=wuxiuying,$P
changetype: modify
replace: realNameStatus
realNameStatus: verifying
EOF
); check 50 "$rc" "another organisation's administrator cannot"
rc=$(mod zhoujie <<EOF
dn: uid=wuxiuying,$P
changetype: modify
replace: realNameStatus
realNameStatus: verified
-
replace: realNameLevel
realNameLevel: advanced
EOF
); check 53 "$rc" "an administrator cannot set verified (the verifier's)"
rc=$(mod zhoujie <<EOF
dn: uid=wuxiuying,$P
changetype: modify
replace: realNameLevel
realNameLevel: advanced
EOF
); check 53 "$rc" "... nor a level without a decision"
"$CLI" -D zhoujie -y "$T/demo.pw" realname verify wuxiuying >/dev/null 2>&1
wait_status wuxiuying verifying
check "verified advanced" "$(status wuxiuying) $(level wuxiuying)" "after all that the server works: verified on a re-run"
rc=$(mod zhoujie <<EOF
dn: uid=newbie,$P
changetype: add
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: unifiedIdPerson
uid: newbie
cn: 新人
sn: 新
givenName: 人
mobile: 13912345670
idNumber: 11010519491231002X
EOF
); check 0 "$rc" "an administrator adds a person with an ID number"
wait_status newbie verifying
check "verified advanced" "$(status newbie) $(level newbie)" "... verified by the verifier at once"
rc=$(mod zhoujie <<EOF
dn: uid=newbie2,$P
changetype: add
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: unifiedIdPerson
uid: newbie2
cn: 新人二
sn: 新
realNameStatus: verified
realNameLevel: advanced
EOF
); check 53 "$rc" "an administrator cannot add a person as verified"
# a job left by a stop runs at the next start
echo hang > "$T/mode"
setname wuxiuying 秀英四 >/dev/null
sleep 0.3
stop_ok "a stop while the verifier runs is clean"
echo pass > "$T/mode"
srv_run || fail "restart"
wait_status wuxiuying verifying
check verified "$(status wuxiuying)" "the job left by the stop ran at the next start"
srv_alive_or_dump
srv_stop; check 0 $? "clean stop"
done_testing

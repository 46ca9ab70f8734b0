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
srv_stop; check 0 $? "clean stop"
done_testing

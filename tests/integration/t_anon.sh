#!/bin/bash
# UnifiedID's anonymous extended operations (workflows.md, R1, R5, R6):
# account application, password reset by SMS code, account-name recovery;
# validation, duplicates, rate limits, codes single use and limited tries,
# answers that do not reveal whether an account exists.
. "$(dirname "$0")/../lib.sh"
srv_config "default_gid: 20000" "anon_rate: 30" "notify:" "  outbox: $T/outbox.jsonl"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
X="$TOP/tests/integration/tools/uidext.py"
P="ou=people,$BASE"
exop() { ldapexop -x -H "$URI" "$(python3 "$X" "$@")" 2>&1; }
last_code() { python3 - "$T/outbox.jsonl" "$1" <<'PY'
import json, re, sys
code = ""
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["kind"].startswith("reset-code") and d["to"] == sys.argv[2]:
        code = re.search(r"\b(\d{6})\b", d["text"]).group(1)
print(code)
PY
}

out=$(ldapsearch -x -H "$URI" -b "" -s base -LLL supportedExtension)
check_contains "$out" "2.25.78097645300808997913674460929957841451.3.1" "root DSE lists the apply operation"
check_contains "$out" "2.25.78097645300808997913674460929957841451.3.4" "root DSE lists account recovery"

# R1: application
APP=(uid=zhangsan sn=张 givenName=三 gender=male mobile='+86 139-1234-0000' idNumber=11010519491231002X orgCode=fin userPassword='Apply#2024xyz')
out=$(exop apply "${APP[@]}")
check_contains "$out" "data:: $(printf 'uid=zhangsan,%s' "$P" | base64 -w0)" "application accepted: the new DN is returned"
out=$(asearch -b "uid=zhangsan,$P" -s base accountStatus mobile uidNumber realNameStatus)
check_contains "$out" "accountStatus: pending" "the account is pending"
check_contains "$out" "mobile: 13912340000" "the mobile number is stored normalised"
check_contains "$out" "uidNumber: " "a uidNumber was allocated"
out=$(asearch -b "orgCode=fin,uid=zhangsan,$P" -s base postStatus postOrg)
check_contains "$out" "postStatus: pending" "a pending post in the chosen organisation"
grep -q '"kind":"application-to-review".*"to":"13705120003"' "$T/outbox.jsonl" && ok "the organisation's administrator is told" || fail "the organisation's administrator is told"
out=$(ldapwhoami -x -H "$URI" -D "uid=zhangsan,$P" -w 'Apply#2024xyz' 2>&1)
check_contains "$out" "pending" "the applicant cannot log in before approval"
out=$(exop apply "${APP[@]}"); check_contains "$out" "(68)" "the same account name again: alreadyExists"
out=$(exop apply uid=zhangsan2 sn=张 givenName=三 gender=male mobile=13912340001 idNumber=11010519491231002X orgCode=fin userPassword='Apply#2024xyz')
check_contains "$out" "already has an account" "the same ID number again refused"
out=$(exop apply uid=zhangsan3 sn=张 givenName=三 gender=male mobile=13912340000 idNumber=110105194912310021 orgCode=fin userPassword='Apply#2024xyz')
check_contains "$out" "(19)" "a bad ID check character refused"
check_contains "$out" "check character" "... naming the rule"
out=$(exop apply uid=zhangsan4 sn=张 givenName=三 gender=male mobile=12345 idNumber=11010519491231002X orgCode=fin userPassword='Apply#2024xyz')
check_contains "$out" "(19)" "a bad mobile number refused"
out=$(exop apply uid=zhangsan5 sn=张 givenName=三 gender=male mobile=13912340009 idNumber=320500199001011231 orgCode=nosuch userPassword='Apply#2024xyz')
check_contains "$out" "no such organisation" "an unknown organisation refused"
out=$(exop apply uid=zhangsan6 sn=张 givenName=三 gender=male mobile=13912340008 orgCode=fin userPassword='Apply#2024xyz')
check_contains "$out" "idNumber: required" "a missing required field is named"
out=$(exop apply uid=zhangsan7 sn=张 givenName=三 gender=male mobile=13912340007 idNumber=11010519491231002X orgCode=fin userPassword='weak')
check_contains "$out" "(19)" "a weak password refused"
out=$(exop apply uid=zhangsan8 sn=张 givenName=三 gender=male mobile=13912340006 idNumber=11010519491231002X orgCode=fin userPassword='Apply#2024xyz' accountStatus=active)
check_contains "$out" "not a field" "an applicant cannot set accountStatus"
out=$(exop raw 1 30030401)
check_contains "$out" "(2)" "a malformed application is a protocol error"
out=$(asearch -b "$P" "(uid=zhangsan*)" dn | grep -c '^dn:'); check 1 "$out" "refused applications left nothing behind"

# R5: password reset by code
out=$(exop reset-request nosuchperson); check_contains "$out" "extended operation response" "reset for an unknown account looks the same"
check_not_contains "$out" "(" "... no error"
exop reset-request 13705120003 >/dev/null
code=$(last_code 13705120003)
[ ${#code} = 6 ] && ok "a 6-digit code goes to the registered mobile" || fail "no code in the outbox"
out=$(exop reset-confirm lina 000000 'New#Reset2025'); [ "$code" = 000000 ] && out="(49)"
check_contains "$out" "(49)" "a wrong code is refused"
out=$(exop reset-confirm lina "$code" 'weak'); check_contains "$out" "(19)" "the new password must obey the policy"
out=$(exop reset-confirm lina "$code" 'New#Reset2025'); check_not_contains "$out" "(" "the right code resets the password"
out=$(ldapwhoami -x -H "$URI" -D "uid=lina,$P" -w 'New#Reset2025' 2>&1); check "dn:uid=lina,$P" "$out" "login with the new password"
out=$(exop reset-confirm lina "$code" 'Other#Reset2026'); check_contains "$out" "(49)" "a code works once"
exop reset-request lina >/dev/null
code=$(last_code 13705120003)
for i in 1 2 3 4 5; do exop reset-confirm lina 999999 'Other#Reset2026' >/dev/null; done
out=$(exop reset-confirm lina "$code" 'Other#Reset2026'); [ "$code" = 999999 ] && out="(49)"
check_contains "$out" "(49)" "after 5 wrong tries the code is void"
! grep -q "$code" "$T/server.log" && ok "codes are not in the server log" || fail "a code is in the server log"

# R6: account name recovery
exop recover 320500198104121578 13805120001 >/dev/null
grep -q '"kind":"account-name".*"to":"13805120001".*zhangwei' "$T/outbox.jsonl" && ok "the account name goes to the registered mobile" || fail "account name not sent"
n=$(grep -c '"kind":"account-name"' "$T/outbox.jsonl")
out=$(exop recover 320500198104121578 13900000000); check_not_contains "$out" "(" "a wrong mobile looks the same"
check "$n" "$(grep -c '"kind":"account-name"' "$T/outbox.jsonl")" "... and sends nothing"

# rate limit per address
busy=0
for i in $(seq 1 40); do
	out=$(exop recover 110105194912310021 13900000000)
	case "$out" in *"(51)"*) busy=$((busy + 1)) ;; esac
done
[ "$busy" -ge 3 ] && ok "requests beyond the per-address rate are busy ($busy)" || fail "no rate limit ($busy)"
srv_stop; check 0 $? "clean stop"
done_testing

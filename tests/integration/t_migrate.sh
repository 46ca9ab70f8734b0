#!/bin/bash
# Legacy accounts (R14, docs/migration.md): `unifiedid migrate` from CSV
# and LDIF against the demo directory (which has uid zhangwei, liuyang and
# WP_liuyang, and legacyUid xinghe_admin on chenjianguo): WP_ on a taken
# uid, an error on an old name already bound (legacyUid is unique),
# name, an error when WP_ is taken too, idempotent reruns, bad records
# with their line numbers, --strict, --dry-run, posts and a unit account's
# enterprise; old {SSHA}/{SSHA512} hashes bind and become yescrypt; the
# old name logs in until legacy_login_until and fails like an unknown
# name afterwards; a person who is no administrator cannot migrate.
. "$(dirname "$0")/../lib.sh"
CLI="$B/unifiedid"
PEOPLE="ou=people,$BASE"
srv_config "legacy_login_until: 2099-12-31" "audit_log: $T/audit.log"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
export UNIFIEDID_URI="$URI" UNIFIEDID_LOCALEDIR="$B/locale" LC_ALL=C.UTF-8
unset UNIFIEDID_BASE LANGUAGE LANG LC_MESSAGES
printf '%s\n' "$ADMIN_PW" > "$T/admin.pw"
printf '%s\n' 'Demo@2024pass' > "$T/demo.pw"

run() { cli_run "$@"; }
admin() { run "$CLI" -D "$ADMIN_DN" -y "$T/admin.pw" "$@"; }
py() { cli_py "$@"; }
# the values of one attribute of one entry, base64 decoded
attr() {
	asearch -b "$1" -s base "$2" | python3 -c 'import base64, sys
n = sys.argv[1].lower()
for l in sys.stdin.read().splitlines():
    k, _, v = l.partition(": ")
    if k.lower() == n:
        print(v)
    elif k.lower() == n + ":":
        print(base64.b64decode(v).decode())' "$2"
}
count() { asearch -b "$PEOPLE" "$1" dn | grep -c '^dn:'; }
whoami_as() { ldapwhoami -x -H "$URI" -D "$1" -w "$2" 2>&1; }
# the stored userPassword (the server never returns it): offline export
# into STORED (not in a $(...) subshell: the restarted server must be
# this shell's, or the EXIT trap cannot stop it)
stored_pw() {
	srv_stop
	STORED=$("$DIRSRV" -f "$CONF" export 2>/dev/null | python3 -c 'import base64, sys
for block in sys.stdin.read().replace("\n ", "").split("\n\n"):
    lines = block.split("\n")
    if "dn: " + sys.argv[1] not in lines:
        continue
    for l in lines:
        if l.startswith("userPassword:: "):
            print(base64.b64decode(l[15:]).decode())
        elif l.startswith("userPassword: "):
            print(l[14:])' "$1")
	srv_run || fail "server restarts"
}
# old hashes as a legacy platform stores them
OLDPW='Old#Pass2019'
SSHA=$(python3 -c 'import base64, hashlib, os, sys
s = os.urandom(8)
print("{SSHA}" + base64.b64encode(hashlib.sha1(sys.argv[1].encode() + s).digest() + s).decode())' "$OLDPW")
SSHA512=$(python3 -c 'import base64, hashlib, os, sys
s = os.urandom(16)
print("{SSHA512}" + base64.b64encode(hashlib.sha512(sys.argv[1].encode() + s).digest() + s).decode())' "$OLDPW")
# a new enterprise's credit code (GB 32100 check character)
USCC=$(python3 -c 'cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
b = "91320594MA7TEXT01"
c = 31 - sum(cs.index(ch) * w[i] for i, ch in enumerate(b)) % 31
print(b + cs[0 if c == 31 else c])')
HDR="account,name,surname,given-name,mobile,mail,gender,id-number,password,org,title,type,uscc,enterprise"

# ---- usage ----
admin migrate; check 2 "$RC" "migrate without a file: exit 2"
admin migrate "$T/x.txt"; check 2 "$RC" "unknown file type: exit 2"
check_contains "$ERR" "give --csv or --ldif" "... says how to name the format"
admin migrate --csv --ldif "$T/x.csv"; check 2 "$RC" "--csv and --ldif together: exit 2"
admin migrate "$T/missing.csv"; check 1 "$RC" "a missing file: exit 1"
run "$CLI" migrate --help; check 0 "$RC" "migrate --help"
check_contains "$OUT" "--dry-run" "... lists its options"

# ---- a CSV file with good and bad records ----
cat > "$T/a.csv" <<EOF
$HDR
m_alice,,王,小丽,13912340001,alice@example.gov.cn,女,,$SSHA,fin,"科长, 兼""数据""专员",,,
zhangwei,张伟,,,13912340002,,,,$SSHA,,,,,
xinghe_admin,星河旧账号,,,,,,,$SSHA512,,,,,
liuyang,刘洋,,,,,,,,,,,,
m_unit,赵法人,,,13912340005,,male,,$SSHA,,,单位,$USCC,苏州新迁移科技有限公司
m_rep,钱代表,,,,,,,$SSHA,,,unit,91320500MA1XK7Q29R,
m_badmob,孙手机,,,12345,,,,,,,,,
m_noname,,,,13912340008,,,,,,,,,
m_md5,李旧,,,,,,,{MD5}X03MO1qnZdYdgyfeuILPmQ==,,,,,
m_badid,周证件,,,,,,110101199003071234,,,,,,
m_noorg,吴单位,,,,,,,,nosuchorg,,,,
m_bob,,Smith,Bob,,bob@example.gov.cn,,,$SSHA,hrss,,个人,,
EOF
before=$(count "(objectClass=unifiedIdPerson)")
admin migrate --dry-run "$T/a.csv"; check 1 "$RC" "--dry-run with bad records: exit 1"
check_contains "$OUT" "would import" "... reports what would be imported"
check "$before" "$(count "(objectClass=unifiedIdPerson)")" "--dry-run adds nobody"
check 0 "$(count "(legacyUid=m_alice)")" "... not even the first record"
check_contains "$(printf '%s\n' "$OUT" | grep '^3 ')" "WP_zhangwei" "... and predicts WP_zhangwei"

admin --json migrate "$T/a.csv"; check 1 "$RC" "migrate with bad records: exit 1"
check "False" "$(py 'd["dryRun"]')" "... JSON report, not a dry run"
check "4 8 0" "$(py 'd["imported"], d["failed"], d["skipped"]')" "... 4 imported, 8 failed"
rec() { py "[r for r in d['records'] if r['legacyUid'] == '$1'][0]['$2']"; }
check "imported m_alice" "$(rec m_alice result) $(rec m_alice account)" "a free old name keeps it as the account"
check "WP_zhangwei" "$(rec zhangwei account)" "an old name that is someone's uid: WP_ + old name (seed 003)"
check "failed" "$(rec xinghe_admin result)" "an old name that is already someone's legacyUid: failed (one person per old name)"
check_contains "$(rec xinghe_admin message)" "old name xinghe_admin is already bound to account chenjianguo" "... names the account that holds it"
check "failed" "$(rec liuyang result)" "liuyang, bound to WP_liuyang already (seed 003's case): failed"
check_contains "$(rec liuyang message)" "old name liuyang is already bound to account WP_liuyang" "... says so"
check "5" "$(rec liuyang line)" "... with its line number"
check "imported" "$(rec m_unit result)" "a unit account with a new credit code"
check_contains "$(rec m_unit message)" "legal representative of $USCC" "... is its legal representative"
check "failed" "$(rec m_rep result)" "a unit account whose enterprise has another representative fails"
check_contains "$(rec m_rep message)" "already has a legal representative" "... says why"
check 0 "$(count "(uid=m_rep)")" "... and leaves no person behind"
check_contains "$(rec m_badmob message)" "mobile" "a bad mobile number is refused"
check "8" "$(rec m_badmob line)" "... line 8"
check_contains "$(rec m_noname message)" "missing name" "a record without a name is refused"
check_contains "$(rec m_md5 message)" "not a hash the server can verify" "an {MD5} hash is refused"
check_not_contains "$(rec m_md5 message)" "X03MO1qn" "... without showing it"
check_contains "$(rec m_badid message)" "id-number" "a bad ID number is refused"
check_contains "$(rec m_noorg message)" "no such organisation: nosuchorg" "an unknown organisation is refused"
check 0 "$(count "(|(uid=m_badmob)(uid=m_noname)(uid=m_md5)(uid=m_badid)(uid=m_noorg))")" "... none of the bad records was added"
check 1 "$(count "(uid=liuyang)")" "... liuyang is still the one person"

A="uid=m_alice,$PEOPLE"
check "m_alice" "$(attr "$A" legacyUid)" "legacyUid holds the old name"
check "王小丽 王 小丽 female 13912340001" "$(echo $(attr "$A" cn) $(attr "$A" sn) $(attr "$A" givenName) $(attr "$A" gender) $(attr "$A" mobile))" "name from surname + given name, gender 女 = female"
check "active" "$(attr "$A" accountStatus)" "the account is active"
check "fin" "$(attr "orgCode=fin,$A" orgCode)" "the org column made a post"
check '科长, 兼"数据"专员' "$(attr "orgCode=fin,$A" title)" "... with the quoted title (comma, doubled quotes)"
check_contains "$(attr "$A" memberOf)" "orgCode=fin" "... and the membership follows"
check "zhangwei" "$(attr "uid=WP_zhangwei,$PEOPLE" legacyUid)" "WP_zhangwei's legacyUid is zhangwei"
check "Bob Smith" "$(attr "uid=m_bob,$PEOPLE" cn)" "Latin names: given name first"
check "uid=m_unit,$PEOPLE" "$(attr "uscc=$USCC,ou=enterprises,$BASE" legalRepresentative)" "the enterprise names the person its legal representative (seed 004)"
check "苏州新迁移科技有限公司" "$(attr "uscc=$USCC,ou=enterprises,$BASE" o)" "... with the name from the file"
check "uid=chenjianguo,$PEOPLE" "$(attr "uscc=91320500MA1XK7Q29R,ou=enterprises,$BASE" legalRepresentative)" "the other enterprise is unchanged"

# ---- the same file again: nothing new, the migrated ones skipped ----
admin --json migrate "$T/a.csv"; check 1 "$RC" "rerun: exit 1 (the bad records are still bad)"
check "0 4 8" "$(py 'd["imported"], d["skipped"], d["failed"]')" "... 0 imported, 4 skipped"
check_contains "$(rec zhangwei message)" "already migrated (account WP_zhangwei)" "... names the account"
check 1 "$(count "(legacyUid=zhangwei)")" "... no second WP_ account"
grep -v -e xinghe_admin -e m_badmob -e m_noname -e m_md5 -e m_badid -e m_noorg -e liuyang -e m_rep "$T/a.csv" > "$T/good.csv"
admin migrate "$T/good.csv"; check 0 "$RC" "rerun of the good records: exit 0"
check_contains "$OUT" "0 imported" "... imports nothing"
check_contains "$OUT" "4 skipped" "... skips all 4"

# ---- OLD and WP_OLD both someone's account: the record fails ----
aadd >/dev/null 2>&1 <<EOF
dn: uid=WP_lina,$PEOPLE
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: unifiedIdPerson
uid: WP_lina
cn: 李娜二
sn: 李
EOF
check 0 "$?" "a person WP_lina exists"
printf '%s\nlina,李娜旧,,,,,,,,,,,,\n' "$HDR" > "$T/both.csv"
admin migrate "$T/both.csv"; check 1 "$RC" "lina and WP_lina both taken: exit 1"
check_contains "$OUT" "both lina and WP_lina are taken" "... says so"
check 0 "$(count "(legacyUid=lina)")" "... and binds nobody to the old name"

# ---- CSV syntax errors: nothing of the file is imported ----
printf '%s\nm_q1,甲,,,,,,,,,,,,\nm_q2,"乙,,,,,,,,,,,,\nm_q3,丙,,,,,,,,,,,,\n' "$HDR" > "$T/open.csv"
admin migrate "$T/open.csv"; check 1 "$RC" "an unterminated quoted field: exit 1"
check_contains "$ERR" "line 3: quoted field not closed" "... names the line where it opened"
check_contains "$ERR" "nothing was imported" "... nothing imported"
check 0 "$(count "(uid=m_q1)")" "... not even the record before it"
printf '%s\nm_q4,丁,,,,,,,,,,,,\nm_q5,戊"己,,,,,,,,,,,,\n' "$HDR" > "$T/stray.csv"
admin migrate "$T/stray.csv"; check 1 "$RC" "a quote inside an unquoted field: exit 1"
check_contains "$ERR" "line 3: quote in an unquoted field" "... with the line"
zh() { run env LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$CLI" -D "$ADMIN_DN" -y "$T/admin.pw" "$@"; }
zh migrate "$T/stray.csv"; check_contains "$ERR" "第 3 行：未加引号的字段中有引号" "zh_CN: CSV errors in Chinese"
zh migrate "$T/good.csv"; check_contains "$OUT" "已跳过" "zh_CN: the report in Chinese"
check_contains "$OUT" "已迁移过（账号 WP_zhangwei）" "... with its notes"
printf '%s\nm_q6,"庚"x,,,,,,,,,,,,\n' "$HDR" > "$T/after.csv"
admin migrate "$T/after.csv"; check_contains "$ERR" "line 2: text after the closing quote" "text after a closing quote"
printf 'account,nickname\nm_q7,x\n' > "$T/col.csv"
admin migrate "$T/col.csv"; check 1 "$RC" "an unknown column: exit 1"
check_contains "$ERR" "unknown column 'nickname'" "... named"
printf 'name,mobile\n甲,13912340009\n' > "$T/nouid.csv"
admin migrate "$T/nouid.csv"; check_contains "$ERR" "no 'account' column" "a file without the account column"
printf '%s\nm_q8,辛\n' "$HDR" > "$T/short.csv"
admin migrate "$T/short.csv"; check 1 "$RC" "a record with too few fields: exit 1"
check_contains "$OUT" "2 fields, but the header names 14 columns" "... reported"
printf '%s\nm_q9,\xff\xfe,,,,,,,,,,,,\n' "$HDR" > "$T/latin1.csv"
admin migrate "$T/latin1.csv"; check_contains "$ERR" "line 2: invalid UTF-8" "invalid UTF-8 is refused"
check 0 "$(count "(|(uid=m_q1)(uid=m_q2)(uid=m_q3)(uid=m_q4)(uid=m_q5)(uid=m_q6)(uid=m_q7)(uid=m_q8)(uid=m_q9))")" "none of these files added anyone"
# CRLF line ends, a byte order mark and a line break inside quotes
printf '\xef\xbb\xbfaccount,name,title,org\r\nm_crlf,"癸\r\n",x,\r\n\r\n' > "$T/crlf.csv"
admin migrate "$T/crlf.csv"; check 1 "$RC" "a line break inside a name is refused (control character)"
check_contains "$OUT" "control character" "... reported as such"
printf '\xef\xbb\xbfaccount,name,title\r\nm_crlf,癸,"x\r\ny"\r\n' > "$T/crlf2.csv"
admin migrate "$T/crlf2.csv"; check 1 "$RC" "... in a title too"
printf '\xef\xbb\xbfaccount,name\r\nm_crlf,癸\r\n' > "$T/crlf3.csv"
admin migrate --org sci "$T/crlf3.csv"; check 0 "$RC" "CRLF and a byte order mark are read (--org for the post)"
check "sci" "$(attr "orgCode=sci,uid=m_crlf,$PEOPLE" orgCode)" "... the post in --org's organisation"

# ---- --strict: one bad record, nothing imported ----
printf '%s\nm_s1,壬,,,,,,,,,,,,\nm_s2,癸,,,1,,,,,,,,,\n' "$HDR" > "$T/strict.csv"
admin --json migrate --strict "$T/strict.csv"; check 1 "$RC" "--strict with a bad record: exit 1"
check "not-imported failed" "$(py 'd["records"][0]["result"], d["records"][1]["result"]')" "... the good record is not imported"
check 0 "$(count "(uid=m_s1)")" "... and is not in the directory"

# ---- LDIF ----
cat > "$T/a.ldif" <<EOF
version: 1

# exported from the old platform
dn: uid=l_one,ou=users,dc=legacy,dc=example
objectClass: inetOrgPerson
objectClass: posixAccount
uid: l_one
cn: 林一
sn: 林
mobile: 139-1234-0011
uidNumber: 5001
userPassword:: $(printf '%s' "$SSHA512" | base64 -w0)
orgCode: hrss
title: 科员

dn: uid=l_two,ou=users,dc=legacy,dc=example
cn: 林二
employeeType: 个人

dn: uid=l_three,ou=users,dc=legacy,dc=example
cn: 林三
mobile: 1391234
EOF
admin --json migrate "$T/a.ldif"; check 1 "$RC" "LDIF with a bad record: exit 1"
check "2 1" "$(py 'd["imported"], d["failed"]')" "... 2 imported, 1 failed"
check "4 16 20" "$(py '" ".join(r["line"] for r in d["records"])')" "... line numbers of the dn: lines"
check "l_two" "$(attr "uid=l_two,$PEOPLE" legacyUid)" "no uid attribute: the old name from the DN"
check "13912340011" "$(attr "uid=l_one,$PEOPLE" mobile)" "the mobile is stored as 11 digits"
check "hrss" "$(attr "orgCode=hrss,uid=l_one,$PEOPLE" orgCode)" "the orgCode attribute made a post"
check_not_contains "$(attr "uid=l_one,$PEOPLE" uidNumber)" "5001" "the old uidNumber is not taken over"
printf 'dn: uid=l_del,ou=users,dc=legacy\nchangetype: delete\n' > "$T/del.ldif"
admin migrate "$T/del.ldif"; check 1 "$RC" "a changetype record: exit 1"
check_contains "$OUT" "not an entry" "... reported"
printf 'dn: uid=l_url,ou=users,dc=legacy\ncn:< file:///etc/hostname\n' > "$T/url.ldif"
admin migrate "$T/url.ldif"; check 1 "$RC" "a value from a URL: exit 1"
check_contains "$ERR" "from a URL (:<) are not accepted" "... refused before reading it"
printf 'dn: uid=l_inc,ou=users,dc=legacy\ncn: 含\n' > "$T/inc.ldif"
printf 'include: file://%s\n\n' "$T/inc.ldif" > "$T/include.ldif"
admin migrate "$T/include.ldif"; check 1 "$RC" "an include: line: exit 1"
check_contains "$ERR" "include: is not accepted" "... refused"
check 0 "$(count "(uid=l_inc)")" "... and the included file is not imported"
printf 'dn: uid=l_ok,ou=users,dc=legacy\ncn: 好\n\ndn uid=l_bad\ncn x\n' > "$T/syntax.ldif"
admin migrate "$T/syntax.ldif"; check 1 "$RC" "an LDIF syntax error: exit 1"
check_contains "$ERR" "line 4: not a valid LDIF record" "... with its line"
check 0 "$(count "(uid=l_ok)")" "... and nothing imported"
admin migrate --csv "$T/a.ldif"; check 1 "$RC" "LDIF read as CSV (--csv): exit 1"

# ---- old hashes bind and become yescrypt ----
stored_pw "uid=m_alice,$PEOPLE"
check "$SSHA" "$STORED" "the {SSHA} hash is stored as it was"
check "dn:uid=m_alice,$PEOPLE" "$(whoami_as "uid=m_alice,$PEOPLE" "$OLDPW")" "the old password binds"
stored_pw "uid=m_alice,$PEOPLE"
case "$STORED" in
'{CRYPT}$y$'*) ok "... and is yescrypt after the first bind" ;;
*) fail "... and is yescrypt after the first bind" ;;
esac
check "dn:uid=m_alice,$PEOPLE" "$(whoami_as "uid=m_alice,$PEOPLE" "$OLDPW")" "... and still binds"
check "dn:uid=l_one,$PEOPLE" "$(whoami_as "uid=l_one,$PEOPLE" "$OLDPW")" "an {SSHA512} hash from LDIF binds"
check_contains "$(whoami_as "uid=WP_zhangwei,$PEOPLE" 'wrong')" "Invalid credentials (49)" "a wrong password does not"
run "$CLI" -D m_alice -w "$OLDPW" user show; check 0 "$RC" "the CLI logs in with the account name"

# ---- a person who administers nothing cannot migrate ----
printf '%s\nm_nope,某人,,,,,,,,,,,,\n' "$HDR" > "$T/nope.csv"
run "$CLI" -D maxiaoyu -y "$T/demo.pw" migrate "$T/nope.csv"
check 1 "$RC" "a person who is no administrator: exit 1"
check_contains "$OUT" "Insufficient access (50)" "... the server's insufficientAccessRights"
check 0 "$(count "(uid=m_nope)")" "... nothing added"

# ---- old names log in until legacy_login_until ----
ldapmodrdn -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -r "uid=m_bob,$PEOPLE" uid=bob_new >/dev/null 2>&1 ||
    fail "rename m_bob"
check "m_bob" "$(attr "uid=bob_new,$PEOPLE" legacyUid)" "renamed person keeps legacyUid"
check "dn:uid=bob_new,$PEOPLE" "$(whoami_as "uid=m_bob,$PEOPLE" "$OLDPW")" "the old name binds as the person"
check "dn:uid=zhoujie,$PEOPLE" "$(whoami_as "uid=zhoujie_hrss,$PEOPLE" 'Demo@2024pass')" "a demo person's old name too"
check_contains "$(tail -n 2 "$T/audit.log")" "\"dn\":\"uid=zhoujie_hrss,$PEOPLE\",\"result\":0" "the audit log has the old-name bind"
check_contains "$(whoami_as "uid=m_bob,$PEOPLE" 'wrong')" "Invalid credentials (49)" "a wrong password with the old name fails"
check_contains "$(attr "uid=bob_new,$PEOPLE" pwdFailureTime)" "Z" "... and counts against the person (lockout)"
check "dn:uid=chenjianguo,$PEOPLE" "$(whoami_as "uid=xinghe_admin,$PEOPLE" 'Demo@2024pass')" "the old name a migration could not take still logs in its one holder"
check_contains "$(whoami_as "uid=m_bob,ou=orgs,$BASE" "$OLDPW")" "Invalid credentials (49)" "old names only under ou=people"
unknown=$(whoami_as "uid=no_such_one,$PEOPLE" "$OLDPW")
srv_stop
srv_config "legacy_login_until: 2021-06-30" "audit_log: $T/audit.log"
srv_run || fail "server restarts with a past date"
check "$unknown" "$(whoami_as "uid=m_bob,$PEOPLE" "$OLDPW")" "after the date the old name fails exactly like an unknown name"
check "1" "$(attr "uid=bob_new,$PEOPLE" pwdFailureTime | wc -l | tr -d ' ')" "... and counts no failure on the person"
check "dn:uid=bob_new,$PEOPLE" "$(whoami_as "uid=bob_new,$PEOPLE" "$OLDPW")" "the account name still logs in"
check "dn:uid=WP_zhangwei,$PEOPLE" "$(whoami_as "uid=WP_zhangwei,$PEOPLE" "$OLDPW")" "so does the WP_ account"
srv_stop
srv_config
srv_run || fail "server restarts without legacy_login_until"
check "$unknown" "$(whoami_as "uid=m_bob,$PEOPLE" "$OLDPW")" "without legacy_login_until old names do not log in"

# ---- an old name belongs to one person only (the server enforces it) ----
amodify >"$T/lu.out" 2>&1 <<EOF
dn: uid=WP_zhangwei,$PEOPLE
changetype: modify
add: legacyUid
legacyUid: m_bob
EOF
check 19 "$?" "a second person cannot take an old name already bound (constraintViolation)"
check_contains "$(cat "$T/lu.out")" "legacyUid: m_bob is already bound" "... and the server says why"
check "m_bob" "$(attr "uid=bob_new,$PEOPLE" legacyUid)" "... the first binding is unchanged"
amodify >"$T/lu.out" 2>&1 <<EOF
dn: uid=bob_new,$PEOPLE
changetype: modify
replace: legacyUid
legacyUid: m_bob
legacyUid: m_bob_second
EOF
check 0 "$?" "the same person may keep its old name and add another"

# ---- nothing secret was printed ----
check_not_contains "$(cat "$T/all-output")" "$SSHA" "no {SSHA} hash in any output"
check_not_contains "$(cat "$T/all-output")" "${SSHA512#\{SSHA512\}}" "no {SSHA512} hash in any output"
check_not_contains "$(cat "$T/all-output")" "X03MO1qn" "no {MD5} hash in any output"
check_not_contains "$(cat "$T/all-output")" "$OLDPW" "no password in any output"
srv_alive_or_dump
stop_ok "server stops cleanly"
done_testing

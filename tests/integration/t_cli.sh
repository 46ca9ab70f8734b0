#!/bin/bash
# The unifiedid command-line client (contract section 6) against the demo
# directory: every command as the rootdn, an organisation administrator
# and a person (self), --json parsed by python3, exit statuses (0 done,
# 1 refused or failed with the server's message, 2 usage), the anonymous
# extended operations, SASL EXTERNAL over ldapi, and zh_CN messages.
# T_CLI_DIRSRV=path runs the client of $B against another server binary.
. "$(dirname "$0")/../lib.sh"
CLI="$B/unifiedid"
DIRSRV=${T_CLI_DIRSRV:-$DIRSRV}
srv_config "default_gid: 20000" "notify:" "  outbox: $T/outbox.jsonl"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
export UNIFIEDID_URI="$URI" UNIFIEDID_LOCALEDIR="$B/locale" LC_ALL=C.UTF-8
unset UNIFIEDID_BASE LANGUAGE LANG LC_MESSAGES
PEOPLE="ou=people,$BASE"
PW='Demo@2024pass'
printf '%s\n' "$ADMIN_PW" > "$T/admin.pw"
printf '%s\n' "$PW" > "$T/demo.pw"

# run CMD...: sets OUT (stdout), ERR (stderr), RC; keeps every output for
# the final "no password printed" check
run() { cli_run "$@"; }
admin() { run "$CLI" -D "$ADMIN_DN" -y "$T/admin.pw" "$@"; }
as() { local who=$1; shift; run "$CLI" -D "$who" -y "$T/demo.pw" "$@"; }
# jq-like: py EXPR evaluates a Python expression on the JSON document in OUT
py() { cli_py "$@"; }
attr() {	# attr DN NAME: the values, base64 (UTF-8) decoded
	asearch -b "$1" -s base "$2" | python3 -c 'import base64, sys
n = sys.argv[1].lower()
for l in sys.stdin.read().splitlines():
    k, _, v = l.partition(": ")
    if k.lower() == n:
        print(v)
    elif k.lower() == n + ":":
        print(base64.b64decode(v).decode())' "$2"
}

# ---- usage, help, version (exit 2 for usage errors) ----
run "$CLI" --version; check 0 "$RC" "--version exits 0"
check "unifiedid $(cat "$TOP/VERSION")" "$OUT" "... and prints the version"
run "$CLI" --help; check 0 "$RC" "--help exits 0"
check_contains "$OUT" "Usage: unifiedid" "... usage line"
check_contains "$OUT" "transfer approve" "... lists the commands"
run "$CLI" user --help; check 0 "$RC" "group help exits 0"
check_contains "$OUT" "user unlock" "... lists the subcommands"
run "$CLI" user add --help; check 0 "$RC" "command help exits 0"
check_contains "$OUT" "--given-name" "... lists the command's options"
run "$CLI" frobnicate; check 2 "$RC" "unknown command: exit 2"
check_contains "$ERR" "unknown command 'frobnicate'" "... says which"
check_contains "$ERR" "Try 'unifiedid --help'" "... with a hint"
check 2 "$(printf '%s\n' "$ERR" | wc -l)" "... in one line plus the hint"
run "$CLI"; check 2 "$RC" "no command: exit 2"
run "$CLI" search; check 2 "$RC" "missing argument: exit 2"
check_contains "$ERR" "missing argument: TEXT" "... names it"
check_contains "$ERR" "Try 'unifiedid search --help'" "... hint for the command"
run "$CLI" user; check 2 "$RC" "missing subcommand: exit 2"
run "$CLI" user frob x; check 2 "$RC" "unknown subcommand: exit 2"
run "$CLI" search a b; check 2 "$RC" "extra argument: exit 2"
run "$CLI" search --bogus x; check 2 "$RC" "unknown option: exit 2"
run "$CLI" -Q search x; check 2 "$RC" "unknown short option: exit 2"
run "$CLI" search x -D; check 2 "$RC" "option without its value: exit 2"
run "$CLI" -Y PLAIN search x; check 2 "$RC" "SASL mechanism other than EXTERNAL: exit 2"
run "$CLI" -H 'not a uri' search x; check 2 "$RC" "malformed URI: exit 2"
run "$CLI" -D "$ADMIN_DN" -w x -y "$T/admin.pw" search x; check 2 "$RC" "-w and -y together: exit 2"
run "$CLI" -Y EXTERNAL -D "$ADMIN_DN" search x; check 2 "$RC" "-Y EXTERNAL with -D: exit 2"
admin user modify zhangwei; check 2 "$RC" "user modify without a field: exit 2"
admin application reject pengli; check 2 "$RC" "rejection without --reason: exit 2"
admin user add someone --surname 甲 --given-name 乙; check 2 "$RC" "user add without --mobile: exit 2"
check_contains "$ERR" "missing --mobile" "... names the option"
admin org add 'bad code' 坏; check 2 "$RC" "org add with a bad code: exit 2"

# ---- connection and bind errors (exit 1 with the server's message) ----
run "$CLI" -D zhangwei -w 'Wrong#Pass1' search 张; check 1 "$RC" "wrong password: exit 1"
check_contains "$ERR" "Invalid credentials (49)" "... with the server's result"
run "$CLI" search 张; check 1 "$RC" "anonymous search of people: exit 1"
check_contains "$ERR" "No such object (32)" "... noSuchObject"
check_contains "$ERR" "not logged in" "... with a hint to log in"
run "$CLI" -H "ldap://127.0.0.1:$(free_port)" -D zhangwei -w x search 张
check 1 "$RC" "unreachable server: exit 1"
check_contains "$ERR" "Can't contact LDAP server" "... says so"
run "$CLI" -b "dc=nowhere" -D zhangwei -w "$PW" search 张; check 1 "$RC" "-b names another base: exit 1"
run "$CLI" -D caolei -y "$T/demo.pw" search 张; check 1 "$RC" "a pending applicant cannot log in"
check_contains "$ERR" "pending" "... the server says why"

# ---- address book (R8, seed 000) ----
as zhangwei search 张; check 0 "$RC" "search 张 as a person"
check_contains "$OUT" "张伟" "... finds 张伟"
check_contains "$OUT" "zhangwei" "... with the account"
check_contains "$OUT" "大数据管理中心" "... the organisations from the posts"
check_contains "$OUT" "0512-66600001" "... the work phone"
check_contains "$OUT" "13805120001" "... the mobile"
check_contains "$OUT" "主任" "... the primary post's title"
as maxiaoyu --json search 王芳; check 0 "$RC" "search --json"
check "wangfang wangfang2" "$(py '" ".join(p["account"] for p in d)')" "... both 王芳, parsed as JSON"
check "运行维护部,行政审批局,科技局" "$(py '",".join(d[0]["organisations"])')" "... organisations in rank order (concurrent posts)"
as maxiaoyu search 13805120001; check_contains "$OUT" "zhangwei" "search by mobile number"
as maxiaoyu search wangfang; check 2 "$(printf '%s\n' "$OUT" | grep -c '^wangfang')" "search by account prefix"
as maxiaoyu search 'nobody*)(uid=*'; check 0 "$RC" "filter characters are escaped"
check_contains "$OUT" "Nobody matches" "... and match nobody"
as zhangwei search 赵磊; check_contains "$OUT" "(transfer-pending)" "a pending transfer is marked in the address book"
python3 -c 'for i in range(1100): print("dn: uid=bulk%04d,ou=people,%s\nobjectClass: inetOrgPerson\nuid: bulk%04d\ncn: 批量%04d\nsn: 批\n" % (i, __import__("sys").argv[1], i, i))' "$BASE" | aadd >/dev/null
as maxiaoyu --json search bulk; check 1100 "$(py 'len(d)')" "paged results: 1100 people although a person's size limit is 1000"
run "$CLI" -D zhangwei -y "$T/demo.pw" -b "$BASE" search 张; check 0 "$RC" "explicit -b"
UNIFIEDID_BASE="$BASE" run "$CLI" -D "uid=zhangwei,$PEOPLE" -y "$T/demo.pw" search 张
check 0 "$RC" "UNIFIEDID_BASE and a full bind DN"

# ---- organisations (R8, R10) ----
as maxiaoyu org tree; check 0 "$RC" "org tree as a person"
check_contains "$OUT" "苏州工业园区管委会 (sip): 3 members" "... the root with its members"
check_contains "$OUT" "├── 财政局 (fin): 3 members" "... box-drawing branches"
check_contains "$OUT" "│   └── 国库处 (treasury)" "... nested levels"
check_contains "$OUT" "└── 大数据管理中心 (bigdata)" "... the last child"
check 14 "$(printf '%s\n' "$OUT" | wc -l)" "... all 14 organisations"
as maxiaoyu org tree hrss; check_contains "$OUT" "    └── 外国人来华工作服务科 (foreign)" "org tree of a subtree"
check_not_contains "$OUT" "财政局" "... only that subtree"
as maxiaoyu --json org tree; check 0 "$RC" "org tree --json"
check "sip 5 budget,treasury" "$(py 'd[0]["code"], len(d[0]["children"]), ",".join(c["code"] for c in d[0]["children"][0]["children"])')" "... nested children in order"
as maxiaoyu org show fin; check 0 "$RC" "org show by code"
check_contains "$OUT" "李娜 (lina)" "... its administrator"
check_contains "$OUT" "20002" "... its group ID"
check_contains "$OUT" "苏州工业园区管委会 (sip)" "... its parent"
check_contains "$OUT" "liangchen" "... members, concurrent posts included"
as maxiaoyu --json org show "orgCode=fin,orgCode=sip,ou=orgs,$BASE"; check 0 "$RC" "org show by DN, --json"
check "财政局 lina 3" "$(py 'd["name"], d["admins"][0]["account"], len(d["members"])')" "... name, admins, members"
as maxiaoyu org show nosuch; check 1 "$RC" "org show of an unknown organisation: exit 1"
check_contains "$ERR" "no such organisation: nosuch" "... says so"
as maxiaoyu org admins budget; check 0 "$RC" "org admins"
check "liuyang lina zhengshuang zhangwei" "$(printf '%s\n' "$OUT" | awk 'NR > 1 { printf "%s%s", sep, $1; sep = " " }')" "... its own, then those above it"
as maxiaoyu --json org admins fin; check "lina,zhengshuang,zhangwei" "$(py '",".join(r["account"] for r in d)')" "org admins --json"
admin org add audit 审计局 --parent sip --admin luoyi --type 行政机关; check 0 "$RC" "org add as the rootdn"
check_contains "$OUT" "orgCode=audit,orgCode=sip,ou=orgs,$BASE" "... under its parent"
check "audit" "$(attr "orgCode=audit,orgCode=sip,ou=orgs,$BASE" cn)" "... the server filled cn"
check "uid=luoyi,$PEOPLE" "$(attr "orgCode=audit,orgCode=sip,ou=orgs,$BASE" orgAdmin)" "... with its administrator"
admin --json org add audit2 审计二处 --parent audit
check "audit2" "$(py 'd["code"]')" "org add --json"
test -n "$(py 'd["gidNumber"]')" && ok "... reports the allocated gidNumber" || fail "... reports the allocated gidNumber"
admin org add audit 重复; check 1 "$RC" "org add of a taken code: exit 1"
admin org add audit3 三处 --admin nosuch; check 1 "$RC" "org add with an unknown administrator: exit 1"
as zhangwei org add x1 测试 --parent sip; check 1 "$RC" "a person cannot add an organisation"
check_contains "$ERR" "(50)" "... insufficientAccessRights from the server"

# ---- people ----
as zhangwei user show; check 0 "$RC" "user show (self)"
check_contains "$OUT" "320500198104121578" "... self reads the own ID number"
check_contains "$OUT" "Posts:" "... with the posts"
check_contains "$OUT" "运行维护部" "... the concurrent post"
check_not_contains "$OUT" "userPassword" "... never the password"
as maxiaoyu user show zhangwei; check 0 "$RC" "user show of another person"
check_not_contains "$OUT" "320500198104121578" "... without the ID number"
check_contains "$OUT" "13805120001" "... with the address-book fields"
as zhangwei --json user show; check 0 "$RC" "user show --json"
check "zhangwei 张伟 bigdata 0" "$(py 'd["account"], d["attributes"]["cn"][0], d["posts"][0]["orgCode"], d["posts"][0]["rank"]')" "... account, attributes, posts"
as hanmei --json user show; check "realNameScan;base64" "$(py '[k for k in d["attributes"] if k.startswith("realNameScan")][0]')" "binary values are base64 in JSON"
admin user show; check 1 "$RC" "user show without an account as the rootdn: exit 1"
admin user show nosuch; check 1 "$RC" "user show of an unknown account: exit 1"
check_contains "$ERR" "no such account: nosuch" "... says so"
printf 'Start#Pass2024\n' > "$T/new.pw"
admin user add zhangsan --surname 张 --given-name 三 --mobile 13812345678 \
    --mail zhangsan@example.gov.cn --org budget --title 科员 --password-file "$T/new.pw"
check 0 "$RC" "user add with an organisation"
check_contains "$OUT" "Added zhangsan (张三)" "... confirms"
check "20003" "$(attr "uid=zhangsan,$PEOPLE" gidNumber)" "... gidNumber of the primary organisation"
check "/home/zhangsan" "$(attr "uid=zhangsan,$PEOPLE" homeDirectory)" "... homeDirectory filled by the server"
check "active" "$(attr "orgCode=budget,uid=zhangsan,$PEOPLE" postStatus)" "... the primary post is active"
check "0" "$(attr "orgCode=budget,uid=zhangsan,$PEOPLE" postRank)" "... with rank 0"
check "orgCode=budget,orgCode=fin,orgCode=sip,ou=orgs,$BASE" "$(attr "orgCode=budget,uid=zhangsan,$PEOPLE" postOrg)" "... postOrg is the organisation's DN"
run "$CLI" -D zhangsan -y "$T/new.pw" post list; check 0 "$RC" "the new person logs in with the initial password"
check_contains "$OUT" "预算处" "... and has the post"
admin --json user add lisi --surname 李 --given-name 四 --mobile 13912345670
check 0 "$RC" "user add without an organisation, --json"
test -n "$(py 'd["uidNumber"]')" && ok "... the server allocated a uidNumber" || fail "... the server allocated a uidNumber"
check "20000" "$(py 'd["gidNumber"]')" "... default gidNumber"
admin user add lisi --surname 李 --given-name 四 --mobile 13912345670; check 1 "$RC" "user add of an existing account: exit 1"
check_contains "$ERR" "Already exists (68)" "... the server's error"
admin user add wangwu --surname 王 --given-name 五 --mobile 12345; check 1 "$RC" "user add with a bad mobile: exit 1"
check_contains "$ERR" "mobile" "... the server names the field"
admin user add wangwu --surname 王 --given-name 五 --mobile 13912345671 --org nosuch; check 1 "$RC" "user add into an unknown organisation: exit 1"
out=$(asearch -b "$PEOPLE" "(uid=wangwu)" dn); check_not_contains "$out" "wangwu" "... and nobody was added"
as lina user modify lina --mobile 13912345672 --office "财政大楼 3 楼"
check 0 "$RC" "user modify of own contact fields"
check "13912345672" "$(attr "uid=lina,$PEOPLE" mobile)" "... stored"
as lina user modify lina --id-number 11010519491231002X; check 1 "$RC" "self cannot change the own ID number"
check_contains "$ERR" "Insufficient access (50)" "... refused by the server"
as maxiaoyu user modify lina --mobile 13900000000; check 1 "$RC" "a person cannot change another's fields"
admin user modify zhangsan --office 'Room "7" \\ 东楼'; check 0 "$RC" "a value with quotes and a backslash"
run "$CLI" -D zhangsan -y "$T/new.pw" --json user show; check 'Room "7" \\ 东楼' "$(py 'd["attributes"]["officeAddress"][0]')" "... survives --json"
admin user modify zhangsan --surname 章; check 0 "$RC" "user modify of the surname"
check "章三" "$(attr "uid=zhangsan,$PEOPLE" cn)" "... the full name follows"
admin user modify zhangsan --mail ""; check 0 "$RC" "an empty value removes a field"
check "" "$(attr "uid=zhangsan,$PEOPLE" mail)" "... removed"
admin user disable lisi --reason "离职"; check 0 "$RC" "user disable"
check "disabled" "$(attr "uid=lisi,$PEOPLE" accountStatus)" "... accountStatus disabled"
check "离职" "$(attr "uid=lisi,$PEOPLE" statusReason)" "... with the reason"
as lina user disable xiehui; check 0 "$RC" "an organisation administrator disables a person of the organisation"
run "$CLI" -D xiehui -y "$T/demo.pw" user show; check 1 "$RC" "a disabled person cannot log in"
check_contains "$ERR" "disabled" "... the server says why"
as maxiaoyu user disable zhangwei; check 1 "$RC" "a person cannot disable another"
admin user unlock jiangming; check 0 "$RC" "user unlock of an account locked by an administrator"
check "active" "$(attr "uid=jiangming,$PEOPLE" accountStatus)" "... active again"
for i in 1 2 3 4 5; do run "$CLI" -D yangmin -w 'Wrong#Pass1' user show; done
run "$CLI" -D yangmin -y "$T/demo.pw" user show; check 1 "$RC" "five wrong passwords lock the account"
check_contains "$ERR" "locked" "... the server says so"
test -n "$(attr "uid=yangmin,$PEOPLE" pwdAccountLockedTime)" && ok "... pwdAccountLockedTime set" || fail "... pwdAccountLockedTime set"
as lina user unlock yangmin; check 0 "$RC" "the organisation administrator unlocks it"
check "" "$(attr "uid=yangmin,$PEOPLE" pwdAccountLockedTime)" "... pwdAccountLockedTime deleted"
as yangmin user show; check 0 "$RC" "... and the person logs in again"
admin user unlock zhangwei; check 0 "$RC" "user unlock of an account that is not locked: exit 0"
check_contains "$OUT" "not locked" "... says so"

# ---- passwords (RFC 3062, R2) ----
printf 'short\n' > "$T/weak.pw"; printf 'N3w!Passw0rd\n' > "$T/n3w.pw"; printf 'Other#Pass99\n' > "$T/other.pw"
as wuxiuying passwd --old-file "$T/demo.pw" --new-file "$T/weak.pw"; check 1 "$RC" "passwd: a weak password is refused"
check_contains "$ERR" "Constraint violation (19): password is too short" "... with the server's policy message verbatim"
as wuxiuying passwd --old-file "$T/weak.pw" --new-file "$T/n3w.pw"; check 1 "$RC" "passwd: a wrong old password is refused"
check_contains "$ERR" "old password is wrong" "... says so"
as wuxiuying passwd --old-file "$T/demo.pw" --new-file "$T/n3w.pw"; check 0 "$RC" "passwd: own password changed"
run "$CLI" -D wuxiuying -y "$T/n3w.pw" user show; check 0 "$RC" "... the new one works"
run "$CLI" -D wuxiuying -y "$T/demo.pw" user show; check 1 "$RC" "... the old one does not"
OUT=$(printf 'N3w!Passw0rd\nN3w!Passw0rd\nOther#Pass99\nOther#Pass99\n' | setsid "$CLI" -D wuxiuying -W passwd 2>"$T/err"); RC=$?
check 0 "$RC" "-W and the passwd prompts read from standard input without a terminal"
check_contains "$(cat "$T/err")" "New password:" "... prompting on stderr"
run "$CLI" -D wuxiuying -y "$T/other.pw" user show; check 0 "$RC" "... the prompted password works"
OUT=$(printf 'Other#Pass99\nA1!aaaaaaa\nB1!bbbbbbb\n' | setsid "$CLI" -D wuxiuying -y "$T/other.pw" passwd 2>"$T/err"); RC=$?
check 1 "$RC" "passwd: mismatched new passwords: exit 1"
check_contains "$(cat "$T/err")" "do not match" "... says so"
as lina passwd chenjing --new-file "$T/other.pw"; check 0 "$RC" "an organisation administrator resets a password"
check_contains "$OUT" "must change it" "... the person must change it"
run "$CLI" -D chenjing -y "$T/other.pw" user show; check 1 "$RC" "after a reset other operations are refused"
check_contains "$ERR" "must be changed" "... the bind warns that the password must be changed"
run "$CLI" -D chenjing -y "$T/other.pw" passwd --old-file "$T/other.pw" --new-file "$T/n3w.pw"; check 0 "$RC" "... until the person changes it"
run "$CLI" -D chenjing -y "$T/n3w.pw" user show; check 0 "$RC" "... then all is well"
as lina passwd huangqiang --new-file "$T/other.pw"; check 1 "$RC" "an administrator cannot reset elsewhere"
check_contains "$ERR" "(50)" "... insufficientAccessRights"
admin passwd nosuch --new-file "$T/other.pw"; check 1 "$RC" "passwd of an unknown account: exit 1"
run "$CLI" passwd --new-file "$T/other.pw"; check 1 "$RC" "passwd when not logged in: exit 1"

# ---- posts and transfers (R9, R10) ----
as wangfang post list; check 0 "$RC" "post list (self)"
check "运行维护部 行政审批局 科技局" "$(printf '%s\n' "$OUT" | awk 'NR > 1 { printf "%s%s", sep, $2; sep = " " }')" "... in rank order"
as maxiaoyu --json post list zhaolei; check 0 "$RC" "post list of another person, --json"
check "treasury:0:active bigdata:None:transfer-pending" "$(py '" ".join("%s:%s:%s" % (p["orgCode"], p["rank"], p["status"]) for p in d)')" "... ranks and states"
as guojing post transfer sci --title 联络员; check 0 "$RC" "post transfer: a concurrent post (兼任) requested"
check "transfer-pending TRUE" "$(attr "orgCode=sci,uid=guojing,$PEOPLE" postStatus) $(attr "orgCode=sci,uid=guojing,$PEOPLE" keepOrigin)" "... transfer-pending, keeping the origin"
as guojing post transfer approval --from hitech; check 0 "$RC" "post transfer --from: a move requested"
check "orgCode=hitech,uid=guojing,$PEOPLE" "$(attr "orgCode=approval,uid=guojing,$PEOPLE" transferFrom)" "... transferFrom the origin post"
as zhuhong transfer list; check 0 "$RC" "transfer list as an organisation administrator"
check_contains "$OUT" "guojing" "... shows the requests"
as zhuhong --json transfer list --org sci; check 0 "$RC" "transfer list --org --json"
check "guojing:transfer:sci" "$(py '" ".join("%s:%s:%s" % (r["account"], r["request"], r["orgCode"]) for r in d)')" "... only that organisation's requests"
as huwenbo transfer approve guojing sci; check 1 "$RC" "another organisation's administrator cannot approve"
check_contains "$ERR" "(50)" "... refused by the server"
as zhuhong transfer approve guojing sci; check 0 "$RC" "the target organisation's administrator approves"
check "active" "$(attr "orgCode=sci,uid=guojing,$PEOPLE" postStatus)" "... the post is active"
as zhuhong transfer approve guojing sci; check 1 "$RC" "approving twice: exit 1"
check_contains "$ERR" "no pending request" "... says so"
as heping transfer reject guojing approval; check 0 "$RC" "transfer reject"
out=$(asearch -b "uid=guojing,$PEOPLE" "(orgCode=approval)" dn); check_not_contains "$out" "orgCode=approval" "... the pending post is gone"
as guojing post order sci; check 0 "$RC" "post order"
check "0 1" "$(attr "orgCode=sci,uid=guojing,$PEOPLE" postRank) $(attr "orgCode=hitech,uid=guojing,$PEOPLE" postRank)" "... the named post first"
check "20009" "$(attr "uid=guojing,$PEOPLE" gidNumber)" "... the primary organisation gives the gidNumber"
as guojing post order hitech; check 0 "$RC" "post order back"
as guojing post leave hitech; check 1 "$RC" "the primary post cannot be left"
check_contains "$ERR" "primary post" "... the server says why"
as guojing post leave sci; check 0 "$RC" "post leave of a concurrent post"
check "leave-pending" "$(attr "orgCode=sci,uid=guojing,$PEOPLE" postStatus)" "... leave-pending"
as zhuhong transfer approve guojing sci; check 0 "$RC" "the organisation's administrator approves the leave"
out=$(asearch -b "uid=guojing,$PEOPLE" "(orgCode=sci)" dn); check_not_contains "$out" "orgCode=sci" "... the post is gone"
as zhangwei transfer approve zhaolei bigdata; check 0 "$RC" "approval of the demo's move (keepOrigin FALSE)"
as zhaolei --json post list; check "bigdata:0:active" "$(py '" ".join("%s:%s:%s" % (p["orgCode"], p["rank"], p["status"]) for p in d)')" "... the origin post went, the new one is primary"
admin post list; check 1 "$RC" "post list without an account as the rootdn: exit 1"

# ---- real-name status (R7) ----
as maxiaoyu realname status; check 0 "$RC" "realname status (self)"
check_contains "$OUT" "review-failed" "... the state"
check_contains "$OUT" "无法辨认" "... the reviewer's comment"
as lina --json realname status liuyang; check "intermediate verified" "$(py 'd["level"], d["status"]')" "realname status --json by an administrator"
as maxiaoyu realname status lina; check 1 "$RC" "another person's real-name data is not visible: exit 1"

# ---- applications (R1, R10) and the anonymous extended operations ----
as gaoyan application list; check 0 "$RC" "application list as an organisation administrator"
check_contains "$OUT" "caolei" "... its applicant"
check_not_contains "$OUT" "pengli" "... not another organisation's"
admin --json application list; check "caolei pengli" "$(py '" ".join(r["account"] for r in d)')" "application list --json as the rootdn"
admin --json application list --org sci; check "pengli" "$(py '" ".join(r["account"] for r in d)')" "application list --org includes sub-organisations"
as maxiaoyu application list; check 0 "$RC" "a person sees no applications"
check_contains "$OUT" "No applications" "... says so"
as lina application approve caolei; check 1 "$RC" "another organisation's administrator cannot approve"
as gaoyan application approve caolei; check 0 "$RC" "application approve"
check "active" "$(attr "uid=caolei,$PEOPLE" accountStatus)" "... active"
check "active" "$(attr "orgCode=accept,uid=caolei,$PEOPLE" postStatus)" "... the server activated the pending post"
run "$CLI" -D caolei -y "$T/demo.pw" post list; check 0 "$RC" "... the person logs in"
as gaoyan application approve caolei; check 1 "$RC" "approving twice: exit 1"
check_contains "$ERR" "not waiting for approval" "... says so"
as huwenbo application reject pengli --reason "材料不全"; check 0 "$RC" "application reject with a reason"
check "rejected 材料不全" "$(attr "uid=pengli,$PEOPLE" accountStatus) $(attr "uid=pengli,$PEOPLE" statusReason)" "... rejected with the reason"
printf 'Apply#2024pw\n' > "$T/apply.pw"
run "$CLI" apply wangliu --surname 王 --given-name 六 --gender male --mobile 13612345678 \
    --id-number 11010519491231002X --org accept --password-file "$T/apply.pw"
check 0 "$RC" "apply (anonymous extended operation)"
check "pending" "$(attr "uid=wangliu,$PEOPLE" accountStatus)" "... a pending account"
as gaoyan application list; check_contains "$OUT" "wangliu" "... waiting for its organisation's administrator"
run "$CLI" --json apply wangliu --surname 王 --given-name 六 --gender male --mobile 13612345679 \
    --id-number 110105199003071239 --org accept --password-file "$T/apply.pw"
check 1 "$RC" "apply again: exit 1"
check_contains "$ERR" "Already exists (68)" "... the server's answer"
run "$CLI" apply wangqi --surname 王 --given-name 七 --gender male --mobile 13612345670 \
    --id-number 110105194912310022 --org accept --password-file "$T/apply.pw"
check 1 "$RC" "apply with a wrong ID check character: exit 1"
check_contains "$ERR" "check character" "... the server names the rule"
run "$CLI" apply wangqi --surname 王; check 2 "$RC" "apply without the required fields: exit 2"
run "$CLI" forgot password lina; check 0 "$RC" "forgot password: the code is requested"
code=$(python3 -c 'import json,re,sys
l=[json.loads(x) for x in open(sys.argv[1])]
print(re.search(r"\d{6}", [x for x in l if x["kind"] == "reset-code"][-1]["text"]).group(0))' "$T/outbox.jsonl" 2>/dev/null)
check 6 "${#code}" "... a 6-digit code in the outbox"
run "$CLI" forgot password lina --code 000000 --new-file "$T/n3w.pw"; check 1 "$RC" "forgot password with a wrong code: exit 1"
check_contains "$ERR" "the code is wrong or has expired" "... the server's message"
run "$CLI" --json forgot password lina --code "$code" --new-file "$T/n3w.pw"; check 0 "$RC" "forgot password with the code"
check "True" "$(py 'd["reset"]')" "... --json"
run "$CLI" -D lina -y "$T/n3w.pw" user show; check 0 "$RC" "... the new password works"
run "$CLI" forgot account 320500198104121578 13805120001; check 0 "$RC" "forgot account"
grep -q '"kind":"account-name".*zhangwei' "$T/outbox.jsonl" && ok "... the account name is sent to the mobile" || fail "... the account name is sent to the mobile"
printf '\x89PNG\r\n\x1a\nscan' > "$T/scan.png"
run "$CLI" --json forgot appeal 马晓宇 370100199709305291 13612349999 --scan "$T/scan.png"
check "0 True" "$RC $(py 'd["submitted"]')" "forgot appeal (anonymous extended operation)"
as sunli --json appeal list; check "maxiaoyu" "$(py '" ".join(r["account"] for r in d)')" "appeal list as the organisation's administrator"
as maxiaoyu --json appeal list; check "[]" "$OUT" "... the person sees none"
run "$CLI" enterprise; check 2 "$RC" "enterprise without a subcommand: exit 2"
as maxiaoyu --json enterprise list; check 0 "$RC" "enterprise list"
as maxiaoyu realname review; check 0 "$RC" "realname review as a person"
check_contains "$OUT" "No real-name reviews" "... none waits for them"

# ---- the rootdn sees everything ----
admin search 张; check_contains "$OUT" "张伟" "rootdn: search"
admin --json org tree; check "sip" "$(py 'd[0]["code"]')" "rootdn: org tree"
admin org admins sip; check_contains "$OUT" "zhengshuang" "rootdn: org admins"
admin user show lina; check_contains "$OUT" "Account status" "rootdn: user show with the account state"
admin --json transfer list; check "[]" "$(py 'd')" "rootdn: transfer list (none left)"
admin realname status hanmei; check_contains "$OUT" "review-pending" "rootdn: realname status"
admin passwd tangjun --new-file "$T/other.pw"; check 0 "$RC" "rootdn: password reset"
admin --json post list wangfang; check "3" "$(py 'len(d)')" "rootdn: post list"

# ---- SASL EXTERNAL over ldapi (as root, the server's own uid) ----
run "$CLI" -H "$LDAPI" -Y EXTERNAL application list; check 0 "$RC" "-Y EXTERNAL over ldapi is the rootdn"
check_contains "$OUT" "wangliu" "... and sees every application"

# ---- zh_CN messages ----
zh() { run env LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$@"; }
zh "$CLI" --help; check_contains "$OUT" "用法：unifiedid" "zh_CN: --help in Chinese (LANGUAGE)"
check_contains "$OUT" "通讯录" "... command summaries"
run env -u LC_ALL LANG=zh_CN.UTF-8 "$CLI" --help
check_contains "$OUT" "用法：unifiedid" "zh_CN: LANG=zh_CN.UTF-8 works even where that locale is not generated"
zh "$CLI" frobnicate; check 2 "$RC" "zh_CN: usage error still exit 2"
check_contains "$ERR" "未知命令" "... in Chinese"
zh "$CLI" -D maxiaoyu -y "$T/demo.pw" user show nosuch; check_contains "$ERR" "账号不存在" "zh_CN: errors in Chinese"
zh "$CLI" -D maxiaoyu -y "$T/demo.pw" org tree fin; check_contains "$OUT" "财政局（fin）：3 人" "zh_CN: org tree"
zh "$CLI" -D maxiaoyu -y "$T/demo.pw" search 彭丽; check_contains "$OUT" "高新技术处（待审核）" "zh_CN: post states"
check_contains "$OUT" "所属组织" "... column headings"
zh "$CLI" -D maxiaoyu -y "$T/demo.pw" user show; check_contains "$OUT" "实名状态" "zh_CN: field labels"
check_contains "$OUT" "人工审核未通过" "... coded values"
zh "$CLI" -D maxiaoyu -y "$T/demo.pw" --json realname status; check "review-failed" "$(py 'd["status"]')" "zh_CN: JSON keeps the raw values"
zh "$CLI" appeal --help; check_contains "$OUT" "待审核的密码申诉" "zh_CN: appeal commands"
zh "$CLI" -D sunli -y "$T/demo.pw" appeal list; check_contains "$OUT" "联系手机" "... table headings"
zh "$CLI" -D maxiaoyu -y "$T/demo.pw" enterprise list; check_contains "$OUT" "统一社会信用代码" "zh_CN: enterprise list"

# ---- secrets ----
for p in "$ADMIN_PW" "$PW" 'N3w!Passw0rd' 'Other#Pass99' 'Start#Pass2024' 'Apply#2024pw'; do
	grep -qF -- "$p" "$T/all-output" && fail "password '$p' printed" || ok "no output shows a password (${p:0:3}...)"
done
done_testing

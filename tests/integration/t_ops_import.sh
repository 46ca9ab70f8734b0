#!/bin/bash
# Offline subcommands (contract section 2): import of the demo directory,
# export / re-import round trip, bad input to import, check,
# hash-password, usage errors.
. "$(dirname "$0")/../lib.sh"


DEMO="$TOP/etc/demo/demo.ldif"
P="ou=people,$BASE"
ZW="uid=zhangwei,$P"
ndemo=$(grep -c '^dn:' "$DEMO")
npeople=$(grep -c "^dn: uid=[^,]*,$P\$" "$DEMO")
# x CMD...: run the daemon binary; sets $out (stdout), $err (stderr), $rc
x() {
	out=$("$DIRSRV" "$@" 2>"$T/x.err"); rc=$?
	err=$(cat "$T/x.err")
	case "$err" in
	*Sanitizer*|*"runtime error"*|*"free()"*|*"malloc()"*)
		fail "CRASH: unifiedid-dirsrv $* reported memory corruption"
		printf '%s\n' "$err" | grep -m 5 -E 'ERROR|runtime error|#[0-4] |SUMMARY|free\(\)|malloc\(\)' | sed 's/^/# /'
		;;
	esac
	if [ "$rc" -ge 128 ]; then
		fail "CRASH: unifiedid-dirsrv $* died with signal $((rc - 128))"
	fi
}
nlines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }
count() { printf '%s\n' "$1" | grep -c '^dn:'; }

# ================================================================ hash-password
x hash-password secret
check 0 "$rc" "hash-password secret: exit 0"
case "$out" in
'{CRYPT}$y$'*) ok "hash-password prints a {CRYPT} yescrypt hash" ;;
*) fail "hash-password prints a {CRYPT} yescrypt hash (got '$out')" ;;
esac
check 1 "$(nlines "$out")" "hash-password prints one line"
h1=$out
x hash-password secret
if [ "$out" != "$h1" ]; then ok "hash-password salts (two hashes differ)"; else fail "hash-password salts (two hashes differ)"; fi
out=$(printf 'from-stdin\n' | "$DIRSRV" hash-password 2>/dev/null); rc=$?
case "$rc $out" in
'0 {CRYPT}$y$'*) ok "hash-password reads the password from stdin" ;;
*) fail "hash-password reads the password from stdin (got $rc '$out')" ;;
esac
HASH_STDIN=$out

# ================================================================ usage errors
x frobnicate
check 1 "$rc" "unknown command: exit 1"
check_contains "$err" "frobnicate" "unknown command is named on stderr"
x -f
check 1 "$rc" "-f without an argument: exit 1"
x -q
check 1 "$rc" "unknown option: exit 1"
x -f /nonexistent/dirsrv.yaml check
check 1 "$rc" "missing configuration file: exit 1"
check 1 "$(nlines "$err")" "missing configuration file: one line on stderr"
x --version
check_contains "$rc $out" "0 unifiedid-dirsrv" "--version"

# ================================================================ check
srv_config
# a hashed rootpw, so that check has no warning to print
sed -i "s|^rootpw: .*|rootpw: \"$h1\"|" "$CONF"
x -f "$CONF" check
check 0 "$rc" "check: a good configuration exits 0"
check "" "$err" "check: nothing on stderr for a good configuration"
bad() {	# bad DESCRIPTION: $T/bad.yaml must give exit 1 and one stderr line
	x -f "$T/bad.yaml" check
	check 1 "$rc" "check: $1: exit 1"
	check 1 "$(nlines "$err")" "check: $1: one line on stderr"
	check_contains "$err" "$2" "check: $1: the message names $2"
}
{ cat "$CONF"; echo "no_such_key: 1"; } > "$T/bad.yaml"
bad "unknown key" "no_such_key"
sed "s|^schema_dir: .*|schema_dir: $T/no-schema|" "$CONF" > "$T/bad.yaml"
bad "bad schema_dir" "no-schema"
{ cat "$CONF"; echo "index: [uid, noSuchAttribute]"; } > "$T/bad.yaml"
bad "index of an unknown attribute" "noSuchAttribute"
grep -v '^suffix:' "$CONF" > "$T/bad.yaml"
bad "missing suffix" "suffix"
{ cat "$CONF"; echo "listen: ["; } > "$T/bad.yaml"
bad "YAML syntax error" "bad.yaml"
{ cat "$CONF"; echo "max_pdu: lots"; } > "$T/bad.yaml"
bad "non-numeric size" "max_pdu"
x -f "$CONF" serve extra-argument
check 1 "$rc" "serve with an extra argument: exit 1"

# ================================================================ import
x -f "$CONF" import
check 1 "$rc" "import without a file: exit 1"
x -f "$CONF" import "$T/no-such-file.ldif"
check 1 "$rc" "import of a missing file: exit 1 (no crash)"
check_contains "$err" "no-such-file.ldif" "import of a missing file names it"
x -f "$CONF" export extra-argument
check 1 "$rc" "export with an extra argument: exit 1"

x -f "$CONF" import "$DEMO"
check 0 "$rc" "import of the demo directory"
check_contains "$out$err" "$ndemo" "import reports the number of entries ($ndemo)"
srv_run || { fail "server starts after import"; done_testing; exit 1; }
ok "server starts after import"
s=$(asearch -b "$BASE" "(objectClass=*)" 1.1 2>&1)
check "$ndemo" "$(count "$s")" "all $ndemo imported entries are served"
s=$(asearch -b "$P" -s one "(objectClass=inetOrgPerson)" 1.1 2>&1)
check "$npeople" "$(count "$s")" "$npeople people below ou=people"
s=$(asearch -b "$BASE" "(cn=张伟)" uidNumber mobile 2>&1)
check_contains "$s" "uidNumber: 10001" "imported values are searchable (cn=张伟 has uidNumber 10001)"
s=$(ldapwhoami -x -H "$URI" -D "$ZW" -w 'Demo@2024pass' 2>&1)
check "dn:$ZW" "$s" "an imported person binds with the demo password"
s=$(ldapwhoami -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" 2>&1)
check "dn:$ADMIN_DN" "$s" "rootpw given as a hash-password hash works"
s=$(asearch -b "$ZW" -s base '+' 2>&1)
uuid=$(printf '%s\n' "$s" | sed -n 's/^entryUUID: //p')
cts=$(printf '%s\n' "$s" | sed -n 's/^createTimestamp: //p')
if [ -n "$uuid" ] && [ -n "$cts" ]; then ok "imported entries get entryUUID and createTimestamp"; else fail "imported entries get entryUUID and createTimestamp ($s)"; fi
aadd > "$T/add.out" 2>&1 <<EOF
dn: uid=online,$P
objectClass: inetOrgPerson
uid: online
cn: Online User
sn: User
description: 在线添加
userPassword: Night-Owl-11
EOF
check 0 $? "an entry added online"
ouuid=$(asearch -b "uid=online,$P" -s base entryUUID 2>/dev/null | sed -n 's/^entryUUID: //p')
members=$(asearch -b "cn=sysadmins,ou=roles,$BASE" -s base member 2>/dev/null | grep '^member:' | LC_ALL=C sort)
bail_if_dead
srv_alive_or_dump
stop_ok "SIGTERM stops the server with status 0"

# ================================================================ export / re-import
x -f "$CONF" export
check 0 "$rc" "export exits 0 ($(printf '%s' "$err" | head -c 200))"
exp1=$out
printf '%s\n' "$exp1" > "$T/export1.ldif"
check "$((ndemo + 1))" "$(count "$exp1")" "export has every entry ($((ndemo + 1)))"
check_contains "$exp1" "entryUUID: $uuid" "export carries entryUUID"
check_contains "$exp1" "createTimestamp: $cts" "export carries createTimestamp"
check_not_contains "$exp1" "Night-Owl-11" "export has no cleartext password"
first=$(printf '%s\n' "$exp1" | grep -m1 '^dn:')
check "dn: $BASE" "$first" "export starts with the suffix entry (parents first)"

CONF1=$CONF
CONF=$T/dirsrv2.yaml
# the second server's rootpw is the hash hash-password made from stdin
sed -e "s|^data_dir: .*|data_dir: $T/data2|" -e "s|^rootpw: .*|rootpw: \"$HASH_STDIN\"|" "$CONF1" > "$CONF"
ADMIN_PW=from-stdin
x -f "$CONF" import "$T/export1.ldif"
check 0 "$rc" "re-import of the export into a fresh data directory ($(printf '%s' "$err" | tail -n 1 | head -c 200))"
x -f "$CONF" export
check 0 "$rc" "second export exits 0"
check "$(count "$exp1")" "$(count "$out")" "round trip keeps the entry count"
if [ "$(printf '%s\n' "$exp1" | LC_ALL=C sort)" = "$(printf '%s\n' "$out" | LC_ALL=C sort)" ]; then
	ok "round trip: the second export has the same lines as the first"
else
	fail "round trip: the second export has the same lines as the first"
	diff <(printf '%s\n' "$exp1" | LC_ALL=C sort) <(printf '%s\n' "$out" | LC_ALL=C sort) | head -n 10 | sed 's/^/# /'
fi
srv_run || { fail "server starts on the re-imported data"; done_testing; exit 1; }
ok "server starts on the re-imported data"
s=$(ldapwhoami -x -H "$URI" -D "$ADMIN_DN" -w from-stdin 2>&1)
check "dn:$ADMIN_DN" "$s" "rootpw hashed by hash-password from stdin works"
s=$(asearch -b "$BASE" "(objectClass=*)" 1.1 2>&1)
check "$((ndemo + 1))" "$(count "$s")" "re-imported directory serves every entry"
s=$(asearch -b "$ZW" -s base entryUUID createTimestamp 2>&1)
check_contains "$s" "entryUUID: $uuid" "round trip preserves entryUUID"
check_contains "$s" "createTimestamp: $cts" "round trip preserves createTimestamp"
check "$ouuid" "$(asearch -b "uid=online,$P" -s base entryUUID 2>/dev/null | sed -n 's/^entryUUID: //p')" \
    "round trip preserves the entryUUID of an entry added online"
check "$members" "$(asearch -b "cn=sysadmins,ou=roles,$BASE" -s base member 2>/dev/null | grep '^member:' | LC_ALL=C sort)" \
    "round trip preserves member values"
s=$(ldapwhoami -x -H "$URI" -D "uid=online,$P" -w Night-Owl-11 2>&1)
check "dn:uid=online,$P" "$s" "round trip: the online user's hashed password still binds"
s=$(asearch -b "$BASE" "(description=在线添加)" 1.1 2>&1)
check_contains "$s" "dn: uid=online,$P" "round trip: UTF-8 values searchable"
bail_if_dead
srv_alive_or_dump
stop_ok "SIGTERM stops the second server with status 0"

# ================================================================ bad imports
CONF=$T/dirsrv3.yaml
n=3
fresh() { n=$((n + 1)); sed "s|^data_dir: .*|data_dir: $T/data$n|" "$CONF1" > "$CONF"; }
HEAD="dn: $BASE
objectClass: dcObject
objectClass: organization
dc: example
o: Example
"
fresh
printf '%s\ndn: ou=a,%s\nobjectClass: organizationalUnit\nou: a\nfooAttr: 1\n' "$HEAD" "$BASE" > "$T/bad1.ldif"
x -f "$CONF" import "$T/bad1.ldif"
if [ "$rc" -ne 0 ]; then ok "import: unknown attribute fails (exit $rc)"; else fail "import: unknown attribute fails"; fi
check_contains "$err" "ou=a,$BASE" "import: the message names the bad entry"
fresh
printf '%s\ndn: ou=a,ou=missing,%s\nobjectClass: organizationalUnit\nou: a\n' "$HEAD" "$BASE" > "$T/bad2.ldif"
x -f "$CONF" import "$T/bad2.ldif"
if [ "$rc" -ne 0 ]; then ok "import: missing parent fails (exit $rc)"; else fail "import: missing parent fails"; fi
check_contains "$err" "ou=a,ou=missing,$BASE" "import: the message names the orphan entry"
fresh
printf '%s\ndn: cn=x,%s\nobjectClass: person\ncn: x\n' "$HEAD" "$BASE" > "$T/bad3.ldif"
x -f "$CONF" import "$T/bad3.ldif"
if [ "$rc" -ne 0 ]; then ok "import: schema violation (missing sn) fails (exit $rc)"; else fail "import: schema violation fails"; fi
check_contains "$err" "cn=x,$BASE" "import: the message names the entry violating the schema"
fresh
printf '%s\ndn: ou=a,%s\nobjectClass: organizationalUnit\nou: a\n\ndn: ou=a,%s\nobjectClass: organizationalUnit\nou: a\n' "$HEAD" "$BASE" "$BASE" > "$T/bad4.ldif"
x -f "$CONF" import "$T/bad4.ldif"
if [ "$rc" -ne 0 ]; then ok "import: duplicate entry fails (exit $rc)"; else fail "import: duplicate entry fails"; fi
check_contains "$err" "ou=a,$BASE" "import: the message names the duplicate"
fresh
printf '%s\ndn: ou=a,%s\nobjectClass organizationalUnit\nou: a\n' "$HEAD" "$BASE" > "$T/bad5.ldif"
x -f "$CONF" import "$T/bad5.ldif"
if [ "$rc" -ne 0 ]; then ok "import: a line without a colon fails (exit $rc)"; else fail "import: a line without a colon fails"; fi
fresh
printf 'dn: dc=other,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: other\no: Other\n' > "$T/bad6.ldif"
x -f "$CONF" import "$T/bad6.ldif"
if [ "$rc" -ne 0 ]; then ok "import: an entry outside the suffix fails (exit $rc)"; else fail "import: an entry outside the suffix fails"; fi
check_contains "$err" "dc=other,dc=com" "import: the message names the entry outside the suffix"
fresh
x -f "$CONF" import - < "$T/bad2.ldif"
if [ "$rc" -ne 0 ]; then ok "import from stdin: bad entry fails (exit $rc)"; else fail "import from stdin: bad entry fails"; fi
fresh
out=$(printf '%s\ndn: ou=s,%s\nobjectClass: organizationalUnit\nou: s\n' "$HEAD" "$BASE" |
    "$DIRSRV" -f "$CONF" import - 2>"$T/x.err"); rc=$?
check 0 "$rc" "import from stdin ('-')"
x -f "$CONF" export
check "2" "$(count "$out")" "import from stdin stored both entries"
x -f "$CONF" import "$T/bad1.ldif"
if [ "$rc" -ne 0 ]; then ok "import into a non-empty directory: an existing entry fails (exit $rc)"; else fail "import into a non-empty directory: an existing entry fails"; fi
check_contains "$err" "$BASE" "import into a non-empty directory names the existing entry"
done_testing

#!/bin/bash
# packaging/test-deb-inside.sh - the checks of make deb-test, run by
# packaging/test-deb.sh inside the fresh Debian root (chroot, private
# network namespace).  /tmp/t holds the .debs, the demo LDIF and VERSION.
set -u
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin
T=/tmp/t
BASE="dc=example,dc=gov,dc=cn"
LDAPI="ldapi://%2Frun%2Funifiedid%2Fdirsrv%2Fldapi"
VERSION=$(cat $T/VERSION)
passed=0
failed=0
pids=""
ok() { passed=$((passed + 1)); echo "ok $((passed + failed)) - $*"; }
fail() { failed=$((failed + 1)); echo "not ok $((passed + failed)) - $*"; }
check() { if [ "$1" = "$2" ]; then ok "$3"; else fail "$3 (expected '$1', got '$2')"; fi; }
run() { # run DESCRIPTION COMMAND...: ok when it exits 0
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$what"; else fail "$what"; printf '%s\n' "$out" | sed 's/^/# /' | tail -n 15; fi
}
finish() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
trap finish EXIT

mkdir -p $T/before/pam.d
cp -p /etc/nsswitch.conf $T/before/
cp -p /etc/pam.d/common-* $T/before/pam.d/

host=1
ls $T/debs/unifiedid-agent_*.deb >/dev/null 2>&1 || host=0
[ $host = 1 ] || echo "# no unifiedid-agent package: host-side checks skipped"

# --- install ---
run "apt installs the packages" apt-get install -y -q --no-install-recommends $T/debs/*.deb
for p in unifiedid-dirsrv unifiedid-tools unifiedid-common; do
	check "install ok installed" "$(dpkg-query -W -f='${Status}' $p 2>/dev/null)" "$p installed"
done
check "unifiedid-dirsrv $VERSION" "$(unifiedid-dirsrv --version 2>&1)" "unifiedid-dirsrv --version is VERSION"
check "unifiedid $VERSION" "$(unifiedid --version 2>&1)" "unifiedid --version is VERSION"
check "$VERSION" "$(dpkg-query -W -f='${Version}' unifiedid-dirsrv)" "package version is VERSION"
run "system user unifiedid" getent passwd unifiedid
check "700 unifiedid unifiedid" "$(stat -c '%a %U %G' /var/lib/unifiedid)" "/var/lib/unifiedid 0700 unifiedid"
check "640 root unifiedid" "$(stat -c '%a %U %G' /etc/unifiedid/dirsrv.yaml)" "dirsrv.yaml 0640 root:unifiedid"
run "the unit is enabled" test -L /etc/systemd/system/multi-user.target.wants/unifiedid-dirsrv.service
run "man page unifiedid-dirsrv(8)" test -f /usr/share/man/man8/unifiedid-dirsrv.8.gz
run "zh_CN catalogue" test -f /usr/share/locale/zh_CN/LC_MESSAGES/unifiedid.mo
run "packaged configuration passes check" unifiedid-dirsrv check

# --- the directory server, as its unit runs it ---
ROOTPW=$(unifiedid-dirsrv hash-password admin)
cat >> /etc/unifiedid/dirsrv.yaml <<CONF
# added by make deb-test
rootdn: "cn=admin,$BASE"
rootpw: "$ROOTPW"
default_gid: 20000
uid_min: 10001
gid_min: 20001
CONF
run "check after the administrator's changes" unifiedid-dirsrv check
run "import the demo directory as unifiedid" runuser -u unifiedid -- unifiedid-dirsrv import $T/demo.ldif
install -d -m 0755 /run/unifiedid
install -d -m 0755 -o unifiedid -g unifiedid /run/unifiedid/dirsrv
setpriv --reuid=unifiedid --regid=unifiedid --init-groups \
	--inh-caps=+net_bind_service --ambient-caps=+net_bind_service \
	--bounding-set=-all,+net_bind_service --no-new-privs \
	unifiedid-dirsrv serve > $T/dirsrv.log 2>&1 &
dirsrv_pid=$!
pids="$pids $dirsrv_pid"
for _ in $(seq 50); do
	ldapsearch -x -H ldap://127.0.0.1:389 -b "" -s base >/dev/null 2>&1 && break
	sleep 0.2
done
out=$(ldapsearch -x -LLL -H ldap://127.0.0.1:389 -D "cn=admin,$BASE" -w admin -b "ou=people,$BASE" uid=zhangwei cn uidNumber 2>&1)
case "$out" in *"uid=zhangwei,ou=people"*) ok "ldapsearch on ldap://127.0.0.1:389 (the packaged listener)" ;;
	*) fail "ldapsearch on port 389: $out"; sed 's/^/# /' $T/dirsrv.log | tail -n 20 ;; esac
out=$(ldapsearch -Y EXTERNAL -LLL -Q -H "$LDAPI" -b "$BASE" -s base dn 2>&1)
check "dn: $BASE" "$out" "ldapsearch -Y EXTERNAL as root on the packaged ldapi socket"
out=$(unifiedid -H ldap://127.0.0.1:389 -D zhangwei -w 'Demo@2024pass' --json user show 2>&1)
case "$out" in *zhangwei*) ok "unifiedid user show as a person" ;; *) fail "unifiedid user show: $out" ;; esac
check "unifiedid" "$(stat -c %U /proc/$dirsrv_pid 2>&1)" "the daemon runs as unifiedid"

if [ $host = 1 ]; then
	# --- the agent, NSS and PAM ---
	check "unifiedid-agent $VERSION" "$(unifiedid-agent --version 2>&1)" "unifiedid-agent --version is VERSION"
	grep -E '^(passwd|group|shadow|initgroups):' /etc/nsswitch.conf | sed 's/^/# installed: /'
	grep -q '^passwd:.* unifiedid' /etc/nsswitch.conf && ok "nsswitch.conf: passwd has unifiedid" || fail "nsswitch.conf: passwd"
	grep -q '^group:.* unifiedid' /etc/nsswitch.conf && ok "nsswitch.conf: group has unifiedid" || fail "nsswitch.conf: group"
	grep -q 'pam_unifiedid.so' /etc/pam.d/common-auth && ok "common-auth has pam_unifiedid" || fail "common-auth"
	grep -q 'pam_unifiedid.so' /etc/pam.d/common-account && ok "common-account has pam_unifiedid" || fail "common-account"
	printf 'HostAgent@2024\n' > /etc/unifiedid/agent.pw
	chmod 600 /etc/unifiedid/agent.pw
	cat > /etc/unifiedid/agent.yaml <<CONF
uri:
  - "ldap://127.0.0.1:389"
base: "$BASE"
binddn: "cn=host-agent,ou=services,$BASE"
bindpw_file: /etc/unifiedid/agent.pw
cache_dir: /var/cache/unifiedid
CONF
	install -d -m 0700 /var/cache/unifiedid
	unifiedid-agent -f /etc/unifiedid/agent.yaml > $T/agent.log 2>&1 &
	pids="$pids $!"
	for _ in $(seq 50); do [ -S /run/unifiedid/agent.sock ] && break; sleep 0.2; done
	out=$(getent passwd zhangwei)
	case "$out" in zhangwei:*) ok "getent passwd zhangwei through nss_unifiedid: $out" ;;
		*) fail "getent passwd zhangwei ('$out')"; sed 's/^/# /' $T/agent.log | tail -n 20 ;; esac
	out=$(id zhangwei 2>&1)
	case "$out" in *"groups="*) ok "id zhangwei: $out" ;; *) fail "id zhangwei: $out" ;; esac
	printf '@include common-auth\n@include common-account\n@include common-session\n' > /etc/pam.d/unifiedid-test
	run "pamtester: zhangwei authenticates and passes the account checks" \
		sh -c "echo 'Demo@2024pass' | pamtester unifiedid-test zhangwei authenticate acct_mgmt"
	if echo 'wrong-Password1' | pamtester unifiedid-test zhangwei authenticate >/dev/null 2>&1; then
		fail "pamtester: a wrong password is accepted"
	else
		ok "pamtester: a wrong password is refused"
	fi
	if echo 'Demo@2024pass' | pamtester unifiedid-test jiangming authenticate acct_mgmt >/dev/null 2>&1; then
		fail "pamtester: the locked account jiangming gets in"
	else
		ok "pamtester: the locked account jiangming is refused"
	fi
	run "root still resolves through files" getent passwd root
fi

# --- purge: everything back as it was ---
for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
pids=""
run "apt purges every package" apt-get purge -y -q unifiedid-dirsrv unifiedid-tools unifiedid-common \
	$( [ $host = 1 ] && echo unifiedid-agent libpam-unifiedid libnss-unifiedid )
rm -f /etc/pam.d/unifiedid-test
grep -E '^(passwd|group|shadow|initgroups):' /etc/nsswitch.conf | sed 's/^/# purged: /'
if diff -u $T/before/nsswitch.conf /etc/nsswitch.conf; then ok "nsswitch.conf is back as it was"; else fail "nsswitch.conf differs after purge"; fi
pamdiff=0
for f in $T/before/pam.d/common-*; do
	diff -u "$f" "/etc/pam.d/${f##*/}" || pamdiff=1
done
check "$(cd $T/before/pam.d && ls common-*)" "$(cd /etc/pam.d && ls common-*)" "no new /etc/pam.d/common-* file"
if [ $pamdiff = 0 ]; then ok "/etc/pam.d/common-* are back as they were"; else fail "/etc/pam.d/common-* differ after purge"; fi
check "" "$(dpkg -l 'unifiedid*' 'lib*-unifiedid' 2>/dev/null | awk '/^(ii|rc)/ {print $2}')" "no package left, not even its configuration"
run "no /etc/unifiedid left" test ! -e /etc/unifiedid/dirsrv.yaml

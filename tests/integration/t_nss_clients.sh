#!/bin/bash
# Real RFC 2307 clients against the derived POSIX data (issue 4): nslcd
# (nss-pam-ldapd, with libnss-ldapd) and SSSD (sssd-ldap, RFC 2307bis
# schema) resolve demo people, their organisation and role groups with
# getent and id; pending and rejected applicants get no organisation
# group; a transfer approval and a new role member made with ldapmodify
# show up (nslcd has no cache; SSSD after sss_cache -E).
#
# The clients use fixed paths (/etc/nsswitch.conf, /etc/nslcd.conf,
# /run/nslcd/socket, /etc/sssd, /var/lib/sss), so the test re-runs itself
# in private mount and PID namespaces (unshare) and mounts its own files
# and tmpfs over those paths there: the host's files are never written, and
# when the test ends or is killed the kernel removes the mounts and kills
# every daemon it started.  Needs root (CAP_SYS_ADMIN) and the packages of
# scripts/deps; otherwise it prints a TAP skip and counts nothing.
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "${UNIFIEDID_NSS_NS:-}" != 1 ]; then
	skip_all() { echo "1..0 # SKIP $*"; echo "0 passed, 0 failed"; exit 0; }
	[ "$(id -u)" = 0 ] || skip_all "needs root (private mount namespace, nslcd, sssd)"
	PATH=$PATH:/usr/sbin:/sbin
	for p in unshare nslcd getent; do
		command -v "$p" >/dev/null 2>&1 || skip_all "no $p (run scripts/deps)"
	done
	ls /usr/lib/*/libnss_ldap.so.2 /lib/*/libnss_ldap.so.2 >/dev/null 2>&1 ||
	    skip_all "no libnss_ldap.so.2 (libnss-ldapd; run scripts/deps)"
	if ! timeout 10 unshare --mount --propagation private --pid --fork --mount-proc \
	    sh -c 'mount -t tmpfs none /mnt' >/dev/null 2>&1; then
		skip_all "unshare/mount not permitted here (needs CAP_SYS_ADMIN; nslcd's socket path is fixed, so nss_wrapper cannot stand in)"
	fi
	# --kill-child: if this process dies, the namespace's init (the test)
	# is killed, and with it every process in the PID namespace
	UNIFIEDID_NSS_NS=1 PATH=$PATH exec unshare --mount --propagation private \
	    --pid --fork --kill-child --mount-proc bash "$0" "$@"
fi

# ---- from here on: inside the private namespaces -------------------------
. "$HERE/../lib.sh"
NSLCD_PID=""
SSSD_PID=""
stop_daemon() {	# stop_daemon PID: TERM, at most 5 s, then KILL
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}
_nss_cleanup() {
	stop_daemon "$SSSD_PID"
	stop_daemon "$NSLCD_PID"
	_cleanup
}
trap _nss_cleanup EXIT

P="ou=people,$BASE"
AGENT_DN="cn=host-agent,ou=services,$BASE"
AGENT_PW="HostAgent@2024"
srv_config "default_gid: 20000"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }

# private name-service configuration, seen only in this mount namespace
: > "$T/nsswitch.conf"
mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf
mount -t tmpfs -o mode=0755 unifiedid-run /run
use_nss() {	# use_nss ldap|sss: what passwd and group ask after files
	printf 'passwd: files %s\ngroup: files %s\nshadow: files\nhosts: files\n' "$1" "$1" \
	    > "$T/nsswitch.conf"
}

# ---- nslcd -----------------------------------------------------------------
cat > "$T/nslcd.conf" <<EOF
uid nslcd
gid nslcd
uri ${URI}/
base $BASE
binddn $AGENT_DN
bindpw $AGENT_PW
bind_timelimit 5
timelimit 10
reconnect_retrytime 2
EOF
chmod 600 "$T/nslcd.conf"
mount --bind "$T/nslcd.conf" /etc/nslcd.conf
mkdir -p /run/nslcd
chown nslcd:nslcd /run/nslcd
nslcd -d > "$T/nslcd.log" 2>&1 &
NSLCD_PID=$!
for _ in $(seq 1 50); do [ -S /run/nslcd/socket ] && break; sleep 0.1; done
if [ -S /run/nslcd/socket ]; then ok "nslcd runs ($(nslcd -V | head -n 1))"; else fail "nslcd runs"; sed 's/^/# /' "$T/nslcd.log" | tail -n 20; fi

# ---- SSSD ------------------------------------------------------------------
HAVE_SSSD=no
if command -v sssd >/dev/null 2>&1 && command -v sss_cache >/dev/null 2>&1 &&
    ls /usr/lib/*/sssd/libsss_ldap.so >/dev/null 2>&1; then
	HAVE_SSSD=yes
fi
if [ "$HAVE_SSSD" = yes ]; then
	mount -t tmpfs -o mode=0755 unifiedid-sssd-etc /etc/sssd
	mount -t tmpfs -o mode=0755 unifiedid-sss /var/lib/sss
	mkdir -p "$T/sssd-log"
	mount --bind "$T/sssd-log" /var/log/sssd
	mkdir -p /var/lib/sss/db /var/lib/sss/secrets /var/lib/sss/pipes/private \
	    /var/lib/sss/mc /var/lib/sss/pubconf/krb5.include.d /var/lib/sss/gpo_cache \
	    /var/lib/sss/deskprofile /etc/sssd/conf.d
	chmod 0700 /var/lib/sss/db /var/lib/sss/secrets /var/lib/sss/pipes/private
	cat > /etc/sssd/sssd.conf <<EOF
[sssd]
services = nss
domains = unifiedid

[nss]
debug_level = 6

[domain/unifiedid]
debug_level = 6
id_provider = ldap
auth_provider = none
access_provider = permit
ldap_uri = $URI
ldap_search_base = $BASE
ldap_schema = rfc2307bis
ldap_default_bind_dn = $AGENT_DN
ldap_default_authtok = $AGENT_PW
ldap_id_use_start_tls = false
ldap_tls_reqcert = never
cache_credentials = false
enumerate = false
EOF
	chmod 600 /etc/sssd/sssd.conf
	sssd -i --logger=files > "$T/sssd.out" 2>&1 &
	SSSD_PID=$!
	for _ in $(seq 1 100); do [ -S /var/lib/sss/pipes/nss ] && break; sleep 0.1; done
	if [ -S /var/lib/sss/pipes/nss ]; then ok "sssd runs ($(sssd --version))"; else
		fail "sssd runs"; sed 's/^/# /' "$T/sssd.out" | tail -n 20; HAVE_SSSD=no; fi
else
	echo "# SKIP SSSD checks: sssd-ldap or sssd-tools is not installed (scripts/deps)"
fi
CLIENTS="ldap"
[ "$HAVE_SSSD" = yes ] && CLIENTS="ldap sss"

name_of() { case "$1" in ldap) echo nslcd ;; sss) echo SSSD ;; esac; }
q() {	# q CLIENT COMMAND...: run a name-service client through CLIENT
	local c=$1; shift
	use_nss "$c"
	timeout 20 "$@" 2>&1
}
pwfields() {	# pwfields CLIENT KEY: name:uid:gid:home:shell
	q "$1" getent passwd "$2" | awk -F: '{print $1 ":" $3 ":" $4 ":" $6 ":" $7}'
}
grpmembers() {	# grpmembers CLIENT GROUP: name:gid:sorted,members
	q "$1" getent group "$2" | awk -F: '{n=split($4,m,","); s=""; for(i=1;i<=n;i++) print $1 ":" $3 ":" m[i]; if(n==0) print $1 ":" $3 ":"}' |
	    sort | awk -F: '{k=$1 ":" $2; if(k!=p){if(p!="") print p ":" l; p=k; l=$3} else l=l "," $3} END{if(p!="") print p ":" l}'
}
sorted_ids() {	# sorted_ids CLIENT USER: "gidname|g1,g2,..." (supplementary sorted)
	local g gs
	g=$(q "$1" id -gn "$2")
	gs=$(q "$1" id -Gn "$2" | tr ' ' '\n' | sort | paste -sd, -)
	echo "$g|$gs"
}

# SSSD goes online on the first request; give it a bounded moment
if [ "$HAVE_SSSD" = yes ]; then
	for _ in $(seq 1 30); do
		q sss getent passwd wangfang >/dev/null && break
		sleep 0.5
	done
fi

for c in $CLIENTS; do
	n=$(name_of "$c")
	check "wangfang:10002:20014:/home/wangfang:/bin/bash" "$(pwfields "$c" wangfang)" \
	    "$n: getent passwd wangfang (uidNumber, primary organisation gid, home, shell)"
	check "wangfang:10002:20014:/home/wangfang:/bin/bash" "$(pwfields "$c" 10002)" \
	    "$n: getent passwd 10002 (by uidNumber)"
	check "zhangwei:10001:20013:/home/zhangwei:/bin/bash" "$(pwfields "$c" zhangwei)" \
	    "$n: getent passwd zhangwei"
	q "$c" getent passwd nosuchuser >/dev/null
	check 2 $? "$n: an unknown user is not found"
	check "ops:20014:songjia,wangfang,zhangwei" "$(grpmembers "$c" ops)" \
	    "$n: getent group ops lists the members of the organisation"
	check "ops:20014:songjia,wangfang,zhangwei" "$(grpmembers "$c" 20014)" \
	    "$n: getent group 20014 (by gidNumber)"
	check "sysadmins:21001:liangchen,songjia,wangfang,zhangwei" "$(grpmembers "$c" sysadmins)" \
	    "$n: getent group sysadmins (a role) lists its members"
	check "ops|approval,ops,sci,sysadmins" "$(sorted_ids "$c" wangfang)" \
	    "$n: id wangfang: primary ops, concurrent posts' organisations and the role"
	out=$(q "$c" id wangfang)
	check_contains "$out" "uid=10002(wangfang) gid=20014(ops) groups=" "$n: id wangfang numbers"
	check "20009 20011 20014 21001" "$(q "$c" id -G wangfang | tr ' ' '\n' | sort -n | paste -sd' ' -)" \
	    "$n: id -G wangfang gids"
	check "bigdata|bigdata,ops,sysadmins" "$(sorted_ids "$c" zhangwei)" "$n: id zhangwei"
	# applicants: they resolve (files they own keep an owner) but with the
	# default gid and no organisation; a pending post grants nothing
	check "pengli:10032:20000:/home/pengli:/bin/bash" "$(pwfields "$c" pengli)" \
	    "$n: a pending applicant has the default gid"
	check "20000" "$(q "$c" id -G pengli)" "$n: a pending applicant is in no group"
	check "20000" "$(q "$c" id -G zengqiang)" "$n: a rejected applicant is in no group"
	check "hitech:20010:guojing,huwenbo" "$(grpmembers "$c" hitech)" \
	    "$n: the organisation applied to does not list the pending applicant"
	# a transfer request (transfer-pending) does not count yet
	check "treasury|treasury" "$(sorted_ids "$c" zhaolei)" "$n: zhaolei before the transfer approval"
	out=$(grpmembers "$c" bigdata); check_not_contains "$out" "zhaolei" "$n: bigdata does not list zhaolei yet"
	check "fin|fin" "$(sorted_ids "$c" lina)" "$n: lina before the role change"
done

# ---- changes made with ldapmodify as rootdn --------------------------------
amodify >/dev/null <<EOF
dn: orgCode=bigdata,uid=zhaolei,$P
changetype: modify
replace: postStatus
postStatus: active
EOF
check 0 $? "transfer of zhaolei to bigdata approved (keepOrigin FALSE)"
amodify >/dev/null <<EOF
dn: cn=auditors,ou=roles,$BASE
changetype: modify
add: member
member: uid=lina,$P
EOF
check 0 $? "lina added to the role auditors"
if [ "$HAVE_SSSD" = yes ]; then
	use_nss sss
	timeout 20 sss_cache -E; check 0 $? "sss_cache -E"
fi
for c in $CLIENTS; do
	n=$(name_of "$c")
	check "zhaolei:10007:20013:/home/zhaolei:/bin/bash" "$(pwfields "$c" zhaolei)" \
	    "$n: after the approval zhaolei's primary gid is bigdata's"
	check "bigdata|bigdata" "$(sorted_ids "$c" zhaolei)" "$n: id zhaolei after the transfer"
	out=$(grpmembers "$c" bigdata); check_contains "$out" "zhaolei" "$n: bigdata lists zhaolei"
	out=$(grpmembers "$c" treasury); check_not_contains "$out" "zhaolei" "$n: treasury no longer lists zhaolei"
	check "fin|auditors,fin" "$(sorted_ids "$c" lina)" "$n: id lina shows the new role"
	check "auditors:21002:lina,yangmin,zhengshuang" "$(grpmembers "$c" auditors)" \
	    "$n: getent group auditors lists the new member"
done

srv_alive_or_dump
if [ "$_failed" -gt 0 ]; then
	echo "# nslcd log (tail):"; tail -n 30 "$T/nslcd.log" | sed 's/^/#   /'
	if [ "$HAVE_SSSD" = yes ]; then
		echo "# sssd domain log (tail):"
		tail -n 30 "$T/sssd-log/sssd_unifiedid.log" 2>/dev/null | sed 's/^/#   /'
	fi
fi
[ -n "${NSS_KEEP_LOGS:-}" ] && cp -r "$T/sssd-log" "$T/nslcd.log" "$T/server.log" "$NSS_KEEP_LOGS"/
stop_daemon "$SSSD_PID"; SSSD_PID=""
stop_daemon "$NSLCD_PID"; NSLCD_PID=""
stop_ok "clean stop"
done_testing

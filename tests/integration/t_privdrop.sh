#!/bin/bash
# serve drops privileges to `user` after opening its sockets (issue 3):
# it runs as that user, still answers on a privileged port and on ldapi,
# and the LMDB files are private (0600) and owned by that user.
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ]; then
	ok "skipped: needs root to drop privileges"
	done_testing
	exit 0
fi
id nobody >/dev/null 2>&1 || { fail "no user nobody"; done_testing; exit 1; }
chmod 755 "$T"
srv_config "user: nobody"
# a privileged port is opened before the switch (port 636 is unlikely
# to be in use on a test machine; fall back to the random one)
if ! ss -ltn 2>/dev/null | grep -q ':636 '; then
	sed -i "s,^  - \"$URI\",  - \"$URI\"\n  - \"ldap://127.0.0.1:636\"," "$CONF"
	LOW=1
fi
srv_run || { fail "server starts"; done_testing; exit 1; }
u=$(ps -o user= -p "$SRV_PID" | tr -d ' ')
check nobody "$u" "the daemon runs as the configured user"
out=$(ldapsearch -Y EXTERNAL -H "$LDAPI" -b "" -s base -LLL namingContexts 2>&1)
check_contains "$out" "namingContexts" "ldapi still answers after the switch"
if [ -n "${LOW:-}" ]; then
	out=$(ldapsearch -x -H ldap://127.0.0.1:636 -b "" -s base -LLL namingContexts 2>&1)
	check_contains "$out" "namingContexts" "the privileged port opened before the switch answers"
fi
aadd >/dev/null 2>&1 <<EOF
dn: $BASE
objectClass: dcObject
objectClass: organization
dc: example
o: Example
EOF
check 0 $? "the unprivileged daemon writes"
m=$(stat -c '%a %U' "$DATA/data.mdb"); check "600 nobody" "$m" "data.mdb is 0600 and owned by the user"
srv_stop; check 0 $? "clean stop"
done_testing

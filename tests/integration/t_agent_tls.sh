#!/bin/bash
# unifiedid-agent over TLS (issue 5: "TLS CA (certificates verified;
# StartTLS or ldaps)"): ldaps:// with the right CA works, with another CA
# the server is refused (certificate not verified) and nothing is answered
# that the agent did not already know; ldap:// with tls_ca uses StartTLS,
# proved by a server that refuses simple binds without TLS
# (require_secure_bind); ldap:// without tls_ca then cannot bind.
. "$(dirname "$0")/../lib.sh"
P="$T/pki"
pki_ca "$P"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$P/san"
pki_cert "$P" server 127.0.0.1 "$P/san"
mkdir -p "$T/rogue"
pki_ca "$T/rogue"		# a CA that signed nothing of ours

TPORT=$(free_port)
srv_config "default_gid: 20000" "require_secure_bind: true" "tls:" \
    "  certificate: $P/server.crt" "  key: $P/server.key"
sed -i "s,^listen:\$,listen:\n  - \"ldaps://127.0.0.1:$TPORT\"," "$CONF"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server with TLS starts"; done_testing; exit 1; }
LDAPS="ldaps://127.0.0.1:$TPORT"
PW='Demo@2024pass'

# ---- ldaps:// with the CA that signed the server's certificate ----
AGENT_URIS="$LDAPS" agent_config "tls_ca: $P/ca.crt"
agent_start || { fail "agent starts"; done_testing; exit 1; }
check "zhangwei:x:10001:20013:张伟:/home/zhangwei:/bin/bash" \
    "$(agent_cli lookup passwd zhangwei 2>&1)" "ldaps:// with the right CA: lookups"
check_contains "$(agent_cli status)" "server=$LDAPS" "... the server in use is the ldaps:// one"
out=$(echo "$PW" | agent_cli auth lina login 2>&1)
check 0 $? "... and a person's password is checked over it"
agent_stop; check 0 $? "agent stops"

# ---- ldaps:// with a CA that did not sign it: refused ----
rm -rf "$AGENT_CACHE"
AGENT_URIS="$LDAPS" agent_config "tls_ca: $T/rogue/ca.crt"
agent_start || { fail "agent starts (wrong CA)"; done_testing; exit 1; }
out=$(agent_cli lookup passwd zhangwei 2>&1); rc=$?
check_not_contains "$out" "zhangwei:x:" "another CA: no answer from an unverified server"
check_contains "$out" "unavailable" "... the lookup says unavailable"
out=$(echo "$PW" | agent_cli auth lina login 2>&1)
check_not_contains "$out" "ok" "... and no password is sent to it"
check_contains "$(cat "$T/agent.log")" "certificate" "... the log names the certificate problem"
agent_stop; check 0 $? "agent stops"

# ---- ldap:// with tls_ca: StartTLS (the server refuses clear binds) ----
rm -rf "$AGENT_CACHE"
out=$(ldapwhoami -x -H "$URI" -D "uid=lina,ou=people,$BASE" -w "$PW" 2>&1)
check_contains "$out" "Confidentiality required" "the server refuses a simple bind without TLS"
AGENT_URIS="$URI" agent_config "tls_ca: $P/ca.crt"
agent_start || { fail "agent starts (StartTLS)"; done_testing; exit 1; }
check "lina:x:10003:20002:李娜:/home/lina:/bin/bash" \
    "$(agent_cli lookup passwd lina 2>&1)" "ldap:// with tls_ca: the service bind works, so StartTLS was used"
out=$(echo "$PW" | agent_cli auth lina login 2>&1)
check 0 $? "... and so does a person's bind"
agent_stop; check 0 $? "agent stops"

# ---- ldap:// without tls_ca: clear text, which this server refuses ----
rm -rf "$AGENT_CACHE"
AGENT_URIS="$URI" agent_config
agent_start || { fail "agent starts (no TLS)"; done_testing; exit 1; }
out=$(agent_cli lookup passwd lina 2>&1)
check_not_contains "$out" "lina:x:" "ldap:// without tls_ca: no StartTLS, so no service bind and no answer"
agent_stop; check 0 $? "agent stops"

srv_alive_or_dump
stop_ok "server stops cleanly"
done_testing

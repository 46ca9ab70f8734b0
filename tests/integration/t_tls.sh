#!/bin/bash
# TLS (issue 3): ldaps://, StartTLS, TLS 1.2 minimum, client certificates
# for SASL EXTERNAL, require_secure_bind, and a key/certificate mismatch
# refused at start.  Certificates are made here with `openssl req`.
. "$(dirname "$0")/../lib.sh"

P="$T/pki"
mk() { pki_cert "$P" "$@"; }	# mk NAME CN [extfile]
pki_ca "$P"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$P/san"
mk server 127.0.0.1 "$P/san"
mk client zhangwei
mk other nobody-here
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/rogue.key" \
    -out "$P/rogue.crt" -days 2 -subj "/CN=zhangwei" 2>/dev/null
export LDAPTLS_CACERT="$P/ca.crt"
export LDAPTLS_REQCERT=demand

# a key that does not match the certificate is refused at start
TPORT=$(free_port)
tls_config() {	# tls_config KEYFILE
	srv_config "require_secure_bind: true" "tls:" \
	    "  certificate: $P/server.crt" "  key: $1" "  ca: $P/ca.crt"
	# add the ldaps listener to the list srv_config wrote
	sed -i "s,^listen:\$,listen:\n  - \"ldaps://127.0.0.1:$TPORT\"," "$CONF"
}
tls_config "$P/client.key"
out=$("$DIRSRV" -f "$CONF" serve 2>&1)
rc=$?
check 1 "$rc" "key/certificate mismatch: exit status 1"
check_contains "$out" "does not match" "key/certificate mismatch: clear message"

tls_config "$P/server.key"
srv_run || { fail "server with TLS starts"; done_testing; exit 1; }
ok "server with TLS starts"
LDAPS="ldaps://127.0.0.1:$TPORT"
B=uid=zhangwei,ou=people,$BASE

# the demo directory gives us people
srv_stop
srv_import "$TOP/etc/demo/demo.ldif"; check 0 $? "demo directory imported"
srv_run || { fail "server restarts"; done_testing; exit 1; }

out=$(ldapwhoami -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" 2>&1)
check_contains "$out" "Confidentiality required (13)" \
    "simple bind over plain TCP refused with confidentialityRequired"
out=$(ldapwhoami -x -ZZ -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" 2>&1)
check "dn:$ADMIN_DN" "$out" "StartTLS (-ZZ) then simple bind"
out=$(ldapwhoami -x -H "$LDAPS" -D "$B" -w 'Demo@2024pass' 2>&1)
check "dn:$B" "$out" "ldaps:// simple bind as a person"
out=$(ldapsearch -x -ZZ -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -b "$BASE" -LLL "(uid=lina)" uid 2>&1)
check_contains "$out" "uid: lina" "search after StartTLS"
out=$(ldapsearch -x -H "$LDAPS" -D "$ADMIN_DN" -w "$ADMIN_PW" -b "$BASE" -LLL "(objectClass=*)" dn 2>&1 | grep -c '^dn:')
check 114 "$out" "ldaps:// search returns the whole demo directory"
out=$(ldapsearch -x -H "$URI" -b "" -s base -LLL supportedExtension 2>&1)
check_contains "$out" "1.3.6.1.4.1.1466.20037" "root DSE lists StartTLS"
out=$(LDAPTLS_CERT=$P/client.crt LDAPTLS_KEY=$P/client.key \
    ldapwhoami -Y EXTERNAL -H "$LDAPS" 2>/dev/null)
check "dn:$B" "$out" "client certificate (CN=zhangwei) binds by SASL EXTERNAL"
out=$(LDAPTLS_CERT=$P/client.crt LDAPTLS_KEY=$P/client.key \
    ldapwhoami -Y EXTERNAL -ZZ -H "$URI" 2>/dev/null)
check "dn:$B" "$out" "client certificate after StartTLS"
out=$(LDAPTLS_CERT=$P/other.crt LDAPTLS_KEY=$P/other.key \
    ldapwhoami -Y EXTERNAL -H "$LDAPS" 2>&1)
check_contains "$out" "Invalid credentials (49)" \
    "certificate mapping to no entry refused"
out=$(LDAPTLS_CERT=$P/rogue.crt LDAPTLS_KEY=$P/rogue.key \
    ldapwhoami -Y EXTERNAL -H "$LDAPS" 2>&1)
check_not_contains "$out" "dn:uid=zhangwei" \
    "self-signed certificate with the same CN is not accepted"
out=$(ldapwhoami -Y EXTERNAL -H "$LDAPS" 2>&1)
check_not_contains "$out" "dn:" "EXTERNAL without a certificate is refused"
out=$(timeout 5 openssl s_client -connect "127.0.0.1:$TPORT" -tls1_1 \
    </dev/null 2>&1)
check_not_contains "$out" "Cipher is TLS" "TLS 1.1 is refused"
out=$(timeout 5 openssl s_client -connect "127.0.0.1:$TPORT" -tls1_2 \
    -CAfile "$P/ca.crt" </dev/null 2>&1)
check_contains "$out" "Protocol  : TLSv1.2" "TLS 1.2 is accepted"
# StartTLS twice is an error, and garbage instead of a handshake only
# drops that client
out=$(ldapsearch -x -H "$LDAPS" -ZZ -b "" -s base 2>&1)
check_not_contains "$out" "result: 0 Success" "StartTLS on a TLS connection refused"
printf 'GET / HTTP/1.0\r\n\r\n' | timeout 3 python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",'"$TPORT"'));s.sendall(sys.stdin.buffer.read());s.settimeout(2)
try: s.recv(100)
except Exception: pass' 2>/dev/null
out=$(ldapwhoami -x -H "$LDAPS" -D "$B" -w 'Demo@2024pass' 2>&1)
check "dn:$B" "$out" "server still answers after a non-TLS client on ldaps"
srv_stop; check 0 $? "clean stop"
done_testing

#!/bin/bash
# Authentication: simple binds (rootdn, entries with yescrypt, {SSHA} and
# {CRYPT} sha512 passwords), anonymous and unauthenticated binds, Who am I?,
# SASL EXTERNAL on ldapi (root and another uid), Password Modify, StartTLS
# without TLS (issue 2, contract sections 2-3).
. "$(dirname "$0")/../lib.sh"


P="ou=people,$BASE"
run() { out=$("$@" 2>&1); rc=$?; }
# who DN PASSWORD: ldapwhoami over TCP; sets $out and $rc
who() { run ldapwhoami -x -H "$URI" -D "$1" -w "$2"; }
# result code printed by ldappasswd/ldapexop ("Result: ... (N)"), else rc
res() {
	local c
	c=$(printf '%s\n' "$out" | sed -n 's/.*(\([0-9][0-9]*\))$/\1/p' | head -n 1)
	echo "${c:-$rc}"
}
one_of() {
	case " $2 " in
	*" $1 "*) ok "$3" ;;
	*) fail "$3 (expected one of '$2', got '$1': $(printf '%s' "$out" | tr '\n' ' ' | head -c 300))" ;;
	esac
}

SSHA_PW='Silver-Moon-11'
SHA512_PW='Iron-Gate-11'
SSHA_HASH=$(slappasswd -h '{SSHA}' -s "$SSHA_PW")
SHA512_HASH=$(openssl passwd -6 "$SHA512_PW")
SHA512_HASH2=$(openssl passwd -6 "$SHA512_PW")

srv_config
chmod 711 "$T"	# let uid nobody reach the ldapi socket
cat > "$T/init.ldif" <<EOF
dn: $BASE
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: $P
objectClass: organizationalUnit
ou: people

dn: uid=ssha,$P
objectClass: inetOrgPerson
uid: ssha
cn: Ssha User
sn: User
userPassword: $SSHA_HASH

dn: uid=sha512,$P
objectClass: inetOrgPerson
uid: sha512
cn: Sha512 User
sn: User
userPassword: {CRYPT}$SHA512_HASH

dn: uid=sha512b,$P
objectClass: inetOrgPerson
uid: sha512b
cn: Sha512 Never Bound
sn: User
userPassword: {CRYPT}$SHA512_HASH2

dn: uid=nopw,$P
objectClass: inetOrgPerson
uid: nopw
cn: No Password
sn: Password
EOF
srv_import "$T/init.ldif"
check 0 $? "import of entries with {SSHA} and {CRYPT} sha512 passwords"
srv_run || { fail "server starts"; done_testing; exit 1; }
ok "server starts"
aadd > "$T/add.out" 2>&1 <<EOF
dn: uid=alice,$P
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: A
userPassword: Red-Apple-11

dn: uid=bob,$P
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: B
userPassword: Blue-Sky-11

dn: uid=carol,$P
objectClass: inetOrgPerson
uid: carol
cn: Carol
sn: C
userPassword: Green-Tea-11

dn: uid=dave,$P
objectClass: inetOrgPerson
uid: dave
cn: Dave
sn: D
userPassword: Gold-Coin-11
EOF
check 0 $? "users with cleartext passwords added"

# ================================================================ simple bind
who "$ADMIN_DN" "$ADMIN_PW"
check "0 dn:$ADMIN_DN" "$rc $out" "bind as rootdn with the right password"
who "$ADMIN_DN" "wrong-password"
check 49 "$rc" "bind as rootdn with a wrong password: invalidCredentials"
who "CN=Admin, DC=Example,DC=gov,DC=cn" "$ADMIN_PW"
check 0 "$rc" "bind as rootdn spelt differently (case, spaces)"
who "uid=alice,$P" "Red-Apple-11"
check "0 dn:uid=alice,$P" "$rc $out" "bind as an entry whose password was added in clear text (yescrypt)"
who "uid=alice,$P" "red-apple-11"
check 49 "$rc" "bind with a wrong-case password: invalidCredentials"
who "uid=ssha,$P" "$SSHA_PW"
check "0 dn:uid=ssha,$P" "$rc $out" "bind with an imported {SSHA} password"
who "uid=ssha,$P" "Silver-Moon-12"
check 49 "$rc" "bind with a wrong {SSHA} password: invalidCredentials"
who "uid=sha512,$P" "$SHA512_PW"
check "0 dn:uid=sha512,$P" "$rc $out" "bind with an imported {CRYPT} sha512 password"
who "uid=sha512,$P" "Iron-Gate-12"
check 49 "$rc" "bind with a wrong {CRYPT} sha512 password: invalidCredentials"
who "uid=nobody,$P" "whatever"
check 49 "$rc" "bind to a missing DN: invalidCredentials (not noSuchObject)"
who "uid=x,ou=nope,$BASE" "whatever"
check 49 "$rc" "bind below a missing parent: invalidCredentials"
who "cn=admin,dc=other,dc=com" "$ADMIN_PW"
check 49 "$rc" "bind to a DN outside the suffix: invalidCredentials"
who "uid=nopw,$P" "anything"
check 49 "$rc" "bind to an entry without userPassword: invalidCredentials"
who "uid=alice,$P" ""
check 53 "$rc" "unauthenticated bind (DN, empty password): unwillingToPerform"
who "$ADMIN_DN" ""
check 53 "$rc" "unauthenticated bind as rootdn: unwillingToPerform"
who "not a dn" "x"
one_of "$rc" "34 49" "bind with a malformed DN is refused"
run ldapwhoami -x -H "$URI"
check "0 anonymous" "$rc $out" "anonymous bind; Who am I? says anonymous"
run ldapexop -x -H "$URI" whoami
check "0 anonymous" "$rc $out" "ldapexop whoami anonymous"
run ldapexop -x -H "$URI" -D "uid=bob,$P" -w Blue-Sky-11 whoami
check "0 dn:uid=bob,$P" "$rc $out" "ldapexop whoami bound"
run ldapwhoami -x -H "$URI" -e ppolicy -D "uid=bob,$P" -w Blue-Sky-11
check_contains "$rc $out" "0 dn:uid=bob,$P" "bind with the password policy control (SSSD, nslcd)"
run ldapwhoami -x -H "$LDAPI" -D "uid=bob,$P" -w Blue-Sky-11
check "0 dn:uid=bob,$P" "$rc $out" "simple bind over ldapi"
run ldapsearch -x -H "$URI" -LLL -D "uid=bob,$P" -w Blue-Sky-11 -b "uid=bob,$P" -s base uid
check_contains "$rc $out" "uid: bob" "a bound user reads their own entry"
run ldapexop -x -H "$URI" 1.2.3.4.5
one_of "$(res)" "2 53" "unknown extended operation is refused"
bail_if_dead

# ================================================================ SASL EXTERNAL
run ldapwhoami -Q -Y EXTERNAL -H "$LDAPI"
check "0 dn:$ADMIN_DN" "$rc $out" "SASL EXTERNAL on ldapi as uid 0 is the rootdn"
run ldapsearch -Q -Y EXTERNAL -H "$LDAPI" -LLL -b "uid=bob,$P" -s base uid
check_contains "$rc $out" "uid: bob" "SASL EXTERNAL root can search"
if command -v setpriv >/dev/null 2>&1; then
	AS_NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
else
	AS_NOBODY=(runuser -u nobody --)
fi
nuid=$(id -u nobody); ngid=$(getent group nogroup | cut -d: -f3)
run "${AS_NOBODY[@]}" ldapwhoami -Q -Y EXTERNAL -H "$LDAPI"
check "0 dn:gidNumber=$ngid+uidNumber=$nuid,cn=peercred,cn=external,cn=auth" "$rc $out" \
    "SASL EXTERNAL on ldapi as uid nobody gives the peercred identity"
run "${AS_NOBODY[@]}" ldapadd -Q -Y EXTERNAL -H "$LDAPI" <<EOF
dn: cn=bynobody,$BASE
objectClass: device
cn: bynobody
EOF
check 50 "$rc" "SASL EXTERNAL as nobody cannot write"
run ldapwhoami -Q -Y EXTERNAL -H "$URI"
if [ "$rc" -ne 0 ]; then ok "SASL EXTERNAL over plain TCP is refused"; else fail "SASL EXTERNAL over plain TCP is refused (got: $out)"; fi
run ldapwhoami -x -H "$URI"
check 0 "$rc" "server answers after a refused SASL bind"
bail_if_dead

# ================================================================ Password Modify
# self change with the old password
run ldappasswd -x -H "$URI" -D "uid=alice,$P" -w Red-Apple-11 -a Red-Apple-11 -s Red-Apple-22
check 0 "$rc" "passwd: self change with the old password"
who "uid=alice,$P" Red-Apple-22
check 0 "$rc" "passwd: the new password binds"
who "uid=alice,$P" Red-Apple-11
check 49 "$rc" "passwd: the old password no longer binds"
# wrong old password
run ldappasswd -x -H "$URI" -D "uid=alice,$P" -w Red-Apple-22 -a Wrong-Old-9 -s Red-Apple-33
if [ "$rc" -ne 0 ]; then ok "passwd: wrong old password refused ($(res))"; else fail "passwd: wrong old password refused"; fi
who "uid=alice,$P" Red-Apple-22
check 0 "$rc" "passwd: password unchanged after a refused change"
# rootdn resets another user's password
run ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s Blue-Sky-22 "uid=bob,$P"
check 0 "$rc" "passwd: rootdn sets another user's password"
who "uid=bob,$P" Blue-Sky-22
check 0 "$rc" "passwd: the user binds with the reset password"
# generated password
run ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" "uid=carol,$P"
check 0 "$rc" "passwd: rootdn without a new password"
gen=$(printf '%s\n' "$out" | sed -n 's/^New password: //p')
if [ -n "$gen" ]; then ok "passwd: a generated password is returned"; else fail "passwd: a generated password is returned (got: $out)"; fi
who "uid=carol,$P" "$gen"
check_contains "$rc $out" "dn:uid=carol,$P" "passwd: the user binds with the generated password"
check 0 "$rc" "passwd: the bind with the generated password succeeds"
who "uid=carol,$P" Green-Tea-11
check 49 "$rc" "passwd: the previous password no longer binds"
run ldappasswd -x -H "$URI" -D "uid=carol,$P" -w "$gen" -a "$gen"
gen2=$(printf '%s\n' "$out" | sed -n 's/^New password: //p')
check_contains "$rc $gen2" "0 " "passwd: self change without a new password generates one"
if [ -n "$gen2" ]; then
	who "uid=carol,$P" "$gen2"
	check 0 "$rc" "passwd: self-generated password binds"
fi
# a non-root user changing someone else's password
run ldappasswd -x -H "$URI" -D "uid=dave,$P" -w Gold-Coin-11 -a Blue-Sky-22 -s Hacked-Pass-1 "uid=bob,$P"
check 50 "$(res)" "passwd: a user changing another user's password: insufficientAccessRights"
run ldappasswd -x -H "$URI" -D "uid=dave,$P" -w Gold-Coin-11 -s Hacked-Pass-1 "uid=bob,$P"
check 50 "$(res)" "passwd: the same without old password: insufficientAccessRights"
who "uid=bob,$P" Blue-Sky-22
check 0 "$rc" "passwd: the victim's password is unchanged"
# anonymous
run ldappasswd -x -H "$URI" -s Anon-Pass-1 "uid=bob,$P"
if [ "$rc" -ne 0 ]; then ok "passwd: anonymous refused ($(res))"; else fail "passwd: anonymous refused"; fi
one_of "$(res)" "50 53 8 13" "passwd: anonymous gets an access/unwilling result"
who "uid=bob,$P" Blue-Sky-22
check 0 "$rc" "passwd: unchanged after the anonymous attempt"
run ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s Some-Pass-1 "uid=nobody,$P"
check 32 "$(res)" "passwd: rootdn on a missing user: noSuchObject"
run ldappasswd -Q -Y EXTERNAL -H "$LDAPI" -s Gold-Coin-22 "uid=dave,$P"
check 0 "$rc" "passwd: root over ldapi (SASL EXTERNAL) sets a password"
who "uid=dave,$P" Gold-Coin-22
check 0 "$rc" "passwd: and the user binds with it"
run ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s Silver-Moon-22 "uid=ssha,$P"
check 0 "$rc" "passwd: replacing an imported {SSHA} password"
who "uid=ssha,$P" Silver-Moon-22
check 0 "$rc" "passwd: the replaced {SSHA} account binds with the new password"
run ldapsearch -x -H "$URI" -LLL -D "$ADMIN_DN" -w "$ADMIN_PW" -b "uid=bob,$P" -s base userPassword
check_not_contains "$out" "serPassword" "passwd: userPassword is still never returned"
bail_if_dead

# ================================================================ StartTLS
run ldapwhoami -x -H "$URI" -ZZ
if [ "$rc" -ne 0 ]; then ok "StartTLS required (-ZZ) fails without TLS"; else fail "StartTLS required (-ZZ) fails without TLS (got: $out)"; fi
check_not_contains "$out" "Can't contact" "StartTLS failure is an LDAP result, not a dropped connection"
run ldapwhoami -x -H "$URI" -Z
check "0" "$rc" "StartTLS optional (-Z): the operation continues in clear"
run ldapwhoami -x -H "$URI" -D "uid=bob,$P" -w Blue-Sky-22
check 0 "$rc" "the server keeps answering after StartTLS attempts"
bail_if_dead

# ================================================================ stored hashes
srv_alive_or_dump
stop_ok "SIGTERM stops the server with status 0"
exp=$("$DIRSRV" -f "$CONF" export 2>"$T/export.err"); erc=$?
# unfold LDIF continuation lines
exp=$(printf '%s\n' "$exp" | awk 'NR > 1 && /^ / { buf = buf substr($0, 2); next }
	{ if (NR > 1) print buf; buf = $0 } END { print buf }')
check 0 "$erc" "export after stop succeeds ($(head -c 200 "$T/export.err" | tr '\n' ' '))"
# pwof UID: the stored userPassword of uid=UID (base64 decoded if needed)
pwof() {
	local v
	v=$(printf '%s\n' "$exp" | awk -v dn="dn: uid=$1,$P" '
		/^dn:/ { cur = $0 }
		cur == dn && /^userPassword:: / { sub(/^userPassword:: /, ""); print "b64 " $0 }
		cur == dn && /^userPassword: / { sub(/^userPassword: /, ""); print "raw " $0 }')
	case "$v" in
	b64\ *) printf '%s' "${v#b64 }" | base64 -d 2>/dev/null ;;
	*) printf '%s' "${v#raw }" ;;
	esac
}
# ssha: replaced by Password Modify; the others were set in clear text
for u in alice bob carol dave ssha; do
	v=$(pwof "$u")
	case "$v" in
	'{CRYPT}$y$'*) ok "stored password of $u is {CRYPT} yescrypt" ;;
	*) fail "stored password of $u is {CRYPT} yescrypt (got '$v')" ;;
	esac
done
check "{CRYPT}$SHA512_HASH2" "$(pwof sha512b)" "an imported {CRYPT} sha512 hash is kept as is until a bind"
v=$(pwof sha512)
case "$v" in
'{CRYPT}$y$'*) ok "an imported {CRYPT} sha512 hash is rehashed to yescrypt on a successful bind" ;;
*) fail "an imported {CRYPT} sha512 hash is rehashed to yescrypt on a successful bind (got '$v')" ;;
esac
done_testing

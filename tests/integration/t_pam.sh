# t_pam.sh - pam_unifiedid.so end to end: dirsrv with the demo data, the
# agent, and pamtester under pam_wrapper (service files in $T/pam.d that
# load the built module by absolute path; the host's PAM is not touched).
# Good and wrong passwords, unknown people, mobile-number login, locked
# (by the administrator and after max_failures wrong binds), pending,
# disabled, real-name level, required group, must-change after an
# administrator's reset, password change with a policy violation, offline
# login, the agent stopped, zh_CN messages, mkhomedir, the module's
# dependencies and exports, and no password in any output or log.
. "$(dirname "$0")/../lib.sh"
PAM_SO="$B/pam_unifiedid.so"
PW='Demo@2024pass'
PEOPLE="ou=people,$BASE"

for need in pamtester ldappasswd; do
	command -v "$need" >/dev/null || { fail "$need installed"; done_testing; exit 1; }
done
PWRAP=$(ls /usr/lib/*/libpam_wrapper.so /usr/lib/libpam_wrapper.so 2>/dev/null | head -n 1)
NWRAP=$(ls /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so 2>/dev/null | head -n 1)
PAMMODS=$(dirname "$PWRAP")/pam_wrapper
[ -n "$PWRAP" ] || { fail "libpam_wrapper installed"; done_testing; exit 1; }
[ -f "$PAM_SO" ] || { fail "$PAM_SO built"; done_testing; exit 1; }
# a sanitized module inside pamtester: the ASan runtime must come first
PRELOAD="$PWRAP"
if [ -n "${UNIFIEDID_ASAN:-}" ]; then
	PRELOAD="$(${CC:-cc} -print-file-name=libasan.so) $(${CC:-cc} -print-file-name=libubsan.so) $PWRAP"
	# glibc's newlocale keeps its copy of LOCPATH (the zh_CN section sets
	# it): not the module's leak
	echo 'leak:__argz_add_sep' > "$T/lsan.supp"
	export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
	export LSAN_OPTIONS="suppressions=$T/lsan.supp:${LSAN_OPTIONS:-}"
fi

# ---- the module as a shared object ----
syms=$(nm -D --defined-only "$PAM_SO" | awk '{print $3}' | sort | tr '\n' ' ')
check "pam_sm_acct_mgmt pam_sm_authenticate pam_sm_chauthtok pam_sm_close_session pam_sm_open_session pam_sm_setcred " \
    "$syms" "exports exactly the six pam_sm_* functions"
needed=$(readelf -d "$PAM_SO" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
if [ -n "${UNIFIEDID_ASAN:-}" ]; then
	needed=$(printf '%s' "$needed" | tr ' ' '\n' | grep -v -E '^lib(asan|ubsan)\.so' | tr '\n' ' ')
fi
check "libc.so.6 libpam.so.0 " "$needed" "links libc and libpam only"

# ---- directory, agent ----
# max_age_days: 3 gives a password changed here an expiry warning at once
# (the server warns in the last 7 days); imported ones have no
# pwdChangedTime and never expire
srv_config "default_gid: 20000" "password_policy:" "  max_failures: 3" \
    "  lockout_seconds: 600" "  max_age_days: 3"
srv_import "$TOP/etc/demo/demo.ldif" || fail "demo import"
srv_run || { fail "server starts"; done_testing; exit 1; }
agent_config "mobile_login: true" "offline_login_days: 7" "auth_rate: 1000"
agent_start || { fail "agent starts"; done_testing; exit 1; }
SOCK="$AGENT_SOCK"

# ---- service files ----
mkdir -p "$T/pam.d" "$T/skel/.config"
M="$PAM_SO socket=$SOCK debug"
cat > "$T/pam.d/other" <<EOF
auth required pam_deny.so
account required pam_deny.so
password required pam_deny.so
session required pam_deny.so
EOF
cat > "$T/pam.d/uid" <<EOF
auth required $M nodelay
account required $M
password required $M
session required $M mkhomedir skel=$T/skel
EOF
cat > "$T/pam.d/uid-retry" <<EOF
auth required $M nodelay
account required $M
password required $M retry=2
EOF
cat > "$T/pam.d/uid-rn" <<EOF
account required $M min_realname=intermediate
EOF
cat > "$T/pam.d/uid-grp" <<EOF
account required $M require_group=budget require_group=treasury
EOF
cat > "$T/pam.d/uid-bad" <<EOF
account required $M min_realname=excellent
EOF
# a password read by an earlier module (pam_wrapper's pam_set_items sets
# PAM_AUTHTOK from the environment)
cat > "$T/pam.d/uid-first" <<EOF
auth required $PAMMODS/pam_set_items.so
auth required $M nodelay use_first_pass
EOF
cat > "$T/pam.d/uid-try" <<EOF
auth required $PAMMODS/pam_set_items.so
auth required $M nodelay try_first_pass
EOF
cat > "$T/pam.d/uid-delay" <<EOF
auth required $M
EOF
# the usual Debian shape: pam_unix first, then the directory
cat > "$T/pam.d/uid-stack" <<EOF
auth [success=2 default=ignore] pam_unix.so
auth [success=1 default=ignore] $M nodelay use_first_pass
auth requisite pam_deny.so
auth required pam_permit.so
EOF

# pt [env VAR=...] SERVICE USER OPS... < input: runs pamtester; sets OUT
# (stdout and stderr, with the module's syslog lines), RC, MS (elapsed ms)
pt() {
	local t0 t1
	t0=$(date +%s%N)
	OUT=$(env LD_PRELOAD="$PRELOAD" PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$T/pam.d" PAM_WRAPPER_DEBUGLEVEL=2 \
	    "$@" 2>&1)
	RC=$?
	t1=$(date +%s%N)
	MS=$(( (t1 - t0) / 1000000 ))
	printf '%s\n' "$OUT" >> "$T/all-output"
}
# set_status UID STATUS REASON: what an administrator does
set_status() {
	printf 'dn: uid=%s,%s\nchangetype: modify\nreplace: accountStatus\naccountStatus: %s\n-\nreplace: statusReason\nstatusReason: %s\n' \
	    "$1" "$PEOPLE" "$2" "$3" | amodify >/dev/null
}
login() { pt pamtester uid "$1" authenticate acct_mgmt < <(printf '%s\n' "$2"); }

# ---- auth ----
login zhangwei "$PW"
check 0 "$RC" "good password: authenticate and acct_mgmt succeed"
check_contains "$OUT" "successfully authenticated" "... pamtester says so"
login zhangwei 'Wrong#Pass1'
check 1 "$RC" "wrong password refused"
check_contains "$OUT" "Authentication failure" "... PAM_AUTH_ERR"
pt pamtester uid-delay dengchao authenticate < <(printf '%s\n' 'Wrong#Pass0')
[ "$MS" -ge 1400 ] && ok "without nodelay a failure waits (pam_fail_delay, ${MS} ms)" ||
    fail "without nodelay a failure waits (pam_fail_delay; took ${MS} ms)"
login nosuchperson "$PW"
check_contains "$OUT" "Authentication failure" "unknown person: PAM_AUTH_ERR at auth"
pt pamtester uid nosuchperson acct_mgmt </dev/null
check_contains "$OUT" "User not known to the underlying authentication module" \
    "unknown person: PAM_USER_UNKNOWN at account (a stack goes on to pam_unix)"
pt pamtester uid zhangwei authenticate < <(printf '\n')
check_contains "$OUT" "Authentication failure" "empty password refused (no anonymous bind)"

login 13805120001 "$PW"
check 0 "$RC" "mobile-number login (R3)"
check_contains "$OUT" "login 13805120001 is account zhangwei" "... PAM_USER becomes the account"
check_contains "$OUT" "account user=zhangwei: Success" "... the account phase checks the account"

pt env PAM_AUTHTOK="$PW" pamtester uid-first lina authenticate </dev/null
check 0 "$RC" "use_first_pass takes the earlier module's password"
check_not_contains "$OUT" "Password:" "... and does not ask"
pt env PAM_AUTHTOK='Wrong#Pass1' pamtester uid-first lina authenticate </dev/null
check_contains "$OUT" "Authentication failure" "use_first_pass: a wrong one fails without asking"
cat > "$T/pam.d/uid-first-alone" <<EOF
auth required $M nodelay use_first_pass
EOF
pt pamtester uid-first-alone lina authenticate < <(printf '%s\n' "$PW")
check_contains "$OUT" "Authentication failure" "use_first_pass with no earlier password fails"
check_not_contains "$OUT" "Password:" "... without asking (as pam_unix)"
pt env PAM_AUTHTOK='Wrong#Pass1' pamtester uid-try lina authenticate < <(printf '%s\n' "$PW")
check 0 "$RC" "try_first_pass: a wrong earlier password, then asks"
check_contains "$OUT" "Password:" "... the prompt shown"
pt pamtester uid-stack lina authenticate < <(printf '%s\n' "$PW")
check 0 "$RC" "Debian-style stack: pam_unix ignores a directory person, pam_unifiedid uses its password"

# ---- account ----
pt pamtester uid jiangming acct_mgmt </dev/null
check_contains "$OUT" "Permission denied" "locked by the administrator: PAM_PERM_DENIED"
check_contains "$OUT" "Your account is locked" "... with a message"
pt pamtester uid caolei acct_mgmt </dev/null
check_contains "$OUT" "Permission denied" "pending application: PAM_PERM_DENIED"
check_contains "$OUT" "waiting for an administrator to approve" "... says why"
login caolei "$PW"
check 1 "$RC" "pending application: cannot authenticate either"
pt pamtester uid caolei 'acct_mgmt(PAM_SILENT)' </dev/null
check_contains "$OUT" "Permission denied" "PAM_SILENT: still refused"
check_not_contains "$OUT" "waiting for an administrator" "... without a message"
set_status pengli rejected 身份证照片不清晰
check 0 "$?" "administrator rejects pengli's application with a reason"
pt pamtester uid pengli acct_mgmt </dev/null
check_contains "$OUT" "Your account application was rejected: 身份证照片不清晰" "rejected: PAM_PERM_DENIED with the reason"

set_status zhoujie disabled "left the civil service 2026-10"
check 0 "$?" "administrator disables zhoujie with a reason"
pt pamtester uid zhoujie acct_mgmt </dev/null
check_contains "$OUT" "Permission denied" "disabled: PAM_PERM_DENIED"
check_contains "$OUT" "Your account is disabled: left the civil service 2026-10" "... with the statusReason"

pt pamtester uid-rn maxiaoyu acct_mgmt </dev/null
check_contains "$OUT" "Permission denied" "min_realname=intermediate: level none refused"
check_contains "$OUT" "Your real-name verification level (not verified) is below the level this system requires (intermediate)" "... says both levels"
pt pamtester uid-rn xiehui acct_mgmt </dev/null
check_contains "$OUT" "Permission denied" "min_realname=intermediate: level basic refused"
pt pamtester uid-rn liuyang acct_mgmt </dev/null
check 0 "$RC" "min_realname=intermediate: intermediate allowed"
pt pamtester uid-rn zhangwei acct_mgmt </dev/null
check 0 "$RC" "min_realname=intermediate: advanced allowed"

pt pamtester uid-grp chenjing acct_mgmt </dev/null
check 0 "$RC" "require_group: a member of budget allowed"
pt pamtester uid-grp zhaolei acct_mgmt </dev/null
check 0 "$RC" "require_group given twice: a member of the second allowed"
pt pamtester uid-grp zhangwei acct_mgmt </dev/null
check_contains "$OUT" "Permission denied" "require_group: not a member refused"
check_contains "$OUT" "not in a group that may log in" "... with a message"
pt pamtester uid-bad zhangwei acct_mgmt </dev/null
check 1 "$RC" "a min_realname the module does not understand denies (no silent open door)"

# ---- lockout after max_failures wrong binds ----
for i in 1 2 3; do
	login wuxiuying "Wrong#Pass$i"
done
login wuxiuying "$PW"
check 1 "$RC" "after max_failures wrong passwords the right one is refused (locked)"
check_contains "$OUT" "locked" "... and the person is told the account is locked"

# ---- must change after an administrator's reset ----
ldappasswd -x -H "$URI" -D "$ADMIN_DN" -w "$ADMIN_PW" -s 'Reset#Pass2026' \
    "uid=huwenbo,$PEOPLE" >/dev/null
check 0 "$?" "administrator resets huwenbo's password"
login huwenbo 'Reset#Pass2026'
check_contains "$OUT" "successfully authenticated" "reset password authenticates"
check_contains "$OUT" "Authentication token is no longer valid; new one required" \
    "... the account phase says a new password is required (PAM_NEW_AUTHTOK_REQD)"
check_contains "$OUT" "You must change your password now" "... with a message"
pt pamtester uid huwenbo acct_mgmt </dev/null
check_contains "$OUT" "new one required" "... also in a new handle (from the directory's pwdReset)"
pt pamtester uid huwenbo authenticate 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' < <(printf '%s\n' 'Reset#Pass2026' 'Fresh#Start2026' 'Fresh#Start2026')
check 0 "$RC" "chauthtok right after the login changes it"
check_contains "$OUT" "authentication token altered successfully" "... pamtester says so"
check_not_contains "$OUT" "Current password:" "... without asking for the current password again"
login huwenbo 'Fresh#Start2026'
check 0 "$RC" "the new password logs in and the account phase is satisfied"
check_not_contains "$OUT" "new one required" "... no more change required"

# ---- password change: policy violation, then a good one ----
pt pamtester uid chenjing chauthtok < <(printf '%s\n' "$PW" 'onlylowercase' 'onlylowercase')
check 1 "$RC" "a new password the policy refuses: chauthtok fails"
check_contains "$OUT" "Authentication token manipulation error" "... PAM_AUTHTOK_ERR"
check_contains "$OUT" "password needs more kinds of characters: upper case, lower case, digits, special (password_policy.min_classes)" \
    "... the server's message shown verbatim"
pt pamtester uid chenjing chauthtok < <(printf '%s\n' 'Wrong#Pass1')
check 1 "$RC" "a wrong current password refused"
check_contains "$OUT" "The current password is wrong." "... said before asking for a new one"
check_not_contains "$OUT" "New password:" "... no new password asked"
pt pamtester uid chenjing chauthtok < <(printf '%s\n' "$PW" 'Budget#Office26' 'Budget#Office26')
check 0 "$RC" "a good new password: changed"
login chenjing 'Budget#Office26'
check 0 "$RC" "the new password logs in"
check_contains "$OUT" "Warning: your password will expire in 3 days." "... with the expiry warning in days (max_age_days 3)"
login chenjing "$PW"
check 1 "$RC" "the old one no longer does"
pt pamtester uid-retry chenjing chauthtok < <(printf '%s\n' 'Budget#Office26' 'short' 'short' 'Budget#Office27' 'Budget#Office27')
check 0 "$RC" "retry=2: refused once, then the second new password is taken"
check_contains "$OUT" "password is too short (password_policy.min_length)" "... after the policy message"

# ---- mkhomedir (getpwnam through nss_wrapper) ----
if [ -n "$NWRAP" ]; then
	echo 'skel file' > "$T/skel/.profile"
	echo 'x' > "$T/skel/.config/app"
	ln -s .profile "$T/skel/link"
	printf 'lina:x:10003:20002:Li Na:%s/home/lina:/bin/bash\n' "$T" > "$T/passwd"
	printf 'fin:x:20002:\n' > "$T/group"
	pt env NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
	    LD_PRELOAD="$PRELOAD $NWRAP" pamtester uid lina open_session close_session </dev/null
	check 0 "$RC" "mkhomedir: open_session succeeds"
	check "700 10003:20002" "$(stat -c '%a %u:%g' "$T/home/lina" 2>&1)" "... home created 0700, owned by the person"
	check "skel file" "$(cat "$T/home/lina/.profile" 2>&1)" "... skel copied"
	check "10003:20002 10003:20002 .profile" "$(stat -c '%u:%g' "$T/home/lina/.config/app" "$T/home/lina/.config" | tr '\n' ' ')$(readlink "$T/home/lina/link")" \
	    "... subdirectories, files and links owned by the person"
	echo 'mine' > "$T/home/lina/.profile"
	pt env NSS_WRAPPER_PASSWD="$T/passwd" NSS_WRAPPER_GROUP="$T/group" \
	    LD_PRELOAD="$PRELOAD $NWRAP" pamtester uid lina open_session </dev/null
	check "mine" "$(cat "$T/home/lina/.profile")" "... an existing home is left alone"
else
	fail "libnss_wrapper installed (mkhomedir test)"
fi

# ---- zh_CN ----
zh() { pt env LANGUAGE=zh_CN LC_ALL=C.UTF-8 "$@"; }
zh pamtester uid jiangming acct_mgmt </dev/null
check_contains "$OUT" "您的账号已被锁定" "zh_CN (LANGUAGE): locked"
zh pamtester uid caolei acct_mgmt </dev/null
check_contains "$OUT" "您的账号申请正在等待管理员审核" "zh_CN: pending"
zh pamtester uid-rn maxiaoyu acct_mgmt </dev/null
check_contains "$OUT" "您的实名认证等级（未实名）低于本系统要求的等级（中级）" "zh_CN: real-name levels translated too"
zh pamtester uid chenjing authenticate acct_mgmt < <(printf '%s\n' 'Budget#Office27')
check_contains "$OUT" "提醒：您的密码将在 3 天后过期。" "zh_CN: the expiry warning (plural form)"
zh pamtester uid chenjing chauthtok < <(printf '%s\n' 'Budget#Office27')
check_contains "$OUT" "当前密码：" "zh_CN: the prompt for the current password"
# LANG alone needs the locale installed: generate one for this test when
# the system has none (pamtester does not call setlocale; the module
# takes the language from the environment)
ZHLOC=""
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	mkdir -p "$T/locale"
	if localedef -i zh_CN -f UTF-8 "$T/locale/zh_CN.UTF-8" >/dev/null 2>&1; then
		ZHLOC="LOCPATH=$T/locale"
	fi
fi
pt env -u LC_ALL -u LANGUAGE -u LC_MESSAGES ${ZHLOC:+"$ZHLOC"} LANG=zh_CN.UTF-8 \
    pamtester uid zhoujie acct_mgmt </dev/null
check_contains "$OUT" "您的账号已被停用：left the civil service 2026-10" "zh_CN (LANG=zh_CN.UTF-8): disabled, with the reason"
pt env -u LANGUAGE -u LC_MESSAGES LC_ALL=C LANG=zh_CN.UTF-8 pamtester uid zhoujie acct_mgmt </dev/null
check_contains "$OUT" "Your account is disabled" "LC_ALL=C: English"

# ---- offline ----
login lina "$PW"
check 0 "$RC" "lina logs in online (the agent keeps an offline hash)"
stop_ok "dirsrv stops"
login lina "$PW"
check 0 "$RC" "offline: lina logs in with the cached hash"
check_contains "$OUT" "Logged in with cached credentials" "... and is told so"
login lina 'Wrong#Pass1'
check_contains "$OUT" "Authentication failure" "offline: a wrong password is still refused"
login xuming "$PW"
check 1 "$RC" "offline: a person who never logged in here is refused"
check_contains "$OUT" "Authentication service cannot retrieve authentication info" "... PAM_AUTHINFO_UNAVAIL"
pt pamtester uid lina chauthtok < <(printf '%s\n' "$PW")
check_contains "$OUT" "cannot be changed while the directory servers are unreachable" "offline: no password change"

# ---- agent stopped ----
agent_stop
check 0 "$?" "agent stops cleanly"
agent_log_clean
login lina "$PW"
check_contains "$OUT" "Authentication service cannot retrieve authentication info" "agent stopped: PAM_AUTHINFO_UNAVAIL"
[ "$MS" -lt 1000 ] && ok "... at once (${MS} ms)" || fail "... at once (took ${MS} ms)"
pt pamtester uid lina acct_mgmt </dev/null
check_contains "$OUT" "Authentication service cannot retrieve authentication info" "agent stopped: the account phase fails closed"
[ "$MS" -lt 1000 ] && ok "... at once (${MS} ms)" || fail "... at once (took ${MS} ms)"

# ---- a misbehaving agent (a scripted one on its own socket) ----
# answers by login: busy -> UA_BUSY; badmagic -> not the protocol;
# short -> an account record without its fields; cut -> no end record
cat > "$T/fake-agent.py" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
s.settimeout(30)
def rd(c, n):
    b = b""
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            raise EOFError
        b += x
    return b
def rec(fields):
    out = struct.pack("!I", len(fields))
    for f in fields:
        out += struct.pack("!I", len(f)) + f.encode()
    return out
def hdr(st):
    return struct.pack("!IHH", 0x55494441, 1, st)
while True:
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    try:
        rd(c, 8)
        n, = struct.unpack("!I", rd(c, 4))
        f = []
        for i in range(n):
            l, = struct.unpack("!I", rd(c, 4))
            f.append(rd(c, l).decode())
        who = f[0]
        if who == "busy":
            c.sendall(hdr(6) + rec([]))
        elif who == "badmagic":
            c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
        elif who == "short":
            c.sendall(hdr(0) + rec(["short", "active"]) + rec([]))
        elif who == "cut":
            c.sendall(hdr(0) + rec(["cut", "active", "", "basic", "0", ""]))
    except Exception:
        pass
    c.close()
EOF
FAKE_SOCK="$T/fake.sock"
python3 "$T/fake-agent.py" "$FAKE_SOCK" &
FAKE_PID=$!
trap 'kill "$FAKE_PID" 2>/dev/null; _agent_kill; _cleanup' EXIT
for i in $(seq 1 50); do [ -S "$FAKE_SOCK" ] && break; sleep 0.1; done
sed "s|socket=$SOCK|socket=$FAKE_SOCK|" "$T/pam.d/uid" > "$T/pam.d/uid-fake"
pt pamtester uid-fake busy authenticate < <(printf '%s\n' "$PW")
check_contains "$OUT" "Have exhausted maximum number of retries for service" "agent rate limit (UA_BUSY): PAM_MAXTRIES"
check_contains "$OUT" "Too many login attempts" "... with a message"
pt pamtester uid-fake badmagic authenticate < <(printf '%s\n' "$PW")
check_contains "$OUT" "Authentication service cannot retrieve authentication info" "an answer that is not the protocol: PAM_AUTHINFO_UNAVAIL"
pt pamtester uid-fake short acct_mgmt </dev/null
check_contains "$OUT" "Authentication service cannot retrieve authentication info" "an account record without its fields: PAM_AUTHINFO_UNAVAIL (not success)"
pt pamtester uid-fake cut acct_mgmt </dev/null
check_contains "$OUT" "Authentication service cannot retrieve authentication info" "an answer cut short: PAM_AUTHINFO_UNAVAIL (not success)"
[ "$MS" -lt 1000 ] && ok "... at once (${MS} ms)" || fail "... at once (took ${MS} ms)"
kill "$FAKE_PID" 2>/dev/null
wait "$FAKE_PID" 2>/dev/null

# ---- secrets ----
for p in "$PW" 'Wrong#Pass' 'Reset#Pass2026' 'Fresh#Start2026' 'onlylowercase' 'Budget#Office'; do
	grep -qF -- "$p" "$T/all-output" && fail "a password (${p:0:3}...) in the output or the module's log" ||
	    ok "no password in the output or the debug log (${p:0:3}...)"
done
if grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$T/all-output"; then
	fail "sanitizer report from the module"
	grep -A20 -E "AddressSanitizer|runtime error:" "$T/all-output" | head -40 | sed 's/^/# /'
fi
done_testing

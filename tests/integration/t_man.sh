#!/bin/bash
# t_man.sh - the man pages (man/) render without a warning, name the
# version placeholder, and keep up with the code: every command of
# "unifiedid --help", every configuration key of dirsrv/config.c and
# agent/config.c, every PAM module argument of pam_unifiedid/args.c is
# documented.  Also: every binary's --version is VERSION, the Debian and
# RPM packaging install the same pages, and "make install DESTDIR=" puts
# nothing outside DESTDIR.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
VERSION=$(cat VERSION)

if ! command -v man >/dev/null 2>&1; then
	echo "# man-db is not installed: page checks skipped"
else
	for page in man/*.[158]; do
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		    man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
		check "" "$out" "man --warnings: $page"
		check_contains "$(head -n 5 "$page")" '@VERSION@' "$page: .TH carries the version"
	done
fi

# every command of the CLI's help has its .TP entry in unifiedid(1)
page=$(sed 's/\\-/-/g' man/unifiedid.1)
"$B/unifiedid" --help 2>/dev/null | sed -n '/^Commands:/,/^$/p' | tail -n +2 |
    grep '^  [^ ]' |	# not the summaries of long synopses (their own line)
    awk 'NF { if ($2 ~ /^[a-z][a-z-]*$/) print $1 " " $2; else print $1 }' | sort -u > "$T/cmds"
[ -s "$T/cmds" ] || fail "no commands in unifiedid --help"
missing=""
while read -r cmd; do
	grep -q "^\\.BI\\{0,1\\} \"$cmd[ \"]" <<< "$page" || missing="$missing; $cmd"
done < "$T/cmds"
check "" "$missing" "unifiedid(1) documents every command of unifiedid --help"

# every key of the configuration tables
keys_in() { sed -n "s/^[[:space:]]*$1(\"\\([a-z_]*\\)\".*/\\1/p" "$2"; }
doc_has() { grep -q "^\\.B[IR]\\{0,1\\} .*\\b$1\\b" "$2"; }
missing=""
for k in $(keys_in 'K_[A-Z]*' dirsrv/config.c); do
	doc_has "$k" man/unifiedid-dirsrv.yaml.5 || missing="$missing $k"
done
check "" "$missing" "unifiedid-dirsrv.yaml(5) documents every key of dirsrv/config.c"
if [ -f agent/config.c ]; then
	missing=""
	for k in $(keys_in 'AK' agent/config.c); do
		doc_has "$k" man/unifiedid-agent.yaml.5 || missing="$missing $k"
	done
	check "" "$missing" "unifiedid-agent.yaml(5) documents every key of agent/config.c"
fi
if [ -f pam_unifiedid/args.c ]; then
	missing=""
	for a in $(grep -o '"[a-z_]*=\{0,1\}"' pam_unifiedid/args.c | tr -d '"=' | sort -u); do
		grep -q "^\\.BR\\{0,1\\}I\\{0,1\\} \\\\\\{0,1\\}\\[\\{0,1\\}$a\\b\\|^\\.BI\\{0,1\\} $a[= ]\\|^\\.B $a\$" man/pam_unifiedid.8 ||
			missing="$missing $a"
	done
	check "" "$missing" "pam_unifiedid(8) documents every argument of pam_unifiedid/args.c"
fi

# --version of every binary is VERSION
for bin in unifiedid-dirsrv unifiedid unifiedid-agent; do
	[ -x "$B/$bin" ] || continue
	check "$bin $VERSION" "$("$B/$bin" --version 2>&1)" "$bin --version"
done

# the packaging installs every page (Debian .install files, RPM %files)
for page in man/*.[158]; do
	name=${page#man/}
	s=${name##*.}
	grep -qx "usr/share/man/man$s/$name" packaging/debian/*.install ||
		fail "$name is in no packaging/debian/*.install"
	grep -q "^%{_mandir}/man$s/$name\\*\$" packaging/rpm/unifiedid.spec ||
		fail "$name is not in the RPM %files"
done
ok "every page is packaged (Debian and RPM)"

# make install DESTDIR= writes only below DESTDIR
D="$T/destdir"
stamp="$T/stamp"
touch "$stamp"
sleep 1
if make -s install B="$B" DESTDIR="$D" PREFIX=/usr >"$T/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	fail "make install"; sed 's/^/# /' "$T/install.log" | tail -n 20
fi
outside=$(find /usr /etc /lib /var/lib -xdev -newer "$stamp" \( -name 'unifiedid*' -o -name '*unifiedid*.so*' -o -name 'nss_unifiedid*' -o -name 'pam_unifiedid*' \) 2>/dev/null | head -n 5)
check "" "$outside" "make install wrote nothing outside DESTDIR"
for f in usr/sbin/unifiedid-dirsrv usr/bin/unifiedid etc/unifiedid/dirsrv.yaml \
    usr/share/man/man8/unifiedid-dirsrv.8 usr/share/man/man1/unifiedid.1 \
    usr/lib/systemd/system/unifiedid-dirsrv.service usr/lib/sysusers.d/unifiedid.conf; do
	[ -f "$D/$f" ] && ok "installed /$f" || fail "not installed: /$f"
done
check "" "$(grep -l '@VERSION@' "$D"/usr/share/man/man*/* 2>/dev/null)" "installed pages carry the version, not the placeholder"
check_contains "$(cat "$D/etc/unifiedid/dirsrv.yaml")" "ldapi://%2Frun%2Funifiedid%2Fdirsrv%2Fldapi" "installed dirsrv.yaml: ldapi socket in /run/unifiedid/dirsrv"
if [ -f agent/config.c ]; then
	[ -f "$D/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)/libnss_unifiedid.so.2" ] &&
		ok "NSS module in the multiarch directory" || fail "NSS module not in the multiarch directory"
fi

done_testing

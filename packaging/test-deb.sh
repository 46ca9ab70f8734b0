#!/bin/sh
# packaging/test-deb.sh PKGDIR - make deb-test: install the built .debs into
# a fresh minimal Debian 12 root and use them there.
#
# 1. debootstrap --variant=minbase bookworm from the mirror apt uses (the
#    downloaded packages are cached in build/debootstrap/ for reruns);
# 2. in that root (chroot, private mount and network namespaces, /proc
#    mounted, policy-rc.d so that no service starts): copies of
#    /etc/nsswitch.conf and /etc/pam.d/common-*, then apt installs the
#    packages; then packaging/test-deb-inside.sh runs the checks: the
#    package's configuration passes "unifiedid-dirsrv check", the demo
#    directory is imported, the daemon runs as in its unit (user unifiedid,
#    ambient CAP_NET_BIND_SERVICE, ldap://127.0.0.1:389 of the packaged
#    configuration), ldapsearch over TCP and ldapi, the agent, getent
#    through the NSS module the package enabled, pamtester through the
#    profile pam-auth-update enabled, then apt purges every package and
#    nsswitch.conf and the PAM stack must be what they were.
# Prints "N passed, N failed".  Needs root.  Everything is unmounted and
# removed on exit.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
PKG=${1:-$TOP/build/packages}
case "$PKG" in /*) ;; *) PKG="$TOP/$PKG" ;; esac
CACHE="$TOP/build/debootstrap"
SUITE=bookworm
# the packages the checks use, in the cached tarball too
EXTRA="ldap-utils,pamtester,adduser,libldap-2.5-0,liblmdb0,libyaml-0-2,libssl3,iproute2"

if [ "$(id -u)" != 0 ]; then
	echo "test-deb: needs root (debootstrap, chroot)" >&2
	exit 1
fi
ls "$PKG"/unifiedid-dirsrv_*.deb >/dev/null || {
	echo "test-deb: no packages in $PKG (make deb)" >&2
	exit 1
}
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

ROOT=$(mktemp -d /tmp/unifiedid-root.XXXXXX)
chmod 0755 "$ROOT"	# the root of the new system: users other than root traverse it
cleanup() {
	for m in proc dev/pts; do
		mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"
	done
	rm -rf "$ROOT"
}
trap cleanup EXIT INT TERM

start=$(date +%s)
mkdir -p "$CACHE"
tarball="$CACHE/$SUITE-minbase.tgz"
if [ ! -s "$tarball" ]; then
	echo "test-deb: downloading $SUITE (minbase) from $mirror into $tarball" >&2
	debootstrap --variant=minbase --include="$EXTRA" \
		--make-tarball="$tarball.tmp" "$SUITE" "$ROOT/mk" "$mirror" >&2
	mv "$tarball.tmp" "$tarball"
	rm -rf "$ROOT/mk"
fi
echo "test-deb: debootstrap $SUITE into $ROOT" >&2
debootstrap --variant=minbase --include="$EXTRA" --unpack-tarball="$tarball" \
	"$SUITE" "$ROOT" "$mirror" > "$ROOT.log" 2>&1 || {
	tail -n 30 "$ROOT.log" >&2
	exit 1
}
rm -f "$ROOT.log"
echo "test-deb: root ready after $(($(date +%s) - start)) s" >&2

printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mkdir -p "$ROOT/tmp/t/debs"
for f in "$PKG"/*.deb; do
	case "$f" in *-dbgsym_*) continue ;; esac
	cp "$f" "$ROOT/tmp/t/debs/"
done
cp "$TOP/etc/demo/demo.ldif" "$TOP/packaging/test-deb-inside.sh" "$ROOT/tmp/t/"
cp "$TOP/VERSION" "$ROOT/tmp/t/"

# a private mount namespace (what is mounted goes away with it) and a
# private network namespace (port 389 and the agent never meet the host's)
rc=0
unshare --mount --net --fork --propagation private sh -c '
	set -e
	ip link set lo up
	mount -t proc proc "$1/proc"
	mount -t devpts devpts "$1/dev/pts" 2>/dev/null || true
	chroot "$1" /bin/bash /tmp/t/test-deb-inside.sh
' test-deb "$ROOT" || rc=$?
echo "test-deb: done in $(($(date +%s) - start)) s" >&2
exit $rc

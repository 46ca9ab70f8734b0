#!/bin/sh
# packaging/build-rpm.sh OUTDIR - build the binary RPMs (make rpm).
#
# A tarball of the tree (without build directories and .git) goes into a
# temporary rpmbuild top directory; rpmbuild -bb builds
# packaging/rpm/unifiedid.spec with uid_version from VERSION.  On Debian
# the BuildRequires cannot be checked against an RPM database, so --nodeps
# (scripts/deps installed the Debian equivalents) and no debuginfo
# packages (they need RPM's find-debuginfo), and man pages are compressed
# and binaries stripped by packaging/rpm/install-post-debian.  Then rpmlint, when there is
# one, else the packages' file lists.  Without agent/*.c, or with
# UNIFIEDID_NOHOST=1, the host-side packages are left out (--without host).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$TOP/build/packages}
case "$OUT" in /*) ;; *) OUT="$TOP/$OUT" ;; esac
cd "$TOP"
VERSION=$(cat VERSION)
tmp=$(mktemp -d /tmp/unifiedid-rpm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/SOURCES" "$tmp/src/unifiedid-$VERSION"
tar -C "$TOP" --exclude=./.git --exclude=./build --exclude=./build-asan \
	--exclude=./build-fuzz --exclude='./build-*' -cf - . |
	tar -C "$tmp/src/unifiedid-$VERSION" -xf -
tar -C "$tmp/src" -czf "$tmp/SOURCES/unifiedid-$VERSION.tar.gz" "unifiedid-$VERSION"
cp packaging/systemd/unifiedid.sysusers "$tmp/SOURCES/"

with="--with host"
if [ -n "${UNIFIEDID_NOHOST:-}" ] || ! ls agent/*.c >/dev/null 2>&1; then
	with="--without host"
fi
nodeps=""
debuginfo=""
post=""
if [ -e /etc/debian_version ]; then
	nodeps="--nodeps"
	debuginfo="debug_package %{nil}"
	post="__os_install_post bash $TOP/packaging/rpm/install-post-debian"
fi
echo "build-rpm: rpmbuild -bb $with (version $VERSION)" >&2
# shellcheck disable=SC2086
rpmbuild -bb $nodeps $with --define "_topdir $tmp" \
	--define "uid_version $VERSION" \
	${debuginfo:+--define "$debuginfo"} ${post:+--define "$post"} \
	packaging/rpm/unifiedid.spec > "$tmp/build.log" 2>&1 || {
	tail -n 60 "$tmp/build.log" >&2
	echo "build-rpm: rpmbuild failed (log above)" >&2
	exit 1
}
mkdir -p "$OUT"
rm -f "$OUT"/*.rpm
cp "$tmp/build.log" "$OUT/rpmbuild.log"
find "$tmp/RPMS" -name '*.rpm' -exec cp {} "$OUT/" \;
echo "build-rpm: packages in $OUT:" >&2
ls -1 "$OUT"/*.rpm >&2
if command -v rpmlint >/dev/null 2>&1; then
	echo "build-rpm: rpmlint" >&2
	# rpmlint exits 64 for errors, 66 for badness over the threshold
	rpmlint -r packaging/rpm/rpmlintrc "$OUT"/*.rpm || {
		echo "build-rpm: rpmlint found errors" >&2
		exit 1
	}
else
	for p in "$OUT"/*.rpm; do
		echo "== $(basename "$p")"
		rpm -qlp "$p"
	done
fi

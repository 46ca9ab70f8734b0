#!/bin/sh
# packaging/build-deb.sh OUTDIR - build the Debian packages (make deb).
#
# The tree (without build directories and .git) is copied into a temp
# dir, packaging/debian becomes its debian/, debian/changelog is written
# from VERSION, and dpkg-buildpackage -us -uc -b runs there, so the tree
# stays clean.  The .debs land in OUTDIR; lintian checks them (errors fail
# the build; every warning is fixed or overridden with a reason).
# Without agent/*.c, or with UNIFIEDID_NOHOST=1, the host-side packages
# are left out (build profile pkg.unifiedid.nohost; the copy loses agent/,
# nss_unifiedid/ and pam_unifiedid/).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$TOP/build/packages}
case "$OUT" in /*) ;; *) OUT="$TOP/$OUT" ;; esac
cd "$TOP"
VERSION=$(cat VERSION)
if git rev-parse --git-dir >/dev/null 2>&1 && git log -1 >/dev/null 2>&1; then
	SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
else
	SOURCE_DATE_EPOCH=$(date +%s)
fi
export SOURCE_DATE_EPOCH

tmp=$(mktemp -d /tmp/unifiedid-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src="$tmp/unifiedid-$VERSION"
mkdir -p "$src"
tar -C "$TOP" --exclude=./.git --exclude=./build --exclude=./build-asan \
	--exclude=./build-fuzz --exclude='./build-*' -cf - . | tar -C "$src" -xf -
rm -rf "$src/debian"
cp -r packaging/debian "$src/debian"
cat > "$src/debian/changelog" <<CL
unifiedid ($VERSION) bookworm; urgency=medium

  * Release $VERSION (see the git log for the changes).

 -- UnifiedID developers <unifiedid@example.gov.cn>  $(date -R -u -d "@$SOURCE_DATE_EPOCH")
CL

profiles=""
if [ -n "${UNIFIEDID_NOHOST:-}" ] || ! ls agent/*.c >/dev/null 2>&1; then
	profiles="-Ppkg.unifiedid.nohost"
	rm -rf "$src/agent" "$src/nss_unifiedid" "$src/pam_unifiedid"
fi
echo "build-deb: dpkg-buildpackage -us -uc -b $profiles in $src" >&2
# shellcheck disable=SC2086
(cd "$src" && dpkg-buildpackage -us -uc -b $profiles) > "$tmp/build.log" 2>&1 || {
	tail -n 60 "$tmp/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log above)" >&2
	exit 1
}
mkdir -p "$OUT"
rm -f "$OUT"/*.deb "$OUT"/*.ddeb "$OUT"/*.changes "$OUT"/*.buildinfo
for f in "$tmp"/*.deb "$tmp"/*.ddeb "$tmp"/*.changes "$tmp"/*.buildinfo; do
	[ -e "$f" ] && cp "$f" "$OUT/"
done
echo "build-deb: packages in $OUT:" >&2
ls -1 "$OUT" >&2
echo "build-deb: lintian" >&2
lintian --fail-on error --display-info "$OUT"/unifiedid_"$VERSION"_*.changes
echo "build-deb: lintian: no errors" >&2

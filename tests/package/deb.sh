#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/package/deb.sh: the Debian packages build with `dpkg-buildpackage -b -uc -us` from a copy of the
# work tree, hold what they should (dpkg-deb -c), and what they install runs: extracted into a scratch
# root (dpkg -x), ims-agw and ims-alg start from their packaged configuration and the manual pages and
# units are there. With MEDIASEC_DEB_INSTALL=1 (a disposable container such as CI's) the packages are
# also installed for real with dpkg -i, both daemons started from /usr/bin with /etc/mediasec's files
# and the packages purged again. Not part of `make check` (minutes of building); from the source tree:
#   top_srcdir=. top_builddir=_build/default tests/package/deb.sh
. "$top_srcdir/tests/integration/lib.sh"

for tool in dpkg-buildpackage dh dpkg-deb git; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool missing (Debian packages dpkg-dev, debhelper, git)"; exit 77; }
done
src=$(cd "$top_srcdir" && pwd)
t0=$(date +%s)

# the sources as the work tree has them (tracked and new files, not what .gitignore leaves out), so the
# build neither writes into the work tree nor sees its build directories
mkdir -p "$WORK/src"
(cd "$src" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
	[ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -C "$WORK/src" -xf -
if (cd "$WORK/src" && dpkg-buildpackage -b -uc -us -j2) >"$WORK/build.log" 2>&1; then
	ok "dpkg-buildpackage -b -uc -us ($(($(date +%s) - t0)) s)"
else
	not_ok "dpkg-buildpackage -b -uc -us" "$(tail -n 30 "$WORK/build.log")"
	finish; exit
fi
version=$(cd "$WORK/src" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
# a bare -Werror (the hardening flags' -Werror=format-security and the like stay)
expect_match "configure: -Werror off in the package build" "$(cat "$WORK/build.log")" '^ +-Werror: +no$'
expect_eq "no compiler line with a bare -Werror" "$(grep -cE -- '-Werror( |$)' "$WORK/build.log")" 0

# contents: path list of each package
contents() { dpkg-deb -c "$WORK/$1_${version}_$arch.deb" | awk '{print $6}' | sed 's|^\./|/|'; }
for d in agw alg; do
	c=$(contents "ims-$d")
	for f in /usr/bin/ims-$d /usr/share/man/man8/ims-$d.8.gz /etc/mediasec/ims-$d.json \
		/lib/systemd/system/ims-$d.service /usr/share/doc/ims-$d/copyright; do
		expect_match "ims-$d package holds $f" "$c" "^$f$"
	done
	expect_match "ims-$d depends on its libraries" "$(dpkg-deb -f "$WORK/ims-${d}_${version}_$arch.deb" Depends)" \
		"libgnutls30.*libsystemd0|libsystemd0.*libgnutls30"
	expect_match "ims-$d: /etc/mediasec/ims-$d.json is a conffile" \
		"$(dpkg-deb -e "$WORK/ims-${d}_${version}_$arch.deb" "$WORK/ctl-$d" && cat "$WORK/ctl-$d/conffiles")" \
		"^/etc/mediasec/ims-$d.json$"
	expect_match "ims-$d: postinst enables the unit" "$(cat "$WORK/ctl-$d/postinst" 2>/dev/null)" \
		"deb-systemd-helper.* enable .*ims-$d.service|enable.*'ims-$d.service'"
done
# ims-alg's malloc is tcmalloc (configure.ac, Build-Depends); ims-agw keeps glibc's
expect_match "ims-alg depends on tcmalloc" "$(dpkg-deb -f "$WORK/ims-alg_${version}_$arch.deb" Depends)" \
	"libtcmalloc-minimal4"
expect_eq "ims-agw does not depend on tcmalloc" "$(dpkg-deb -f "$WORK/ims-agw_${version}_$arch.deb" Depends | grep -c tcmalloc)" 0
c=$(contents mediasec-tools)
for f in /usr/bin/ims-lab /usr/bin/ims-h248 /usr/share/man/man1/ims-lab.1.gz /usr/share/man/man1/ims-h248.1.gz \
	/usr/share/mediasec/scenarios/004-msrp-originating.json; do
	expect_match "mediasec-tools package holds $f" "$c" "^$f$"
done

# extracted into a scratch root: the units name the installed paths, the daemons run
root="$WORK/root"
for p in ims-agw ims-alg mediasec-tools; do dpkg -x "$WORK/${p}_${version}_$arch.deb" "$root"; done
for d in agw alg; do
	unit=$(cat "$root/lib/systemd/system/ims-$d.service")
	expect_match "ims-$d.service: Type=notify" "$unit" '^Type=notify$'
	expect_match "ims-$d.service: a watchdog" "$unit" '^WatchdogSec=[0-9]+s$'
	expect_match "ims-$d.service: the configuration under /etc" "$unit" \
		"^ExecStart=/usr/bin/ims-$d -c /etc/mediasec/ims-$d.json --ctl-socket=%t/ims-$d/ctl.sock$"
	expect_match "ims-$d.service: its own runtime directory for the control socket" "$unit" "^RuntimeDirectory=ims-$d$"
done
expect_match "ims-lab runs" "$("$root/usr/bin/ims-lab" --help 2>&1 | head -n 3)" "ims-lab"
set -- $("$FREEPORT" 4)
MGC=$1 MG=$2 SIPA=$3 SIPC=$4
run_both() { # run_both BINDIR CONFDIR NAME: both daemons from BINDIR with CONFDIR's files: ready, stop
	start agw "$WORK/agw-$3.log" "$1/ims-agw" -c "$2/ims-agw.json" --h248-port "$MG" --mgc-port "$MGC"
	agw=$last_pid
	start alg "$WORK/alg-$3.log" "$1/ims-alg" -c "$2/ims-alg.json" --sip-access-port "$SIPA" \
		--sip-core-port "$SIPC" --h248-port "$MGC" --h248-gateways "127.0.0.1:$MG"
	alg=$last_pid
	for d in agw alg; do
		if wait_log "$WORK/$d-$3.log" "NOTICE main ready: "; then ok "$3: ims-$d starts"; else not_ok "$3: ims-$d starts"; fi
	done
	if wait_log "$WORK/agw-$3.log" "registered with the MGC"; then ok "$3: ims-agw registers with ims-alg"; else not_ok "$3: ims-agw registers with ims-alg"; fi
	stop "$agw" TERM; expect_eq "$3: ims-agw stops with 0" "$stopped" 0
	stop "$alg" TERM; expect_eq "$3: ims-alg stops with 0" "$stopped" 0
}
run_both "$root/usr/bin" "$root/etc/mediasec" extracted

# installed for real, only where asked (the machine's /usr and /etc are changed)
if [ "${MEDIASEC_DEB_INSTALL:-0}" = 1 ]; then
	if dpkg -i "$WORK"/ims-agw_"$version"_"$arch".deb "$WORK"/ims-alg_"$version"_"$arch".deb \
		"$WORK"/mediasec-tools_"$version"_"$arch".deb >"$WORK/install.log" 2>&1; then
		ok "dpkg -i of the three packages"
	else
		not_ok "dpkg -i of the three packages" "$(tail -n 20 "$WORK/install.log")"
	fi
	run_both /usr/bin /etc/mediasec installed
	dpkg --purge ims-agw ims-alg mediasec-tools >>"$WORK/install.log" 2>&1
	expect_eq "dpkg --purge leaves no ims-agw" "$(command -v ims-agw)" ""
fi
echo "deb.sh took $(($(date +%s) - t0)) s"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ./configure with one library missing stops and names the Debian package to install: for each library,
# configure runs against a pkg-config directory holding every .pc file but that library's. And the
# optional tcmalloc: required only when asked for, refused with the sanitizers.
. "$top_srcdir/tests/integration/lib.sh"

src=$(cd "$top_srcdir" && pwd)
all="$WORK/pc-all"
mkdir -p "$all"
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
	[ -d "$d" ] && for pc in "$d"/*.pc; do [ -e "$pc" ] && ln -sf "$pc" "$all/"; done
done

while read -r module package; do
	dir="$WORK/pc-no-$module"
	cp -a "$all" "$dir"
	rm -f "$dir/$module.pc"
	mkdir -p "$WORK/build-$module"
	out=$(cd "$WORK/build-$module" && PKG_CONFIG_LIBDIR="$dir" PKG_CONFIG_PATH= \
		"$src/configure" --quiet 2>&1 >/dev/null)
	status=$?
	expect_eq "without $module: configure fails" "$([ $status -ne 0 ] && echo failed)" failed
	expect_match "without $module: names $package" "$out" \
		"error: pkg-config module '$module( >= [0-9.]+)?' not found: install the Debian package '$package'"
done <<'TABLE'
glib-2.0 libglib2.0-dev
json-c libjson-c-dev
gnutls libgnutls28-dev
sofia-sip-ua libsofia-sip-ua-dev
sofia-sip-ua-glib libsofia-sip-ua-glib-dev
cunit libcunit1-dev
TABLE

# tcmalloc (ims-alg's malloc) is optional unless asked for, and never with the sanitizers
dir="$WORK/pc-no-libtcmalloc_minimal"
cp -a "$all" "$dir"
rm -f "$dir/libtcmalloc_minimal.pc"
mkdir -p "$WORK/build-tcmalloc"
tcmalloc() { (cd "$WORK/build-tcmalloc" && PKG_CONFIG_LIBDIR="$1" PKG_CONFIG_PATH= "$src/configure" "${@:2}" 2>&1); }
out=$(tcmalloc "$dir" --with-tcmalloc=yes)
expect_match "without libtcmalloc_minimal, --with-tcmalloc=yes: names libgoogle-perftools-dev" "$out" \
	"error: --with-tcmalloc: pkg-config module 'libtcmalloc_minimal' not found: install the Debian package 'libgoogle-perftools-dev'"
expect_match "without libtcmalloc_minimal: ims-alg on glibc's malloc" "$(tcmalloc "$dir")" '^ +tcmalloc: +no \(ims-alg\)$'
expect_match "--with-tcmalloc=yes --enable-sanitizers: refused" "$(tcmalloc "$all" --with-tcmalloc=yes --enable-sanitizers)" \
	"error: --with-tcmalloc: not with the sanitizers"
[ -e "$all/libtcmalloc_minimal.pc" ] &&
	expect_match "with the sanitizers: ims-alg on their malloc" "$(tcmalloc "$all" --enable-sanitizers)" \
		'^ +tcmalloc: +no \(ims-alg\)$'

finish

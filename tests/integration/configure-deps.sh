#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ./configure with one library missing stops and names the Debian package to install: for each library,
# configure runs against a pkg-config directory holding every .pc file but that library's.
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

finish

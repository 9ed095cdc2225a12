# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/stats.awk: the statistics every bench script prints its rounds with. Each script puts this
# text before its own awk program (awk "$(cat stats.awk)"'...'), so that one median is computed one way.

# The median of a[1..n]; sorts a[1..n] in place (n is a handful of rounds: an insertion sort).
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j] < a[j - 1]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

# "lowest-highest" of a[1..n], each printed with fmt.
function lowhigh(a, n, fmt,   i, lo, hi) {
	for (i = 1; i <= n; i++) { if (i == 1 || a[i] < lo) lo = a[i]; if (i == 1 || a[i] > hi) hi = a[i] }
	return sprintf(fmt "-" fmt, lo, hi)
}

# "median (lowest-highest)" of a[1..n], each printed with fmt; "-" when n is 0. a is left as it was.
function spread(a, n, fmt,   i, b) {
	if (!n) return "-"
	for (i = 1; i <= n; i++) b[i] = a[i]
	return sprintf(fmt " (%s)", median(b, n), lowhigh(a, n, fmt))
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics_h248: the H.248 transaction layer's and link's counters (tl.h, link.h) as metric families
 * named <prefix>_h248_…, the same in both daemons. */
#ifndef MEDIASEC_METRICS_H248_H
#define MEDIASEC_METRICS_H248_H

#include "link.h"
#include "metrics.h"
#include "tl.h"

/* s must live as long as the registry (h248_tl_stats' pointer does, for its transaction layer). */
void metrics_add_h248_tl(struct metrics *m, const char *prefix, const struct h248_tl_stats *s);

/* The accepted TCP connections' limits and the oversized messages; fetch fills the stats at scrape time. */
typedef void metrics_link_fetch(void *arg, struct h248_link_stats *s, uint64_t *oversized);
void metrics_add_h248_link(struct metrics *m, const char *prefix, metrics_link_fetch *fetch, void *arg);

#endif

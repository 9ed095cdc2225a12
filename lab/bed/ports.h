/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ports: the loopback ports a lab run gives its daemons and parties. */
#ifndef MEDIASEC_LAB_PORTS_H
#define MEDIASEC_LAB_PORTS_H

#include <stdbool.h>
#include <stdint.h>

/* The band lab_free_ports draws from, "LOW-HIGH" (31000-32767 unless set): at least 64 ports from 1024
 * up. false with why (the caller frees it) when the text is not such a band. */
bool lab_ports_band(const char *text, char **why);
/* The first of n consecutive ports free for both TCP and UDP on 127.0.0.1 now, from the lab's band
 * (by default 31000-32767): below the kernel's ephemeral ports and the bands the tests use, so no other program of
 * the test run takes one meanwhile. Each port is also claimed for this process until lab_ports_release,
 * so that another ims-lab running beside (make check runs several) never picks a port ours has still to
 * bind: the gateway binds its realm's ports only when a leg opens, and two runs sharing a range would
 * capture each other's packets. Every port a party or daemon holds is owned by one column of the ladder,
 * so a range must not include a UDP port a party already holds. 0 when none is free. */
uint16_t lab_free_ports(unsigned n);
/* Gives back every port claimed so far (a scenario has ended, its daemons and parties are gone). */
void lab_ports_release(void);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * phc.h - a NIC's PTP hardware clock, as the module needs it: turn on
 * hardware receive stamps, find the PHC, and fit its time to CLOCK_REALTIME
 * (the mapping NTPSEC_CMD_SET_PHC_MAP carries).  After linuxptp's phc.c and
 * sysoff.c: PRECISE, else EXTENDED, else the basic offset ioctl, keeping the
 * sample with the shortest window.
 */
#ifndef NTPSEC_PHC_H
#define NTPSEC_PHC_H

#include <stdint.h>

struct phc_sample {
	int64_t phc_ns;
	int64_t sys_ns;		/* CLOCK_REALTIME at the same instant */
	int64_t window_ns;	/* how sure: the reading's bracket */
};

struct phc_map {
	int ifindex;
	int64_t phc_ns;
	int64_t utc_ns;
	int64_t freq;		/* UTC rate / PHC rate - 1, in 2^-32 */
};

/*
 * Hardware RX stamps on for all packets of @ifname, and TX stamps for the
 * packets that ask (if the NIC can); 0 or -errno.
 */
int phc_enable_stamps(const char *ifname);
/* Opens the PHC of @ifname (read-only); an fd or -errno. */
int phc_open(const char *ifname);
/* One sample from an open PHC; 0 or -errno. */
int phc_sample(int fd, struct phc_sample *s);
/* The mapping through two samples of the same PHC. */
void phc_fit(int ifindex, const struct phc_sample *a,
	     const struct phc_sample *b, struct phc_map *map);

#endif

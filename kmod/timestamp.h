/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_TIMESTAMP_H
#define _NTPSEC_TIMESTAMP_H

#include <linux/ktime.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <uapi/linux/ntpsec.h>

/*
 * PHC-to-UTC mappings, one per interface whose NIC stamps packets.  The
 * daemon measures each PHC against CLOCK_REALTIME a few times a second and
 * pushes the fit; the receive path converts under the seqlock, so it always
 * sees one whole mapping.
 */
struct ntpsec_phc_map {
	int ifindex;
	s64 phc_ns;
	s64 utc_ns;
	s64 freq;	/* UTC rate / PHC rate - 1, in 2^-32 */
};

struct ntpsec_phc_maps {
	seqlock_t lock;
	unsigned int n;
	struct ntpsec_phc_map map[NTPSEC_PHC_MAX_MAPS];
};

/* Where a reply's receive timestamp came from. */
enum ntpsec_ts_source {
	NTPSEC_TS_SOURCE_HW,
	NTPSEC_TS_SOURCE_SW,
	NTPSEC_TS_SOURCE_HOOK,
};

struct ntpsec_net;

void ntpsec_phc_maps_init(struct ntpsec_phc_maps *maps);
int ntpsec_phc_map_set(struct ntpsec_phc_maps *maps,
		       const struct ntpsec_phc_map *map);
int ntpsec_phc_map_del(struct ntpsec_phc_maps *maps, int ifindex);
bool ntpsec_phc_to_utc(struct ntpsec_phc_maps *maps, int ifindex, s64 phc,
		       s64 *utc);

/* @hook_time: the clock at hook entry, or 0 to read it now if needed. */
ktime_t ntpsec_rx_timestamp(struct ntpsec_net *nn, const struct sk_buff *skb,
			    ktime_t hook_time, enum ntpsec_ts_source *source);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Receive timestamps: the NIC's hardware stamp converted to UTC when there
 * is one and a fresh mapping for its PHC, else the kernel's software stamp,
 * else the clock read when the hook was entered.
 */

#include <linux/errno.h>

#include "netns.h"
#include "timestamp.h"

void ntpsec_phc_maps_init(struct ntpsec_phc_maps *maps)
{
	seqlock_init(&maps->lock);
	maps->n = 0;
}

int ntpsec_phc_map_set(struct ntpsec_phc_maps *maps,
		       const struct ntpsec_phc_map *map)
{
	unsigned int i;
	int ret = -ENOSPC;

	write_seqlock_bh(&maps->lock);
	for (i = 0; i < maps->n; i++)
		if (maps->map[i].ifindex == map->ifindex)
			break;
	if (i < NTPSEC_PHC_MAX_MAPS) {
		maps->map[i] = *map;
		if (i == maps->n)
			maps->n++;
		ret = 0;
	}
	write_sequnlock_bh(&maps->lock);
	return ret;
}

int ntpsec_phc_map_del(struct ntpsec_phc_maps *maps, int ifindex)
{
	unsigned int i;
	int ret = -ENOENT;

	write_seqlock_bh(&maps->lock);
	for (i = 0; i < maps->n; i++) {
		if (maps->map[i].ifindex != ifindex)
			continue;
		maps->map[i] = maps->map[--maps->n];
		ret = 0;
		break;
	}
	write_sequnlock_bh(&maps->lock);
	return ret;
}

/* PHC time to UTC; false if there is no mapping or it is too old. */
bool ntpsec_phc_to_utc(struct ntpsec_phc_maps *maps, int ifindex, s64 phc,
		       s64 *utc)
{
	unsigned int seq, i;
	bool found;
	s64 d;

	do {
		seq = read_seqbegin(&maps->lock);
		found = false;
		for (i = 0; i < maps->n; i++) {
			const struct ntpsec_phc_map *m = &maps->map[i];

			if (m->ifindex != ifindex)
				continue;
			d = phc - m->phc_ns;
			if (d > NTPSEC_PHC_MAX_AGE_NS || d < -NTPSEC_PHC_MAX_AGE_NS)
				break;
			/* |d| < 2^34 and |freq| < 2^24: no overflow. */
			*utc = m->utc_ns + d + ((d * m->freq) >> 32);
			found = true;
			break;
		}
	} while (read_seqretry(&maps->lock, seq));
	return found;
}

ktime_t ntpsec_rx_timestamp(struct ntpsec_net *nn, const struct sk_buff *skb,
			    ktime_t hook_time, enum ntpsec_ts_source *source)
{
	ktime_t hw = skb_hwtstamps((struct sk_buff *)skb)->hwtstamp;
	s64 utc;

	if (hw) {
		if (ntpsec_phc_to_utc(&nn->phc, skb->skb_iif, ktime_to_ns(hw), &utc)) {
			*source = NTPSEC_TS_SOURCE_HW;
			return ns_to_ktime(utc);
		}
		ntpsec_count(nn, NTPSEC_CTR_TS_PHC_STALE);
	}
	if (skb->tstamp) {
		*source = NTPSEC_TS_SOURCE_SW;
		return skb->tstamp;
	}
	*source = NTPSEC_TS_SOURCE_HOOK;
	return hook_time ? hook_time : ktime_get_real();
}

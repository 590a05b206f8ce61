/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntpsec_vphc.ko: shared definitions.  See main.c for what the driver is
 * and what it offers to tests.
 */

#ifndef _NTPSEC_VPHC_H
#define _NTPSEC_VPHC_H

#include <linux/atomic.h>
#include <linux/ethtool.h>
#include <linux/hrtimer.h>
#include <linux/netdevice.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "compat.h"

/*
 * A PHC that runs on CLOCK_MONOTONIC_RAW: at raw time r it reads
 * base_ns + (r - base_raw) * (1 + scaled_ppm / 2^16 / 10^6).  Every change
 * re-bases at the current raw time, so the clock stays continuous.
 */
struct vphc_clock {
	struct ptp_clock_info info;
	struct ptp_clock *ptp;
	spinlock_t lock;	/* protects the three fields below */
	u64 base_raw;		/* CLOCK_MONOTONIC_RAW at the last change, ns */
	u64 base_ns;		/* the clock's time then, ns (s64 bits) */
	long scaled_ppm;	/* frequency offset, ppm with 16 fraction bits */
};

struct vphc_priv {
	struct net_device *dev;
	struct net_device *peer;	/* the other end, for the module's life */
	struct vphc_clock clock;

	/* SIOCSHWTSTAMP configuration, changed under RTNL */
	int tx_type;
	int rx_filter;

	/* TX stamps waiting for tx_stamp_delay_us; lock: tx_pending.lock */
	struct sk_buff_head tx_pending;
	struct hrtimer tx_timer;
	bool tx_timer_armed;
	atomic_t tx_inflight;	/* stamps promised and not yet delivered */

	/* what tests read: sysfs group "vphc" and ethtool -S */
	atomic64_t last_rx_hwtstamp;
	atomic64_t last_tx_hwtstamp;
	atomic64_t rx_stamped;
	atomic64_t tx_stamped;
	atomic64_t tx_stamp_dropped;
};

/* netdev.c */
struct net_device *vphc_dev_create(unsigned int index);
void vphc_dev_destroy(struct net_device *dev);
void vphc_dev_link(struct net_device *a, struct net_device *b);

/* clock.c */
int vphc_clock_init(struct vphc_clock *clk, const char *name);
void vphc_clock_uninit(struct vphc_clock *clk);
s64 vphc_clock_now(struct vphc_clock *clk);
int vphc_clock_index(const struct vphc_clock *clk);

/* tstamp.c */
void vphc_tstamp_init(struct vphc_priv *priv);
void vphc_tstamp_flush(struct vphc_priv *priv);
int vphc_tstamp_configure(struct vphc_priv *priv, int tx_type, int *rx_filter);
void vphc_rx_stamp(struct vphc_priv *priv, struct sk_buff *skb);
bool vphc_tx_stamp_begin(struct vphc_priv *priv, struct sk_buff *skb);
void vphc_tx_stamp_end(struct vphc_priv *priv, struct sk_buff *skb, s64 ns);
int vphc_get_ts_info(struct net_device *dev, struct vphc_ts_info *info);
#ifdef VPHC_HAVE_NDO_HWTSTAMP
int vphc_hwtstamp_get(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg);
int vphc_hwtstamp_set(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg,
		      struct netlink_ext_ack *extack);
#else
int vphc_eth_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd);
#endif

/* stats.c */
extern const struct attribute_group vphc_attr_group;
int vphc_get_sset_count(struct net_device *dev, int sset);
void vphc_get_strings(struct net_device *dev, u32 sset, u8 *data);
void vphc_get_ethtool_stats(struct net_device *dev,
			    struct ethtool_stats *stats, u64 *data);

#endif /* _NTPSEC_VPHC_H */

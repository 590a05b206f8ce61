// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware timestamping: the SIOCSHWTSTAMP configuration, RX stamps, and
 * TX stamps, delivered from the transmit routine or, like a NIC that
 * reports them on completion, tx_stamp_delay_us later from a soft hrtimer.
 * A TX stamp is promised (SKBTX_IN_PROGRESS) before skb_tx_timestamp(), so
 * the socket does not get a software stamp in its place.
 */

#include <linux/module.h>
#include <linux/net_tstamp.h>
#include <linux/uaccess.h>
#include <net/dst.h>

#include "vphc.h"

#define VPHC_TX_PENDING_MAX	64

static unsigned int tx_stamp_delay_us;
module_param(tx_stamp_delay_us, uint, 0644);
MODULE_PARM_DESC(tx_stamp_delay_us, "Deliver TX hardware stamps this many microseconds after the send (default 0)");

static bool tx_stamp_single;
module_param(tx_stamp_single, bool, 0644);
MODULE_PARM_DESC(tx_stamp_single, "At most one TX hardware stamp outstanding per device; others are dropped and counted");

/* A sent skb waiting for its stamp to be delivered. */
struct vphc_tx_cb {
	ktime_t due;		/* CLOCK_MONOTONIC */
	s64 hwtstamp;
};

static struct vphc_tx_cb *vphc_tx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct vphc_tx_cb) > sizeof(skb->cb));
	return (struct vphc_tx_cb *)skb->cb;
}

void vphc_rx_stamp(struct vphc_priv *priv, struct sk_buff *skb)
{
	s64 ns = vphc_clock_now(&priv->clock);

	skb_hwtstamps(skb)->hwtstamp = ns_to_ktime(ns);
	atomic64_set(&priv->last_rx_hwtstamp, ns);
	atomic64_inc(&priv->rx_stamped);
}

/* Whether skb gets a hardware TX stamp; if so, the caller must end it. */
bool vphc_tx_stamp_begin(struct vphc_priv *priv, struct sk_buff *skb)
{
	int limit = READ_ONCE(tx_stamp_single) ? 1 : VPHC_TX_PENDING_MAX;

	if (!(skb_shinfo(skb)->tx_flags & SKBTX_HW_TSTAMP) ||
	    READ_ONCE(priv->tx_type) != HWTSTAMP_TX_ON)
		return false;
	if (atomic_inc_return(&priv->tx_inflight) > limit) {
		atomic_dec(&priv->tx_inflight);
		atomic64_inc(&priv->tx_stamp_dropped);
		return false;
	}
	skb_shinfo(skb)->tx_flags |= SKBTX_IN_PROGRESS;
	return true;
}

static void vphc_tx_stamp_deliver(struct vphc_priv *priv, struct sk_buff *skb,
				  s64 ns)
{
	struct skb_shared_hwtstamps hwts = {};

	hwts.hwtstamp = ns_to_ktime(ns);
	skb_tstamp_tx(skb, &hwts);
	atomic64_inc(&priv->tx_stamped);
	atomic_dec(&priv->tx_inflight);
	dev_consume_skb_any(skb);
}

/* Takes skb over: its stamp ns goes to the socket now or when due. */
void vphc_tx_stamp_end(struct vphc_priv *priv, struct sk_buff *skb, s64 ns)
{
	unsigned int delay_us = READ_ONCE(tx_stamp_delay_us);
	struct vphc_tx_cb *cb;
	unsigned long flags;
	bool start;
	ktime_t due;

	atomic64_set(&priv->last_tx_hwtstamp, ns);
	if (!delay_us) {
		vphc_tx_stamp_deliver(priv, skb, ns);
		return;
	}

	due = ktime_add_us(ktime_get(), delay_us);
	cb = vphc_tx_cb(skb);
	cb->due = due;
	cb->hwtstamp = ns;
	skb_dst_drop(skb);

	spin_lock_irqsave(&priv->tx_pending.lock, flags);
	__skb_queue_tail(&priv->tx_pending, skb);
	start = !priv->tx_timer_armed;
	priv->tx_timer_armed = true;
	spin_unlock_irqrestore(&priv->tx_pending.lock, flags);

	if (start)
		hrtimer_start(&priv->tx_timer, due, HRTIMER_MODE_ABS_SOFT);
}

/*
 * Delivers the stamps that are due, outside the lock (the socket's error
 * report may transmit).  The timer is (re)armed only by whoever finds
 * tx_timer_armed clear, so it is never started while it is queued.
 */
static enum hrtimer_restart vphc_tx_timer(struct hrtimer *timer)
{
	struct vphc_priv *priv = container_of(timer, struct vphc_priv,
					      tx_timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	ktime_t now = ktime_get();
	struct sk_buff_head due;
	struct sk_buff *skb;
	unsigned long flags;

	__skb_queue_head_init(&due);
	spin_lock_irqsave(&priv->tx_pending.lock, flags);
	while ((skb = skb_peek(&priv->tx_pending)) &&
	       ktime_compare(vphc_tx_cb(skb)->due, now) <= 0) {
		__skb_unlink(skb, &priv->tx_pending);
		__skb_queue_tail(&due, skb);
	}
	spin_unlock_irqrestore(&priv->tx_pending.lock, flags);

	while ((skb = __skb_dequeue(&due)))
		vphc_tx_stamp_deliver(priv, skb, vphc_tx_cb(skb)->hwtstamp);

	spin_lock_irqsave(&priv->tx_pending.lock, flags);
	skb = skb_peek(&priv->tx_pending);
	if (skb) {
		hrtimer_set_expires(timer, vphc_tx_cb(skb)->due);
		ret = HRTIMER_RESTART;
	} else {
		priv->tx_timer_armed = false;
	}
	spin_unlock_irqrestore(&priv->tx_pending.lock, flags);
	return ret;
}

void vphc_tstamp_init(struct vphc_priv *priv)
{
	priv->tx_type = HWTSTAMP_TX_OFF;
	priv->rx_filter = HWTSTAMP_FILTER_NONE;
	skb_queue_head_init(&priv->tx_pending);
	hrtimer_init(&priv->tx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	priv->tx_timer.function = vphc_tx_timer;
}

/* Drops pending TX stamps; the device no longer transmits. */
void vphc_tstamp_flush(struct vphc_priv *priv)
{
	struct sk_buff_head lost;
	struct sk_buff *skb;
	unsigned long flags;

	hrtimer_cancel(&priv->tx_timer);
	__skb_queue_head_init(&lost);
	spin_lock_irqsave(&priv->tx_pending.lock, flags);
	skb_queue_splice_init(&priv->tx_pending, &lost);
	priv->tx_timer_armed = false;
	spin_unlock_irqrestore(&priv->tx_pending.lock, flags);

	while ((skb = __skb_dequeue(&lost))) {
		atomic_dec(&priv->tx_inflight);
		atomic64_inc(&priv->tx_stamp_dropped);
		kfree_skb(skb);
	}
}

/* Called under RTNL. */
int vphc_tstamp_configure(struct vphc_priv *priv, int tx_type, int *rx_filter)
{
	if (tx_type != HWTSTAMP_TX_OFF && tx_type != HWTSTAMP_TX_ON)
		return -ERANGE;
	if (*rx_filter != HWTSTAMP_FILTER_NONE)
		*rx_filter = HWTSTAMP_FILTER_ALL;
	WRITE_ONCE(priv->tx_type, tx_type);
	WRITE_ONCE(priv->rx_filter, *rx_filter);
	return 0;
}

int vphc_get_ts_info(struct net_device *dev, struct vphc_ts_info *info)
{
	struct vphc_priv *priv = netdev_priv(dev);

	/* |=: since 6.11 the core fills in the software RX flags itself. */
	info->so_timestamping |= SOF_TIMESTAMPING_TX_SOFTWARE |
				 SOF_TIMESTAMPING_RX_SOFTWARE |
				 SOF_TIMESTAMPING_SOFTWARE |
				 SOF_TIMESTAMPING_TX_HARDWARE |
				 SOF_TIMESTAMPING_RX_HARDWARE |
				 SOF_TIMESTAMPING_RAW_HARDWARE;
	info->phc_index = vphc_clock_index(&priv->clock);
	info->tx_types = BIT(HWTSTAMP_TX_OFF) | BIT(HWTSTAMP_TX_ON);
	info->rx_filters = BIT(HWTSTAMP_FILTER_NONE) | BIT(HWTSTAMP_FILTER_ALL);
	return 0;
}

#ifdef VPHC_HAVE_NDO_HWTSTAMP
int vphc_hwtstamp_get(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg)
{
	struct vphc_priv *priv = netdev_priv(dev);

	cfg->flags = 0;
	cfg->tx_type = priv->tx_type;
	cfg->rx_filter = priv->rx_filter;
	return 0;
}

int vphc_hwtstamp_set(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg,
		      struct netlink_ext_ack *extack)
{
	int err;

	err = vphc_tstamp_configure(netdev_priv(dev), cfg->tx_type,
				    &cfg->rx_filter);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "TX timestamping is either off or on");
	return err;
}
#else
int vphc_eth_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd)
{
	struct vphc_priv *priv = netdev_priv(dev);
	struct hwtstamp_config cfg;
	int err;

	switch (cmd) {
	case SIOCSHWTSTAMP:
		if (copy_from_user(&cfg, ifr->ifr_data, sizeof(cfg)))
			return -EFAULT;
		err = vphc_tstamp_configure(priv, cfg.tx_type, &cfg.rx_filter);
		if (err)
			return err;
		break;
	case SIOCGHWTSTAMP:
		cfg.flags = 0;
		cfg.tx_type = priv->tx_type;
		cfg.rx_filter = priv->rx_filter;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (copy_to_user(ifr->ifr_data, &cfg, sizeof(cfg)))
		return -EFAULT;
	return 0;
}
#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The devices: what one end transmits, the other end receives in a new
 * buffer, as a NIC would: no state of the sender's skb (socket, shared
 * info, timestamps, namespace) reaches the receiver.
 */

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/net_tstamp.h>

#include "vphc.h"

static int vphc_open(struct net_device *dev)
{
	struct vphc_priv *priv = netdev_priv(dev);

	netif_start_queue(dev);
	if (priv->peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(priv->peer);
	}
	return 0;
}

/* The core has stopped transmission here; no new TX stamp can be queued. */
static int vphc_stop(struct net_device *dev)
{
	struct vphc_priv *priv = netdev_priv(dev);

	netif_carrier_off(dev);
	netif_carrier_off(priv->peer);
	vphc_tstamp_flush(priv);
	return 0;
}

/* Receives a copy of frame on dev; false if dev dropped it. */
static bool vphc_rx(struct net_device *dev, const struct sk_buff *frame)
{
	struct vphc_priv *priv = netdev_priv(dev);
	unsigned int len = frame->len;
	struct sk_buff *skb;

	if (!(READ_ONCE(dev->flags) & IFF_UP))
		return false;
	if (len < ETH_HLEN ||
	    len > READ_ONCE(dev->mtu) + dev->hard_header_len + VLAN_HLEN) {
		DEV_STATS_INC(dev, rx_length_errors);
		DEV_STATS_INC(dev, rx_errors);
		return false;
	}
	skb = netdev_alloc_skb_ip_align(dev, len);
	if (!skb) {
		DEV_STATS_INC(dev, rx_dropped);
		return false;
	}
	if (skb_copy_bits(frame, 0, skb_put(skb, len), len)) {
		kfree_skb(skb);
		DEV_STATS_INC(dev, rx_errors);
		return false;
	}
	skb->protocol = eth_type_trans(skb, dev);
	if (READ_ONCE(priv->rx_filter) != HWTSTAMP_FILTER_NONE)
		vphc_rx_stamp(priv, skb);

	DEV_STATS_INC(dev, rx_packets);
	DEV_STATS_ADD(dev, rx_bytes, len);
	netif_rx(skb);
	return true;
}

static netdev_tx_t vphc_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vphc_priv *priv = netdev_priv(dev);
	unsigned int len = skb->len;
	bool hw_stamp;
	s64 sent = 0;

	hw_stamp = vphc_tx_stamp_begin(priv, skb);
	skb_tx_timestamp(skb);
	if (hw_stamp)
		sent = vphc_clock_now(&priv->clock);

	if (vphc_rx(priv->peer, skb)) {
		DEV_STATS_INC(dev, tx_packets);
		DEV_STATS_ADD(dev, tx_bytes, len);
	} else {
		DEV_STATS_INC(dev, tx_dropped);
	}

	if (hw_stamp)
		vphc_tx_stamp_end(priv, skb, sent);
	else
		dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops vphc_netdev_ops = {
	.ndo_open		= vphc_open,
	.ndo_stop		= vphc_stop,
	.ndo_start_xmit		= vphc_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
#ifdef VPHC_HAVE_NDO_HWTSTAMP
	.ndo_hwtstamp_get	= vphc_hwtstamp_get,
	.ndo_hwtstamp_set	= vphc_hwtstamp_set,
#else
	.ndo_eth_ioctl		= vphc_eth_ioctl,
#endif
};

static void vphc_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
}

static const struct ethtool_ops vphc_ethtool_ops = {
	.get_drvinfo		= vphc_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_ts_info		= vphc_get_ts_info,
	.get_sset_count		= vphc_get_sset_count,
	.get_strings		= vphc_get_strings,
	.get_ethtool_stats	= vphc_get_ethtool_stats,
};

static void vphc_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &vphc_netdev_ops;
	dev->ethtool_ops = &vphc_ethtool_ops;
	/* TX stamps may hold the skb past the transmit routine. */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_DISABLE_NETPOLL;
	dev->sysfs_groups[0] = &vphc_attr_group;
	eth_hw_addr_random(dev);
}

struct net_device *vphc_dev_create(unsigned int index)
{
	struct vphc_priv *priv;
	struct net_device *dev;
	char name[IFNAMSIZ];
	int err;

	snprintf(name, sizeof(name), "vphc%u", index);
	dev = alloc_netdev(sizeof(*priv), name, NET_NAME_ENUM, vphc_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	priv = netdev_priv(dev);
	priv->dev = dev;
	vphc_tstamp_init(priv);

	err = vphc_clock_init(&priv->clock, name);
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	netif_carrier_off(dev);
	return dev;
}

/* After unregistration, or for a device never registered. */
void vphc_dev_destroy(struct net_device *dev)
{
	struct vphc_priv *priv = netdev_priv(dev);

	vphc_tstamp_flush(priv);
	vphc_clock_uninit(&priv->clock);
	free_netdev(dev);
}

void vphc_dev_link(struct net_device *a, struct net_device *b)
{
	struct vphc_priv *pa = netdev_priv(a);
	struct vphc_priv *pb = netdev_priv(b);

	pa->peer = b;
	pb->peer = a;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * What tests read: the last hardware stamps and the stamp counters, as
 * sysfs attributes (/sys/class/net/DEV/vphc/NAME) and as ethtool -S
 * statistics of the same names.  One table serves both.
 */

#include <linux/device.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "vphc.h"

struct vphc_attr {
	struct device_attribute attr;
	size_t offset;		/* of an atomic64_t in struct vphc_priv */
};

static s64 vphc_attr_value(const struct vphc_priv *priv,
			   const struct vphc_attr *va)
{
	return atomic64_read((const atomic64_t *)((const u8 *)priv + va->offset));
}

static ssize_t vphc_attr_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	const struct vphc_attr *va = container_of(attr, struct vphc_attr, attr);

	return sysfs_emit(buf, "%lld\n",
			  vphc_attr_value(netdev_priv(to_net_dev(d)), va));
}

#define VPHC_ATTR(field) {						\
	.attr = __ATTR(field, 0444, vphc_attr_show, NULL),		\
	.offset = offsetof(struct vphc_priv, field),			\
}

static struct vphc_attr vphc_attrs[] = {
	VPHC_ATTR(last_rx_hwtstamp),
	VPHC_ATTR(last_tx_hwtstamp),
	VPHC_ATTR(rx_stamped),
	VPHC_ATTR(tx_stamped),
	VPHC_ATTR(tx_stamp_dropped),
};

static struct attribute *vphc_attr_list[] = {
	&vphc_attrs[0].attr.attr,
	&vphc_attrs[1].attr.attr,
	&vphc_attrs[2].attr.attr,
	&vphc_attrs[3].attr.attr,
	&vphc_attrs[4].attr.attr,
	NULL
};

const struct attribute_group vphc_attr_group = {
	.name = "vphc",
	.attrs = vphc_attr_list,
};

int vphc_get_sset_count(struct net_device *dev, int sset)
{
	BUILD_BUG_ON(ARRAY_SIZE(vphc_attr_list) != ARRAY_SIZE(vphc_attrs) + 1);
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(vphc_attrs);
}

void vphc_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	size_t i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(vphc_attrs); i++)
		ethtool_sprintf(&data, "%s", vphc_attrs[i].attr.attr.name);
}

void vphc_get_ethtool_stats(struct net_device *dev,
			    struct ethtool_stats *stats, u64 *data)
{
	const struct vphc_priv *priv = netdev_priv(dev);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vphc_attrs); i++)
		data[i] = vphc_attr_value(priv, &vphc_attrs[i]);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ntpsec": how the daemon and ntpsecctl talk to
 * the module.  The protocol is documented in include/uapi/linux/ntpsec.h.
 * Every handler validates everything before it changes anything.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <uapi/linux/ntpsec.h>

#include "../user/wire/ntp_wire.h"
#include "netlink.h"
#include "netns.h"
#include "socket.h"
#include "version.h"

/* |freq| below 2^23 (about 1950 ppm) keeps the conversion exact. */
#define NTPSEC_PHC_MAX_FREQ (1LL << 23)

static const struct nla_policy ntpsec_policy[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_STATUS_MODULE_VERSION] = { .type = NLA_REJECT },
	[NTPSEC_A_STATUS_PROTO_VERSION] = { .type = NLA_REJECT },
	[NTPSEC_A_STATUS_SOCKETS] = { .type = NLA_REJECT },
	[NTPSEC_A_STATUS_FLAGS] = { .type = NLA_REJECT },
	[NTPSEC_A_SOCKET_FD] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_LEAP] = NLA_POLICY_MAX(NLA_U8, NTP_LEAP_UNSYNCHRONIZED),
	[NTPSEC_A_STATE_STRATUM] = NLA_POLICY_MAX(NLA_U8, 15),
	[NTPSEC_A_STATE_PRECISION] = NLA_POLICY_RANGE(NLA_S8, -32, 0),
	[NTPSEC_A_STATE_ROOT_DELAY] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_ROOT_DISPERSION] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_REFID] = { .type = NLA_U32 },
	[NTPSEC_A_STATE_REFTIME] = { .type = NLA_U64 },
	[NTPSEC_A_STATS_COUNTERS] = { .type = NLA_REJECT },
	[NTPSEC_A_STATS_LATENCY] = { .type = NLA_REJECT },
	[NTPSEC_A_PHC_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[NTPSEC_A_PHC_TIME_NS] = { .type = NLA_S64 },
	[NTPSEC_A_PHC_UTC_NS] = { .type = NLA_S64 },
	[NTPSEC_A_PHC_FREQ] = { .type = NLA_S64 },
	[NTPSEC_A_PAD] = { .type = NLA_REJECT },
};

static struct genl_family ntpsec_genl_family;

static struct ntpsec_net *info_nn(struct genl_info *info)
{
	return ntpsec_net(genl_info_net(info));
}

/* Sends a reply built by @fill, or returns its error. */
static int ntpsec_reply(struct genl_info *info, u8 cmd,
			int (*fill)(struct sk_buff *, struct ntpsec_net *))
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ntpsec_genl_family, 0, cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = fill(msg, info_nn(info));
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static int put_state(struct sk_buff *skb, const struct ntpsec_state *st)
{
	if (nla_put_u8(skb, NTPSEC_A_STATE_LEAP, st->leap) ||
	    nla_put_u8(skb, NTPSEC_A_STATE_STRATUM, st->stratum) ||
	    nla_put_s8(skb, NTPSEC_A_STATE_PRECISION, st->precision) ||
	    nla_put_u32(skb, NTPSEC_A_STATE_ROOT_DELAY, st->root_delay) ||
	    nla_put_u32(skb, NTPSEC_A_STATE_ROOT_DISPERSION,
			st->root_dispersion) ||
	    nla_put_u32(skb, NTPSEC_A_STATE_REFID, st->refid) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_STATE_REFTIME, st->reftime,
			      NTPSEC_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int fill_status(struct sk_buff *skb, struct ntpsec_net *nn)
{
	const struct ntpsec_state *st;
	u32 flags = 0;
	int ret = -EMSGSIZE;

	mutex_lock(&nn->lock);
	st = rcu_dereference_protected(nn->state, lockdep_is_held(&nn->lock));
	if (st && st->leap != NTP_LEAP_UNSYNCHRONIZED)
		flags |= NTPSEC_STATUS_F_SYNCHRONIZED;
	if (nla_put_string(skb, NTPSEC_A_STATUS_MODULE_VERSION,
			   NTPSEC_MODULE_VERSION) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_PROTO_VERSION,
			NTPSEC_GENL_VERSION) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_SOCKETS,
			READ_ONCE(nn->nr_sockets)) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_FLAGS, flags))
		goto out;
	ret = st ? put_state(skb, st) : 0;
out:
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_get_status(struct sk_buff *skb, struct genl_info *info)
{
	return ntpsec_reply(info, NTPSEC_CMD_GET_STATUS, fill_status);
}

static int ntpsec_attach_socket(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_SOCKET_FD))
		return -EINVAL;
	mutex_lock(&nn->lock);
	ret = ntpsec_socket_attach(nn, nla_get_u32(info->attrs[NTPSEC_A_SOCKET_FD]),
				   info->extack);
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_detach_socket(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_SOCKET_FD))
		return -EINVAL;
	mutex_lock(&nn->lock);
	ret = ntpsec_socket_detach(nn, nla_get_u32(info->attrs[NTPSEC_A_SOCKET_FD]),
				   info->extack);
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_set_state(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	struct ntpsec_state *st, *old;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_LEAP) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_STRATUM) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_PRECISION) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_ROOT_DELAY) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_ROOT_DISPERSION) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_REFID) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_STATE_REFTIME))
		return -EINVAL;
	if (nla_get_u8(a[NTPSEC_A_STATE_LEAP]) != NTP_LEAP_UNSYNCHRONIZED &&
	    !nla_get_u8(a[NTPSEC_A_STATE_STRATUM])) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_STATE_STRATUM],
				    "a synchronized server has stratum 1-15");
		return -EINVAL;
	}

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->leap = nla_get_u8(a[NTPSEC_A_STATE_LEAP]);
	st->stratum = nla_get_u8(a[NTPSEC_A_STATE_STRATUM]);
	st->precision = nla_get_s8(a[NTPSEC_A_STATE_PRECISION]);
	st->root_delay = nla_get_u32(a[NTPSEC_A_STATE_ROOT_DELAY]);
	st->root_dispersion = nla_get_u32(a[NTPSEC_A_STATE_ROOT_DISPERSION]);
	st->refid = nla_get_u32(a[NTPSEC_A_STATE_REFID]);
	st->reftime = nla_get_u64(a[NTPSEC_A_STATE_REFTIME]);

	mutex_lock(&nn->lock);
	old = rcu_replace_pointer(nn->state, st, lockdep_is_held(&nn->lock));
	mutex_unlock(&nn->lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static int put_u64_array(struct sk_buff *skb, int type, const u64 *v,
			 unsigned int n)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, i + 1, v[i], NTPSEC_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_stats(struct sk_buff *skb, struct ntpsec_net *nn)
{
	struct ntpsec_stats sum;

	ntpsec_stats_sum(nn->stats, &sum);
	if (put_u64_array(skb, NTPSEC_A_STATS_COUNTERS, sum.ctr,
			  NTPSEC_CTR_MAX) ||
	    put_u64_array(skb, NTPSEC_A_STATS_LATENCY, sum.latency,
			  NTPSEC_LATENCY_BUCKETS))
		return -EMSGSIZE;
	return 0;
}

static int ntpsec_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	return ntpsec_reply(info, NTPSEC_CMD_GET_STATS, fill_stats);
}

static int ntpsec_reset_stats(struct sk_buff *skb, struct genl_info *info)
{
	ntpsec_stats_reset(info_nn(info)->stats);
	return 0;
}

static bool ifindex_exists(struct net *net, int ifindex)
{
	bool found;

	rcu_read_lock();
	found = dev_get_by_index_rcu(net, ifindex);
	rcu_read_unlock();
	return found;
}

static int ntpsec_set_phc_map(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	struct ntpsec_phc_map map;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_PHC_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_PHC_TIME_NS) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_PHC_UTC_NS) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_PHC_FREQ))
		return -EINVAL;
	map.ifindex = nla_get_u32(a[NTPSEC_A_PHC_IFINDEX]);
	map.phc_ns = nla_get_s64(a[NTPSEC_A_PHC_TIME_NS]);
	map.utc_ns = nla_get_s64(a[NTPSEC_A_PHC_UTC_NS]);
	map.freq = nla_get_s64(a[NTPSEC_A_PHC_FREQ]);
	if (map.freq >= NTPSEC_PHC_MAX_FREQ || map.freq <= -NTPSEC_PHC_MAX_FREQ) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_PHC_FREQ],
				    "frequency beyond 1950 ppm");
		return -EINVAL;
	}
	if (map.ifindex <= 0 || !ifindex_exists(nn->net, map.ifindex)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_PHC_IFINDEX],
				    "no such interface in this namespace");
		return -ENODEV;
	}
	mutex_lock(&nn->lock);
	ret = ntpsec_phc_map_set(&nn->phc, &map);
	mutex_unlock(&nn->lock);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "too many PHC mappings");
	return ret;
}

static int ntpsec_del_phc_map(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_PHC_IFINDEX))
		return -EINVAL;
	mutex_lock(&nn->lock);
	ret = ntpsec_phc_map_del(&nn->phc,
				 nla_get_u32(info->attrs[NTPSEC_A_PHC_IFINDEX]));
	mutex_unlock(&nn->lock);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "no PHC mapping for that interface");
	return ret;
}

static const struct genl_small_ops ntpsec_genl_ops[] = {
	{
		/* Reading needs no privilege. */
		.cmd = NTPSEC_CMD_GET_STATUS,
		.doit = ntpsec_get_status,
	}, {
		.cmd = NTPSEC_CMD_ATTACH_SOCKET,
		.doit = ntpsec_attach_socket,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_DETACH_SOCKET,
		.doit = ntpsec_detach_socket,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_SET_STATE,
		.doit = ntpsec_set_state,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_GET_STATS,
		.doit = ntpsec_get_stats,
	}, {
		.cmd = NTPSEC_CMD_RESET_STATS,
		.doit = ntpsec_reset_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_SET_PHC_MAP,
		.doit = ntpsec_set_phc_map,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_DEL_PHC_MAP,
		.doit = ntpsec_del_phc_map,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family ntpsec_genl_family __ro_after_init = {
	.name = NTPSEC_GENL_NAME,
	.version = NTPSEC_GENL_VERSION,
	.maxattr = NTPSEC_A_MAX,
	.policy = ntpsec_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = ntpsec_genl_ops,
	.n_small_ops = ARRAY_SIZE(ntpsec_genl_ops),
	.resv_start_op = NTPSEC_CMD_GET_STATUS,
};

int __init ntpsec_genl_init(void)
{
	return genl_register_family(&ntpsec_genl_family);
}

void ntpsec_genl_uninit(void)
{
	genl_unregister_family(&ntpsec_genl_family);
}

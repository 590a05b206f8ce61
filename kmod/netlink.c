// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ntpsec": how the daemon and ntpsecctl talk to
 * the module.  The protocol is documented in include/uapi/linux/ntpsec.h.
 * Every handler validates everything before it changes anything.
 */

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <uapi/linux/ntpsec.h>

#include "../user/wire/ntp_wire.h"
#include "aes_siv.h"
#include "netlink.h"
#include "netns.h"
#include "ratelimit.h"
#include "socket.h"
#include "version.h"

/* |freq| below 2^23 (about 1950 ppm) keeps the conversion exact. */
#define NTPSEC_PHC_MAX_FREQ ((s64)BIT_ULL(23))

/*
 * Ranges beyond s16 need a range structure (6.1 keeps inline bounds in
 * s16); not const, as 6.1's policy holds a plain pointer.
 */
static struct netlink_range_validation rl_table_size_range = {
	.min = 256,
	.max = 1U << 20,
};

static struct netlink_range_validation key_id_range = {
	.min = 1,
	.max = 65535,
};

/* One NTS master key of NTPSEC_CMD_SET_NTS_KEYS. */
static const struct nla_policy ntpsec_nts_key_policy[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_NTS_KEY_ID] = { .type = NLA_U32 },
	[NTPSEC_A_NTS_KEY_SECRET] = NLA_POLICY_EXACT_LEN(NTPSEC_NTS_KEY_LEN),
	[NTPSEC_A_NTS_KEY_CREATED] = { .type = NLA_U64 },
};

static const struct nla_policy ntpsec_nts_keys_policy[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_NTS_KEY] = NLA_POLICY_NESTED(ntpsec_nts_key_policy),
};

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
	[NTPSEC_A_ACL_ADDR] = { .type = NLA_BINARY, .len = 16 },
	[NTPSEC_A_ACL_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[NTPSEC_A_ACL_ACTION] = NLA_POLICY_MAX(NLA_U8, NTPSEC_ACL_DENY),
	[NTPSEC_A_ACL_RULES] = { .type = NLA_REJECT },
	[NTPSEC_A_ACL_RULE] = { .type = NLA_REJECT },
	[NTPSEC_A_RL_FLAGS] = NLA_POLICY_MASK(NLA_U32, __NTPSEC_RL_F_ALL),
	[NTPSEC_A_RL_INTERVAL] = NLA_POLICY_RANGE(NLA_S8, -10, 12),
	[NTPSEC_A_RL_BURST] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[NTPSEC_A_RL_LEAK] = NLA_POLICY_MAX(NLA_U8, 8),
	[NTPSEC_A_RL_TABLE_SIZE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &rl_table_size_range),
	[NTPSEC_A_KEY_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &key_id_range),
	[NTPSEC_A_KEY_TYPE] = NLA_POLICY_RANGE(NLA_U8, NTPSEC_KEY_MD5,
					       __NTPSEC_KEY_TYPE_MAX - 1),
	[NTPSEC_A_KEY_SECRET] = { .type = NLA_BINARY,
				  .len = NTPSEC_KEY_MAX_SECRET },
	[NTPSEC_A_KEYS] = { .type = NLA_REJECT },
	[NTPSEC_A_KEY] = { .type = NLA_REJECT },
	[NTPSEC_A_STATS_LATENCY_SUM] = { .type = NLA_REJECT },
	[NTPSEC_A_STATS_WIRE_LATENCY] = { .type = NLA_REJECT },
	[NTPSEC_A_STATS_WIRE_LATENCY_SUM] = { .type = NLA_REJECT },
	[NTPSEC_A_CLIENT_ADDR] = { .type = NLA_REJECT },
	[NTPSEC_A_CLIENT_REQUESTS] = { .type = NLA_REJECT },
	[NTPSEC_A_CLIENT_LIMITED] = { .type = NLA_REJECT },
	[NTPSEC_A_CLIENT_FIRST_AGE] = { .type = NLA_REJECT },
	[NTPSEC_A_CLIENT_LAST_AGE] = { .type = NLA_REJECT },
	[NTPSEC_A_NTS_KEYS] = NLA_POLICY_NESTED(ntpsec_nts_keys_policy),
	[NTPSEC_A_NTS_KEY] = { .type = NLA_REJECT },
	[NTPSEC_A_NTS_KEY_ID] = { .type = NLA_REJECT },
	[NTPSEC_A_NTS_KEY_SECRET] = { .type = NLA_REJECT },
	[NTPSEC_A_NTS_KEY_CREATED] = { .type = NLA_REJECT },
};

static struct genl_family ntpsec_genl_family;

static struct ntpsec_net *info_nn(struct genl_info *info)
{
	return ntpsec_net(genl_info_net(info));
}

/* Sends a reply built by @fill, or returns its error. */
static int ntpsec_reply_sized(struct genl_info *info, u8 cmd, size_t size,
			      int (*fill)(struct sk_buff *, struct ntpsec_net *))
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(size, GFP_KERNEL);
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

static int ntpsec_reply(struct genl_info *info, u8 cmd,
			int (*fill)(struct sk_buff *, struct ntpsec_net *))
{
	return ntpsec_reply_sized(info, cmd, NLMSG_GOODSIZE, fill);
}

static int put_state(struct sk_buff *skb, const struct ntp_server_state *st)
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
	if (st && st->wire.leap != NTP_LEAP_UNSYNCHRONIZED)
		flags |= NTPSEC_STATUS_F_SYNCHRONIZED;
	if (ntpsec_siv_ready())
		flags |= NTPSEC_STATUS_F_NTS_CRYPTO;
	if (nla_put_string(skb, NTPSEC_A_STATUS_MODULE_VERSION,
			   NTPSEC_MODULE_VERSION) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_PROTO_VERSION,
			NTPSEC_GENL_VERSION) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_SOCKETS,
			READ_ONCE(nn->nr_sockets)) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_FLAGS, flags))
		goto out;
	ret = st ? put_state(skb, &st->wire) : 0;
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
	st->wire.leap = nla_get_u8(a[NTPSEC_A_STATE_LEAP]);
	st->wire.stratum = nla_get_u8(a[NTPSEC_A_STATE_STRATUM]);
	st->wire.precision = nla_get_s8(a[NTPSEC_A_STATE_PRECISION]);
	st->wire.root_delay = nla_get_u32(a[NTPSEC_A_STATE_ROOT_DELAY]);
	st->wire.root_dispersion =
		nla_get_u32(a[NTPSEC_A_STATE_ROOT_DISPERSION]);
	st->wire.refid = nla_get_u32(a[NTPSEC_A_STATE_REFID]);
	st->wire.reftime = nla_get_u64(a[NTPSEC_A_STATE_REFTIME]);

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
			  NTPSEC_LATENCY_BUCKETS) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_STATS_LATENCY_SUM,
			      sum.latency_sum_ns, NTPSEC_A_PAD) ||
	    put_u64_array(skb, NTPSEC_A_STATS_WIRE_LATENCY, sum.wire_latency,
			  NTPSEC_LATENCY_BUCKETS) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_STATS_WIRE_LATENCY_SUM,
			      sum.wire_latency_sum_ns, NTPSEC_A_PAD))
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

/* An ACL rule from ADDR, PREFIX_LEN and ACTION (if @need_action). */
static int parse_acl_rule(struct genl_info *info, bool need_action,
			  struct ntpsec_acl_rule *rule)
{
	struct nlattr **a = info->attrs;
	unsigned int alen, i;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_ACL_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_ACL_PREFIX_LEN) ||
	    (need_action && GENL_REQ_ATTR_CHECK(info, NTPSEC_A_ACL_ACTION)))
		return -EINVAL;
	memset(rule, 0, sizeof(*rule));
	alen = nla_len(a[NTPSEC_A_ACL_ADDR]);
	if (alen != 4 && alen != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_ACL_ADDR],
				    "an address is 4 or 16 octets");
		return -EINVAL;
	}
	rule->family = alen == 4 ? AF_INET : AF_INET6;
	memcpy(&rule->addr, nla_data(a[NTPSEC_A_ACL_ADDR]), alen);
	rule->prefix_len = nla_get_u8(a[NTPSEC_A_ACL_PREFIX_LEN]);
	if (rule->prefix_len > alen * 8) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_ACL_PREFIX_LEN],
				    "prefix longer than the address");
		return -EINVAL;
	}
	for (i = rule->prefix_len; i < alen * 8; i++) {
		if (rule->addr.s6_addr[i / 8] & (0x80 >> (i % 8))) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_ACL_ADDR],
					    "host bits set beyond the prefix");
			return -EINVAL;
		}
	}
	if (need_action)
		rule->action = nla_get_u8(a[NTPSEC_A_ACL_ACTION]);
	return 0;
}

static int ntpsec_acl_add_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct ntpsec_acl_rule rule;
	int ret;

	ret = parse_acl_rule(info, true, &rule);
	if (ret)
		return ret;
	mutex_lock(&nn->lock);
	ret = ntpsec_acl_add(nn, &rule, info->extack);
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_acl_del_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct ntpsec_acl_rule rule;
	int ret;

	ret = parse_acl_rule(info, false, &rule);
	if (ret)
		return ret;
	mutex_lock(&nn->lock);
	ret = ntpsec_acl_del(nn, &rule, info->extack);
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_acl_flush_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	int ret;

	mutex_lock(&nn->lock);
	ret = ntpsec_acl_flush(nn);
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_acl_default_cmd(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_ACL_ACTION))
		return -EINVAL;
	mutex_lock(&nn->lock);
	ret = ntpsec_acl_set_default(nn,
				     nla_get_u8(info->attrs[NTPSEC_A_ACL_ACTION]));
	mutex_unlock(&nn->lock);
	return ret;
}

static int put_acl_rule(struct sk_buff *skb, const struct ntpsec_acl_rule *r)
{
	struct nlattr *nest = nla_nest_start(skb, NTPSEC_A_ACL_RULE);

	if (!nest ||
	    nla_put(skb, NTPSEC_A_ACL_ADDR, r->family == AF_INET ? 4 : 16,
		    &r->addr) ||
	    nla_put_u8(skb, NTPSEC_A_ACL_PREFIX_LEN, r->prefix_len) ||
	    nla_put_u8(skb, NTPSEC_A_ACL_ACTION, r->action))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_acl(struct sk_buff *skb, struct ntpsec_net *nn)
{
	const struct ntpsec_acl *acl;
	struct nlattr *rules;
	unsigned int i;
	int ret = -EMSGSIZE;

	mutex_lock(&nn->lock);
	acl = rcu_dereference_protected(nn->acl, lockdep_is_held(&nn->lock));
	if (nla_put_u8(skb, NTPSEC_A_ACL_ACTION,
		       acl ? acl->default_action : NTPSEC_ACL_ALLOW))
		goto out;
	rules = nla_nest_start(skb, NTPSEC_A_ACL_RULES);
	if (!rules)
		goto out;
	for (i = 0; acl && i < acl->n; i++)
		if (put_acl_rule(skb, &acl->rules[i]))
			goto out;
	nla_nest_end(skb, rules);
	ret = 0;
out:
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_get_acl(struct sk_buff *skb, struct genl_info *info)
{
	/* Room for the longest list: about 48 octets a rule. */
	return ntpsec_reply_sized(info, NTPSEC_CMD_GET_ACL,
				  NLMSG_GOODSIZE + NTPSEC_ACL_MAX_RULES * 48,
				  fill_acl);
}

static int ntpsec_set_ratelimit(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	struct ntpsec_rl_config cfg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_RL_FLAGS) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_RL_INTERVAL) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_RL_BURST) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_RL_LEAK) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_RL_TABLE_SIZE))
		return -EINVAL;
	cfg.flags = nla_get_u32(a[NTPSEC_A_RL_FLAGS]);
	cfg.interval = nla_get_s8(a[NTPSEC_A_RL_INTERVAL]);
	cfg.burst = nla_get_u32(a[NTPSEC_A_RL_BURST]);
	cfg.leak = nla_get_u8(a[NTPSEC_A_RL_LEAK]);
	cfg.table_size = nla_get_u32(a[NTPSEC_A_RL_TABLE_SIZE]);
	if (!is_power_of_2(cfg.table_size)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_RL_TABLE_SIZE],
				    "the table size must be a power of two");
		return -EINVAL;
	}
	mutex_lock(&nn->lock);
	ret = ntpsec_ratelimit_set(nn, &cfg);
	mutex_unlock(&nn->lock);
	return ret;
}

static int fill_ratelimit(struct sk_buff *skb, struct ntpsec_net *nn)
{
	struct ntpsec_rl_config cfg;

	mutex_lock(&nn->lock);
	ntpsec_ratelimit_get(nn, &cfg);
	mutex_unlock(&nn->lock);
	if (nla_put_u32(skb, NTPSEC_A_RL_FLAGS, cfg.flags) ||
	    nla_put_s8(skb, NTPSEC_A_RL_INTERVAL, cfg.interval) ||
	    nla_put_u32(skb, NTPSEC_A_RL_BURST, cfg.burst) ||
	    nla_put_u8(skb, NTPSEC_A_RL_LEAK, cfg.leak) ||
	    nla_put_u32(skb, NTPSEC_A_RL_TABLE_SIZE, cfg.table_size))
		return -EMSGSIZE;
	return 0;
}

static int ntpsec_get_ratelimit(struct sk_buff *skb, struct genl_info *info)
{
	return ntpsec_reply(info, NTPSEC_CMD_GET_RATELIMIT, fill_ratelimit);
}

static int ntpsec_set_key(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct nlattr **a = info->attrs;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_KEY_ID) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_KEY_TYPE) ||
	    GENL_REQ_ATTR_CHECK(info, NTPSEC_A_KEY_SECRET))
		return -EINVAL;
	if (!nla_len(a[NTPSEC_A_KEY_SECRET])) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[NTPSEC_A_KEY_SECRET],
				    "empty secret");
		return -EINVAL;
	}
	mutex_lock(&nn->lock);
	ret = ntpsec_key_set(nn, nla_get_u32(a[NTPSEC_A_KEY_ID]),
			     nla_get_u8(a[NTPSEC_A_KEY_TYPE]),
			     nla_data(a[NTPSEC_A_KEY_SECRET]),
			     nla_len(a[NTPSEC_A_KEY_SECRET]), info->extack);
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_del_key(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, NTPSEC_A_KEY_ID))
		return -EINVAL;
	mutex_lock(&nn->lock);
	ret = ntpsec_key_del(nn, nla_get_u32(info->attrs[NTPSEC_A_KEY_ID]));
	mutex_unlock(&nn->lock);
	if (ret)
		NL_SET_ERR_MSG(info->extack, "no such key");
	return ret;
}

/* One message per key; cb->args[0] counts the keys already sent. */
static int ntpsec_dump_keys(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ntpsec_net *nn = ntpsec_net(sock_net(cb->skb->sk));
	const struct ntpsec_key *key;
	unsigned long skip = cb->args[0], n = 0;
	unsigned int bkt;
	int ret = 0;
	void *hdr;

	mutex_lock(&nn->lock);
	hash_for_each(nn->keys.table, bkt, key, node) {
		if (n++ < skip)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ntpsec_genl_family,
				  NLM_F_MULTI, NTPSEC_CMD_GET_KEYS);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		if (nla_put_u32(skb, NTPSEC_A_KEY_ID, key->id) ||
		    nla_put_u8(skb, NTPSEC_A_KEY_TYPE, key->type)) {
			genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = n;
	}
	mutex_unlock(&nn->lock);
	/* A full message resumes on the next call; an empty one ends it. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
}

/*
 * The whole set or nothing: every key is checked (present fields, unique
 * ids, at most NTPSEC_NTS_MAX_KEYS) before the old set is replaced.
 */
static int ntpsec_set_nts_keys(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = info_nn(info);
	struct nlattr *keys_attr = info->attrs[NTPSEC_A_NTS_KEYS];
	struct nlattr *tb[NTPSEC_A_MAX + 1];
	struct ntpsec_nts_keys *keys;
	struct nlattr *a;
	unsigned int i, n = 0;
	int rem, ret;

	keys = kzalloc(sizeof(*keys), GFP_KERNEL);
	if (!keys)
		return -ENOMEM;
	if (keys_attr) {
		nla_for_each_nested(a, keys_attr, rem) {
			struct nts_master_key *mk = &keys->mks.key[n];

			if (n == NTPSEC_NTS_MAX_KEYS) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "too many NTS master keys");
				ret = -E2BIG;
				goto err;
			}
			/* Validated by the nested policy already. */
			ret = nla_parse_nested(tb, NTPSEC_A_MAX, a,
					       ntpsec_nts_key_policy,
					       info->extack);
			if (ret)
				goto err;
			if (!tb[NTPSEC_A_NTS_KEY_ID] ||
			    !tb[NTPSEC_A_NTS_KEY_SECRET]) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "an NTS key needs an id and a secret");
				ret = -EINVAL;
				goto err;
			}
			mk->id = nla_get_u32(tb[NTPSEC_A_NTS_KEY_ID]);
			for (i = 0; i < n; i++) {
				if (keys->mks.key[i].id == mk->id) {
					NL_SET_ERR_MSG_ATTR(info->extack, a,
							    "two NTS keys with one id");
					ret = -EINVAL;
					goto err;
				}
			}
			nla_memcpy(mk->key, tb[NTPSEC_A_NTS_KEY_SECRET],
				   NTPSEC_NTS_KEY_LEN);
			if (tb[NTPSEC_A_NTS_KEY_CREATED])
				keys->created[n] =
					nla_get_u64(tb[NTPSEC_A_NTS_KEY_CREATED]);
			n++;
		}
	}
	keys->mks.n = n;
	mutex_lock(&nn->lock);
	ntpsec_nts_set_keys(nn, n ? keys : NULL);
	mutex_unlock(&nn->lock);
	if (!n)
		kfree(keys);
	return 0;
err:
	kfree_sensitive(keys);
	return ret;
}

static int fill_nts_keys(struct sk_buff *skb, struct ntpsec_net *nn)
{
	const struct ntpsec_nts_keys *keys;
	struct nlattr *nest, *one;
	unsigned int i;
	int ret = -EMSGSIZE;

	mutex_lock(&nn->lock);
	keys = rcu_dereference_protected(nn->nts, lockdep_is_held(&nn->lock));
	nest = nla_nest_start(skb, NTPSEC_A_NTS_KEYS);
	if (!nest)
		goto out;
	for (i = 0; keys && i < keys->mks.n; i++) {
		one = nla_nest_start(skb, NTPSEC_A_NTS_KEY);
		if (!one ||
		    nla_put_u32(skb, NTPSEC_A_NTS_KEY_ID, keys->mks.key[i].id) ||
		    nla_put_u64_64bit(skb, NTPSEC_A_NTS_KEY_CREATED,
				      keys->created[i], NTPSEC_A_PAD))
			goto out;
		nla_nest_end(skb, one);
	}
	nla_nest_end(skb, nest);
	ret = 0;
out:
	mutex_unlock(&nn->lock);
	return ret;
}

static int ntpsec_get_nts_keys(struct sk_buff *skb, struct genl_info *info)
{
	return ntpsec_reply(info, NTPSEC_CMD_GET_NTS_KEYS, fill_nts_keys);
}

static int put_client(struct sk_buff *skb, const struct ntp_rl_entry *e,
		      u64 now)
{
	u8 addr[8];
	int len;

	/* The rate limiter's key: IPv4 with the top bit set, else a /64. */
	if (e->key >> 63) {
		ntp_put_be32(addr, (u32)e->key);
		len = 4;
	} else {
		ntp_put_be64(addr, e->key);
		len = 8;
	}
	if (nla_put(skb, NTPSEC_A_CLIENT_ADDR, len, addr) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_CLIENT_REQUESTS, e->requests,
			      NTPSEC_A_PAD) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_CLIENT_LIMITED, e->limited,
			      NTPSEC_A_PAD) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_CLIENT_FIRST_AGE,
			      now > e->first_ns ? now - e->first_ns : 0,
			      NTPSEC_A_PAD) ||
	    nla_put_u64_64bit(skb, NTPSEC_A_CLIENT_LAST_AGE,
			      now > e->last_ns ? now - e->last_ns : 0,
			      NTPSEC_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/*
 * One message per source in the table; cb->args[0] is the next table
 * index.  The table may be replaced between calls (a new limit): the dump
 * then goes on in the new one, bounded by its size.
 */
static int ntpsec_dump_clients(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ntpsec_net *nn = ntpsec_net(sock_net(cb->skb->sk));
	u64 now = ktime_get_mono_fast_ns();
	struct ntpsec_ratelimit *rl;
	struct ntp_rl_entry e;
	unsigned long idx;
	int ret = 0;
	void *hdr;

	rcu_read_lock();
	rl = rcu_dereference(nn->ratelimit);
	if (!rl) {
		rcu_read_unlock();
		/* An error only on the first call: later, the table went. */
		return cb->args[0] ? 0 : -ENOENT;
	}
	for (idx = cb->args[0]; idx < rl->cfg.table_size; idx++) {
		if (!ntpsec_ratelimit_entry(rl, idx, &e))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ntpsec_genl_family,
				  NLM_F_MULTI, NTPSEC_CMD_GET_CLIENTS);
		if (!hdr || put_client(skb, &e, now)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	/* A full message resumes on the next call; an empty one ends it. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ? ret : skb->len;
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
	}, {
		.cmd = NTPSEC_CMD_ACL_ADD,
		.doit = ntpsec_acl_add_cmd,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_ACL_DEL,
		.doit = ntpsec_acl_del_cmd,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_ACL_FLUSH,
		.doit = ntpsec_acl_flush_cmd,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_ACL_DEFAULT,
		.doit = ntpsec_acl_default_cmd,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_GET_ACL,
		.doit = ntpsec_get_acl,
	}, {
		.cmd = NTPSEC_CMD_SET_RATELIMIT,
		.doit = ntpsec_set_ratelimit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_GET_RATELIMIT,
		.doit = ntpsec_get_ratelimit,
	}, {
		.cmd = NTPSEC_CMD_SET_KEY,
		.doit = ntpsec_set_key,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_DEL_KEY,
		.doit = ntpsec_del_key,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = NTPSEC_CMD_GET_KEYS,
		.dumpit = ntpsec_dump_keys,
	}, {
		/* Reading needs no privilege. */
		.cmd = NTPSEC_CMD_GET_CLIENTS,
		.dumpit = ntpsec_dump_clients,
	}, {
		.cmd = NTPSEC_CMD_SET_NTS_KEYS,
		.doit = ntpsec_set_nts_keys,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		/* Ids and ages only: secrets never leave the module. */
		.cmd = NTPSEC_CMD_GET_NTS_KEYS,
		.doit = ntpsec_get_nts_keys,
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

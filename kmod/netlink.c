// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ntpsec": how the daemon and ntpsecctl talk to
 * the module.  The protocol is documented in include/uapi/linux/ntpsec.h.
 */

#include <net/genetlink.h>
#include <uapi/linux/ntpsec.h>

#include "netlink.h"
#include "netns.h"
#include "version.h"

static const struct nla_policy ntpsec_policy[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_STATUS_MODULE_VERSION] = { .type = NLA_REJECT },
	[NTPSEC_A_STATUS_PROTO_VERSION] = { .type = NLA_REJECT },
	[NTPSEC_A_STATUS_SOCKETS] = { .type = NLA_REJECT },
	[NTPSEC_A_STATUS_FLAGS] = { .type = NLA_REJECT },
};

static struct genl_family ntpsec_genl_family;

static int ntpsec_fill_status(struct sk_buff *skb, struct ntpsec_net *nn)
{
	u32 flags = 0;

	mutex_lock(&nn->lock);
	if (nn->synchronized)
		flags |= NTPSEC_STATUS_F_SYNCHRONIZED;
	if (nla_put_string(skb, NTPSEC_A_STATUS_MODULE_VERSION,
			   NTPSEC_MODULE_VERSION) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_PROTO_VERSION,
			NTPSEC_GENL_VERSION) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_SOCKETS, nn->nr_sockets) ||
	    nla_put_u32(skb, NTPSEC_A_STATUS_FLAGS, flags)) {
		mutex_unlock(&nn->lock);
		return -EMSGSIZE;
	}
	mutex_unlock(&nn->lock);
	return 0;
}

static int ntpsec_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct ntpsec_net *nn = ntpsec_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &ntpsec_genl_family, 0,
				NTPSEC_CMD_GET_STATUS);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = ntpsec_fill_status(msg, nn);
	if (ret)
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_small_ops ntpsec_genl_ops[] = {
	{
		.cmd = NTPSEC_CMD_GET_STATUS,
		.doit = ntpsec_get_status,
		/* Reading status needs no privilege. */
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

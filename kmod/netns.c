// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: each namespace has its own sockets, server
 * state, limits and counters, created with the namespace and torn down with it.
 */

#include <net/netns/generic.h>

#include "netns.h"

static unsigned int ntpsec_net_id __read_mostly;

struct ntpsec_net *ntpsec_net(const struct net *net)
{
	return net_generic(net, ntpsec_net_id);
}

static int __net_init ntpsec_net_init(struct net *net)
{
	struct ntpsec_net *nn = ntpsec_net(net);

	nn->net = net;
	mutex_init(&nn->lock);
	return 0;
}

static void __net_exit ntpsec_net_exit(struct net *net)
{
	struct ntpsec_net *nn = ntpsec_net(net);

	mutex_destroy(&nn->lock);
}

static struct pernet_operations ntpsec_net_ops = {
	.init = ntpsec_net_init,
	.exit = ntpsec_net_exit,
	.id = &ntpsec_net_id,
	.size = sizeof(struct ntpsec_net),
};

int ntpsec_netns_init(void)
{
	return register_pernet_subsys(&ntpsec_net_ops);
}

void ntpsec_netns_uninit(void)
{
	unregister_pernet_subsys(&ntpsec_net_ops);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: each namespace has its own sockets, server
 * state, limits and counters, created with the namespace and torn down with
 * it (which detaches its sockets).
 */

#include <net/netns/generic.h>

#include "netns.h"
#include "socket.h"

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
	spin_lock_init(&nn->sockets_lock);
	INIT_LIST_HEAD(&nn->sockets);
	ntpsec_phc_maps_init(&nn->phc);
	ntpsec_keys_init(&nn->keys);
	nn->stats = alloc_percpu(struct ntpsec_stats);
	if (!nn->stats)
		return -ENOMEM;
	return 0;
}

static void __net_exit ntpsec_net_exit(struct net *net)
{
	struct ntpsec_net *nn = ntpsec_net(net);

	ntpsec_socket_detach_all(nn);
	/* No receive path can see this namespace's state any more. */
	synchronize_rcu();
	kfree(rcu_dereference_protected(nn->state, true));
	ntpsec_acl_free(nn);
	ntpsec_ratelimit_free(nn);
	ntpsec_keys_free(&nn->keys);
	ntpsec_nts_free(nn);
	ntpsec_xleave_free(nn);
	free_percpu(nn->stats);
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
	/* Sockets detached by their owners free their records after RCU. */
	rcu_barrier();
}

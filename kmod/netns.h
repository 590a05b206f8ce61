/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_NETNS_H
#define _NTPSEC_NETNS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>

#include "../user/wire/ntp_wire.h"
#include "acl.h"
#include "auth.h"
#include "nts.h"
#include "ratelimit.h"
#include "stats.h"
#include "timestamp.h"
#include "xleave.h"

/* What replies say about this server (NTPSEC_CMD_SET_STATE). */
struct ntpsec_state {
	struct ntp_server_state wire;
	struct rcu_head rcu;
};

/*
 * Everything the module knows about one network namespace.  Configuration
 * changes are serialized by @lock (process context); the receive path reads
 * under RCU, or the seqlock of the PHC maps.
 */
struct ntpsec_net {
	struct net *net;
	struct mutex lock;		/* configuration changes, see above */
	spinlock_t sockets_lock;	/* @sockets, also from encap_destroy */
	struct list_head sockets;
	unsigned int nr_sockets;
	struct ntpsec_state __rcu *state;
	struct ntpsec_phc_maps phc;
	struct ntpsec_acl __rcu *acl;
	struct ntpsec_ratelimit __rcu *ratelimit;
	struct ntpsec_keys keys;
	struct ntpsec_nts_keys __rcu *nts;
	struct ntpsec_xleave __rcu *xleave;	/* set once, at the first attach */
	struct ntpsec_stats __percpu *stats;
};

struct ntpsec_net *ntpsec_net(const struct net *net);

int ntpsec_netns_init(void);
void ntpsec_netns_uninit(void);

#endif

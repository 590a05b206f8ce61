/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_NETNS_H
#define _NTPSEC_NETNS_H

#include <linux/mutex.h>
#include <net/net_namespace.h>

/*
 * Everything the module knows about one network namespace.  Changes are
 * serialized by @lock (process context only); the receive path will read
 * through RCU.
 */
struct ntpsec_net {
	struct net *net;
	struct mutex lock;
	unsigned int nr_sockets;
	bool synchronized;
};

struct ntpsec_net *ntpsec_net(const struct net *net);

int ntpsec_netns_init(void);
void ntpsec_netns_uninit(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_XLEAVE_H
#define _NTPSEC_XLEAVE_H

#include <linux/net.h>
#include <linux/spinlock.h>

#include "../user/wire/ntp_wire.h"

/*
 * Interleaved server mode (RFC 9769): transmit timestamps of the replies the
 * module sends, and the state that lets a client's next request fetch them.
 *
 * Replies are owned by a private kernel socket per address family with no
 * callbacks of ours, so an skb or a stamp outliving the module only meets
 * core code.  The stamps wait on that socket's error queue and are drained
 * by the next request, which is the first moment one is needed.
 */

/* One reply: the receive timestamp it carried is the key. */
struct ntpsec_xleave_slot {
	u64 rx;			/* NTP format; 0: free */
	u64 tx;			/* its actual transmit time; 0: not stamped */
	int ifindex;		/* the interface it left by (hardware stamps) */
	bool hw;		/* @tx is a hardware stamp */
	bool stamping;		/* stamps were asked for this reply */
	bool served;		/* @tx was given in an interleaved reply */
};

#define NTPSEC_XLEAVE_LOCKS 64	/* slots share these locks, striped */

struct ntpsec_xleave {
	struct socket *sock[2];		/* IPv4, IPv6; either may be NULL */
	unsigned int bits;		/* log2 of the number of slots */
	spinlock_t locks[NTPSEC_XLEAVE_LOCKS];
	struct ntpsec_xleave_slot *slot;
};

struct ntpsec_net;
struct ntpsec_xmit;

int ntpsec_xleave_enable(struct ntpsec_net *nn);
void ntpsec_xleave_free(struct ntpsec_net *nn);
bool ntpsec_xleave_reply(struct ntpsec_net *nn, const struct ntp_header *req,
			 struct ntp_header *reply, bool *stamp);
void ntpsec_xleave_track(struct ntpsec_net *nn, struct ntpsec_xmit *x,
			 u64 rx, bool stamp);

#endif

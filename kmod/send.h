/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_SEND_H
#define _NTPSEC_SEND_H

#include <linux/skbuff.h>
#include <net/dst.h>

/*
 * A reply on its way out: routed and allocated first, so that the transmit
 * timestamp can be the last thing written before the stack takes it.
 */
struct ntpsec_xmit {
	struct sk_buff *skb;
	u8 *payload;
	struct dst_entry *dst;
	bool ipv6;
	__be16 sport, dport;
	union {
		struct { __be32 saddr, daddr; } v4;
		struct { struct in6_addr saddr, daddr; } v6;
	};
	u8 ttl;
};

int ntpsec_xmit_prepare(struct sock *sk, const struct sk_buff *req,
			unsigned int len, struct ntpsec_xmit *x);
void ntpsec_xmit_send(struct sock *sk, struct ntpsec_xmit *x);
void ntpsec_xmit_abort(struct ntpsec_xmit *x);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Sending replies: a new skb, routed back to the request's source from the
 * address and port the request was sent to (so multihomed hosts answer from
 * the right address), through the UDP tunnel transmit helpers.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "send.h"

static int route_v4(struct sock *sk, const struct sk_buff *req,
		    struct ntpsec_xmit *x)
{
	const struct iphdr *iph = ip_hdr(req);
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_oif = sk->sk_bound_dev_if,
		.flowi4_mark = sk->sk_mark,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = x->sport,
		.fl4_dport = x->dport,
	};
	struct rtable *rt;

	rt = ip_route_output_key(sock_net(sk), &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	x->dst = &rt->dst;
	x->v4.saddr = fl4.saddr;
	x->v4.daddr = fl4.daddr;
	x->ttl = ip4_dst_hoplimit(x->dst);
	x->ipv6 = false;
	return 0;
}

static int route_v6(struct sock *sk, const struct sk_buff *req,
		    struct ntpsec_xmit *x)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(req);
	struct flowi6 fl6 = {
		.daddr = ip6h->saddr,
		.saddr = ip6h->daddr,
		.flowi6_oif = sk->sk_bound_dev_if,
		.flowi6_mark = sk->sk_mark,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = x->sport,
		.fl6_dport = x->dport,
	};
	struct dst_entry *dst;

	/* Link-local clients are only reachable through their interface. */
	if (!fl6.flowi6_oif &&
	    (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL))
		fl6.flowi6_oif = inet6_iif(req);

	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	x->dst = dst;
	x->v6.saddr = fl6.saddr;
	x->v6.daddr = fl6.daddr;
	x->ttl = ip6_dst_hoplimit(dst);
	x->ipv6 = true;
	return 0;
}

int ntpsec_xmit_prepare(struct sock *sk, const struct sk_buff *req,
			unsigned int len, struct ntpsec_xmit *x)
{
	const struct udphdr *uh = udp_hdr(req);
	unsigned int headroom;
	int ret;

	x->sport = uh->dest;
	x->dport = uh->source;
	if (ip_hdr(req)->version == 4)
		ret = route_v4(sk, req, x);
	else
		ret = route_v6(sk, req, x);
	if (ret)
		return ret;

	headroom = LL_RESERVED_SPACE(x->dst->dev) + sizeof(struct udphdr) +
		   (x->ipv6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr));
	x->skb = alloc_skb(headroom + len, GFP_ATOMIC);
	if (!x->skb) {
		dst_release(x->dst);
		return -ENOMEM;
	}
	skb_reserve(x->skb, headroom);
	x->payload = skb_put(x->skb, len);
	return 0;
}

void ntpsec_xmit_abort(struct ntpsec_xmit *x)
{
	kfree_skb(x->skb);
	dst_release(x->dst);
}

/* Hands the reply to the stack; consumes the skb and the route. */
void ntpsec_xmit_send(struct sock *sk, struct ntpsec_xmit *x)
{
	if (x->ipv6)
		udp_tunnel6_xmit_skb(x->dst, sk, x->skb, NULL, &x->v6.saddr,
				     &x->v6.daddr, 0, x->ttl, 0, x->sport,
				     x->dport, false);
	else
		udp_tunnel_xmit_skb((struct rtable *)x->dst, sk, x->skb,
				    x->v4.saddr, x->v4.daddr, 0, x->ttl, 0,
				    x->sport, x->dport, false, false);
}

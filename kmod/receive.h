/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_RECEIVE_H
#define _NTPSEC_RECEIVE_H

#include <linux/skbuff.h>
#include <net/sock.h>

struct ntpsec_net;

/* 0: the module consumed @skb; 1: the socket should receive it as usual. */
int ntpsec_receive(struct ntpsec_net *nn, struct sock *sk,
		   struct sk_buff *skb);

#endif

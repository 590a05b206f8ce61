/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_SOCKET_H
#define _NTPSEC_SOCKET_H

#include <linux/netlink.h>

struct ntpsec_net;

int ntpsec_socket_attach(struct ntpsec_net *nn, int fd,
			 struct netlink_ext_ack *extack);
int ntpsec_socket_detach(struct ntpsec_net *nn, int fd,
			 struct netlink_ext_ack *extack);
void ntpsec_socket_detach_all(struct ntpsec_net *nn);

#endif

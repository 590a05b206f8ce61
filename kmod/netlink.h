/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_NETLINK_H
#define _NTPSEC_NETLINK_H

int ntpsec_genl_init(void);
void ntpsec_genl_uninit(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel API differences between the kernels ntpsec_vphc.ko is built
 * for (Debian's 6.1 and 6.12), in one place.
 */

#ifndef _NTPSEC_VPHC_COMPAT_H
#define _NTPSEC_VPHC_COMPAT_H

#include <linux/version.h>

/*
 * 6.6 gave SIOCGHWTSTAMP/SIOCSHWTSTAMP their own net_device_ops
 * (ndo_hwtstamp_get/set, kernel_hwtstamp_config); before, drivers parsed the
 * ioctl in ndo_eth_ioctl.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define VPHC_HAVE_NDO_HWTSTAMP
#endif

/* 6.11 made ethtool's get_ts_info fill a kernel-only struct. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define vphc_ts_info kernel_ethtool_ts_info
#else
#define vphc_ts_info ethtool_ts_info
#endif

#endif /* _NTPSEC_VPHC_COMPAT_H */

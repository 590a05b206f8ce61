// SPDX-License-Identifier: GPL-2.0
/*
 * ntpsec.ko - an NTP server fast path inside the network stack.
 *
 * Module entry points: bring up the per-netns state first, then the netlink
 * family, so that no request can arrive before there is state to serve it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ntpsec.h>

#include "aes_siv.h"
#include "netlink.h"
#include "netns.h"
#include "version.h"

static int __init ntpsec_mod_init(void)
{
	int ret;

	ret = ntpsec_siv_init();
	if (ret)
		return ret;

	ret = ntpsec_netns_init();
	if (ret)
		goto err_siv;

	ret = ntpsec_genl_init();
	if (ret)
		goto err_netns;

	pr_info("version %s loaded\n", NTPSEC_MODULE_VERSION);
	return 0;

err_netns:
	ntpsec_netns_uninit();
err_siv:
	ntpsec_siv_exit();
	return ret;
}

static void __exit ntpsec_mod_exit(void)
{
	ntpsec_genl_uninit();
	ntpsec_netns_uninit();
	ntpsec_siv_exit();
	pr_info("unloaded\n");
}

module_init(ntpsec_mod_init);
module_exit(ntpsec_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("NTP server fast path with hardware timestamps");
MODULE_AUTHOR("The NTPsec developers");
MODULE_VERSION(NTPSEC_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(NTPSEC_GENL_NAME);

// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only: registers a generic netlink family with the real module's name
 * but protocol version 99 and no commands, standing in for a module of
 * another release.  ntpsecctl must refuse to talk to it (exit status 6)
 * rather than misread its replies.  Never load it beside ntpsec.ko: the
 * two names would clash, and that is the point.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ntpsec.h>

#define FAKE_VERSION 99

static struct genl_family fake_family = {
	.name = NTPSEC_GENL_NAME,
	.version = FAKE_VERSION,
	.maxattr = 0,
	.module = THIS_MODULE,
};

static int __init fake_init(void)
{
	return genl_register_family(&fake_family);
}

static void __exit fake_exit(void)
{
	genl_unregister_family(&fake_family);
}

module_init(fake_init);
module_exit(fake_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("test-only: an ntpsec netlink family of another version");

// SPDX-License-Identifier: GPL-2.0
/*
 * ntpsec_vphc.ko - a test-only virtual Ethernet NIC with PTP hardware clocks.
 *
 * No NIC that QEMU emulates stamps UDP packets in hardware, so the tests of
 * ntpsec.ko use this driver instead.  At load it creates `pairs` pairs of
 * Ethernet devices, vphc0/vphc1, vphc2/vphc3, ...: what one end transmits,
 * the other receives, like veth, and either end can be moved into another
 * network namespace.  The devices exist for the module's lifetime (they
 * cannot be deleted with ip link); rmmod removes them from any namespace.
 *
 * Each device has its own PTP hardware clock (/dev/ptpN; N is the
 * phc_index of "ethtool -T DEV").  It runs on CLOCK_MONOTONIC_RAW, starts
 * at CLOCK_REALTIME, and can be set, stepped and slewed (clock_settime,
 * clock_adjtime ADJ_SETOFFSET and ADJ_FREQUENCY, up to +-1000 ppm); reading
 * it brackets the read with system timestamps (PTP_SYS_OFFSET_EXTENDED).
 *
 * Timestamping is configured per device with SIOCSHWTSTAMP: tx_type OFF or
 * ON, rx_filter NONE or ALL (any other filter is answered with ALL).
 *  - RX: with rx_filter ALL, each frame the device receives carries its
 *    clock's time at arrival in skb_hwtstamps(skb)->hwtstamp.
 *  - TX: with tx_type ON, a frame whose socket asked for a hardware stamp
 *    gets its clock's time at send, delivered to the socket's error queue;
 *    software TX stamps are taken too (skb_tx_timestamp).
 *
 * Module parameters (writable in /sys/module/ntpsec_vphc/parameters/ except
 * pairs):
 *  - pairs: number of device pairs (default 1, at most 16).
 *  - tx_stamp_delay_us: deliver TX hardware stamps this long after the send
 *    (default 0: at once, from the transmit routine).
 *  - tx_stamp_single: at most one TX hardware stamp outstanding per device,
 *    as igb and many other NICs have; a frame asking for one while another
 *    is pending gets none, and tx_stamp_dropped counts it.
 *
 * What tests read, per device, in /sys/class/net/DEV/vphc/ (in the
 * device's namespace) and as "ethtool -S DEV" statistics of the same names:
 *  - last_rx_hwtstamp: the hardware stamp of the last frame received with
 *    one, in ns of the device's clock;
 *  - last_tx_hwtstamp: the hardware stamp of the last frame sent with one;
 *  - rx_stamped, tx_stamped: frames received and sent with hardware stamps;
 *  - tx_stamp_dropped: TX stamps asked for and never delivered (another one
 *    outstanding with tx_stamp_single, 64 pending, or the device went down
 *    while one was pending).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "vphc.h"

#define VPHC_MAX_PAIRS	16

static unsigned int pairs = 1;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "Number of device pairs vphc0/vphc1, ... (default 1, at most 16)");

static struct net_device **vphc_devs;
static unsigned int vphc_ndevs;

/* Unregisters the first n devices, in whatever namespace they now are. */
static void vphc_unregister(unsigned int n)
{
	LIST_HEAD(list);
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; i < n; i++)
		unregister_netdevice_queue(vphc_devs[i], &list);
	unregister_netdevice_many(&list);
}

static int vphc_register(void)
{
	unsigned int i;
	int err = 0;

	rtnl_lock();
	for (i = 0; i < vphc_ndevs; i++) {
		err = register_netdevice(vphc_devs[i]);
		if (err) {
			vphc_unregister(i);
			break;
		}
	}
	rtnl_unlock();
	return err;
}

static void vphc_destroy_all(void)
{
	while (vphc_ndevs)
		vphc_dev_destroy(vphc_devs[--vphc_ndevs]);
	kfree(vphc_devs);
	vphc_devs = NULL;
}

static int __init vphc_init(void)
{
	struct net_device *dev;
	unsigned int i;
	int err;

	if (!pairs || pairs > VPHC_MAX_PAIRS) {
		pr_err("pairs must be 1 to %u\n", VPHC_MAX_PAIRS);
		return -EINVAL;
	}
	vphc_devs = kcalloc(2 * pairs, sizeof(*vphc_devs), GFP_KERNEL);
	if (!vphc_devs)
		return -ENOMEM;

	for (i = 0; i < 2 * pairs; i++) {
		dev = vphc_dev_create(i);
		if (IS_ERR(dev)) {
			err = PTR_ERR(dev);
			goto err_destroy;
		}
		vphc_devs[vphc_ndevs++] = dev;
	}
	for (i = 0; i < vphc_ndevs; i += 2)
		vphc_dev_link(vphc_devs[i], vphc_devs[i + 1]);

	err = vphc_register();
	if (err)
		goto err_destroy;
	pr_info("%u device pair(s) created\n", pairs);
	return 0;

err_destroy:
	vphc_destroy_all();
	return err;
}

static void __exit vphc_exit(void)
{
	rtnl_lock();
	vphc_unregister(vphc_ndevs);
	rtnl_unlock();
	vphc_destroy_all();
}

module_init(vphc_init);
module_exit(vphc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only virtual Ethernet pairs with PTP hardware clocks and timestamping");
MODULE_AUTHOR("The NTPsec developers");

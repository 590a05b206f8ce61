// SPDX-License-Identifier: BSD-2-Clause
/*
 * PHC access for the module's hardware timestamps.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/ptp_clock.h>
#include <linux/sockios.h>

#include "phc.h"

#define NSEC_PER_SEC 1000000000LL
#define SYSOFF_SAMPLES 9

static int if_ioctl(const char *ifname, unsigned long req, void *data)
{
	struct ifreq ifr;
	int fd, ret = 0;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = data;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

int phc_enable_stamps(const char *ifname)
{
	struct hwtstamp_config cfg = {
		.tx_type = HWTSTAMP_TX_ON,
		.rx_filter = HWTSTAMP_FILTER_ALL,
	};
	int ret;

	/*
	 * TX stamps go only to packets that ask for them: the module's
	 * replies, for interleaved mode.  A NIC that stamps only what it
	 * receives still serves receive stamps.
	 */
	ret = if_ioctl(ifname, SIOCSHWTSTAMP, &cfg);
	if (ret != -ERANGE && ret != -EINVAL)
		return ret;
	cfg.tx_type = HWTSTAMP_TX_OFF;
	cfg.rx_filter = HWTSTAMP_FILTER_ALL;
	return if_ioctl(ifname, SIOCSHWTSTAMP, &cfg);
}

int phc_open(const char *ifname)
{
	struct ethtool_ts_info info = { .cmd = ETHTOOL_GET_TS_INFO };
	char path[32];
	int ret, fd;

	ret = if_ioctl(ifname, SIOCETHTOOL, &info);
	if (ret)
		return ret;
	if (info.phc_index < 0)
		return -ENODEV;
	snprintf(path, sizeof(path), "/dev/ptp%d", info.phc_index);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int64_t pct_ns(const struct ptp_clock_time *t)
{
	return t->sec * NSEC_PER_SEC + t->nsec;
}

static int sample_precise(int fd, struct phc_sample *s)
{
	struct ptp_sys_offset_precise p;

	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
		return -errno;
	s->phc_ns = pct_ns(&p.device);
	s->sys_ns = pct_ns(&p.sys_realtime);
	s->window_ns = 0;
	return 0;
}

static int sample_extended(int fd, struct phc_sample *s)
{
	struct ptp_sys_offset_extended e;
	unsigned int i;

	memset(&e, 0, sizeof(e));
	e.n_samples = SYSOFF_SAMPLES;
	if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &e))
		return -errno;
	s->window_ns = INT64_MAX;
	for (i = 0; i < e.n_samples; i++) {
		int64_t before = pct_ns(&e.ts[i][0]);
		int64_t after = pct_ns(&e.ts[i][2]);

		if (after - before >= s->window_ns)
			continue;
		s->window_ns = after - before;
		s->sys_ns = before + s->window_ns / 2;
		s->phc_ns = pct_ns(&e.ts[i][1]);
	}
	return 0;
}

static int sample_basic(int fd, struct phc_sample *s)
{
	struct ptp_sys_offset o;
	unsigned int i;

	memset(&o, 0, sizeof(o));
	o.n_samples = SYSOFF_SAMPLES;
	if (ioctl(fd, PTP_SYS_OFFSET, &o))
		return -errno;
	/* ts[] alternates system, PHC, system, ... */
	s->window_ns = INT64_MAX;
	for (i = 0; i < o.n_samples; i++) {
		int64_t before = pct_ns(&o.ts[2 * i]);
		int64_t after = pct_ns(&o.ts[2 * i + 2]);

		if (after - before >= s->window_ns)
			continue;
		s->window_ns = after - before;
		s->sys_ns = before + s->window_ns / 2;
		s->phc_ns = pct_ns(&o.ts[2 * i + 1]);
	}
	return 0;
}

int phc_sample(int fd, struct phc_sample *s)
{
	if (!sample_precise(fd, s))
		return 0;
	if (!sample_extended(fd, s))
		return 0;
	return sample_basic(fd, s);
}

void phc_fit(int ifindex, const struct phc_sample *a,
	     const struct phc_sample *b, struct phc_map *map)
{
	int64_t dphc = b->phc_ns - a->phc_ns;
	int64_t dsys = b->sys_ns - a->sys_ns;

	map->ifindex = ifindex;
	map->phc_ns = b->phc_ns;
	map->utc_ns = b->sys_ns;
	/* (dsys - dphc) / dphc in 2^-32, in floating point: |ratio| << 1. */
	map->freq = dphc > 0 ? (int64_t)((double)(dsys - dphc) / (double)dphc *
					 4294967296.0) : 0;
}

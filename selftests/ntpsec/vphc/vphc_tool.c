// SPDX-License-Identifier: GPL-2.0
/*
 * vphc_tool - the userspace half of vphc_selftest.sh: drives the PTP clocks
 * and the hardware timestamping of ntpsec_vphc.ko's devices the way an NTP
 * or PTP daemon would, and checks what comes back.
 *
 *   vphc_tool tsinfo DEV
 *	print ETHTOOL_GET_TS_INFO: phc_index, so_timestamping, tx_types,
 *	rx_filters
 *   vphc_tool phc-set PTPDEV OFFSET_NS PPM
 *	set the clock to CLOCK_REALTIME + OFFSET_NS, its frequency to PPM
 *   vphc_tool phc-step PTPDEV DELTA_NS
 *	step the clock by DELTA_NS (clock_adjtime ADJ_SETOFFSET)
 *   vphc_tool phc-check PTPDEV OFFSET_NS PPM TOL_NS
 *	measure the clock against CLOCK_REALTIME with PTP_SYS_OFFSET_EXTENDED
 *	twice, a second apart; fail unless it is OFFSET_NS (+-TOL_NS) ahead
 *	and runs PPM fast (within the measurement's own uncertainty + 2 ppm);
 *	PTP_SYS_OFFSET agrees, PTP_SYS_OFFSET_PRECISE says EOPNOTSUPP
 *   vphc_tool udp [OPTIONS] DST
 *	send UDP datagrams from --tx-dev (in --tx-netns, if given) to DST,
 *	receive them here on --rx-dev, and check their hardware stamps:
 *	RX stamps equal the driver's last_rx_hwtstamp, TX stamps come back on
 *	the error queue and equal last_tx_hwtstamp, both near CLOCK_REALTIME
 *	plus the expected offsets.  Run --help for the options.
 *
 * Exit status 0 when every check passed, 1 otherwise, 2 for bad usage.
 * Comment lines ("# ...") say what was seen, for the KTAP log.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/ptp_clock.h>
#include <linux/sockios.h>

#define FD_TO_CLOCKID(fd)	((~(clockid_t)(fd) << 3) | 3)
#define NSEC_PER_SEC		1000000000LL
#define SYSOFF_SAMPLES		9
#define MAX_COUNT		16
#define MAX_ATTEMPTS		5
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

static int64_t ptp_ns(const struct ptp_clock_time *t)
{
	return (int64_t)t->sec * NSEC_PER_SEC + t->nsec;
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static struct timespec ns_ts(int64_t ns)
{
	struct timespec ts;

	ts.tv_sec = ns / NSEC_PER_SEC;
	ts.tv_nsec = ns % NSEC_PER_SEC;
	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += NSEC_PER_SEC;
	}
	return ts;
}

static int parse_i64(const char *s, int64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static int parse_double(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno || end == s || *end ? -1 : 0;
}

/* ethtool: timestamping capabilities and the driver's statistics */

static int ethtool_ioctl(int fd, const char *dev, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

struct vphc_stats {
	int64_t last_rx_hwtstamp;
	int64_t last_tx_hwtstamp;
	int64_t rx_stamped;
	int64_t tx_stamped;
	int64_t tx_stamp_dropped;
};

static const struct {
	const char *name;
	size_t offset;
} stat_names[] = {
	{ "last_rx_hwtstamp", offsetof(struct vphc_stats, last_rx_hwtstamp) },
	{ "last_tx_hwtstamp", offsetof(struct vphc_stats, last_tx_hwtstamp) },
	{ "rx_stamped", offsetof(struct vphc_stats, rx_stamped) },
	{ "tx_stamped", offsetof(struct vphc_stats, tx_stamped) },
	{ "tx_stamp_dropped", offsetof(struct vphc_stats, tx_stamp_dropped) },
};

#define STATS_MAX	64

/* Reads the driver's counters of dev (in fd's namespace) by name. */
static int read_stats(int fd, const char *dev, struct vphc_stats *st)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t data[1];
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			    .sset_mask = 1ULL << ETH_SS_STATS } };
	struct {
		struct ethtool_gstrings hdr;
		char data[STATS_MAX][ETH_GSTRING_LEN];
	} strings;
	struct {
		struct ethtool_stats hdr;
		uint64_t data[STATS_MAX];
	} stats;
	unsigned int n, i, j, found = 0;

	if (ethtool_ioctl(fd, dev, &sset) < 0) {
		fprintf(stderr, "# %s: ETHTOOL_GSSET_INFO: %m\n", dev);
		return -1;
	}
	n = sset.hdr.data[0];
	if (!n || n > STATS_MAX) {
		fprintf(stderr, "# %s: %u statistics\n", dev, n);
		return -1;
	}
	memset(&strings, 0, sizeof(strings));
	strings.hdr.cmd = ETHTOOL_GSTRINGS;
	strings.hdr.string_set = ETH_SS_STATS;
	strings.hdr.len = n;
	memset(&stats, 0, sizeof(stats));
	stats.hdr.cmd = ETHTOOL_GSTATS;
	stats.hdr.n_stats = n;
	if (ethtool_ioctl(fd, dev, &strings) < 0 ||
	    ethtool_ioctl(fd, dev, &stats) < 0) {
		fprintf(stderr, "# %s: reading statistics: %m\n", dev);
		return -1;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < ARRAY_SIZE(stat_names); j++) {
			if (strncmp(strings.data[i], stat_names[j].name,
				    ETH_GSTRING_LEN))
				continue;
			*(int64_t *)((char *)st + stat_names[j].offset) =
				(int64_t)stats.data[i];
			found++;
		}
	}
	if (found != ARRAY_SIZE(stat_names)) {
		fprintf(stderr, "# %s: not a vphc device\n", dev);
		return -1;
	}
	return 0;
}

static int cmd_tsinfo(int argc, char **argv)
{
	struct ethtool_ts_info info;
	int fd;

	if (argc != 2)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&info, 0, sizeof(info));
	info.cmd = ETHTOOL_GET_TS_INFO;
	if (fd < 0 || ethtool_ioctl(fd, argv[1], &info) < 0) {
		fprintf(stderr, "# %s: ETHTOOL_GET_TS_INFO: %m\n", argv[1]);
		return 1;
	}
	printf("phc_index %d\nso_timestamping 0x%x\ntx_types 0x%x\nrx_filters 0x%x\n",
	       info.phc_index, info.so_timestamping, info.tx_types,
	       info.rx_filters);
	close(fd);
	return 0;
}

/* PTP hardware clocks */

static int open_phc(const char *path, clockid_t *clk)
{
	int fd = open(path, O_RDWR);

	if (fd < 0) {
		fprintf(stderr, "# %s: %m\n", path);
		return -1;
	}
	*clk = FD_TO_CLOCKID(fd);
	return fd;
}

static int cmd_phc_set(int argc, char **argv)
{
	struct timex tx;
	struct timespec ts;
	int64_t offset;
	clockid_t clk;
	double ppm;
	int fd;

	if (argc != 4 || parse_i64(argv[2], &offset) ||
	    parse_double(argv[3], &ppm))
		return 2;
	fd = open_phc(argv[1], &clk);
	if (fd < 0)
		return 1;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = lround(ppm * 65536.0);
	if (clock_adjtime(clk, &tx) < 0) {
		fprintf(stderr, "# %s: clock_adjtime(ADJ_FREQUENCY): %m\n",
			argv[1]);
		return 1;
	}
	ts = ns_ts(now_ns(CLOCK_REALTIME) + offset);
	if (clock_settime(clk, &ts) < 0) {
		fprintf(stderr, "# %s: clock_settime: %m\n", argv[1]);
		return 1;
	}
	close(fd);
	return 0;
}

static int cmd_phc_step(int argc, char **argv)
{
	struct timespec delta;
	struct timex tx;
	int64_t ns;
	clockid_t clk;
	int fd;

	if (argc != 3 || parse_i64(argv[2], &ns))
		return 2;
	fd = open_phc(argv[1], &clk);
	if (fd < 0)
		return 1;
	delta = ns_ts(ns);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = delta.tv_sec;
	tx.time.tv_usec = delta.tv_nsec;
	if (clock_adjtime(clk, &tx) < 0) {
		fprintf(stderr, "# %s: clock_adjtime(ADJ_SETOFFSET): %m\n",
			argv[1]);
		return 1;
	}
	close(fd);
	return 0;
}

struct phc_sample {
	int64_t sys;		/* CLOCK_REALTIME, middle of the window */
	int64_t offset;		/* PHC - CLOCK_REALTIME */
	int64_t window;		/* the read's bracket */
};

/* The sample of PTP_SYS_OFFSET_EXTENDED with the shortest window. */
static int phc_sample(int fd, struct phc_sample *s)
{
	struct ptp_sys_offset_extended req;
	int64_t pre, phc, post;
	unsigned int i;

	memset(&req, 0, sizeof(req));
	req.n_samples = SYSOFF_SAMPLES;
	if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &req) < 0) {
		fprintf(stderr, "# PTP_SYS_OFFSET_EXTENDED: %m\n");
		return -1;
	}
	s->window = INT64_MAX;
	for (i = 0; i < req.n_samples; i++) {
		pre = ptp_ns(&req.ts[i][0]);
		phc = ptp_ns(&req.ts[i][1]);
		post = ptp_ns(&req.ts[i][2]);
		if (post < pre || post - pre >= s->window)
			continue;
		s->window = post - pre;
		s->sys = pre + s->window / 2;
		s->offset = phc - s->sys;
	}
	if (s->window == INT64_MAX) {
		fprintf(stderr, "# PTP_SYS_OFFSET_EXTENDED: no valid sample\n");
		return -1;
	}
	return 0;
}

/*
 * The other two ways a daemon measures a PHC: PTP_SYS_OFFSET_PRECISE must
 * fail cleanly (no cross timestamps here), the basic PTP_SYS_OFFSET must
 * agree with the extended measurement within tol.
 */
static int phc_other_ioctls(int fd, const struct phc_sample *ext, int64_t tol)
{
	struct ptp_sys_offset_precise precise;
	struct ptp_sys_offset basic;
	int64_t sys, offset;

	memset(&precise, 0, sizeof(precise));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &precise) == 0 ||
	    errno != EOPNOTSUPP) {
		printf("# PTP_SYS_OFFSET_PRECISE should fail with EOPNOTSUPP\n");
		return -1;
	}
	memset(&basic, 0, sizeof(basic));
	basic.n_samples = 1;
	if (ioctl(fd, PTP_SYS_OFFSET, &basic) < 0) {
		printf("# PTP_SYS_OFFSET: %s\n", strerror(errno));
		return -1;
	}
	sys = (ptp_ns(&basic.ts[0]) + ptp_ns(&basic.ts[2])) / 2;
	offset = ptp_ns(&basic.ts[1]) - sys;
	printf("# PTP_SYS_OFFSET: offset %" PRId64 " ns\n", offset);
	if (llabs(offset - ext->offset) > tol) {
		printf("# PTP_SYS_OFFSET disagrees with PTP_SYS_OFFSET_EXTENDED\n");
		return -1;
	}
	return 0;
}

static int cmd_phc_check(int argc, char **argv)
{
	struct timespec second = { .tv_sec = 1 };
	int64_t want_offset, tol;
	struct phc_sample a, b;
	double ppm, rate, rate_tol;
	clockid_t clk;
	int fd, ok = 1;

	if (argc != 5 || parse_i64(argv[2], &want_offset) ||
	    parse_double(argv[3], &ppm) || parse_i64(argv[4], &tol))
		return 2;
	fd = open_phc(argv[1], &clk);
	if (fd < 0 || phc_sample(fd, &a))
		return 1;
	nanosleep(&second, NULL);
	if (phc_sample(fd, &b))
		return 1;
	if (phc_other_ioctls(fd, &b, tol))
		ok = 0;
	close(fd);

	rate = (double)(b.offset - a.offset) / (double)(b.sys - a.sys) * 1e6;
	rate_tol = 2.0 + (double)(a.window + b.window) /
			 (double)(b.sys - a.sys) * 1e6;
	printf("# %s: offset %" PRId64 " ns (want %" PRId64 " +- %" PRId64
	       "), windows %" PRId64 "/%" PRId64 " ns\n", argv[1], a.offset,
	       want_offset, tol, a.window, b.window);
	printf("# %s: rate %+.3f ppm over %.3f s (want %+.3f +- %.3f)\n",
	       argv[1], rate, (double)(b.sys - a.sys) / 1e9, ppm, rate_tol);
	if (llabs(a.offset - want_offset) > tol) {
		printf("# %s: offset out of tolerance\n", argv[1]);
		ok = 0;
	}
	if (fabs(rate - ppm) > rate_tol) {
		printf("# %s: rate out of tolerance\n", argv[1]);
		ok = 0;
	}
	return ok ? 0 : 1;
}

/* UDP with hardware timestamps */

struct udp_opts {
	const char *rx_dev;
	const char *tx_dev;
	const char *tx_netns;
	int family;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} dst;
	socklen_t dst_len;
	bool rx_stamp;
	bool tx_stamp;
	int count;
	int expect_tx;
	int64_t rx_offset;
	int64_t tx_offset;
	int64_t tol;
	int64_t min_tx_delay;
};

struct udp_result {
	int64_t sent[MAX_COUNT];	/* CLOCK_REALTIME at send */
	int64_t rx_hw[MAX_COUNT];
	int64_t rx_sw[MAX_COUNT];
	int64_t tx_hw[MAX_COUNT];
	int n_tx;
	int64_t first_tx_delay;		/* CLOCK_MONOTONIC, send to stamp */
	struct vphc_stats rx_before, rx_after, tx_before, tx_after;
};

static int set_hwtstamp(int fd, const char *dev, int tx_type, int rx_filter)
{
	struct hwtstamp_config cfg = { .tx_type = tx_type,
				       .rx_filter = rx_filter };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&cfg;
	if (ioctl(fd, SIOCSHWTSTAMP, &ifr) < 0) {
		fprintf(stderr, "# %s: SIOCSHWTSTAMP: %m\n", dev);
		return -1;
	}
	if (cfg.tx_type != tx_type ||
	    (rx_filter != HWTSTAMP_FILTER_NONE) !=
	    (cfg.rx_filter != HWTSTAMP_FILTER_NONE)) {
		fprintf(stderr, "# %s: SIOCSHWTSTAMP gave tx_type %d rx_filter %d\n",
			dev, cfg.tx_type, cfg.rx_filter);
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (ioctl(fd, SIOCGHWTSTAMP, &ifr) < 0 || cfg.tx_type != tx_type) {
		fprintf(stderr, "# %s: SIOCGHWTSTAMP disagrees\n", dev);
		return -1;
	}
	return 0;
}

static int setsockopt_int(int fd, int level, int name, int val)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) < 0) {
		fprintf(stderr, "# setsockopt(%d, %d): %m\n", level, name);
		return -1;
	}
	return 0;
}

static int open_rx(const struct udp_opts *o)
{
	int port = ntohs(o->family == AF_INET6 ? o->dst.v6.sin6_port :
						o->dst.v4.sin_port);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	int fd;

	fd = socket(o->family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	if (o->family == AF_INET6 &&
	    setsockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1))
		goto err;
	if (o->family == AF_INET6 ?
	    bind(fd, (struct sockaddr *)&a6, sizeof(a6)) :
	    bind(fd, (struct sockaddr *)&a4, sizeof(a4))) {
		fprintf(stderr, "# bind: %m\n");
		goto err;
	}
	if (set_hwtstamp(fd, o->rx_dev, HWTSTAMP_TX_OFF,
			 o->rx_stamp ? HWTSTAMP_FILTER_ALL :
				       HWTSTAMP_FILTER_NONE))
		goto err;
	if (setsockopt_int(fd, SOL_SOCKET, SO_TIMESTAMPING,
			   SOF_TIMESTAMPING_RX_HARDWARE |
			   SOF_TIMESTAMPING_RAW_HARDWARE |
			   SOF_TIMESTAMPING_RX_SOFTWARE |
			   SOF_TIMESTAMPING_SOFTWARE))
		goto err;
	return fd;
err:
	close(fd);
	return -1;
}

static int open_tx_here(const struct udp_opts *o)
{
	int fd = socket(o->family, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (set_hwtstamp(fd, o->tx_dev,
			 o->tx_stamp ? HWTSTAMP_TX_ON : HWTSTAMP_TX_OFF,
			 HWTSTAMP_FILTER_NONE) ||
	    setsockopt_int(fd, SOL_SOCKET, SO_TIMESTAMPING,
			   SOF_TIMESTAMPING_TX_HARDWARE |
			   SOF_TIMESTAMPING_RAW_HARDWARE |
			   SOF_TIMESTAMPING_OPT_TSONLY |
			   SOF_TIMESTAMPING_OPT_ID)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The sending socket lives in another namespace, if asked. */
static int open_tx(const struct udp_opts *o)
{
	int home, ns, fd;

	if (!o->tx_netns)
		return open_tx_here(o);
	home = open("/proc/self/ns/net", O_RDONLY);
	ns = open(o->tx_netns, O_RDONLY);
	if (home < 0 || ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
		fprintf(stderr, "# %s: %m\n", o->tx_netns);
		return -1;
	}
	fd = open_tx_here(o);
	if (setns(home, CLONE_NEWNET) < 0) {
		fprintf(stderr, "# back to our namespace: %m\n");
		return -1;
	}
	close(ns);
	close(home);
	return fd;
}

static int wait_for(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, timeout_ms) == 1 ? 0 : -1;
}

static const struct scm_timestamping *find_stamps(struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPING)
			return (const void *)CMSG_DATA(c);
	return NULL;
}

static const struct sock_extended_err *find_err(struct msghdr *msg)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 &&
		     c->cmsg_type == IPV6_RECVERR))
			return (const void *)CMSG_DATA(c);
	return NULL;
}

static int recv_one(int fd, int i, struct udp_result *r)
{
	char want[32], buf[64], control[256];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	const struct scm_timestamping *tss;
	ssize_t n;

	if (wait_for(fd, POLLIN, 3000)) {
		fprintf(stderr, "# datagram %d did not arrive\n", i);
		return -1;
	}
	n = recvmsg(fd, &msg, MSG_DONTWAIT);
	snprintf(want, sizeof(want), "vphc %d", i);
	if (n != (ssize_t)strlen(want) || memcmp(buf, want, n)) {
		fprintf(stderr, "# datagram %d: wrong payload\n", i);
		return -1;
	}
	tss = find_stamps(&msg);
	if (!tss) {
		fprintf(stderr, "# datagram %d: no SCM_TIMESTAMPING\n", i);
		return -1;
	}
	r->rx_sw[i] = ts_ns(&tss->ts[0]);
	r->rx_hw[i] = ts_ns(&tss->ts[2]);
	return 0;
}

/* One TX stamp from the error queue, or -1 when none came in time. */
static int recv_tx_stamp(int fd, int timeout_ms, int64_t *stamp)
{
	char control[256];
	struct msghdr msg = { .msg_control = control,
			      .msg_controllen = sizeof(control) };
	const struct sock_extended_err *ee;
	const struct scm_timestamping *tss;

	if (wait_for(fd, POLLERR, timeout_ms))
		return -1;
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
		fprintf(stderr, "# error queue: %m\n");
		return -1;
	}
	ee = find_err(&msg);
	tss = find_stamps(&msg);
	if (!ee || !tss || ee->ee_errno != ENOMSG ||
	    ee->ee_origin != SO_EE_ORIGIN_TIMESTAMPING ||
	    ee->ee_info != SCM_TSTAMP_SND) {
		fprintf(stderr, "# error queue: not a TX timestamp\n");
		*stamp = 0;
		return 0;
	}
	*stamp = ts_ns(&tss->ts[2]);
	return 0;
}

static int udp_round(const struct udp_opts *o, int rx, int tx,
		     struct udp_result *r)
{
	int64_t sent_mono = 0, stamp, wait_ms;
	char payload[32];
	int i, n;

	memset(r, 0, sizeof(*r));
	if (read_stats(rx, o->rx_dev, &r->rx_before) ||
	    read_stats(tx, o->tx_dev, &r->tx_before))
		return -1;
	for (i = 0; i < o->count; i++) {
		n = snprintf(payload, sizeof(payload), "vphc %d", i);
		r->sent[i] = now_ns(CLOCK_REALTIME);
		if (!i)
			sent_mono = now_ns(CLOCK_MONOTONIC);
		if (sendto(tx, payload, n, 0, (const struct sockaddr *)&o->dst,
			   o->dst_len) != n) {
			fprintf(stderr, "# sendto: %m\n");
			return -1;
		}
	}
	for (i = 0; i < o->count; i++)
		if (recv_one(rx, i, r))
			return -1;

	/* Wait for the stamps expected, then a little for any extra ones. */
	wait_ms = o->min_tx_delay / 1000000 + 2000;
	while (r->n_tx < o->count &&
	       !recv_tx_stamp(tx, r->n_tx < o->expect_tx ? wait_ms :
			      o->min_tx_delay / 1000000 + 200, &stamp)) {
		if (!r->n_tx)
			r->first_tx_delay = now_ns(CLOCK_MONOTONIC) - sent_mono;
		r->tx_hw[r->n_tx++] = stamp;
	}

	if (read_stats(rx, o->rx_dev, &r->rx_after) ||
	    read_stats(tx, o->tx_dev, &r->tx_after))
		return -1;
	return 0;
}

static bool near(const char *what, int64_t stamp, int64_t want, int64_t tol)
{
	if (llabs(stamp - want) <= tol)
		return true;
	printf("# %s %" PRId64 " is %+.6f s from the expected %" PRId64 "\n",
	       what, stamp, (double)(stamp - want) / 1e9, want);
	return false;
}

/* 1: all checks passed, 0: a check failed, -1: other traffic, try again. */
static int udp_check(const struct udp_opts *o, const struct udp_result *r)
{
	int64_t rx_stamped = r->rx_after.rx_stamped - r->rx_before.rx_stamped;
	int64_t tx_stamped = r->tx_after.tx_stamped - r->tx_before.tx_stamped;
	int64_t dropped = r->tx_after.tx_stamp_dropped -
			  r->tx_before.tx_stamp_dropped;
	int i, ok = 1;

	for (i = 0; i < o->count; i++) {
		printf("# datagram %d: rx hw %" PRId64 " sw %" PRId64 "\n", i,
		       r->rx_hw[i], r->rx_sw[i]);
		if (!r->rx_sw[i]) {
			printf("# datagram %d: no software RX stamp\n", i);
			ok = 0;
		}
		if (!o->rx_stamp) {
			if (r->rx_hw[i]) {
				printf("# datagram %d: hardware RX stamp though RX stamping is off\n",
				       i);
				ok = 0;
			}
		} else if (!near("rx hw stamp", r->rx_hw[i],
				 r->sent[i] + o->rx_offset, o->tol)) {
			ok = 0;
		}
	}
	if (!o->rx_stamp && rx_stamped) {
		printf("# rx_stamped grew by %" PRId64 " with RX stamping off\n",
		       rx_stamped);
		ok = 0;
	}
	if (o->rx_stamp && o->count == 1) {
		if (rx_stamped > 1)
			return -1;
		printf("# last_rx_hwtstamp %" PRId64 "\n",
		       r->rx_after.last_rx_hwtstamp);
		if (rx_stamped != 1 ||
		    r->rx_after.last_rx_hwtstamp != r->rx_hw[0]) {
			printf("# the RX stamp is not the driver's last_rx_hwtstamp (rx_stamped +%" PRId64 ")\n",
			       rx_stamped);
			ok = 0;
		}
	}

	printf("# tx stamps: %d (want %d), tx_stamped +%" PRId64
	       ", tx_stamp_dropped +%" PRId64 "\n", r->n_tx, o->expect_tx,
	       tx_stamped, dropped);
	if (r->n_tx != o->expect_tx || tx_stamped != o->expect_tx) {
		printf("# wrong number of TX stamps\n");
		ok = 0;
	}
	if (o->tx_stamp && dropped != o->count - o->expect_tx) {
		printf("# tx_stamp_dropped should have grown by %d\n",
		       o->count - o->expect_tx);
		ok = 0;
	}
	for (i = 0; i < r->n_tx; i++) {
		printf("# tx stamp %d: %" PRId64 "\n", i, r->tx_hw[i]);
		if (!near("tx hw stamp", r->tx_hw[i],
			  r->sent[i] + o->tx_offset, o->tol))
			ok = 0;
	}
	if (r->n_tx == 1 && o->count == 1 &&
	    r->tx_hw[0] != r->tx_after.last_tx_hwtstamp) {
		printf("# the TX stamp is not the driver's last_tx_hwtstamp %" PRId64 "\n",
		       r->tx_after.last_tx_hwtstamp);
		ok = 0;
	}
	if (r->n_tx && o->min_tx_delay) {
		printf("# first TX stamp came %.3f ms after the send\n",
		       (double)r->first_tx_delay / 1e6);
		if (r->first_tx_delay < o->min_tx_delay) {
			printf("# that is earlier than tx_stamp_delay_us\n");
			ok = 0;
		}
	}
	return ok;
}

static void udp_usage(void)
{
	fprintf(stderr,
		"usage: vphc_tool udp --rx-dev DEV --tx-dev DEV [--tx-netns PATH]\n"
		"	[--port N] [--rx-stamp on|off] [--tx-stamp on|off]\n"
		"	[--count N] [--expect-tx N] [--rx-offset-ms MS]\n"
		"	[--tx-offset-ms MS] [--tol-ms MS] [--min-tx-delay-us US] DST\n");
}

static int parse_onoff(const char *s, bool *v)
{
	*v = !strcmp(s, "on");
	return *v || !strcmp(s, "off") ? 0 : -1;
}

static int parse_udp(int argc, char **argv, struct udp_opts *o)
{
	static const struct option longopts[] = {
		{ "rx-dev", required_argument, NULL, 'r' },
		{ "tx-dev", required_argument, NULL, 't' },
		{ "tx-netns", required_argument, NULL, 'n' },
		{ "port", required_argument, NULL, 'p' },
		{ "rx-stamp", required_argument, NULL, 'R' },
		{ "tx-stamp", required_argument, NULL, 'T' },
		{ "count", required_argument, NULL, 'c' },
		{ "expect-tx", required_argument, NULL, 'e' },
		{ "rx-offset-ms", required_argument, NULL, 'o' },
		{ "tx-offset-ms", required_argument, NULL, 'O' },
		{ "tol-ms", required_argument, NULL, 'l' },
		{ "min-tx-delay-us", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int64_t port = 31234, v, count = 1, expect = -1;
	int c;

	memset(o, 0, sizeof(*o));
	o->rx_stamp = o->tx_stamp = true;
	o->tol = 500 * 1000000LL;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->rx_dev = optarg;
			break;
		case 't':
			o->tx_dev = optarg;
			break;
		case 'n':
			o->tx_netns = optarg;
			break;
		case 'R':
			if (parse_onoff(optarg, &o->rx_stamp))
				return -1;
			break;
		case 'T':
			if (parse_onoff(optarg, &o->tx_stamp))
				return -1;
			break;
		case 'p':
			if (parse_i64(optarg, &port))
				return -1;
			break;
		case 'c':
			if (parse_i64(optarg, &count))
				return -1;
			break;
		case 'e':
			if (parse_i64(optarg, &expect))
				return -1;
			break;
		case 'o':
		case 'O':
		case 'l':
		case 'd':
			if (parse_i64(optarg, &v))
				return -1;
			if (c == 'o')
				o->rx_offset = v * 1000000;
			else if (c == 'O')
				o->tx_offset = v * 1000000;
			else if (c == 'l')
				o->tol = v * 1000000;
			else
				o->min_tx_delay = v * 1000;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc - 1 || !o->rx_dev || !o->tx_dev ||
	    port < 1 || port > 65535 || count < 1 || count > MAX_COUNT ||
	    expect > count)
		return -1;
	o->count = count;
	o->expect_tx = expect >= 0 ? expect : o->tx_stamp ? count : 0;

	if (inet_pton(AF_INET6, argv[optind], &o->dst.v6.sin6_addr) == 1) {
		o->family = AF_INET6;
		o->dst.v6.sin6_family = AF_INET6;
		o->dst.v6.sin6_port = htons(port);
		o->dst_len = sizeof(o->dst.v6);
	} else if (inet_pton(AF_INET, argv[optind], &o->dst.v4.sin_addr) == 1) {
		o->family = AF_INET;
		o->dst.v4.sin_family = AF_INET;
		o->dst.v4.sin_port = htons(port);
		o->dst_len = sizeof(o->dst.v4);
	} else {
		return -1;
	}
	return 0;
}

static int cmd_udp(int argc, char **argv)
{
	struct udp_result r;
	struct udp_opts o;
	int rx, tx, attempt, ok = 0;

	if (parse_udp(argc, argv, &o)) {
		udp_usage();
		return 2;
	}
	rx = open_rx(&o);
	if (rx < 0)
		return 1;
	tx = open_tx(&o);
	if (tx < 0)
		return 1;

	/* Neighbour discovery may slip a stamped frame in; then try again. */
	for (attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
		if (udp_round(&o, rx, tx, &r))
			return 1;
		ok = udp_check(&o, &r);
		if (ok >= 0)
			break;
		printf("# other frames were stamped meanwhile; again\n");
	}
	close(tx);
	close(rx);
	return ok == 1 ? 0 : 1;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "tsinfo", cmd_tsinfo, "DEV" },
	{ "phc-set", cmd_phc_set, "PTPDEV OFFSET_NS PPM" },
	{ "phc-step", cmd_phc_step, "PTPDEV DELTA_NS" },
	{ "phc-check", cmd_phc_check, "PTPDEV OFFSET_NS PPM TOL_NS" },
	{ "udp", cmd_udp, "[OPTIONS] DST (--help)" },
};

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc > 1 && i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].fn(argc - 1, argv + 1);
		if (ret == 2)
			fprintf(stderr, "usage: vphc_tool %s %s\n",
				commands[i].name, commands[i].usage);
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(stderr, "usage: vphc_tool %s %s\n", commands[i].name,
			commands[i].usage);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ntpsec_testserver - stands in for ntpsecd in the module's selftests: opens
 * UDP sockets, hands them to the module, optionally pushes a synchronized
 * server state, and counts what the module passes up to the sockets.
 *
 *   ntpsec_testserver [-s] [-t SECONDS] [-o FILE] [-H IFNAME -M FILE]
 *                     ADDR[:PORT]|[ADDR6]:PORT...
 *
 * -s pushes a state (stratum 2, refid 127.127.1.0, reference time now).
 * -H turns on hardware receive stamps on IFNAME, fits its PHC to
 * CLOCK_REALTIME from two samples a second apart, pushes that mapping and
 * writes it to the -M file as "IFINDEX PHC_NS UTC_NS FREQ".
 * Prints "ready" once every socket is attached; on SIGTERM/SIGINT or after
 * -t seconds, writes "passed_up N" (datagrams the sockets received) to FILE
 * or stdout.  Exits non-zero if anything failed.
 */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../../user/wire/ntp_wire.h"
#include "module.h"
#include "sockaddr.h"
#include "phc.h"

#define MAX_SOCKETS 8

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Stratum 2, refid 127.127.1.0, reference time now. */
static int push_state(void)
{
	struct ntp_server_state st = {
		.leap = NTP_LEAP_NONE, .stratum = 2, .precision = -23,
		.root_delay = 0x42, .root_dispersion = 0x84,
		.refid = 0x7f7f0100,
	};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	st.reftime = ntp_ts_from_unix(now.tv_sec, (uint32_t)now.tv_nsec);
	return module_set_state(&st);
}

static int push_phc_map(const char *ifname, const char *mapfile)
{
	struct phc_sample a, b;
	struct phc_map map;
	int fd, ret, ifindex = (int)if_nametoindex(ifname);
	FILE *f;

	ret = phc_enable_stamps(ifname);
	if (ret) {
		fprintf(stderr, "ntpsec_testserver: %s: SIOCSHWTSTAMP: %s\n",
			ifname, strerror(-ret));
		return -1;
	}
	fd = phc_open(ifname);
	if (fd < 0 || !ifindex) {
		fprintf(stderr, "ntpsec_testserver: %s: no PHC: %s\n", ifname,
			strerror(fd < 0 ? -fd : ENODEV));
		return -1;
	}
	if (phc_sample(fd, &a) || sleep(1) || phc_sample(fd, &b)) {
		fprintf(stderr, "ntpsec_testserver: %s: cannot read the PHC\n", ifname);
		close(fd);
		return -1;
	}
	close(fd);
	phc_fit(ifindex, &a, &b, &map);
	if (module_set_phc_map(&map))
		return -1;
	f = fopen(mapfile, "w");
	if (!f)
		return -1;
	fprintf(f, "%d %lld %lld %lld\n", map.ifindex, (long long)map.phc_ns,
		(long long)map.utc_ns, (long long)map.freq);
	return fclose(f) ? -1 : 0;
}

static int open_attached(const char *arg)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	if (sockaddr_parse(arg, &ss, &len, NTP_PORT)) {
		fprintf(stderr, "ntpsec_testserver: bad address '%s'\n", arg);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0 ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(fd, (struct sockaddr *)&ss, len)) {
		fprintf(stderr, "ntpsec_testserver: %s: %s\n", arg, strerror(errno));
		return -1;
	}
	return module_attach(fd) ? -1 : fd;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAX_SOCKETS];
	const char *outfile = NULL, *phc_if = NULL, *mapfile = NULL;
	unsigned long passed_up = 0;
	int opt, n = 0, i, seconds = 0;
	bool set_state = false;
	time_t deadline;
	FILE *out;
	char buf[2048];

	while ((opt = getopt(argc, argv, "st:o:H:M:")) != -1) {
		switch (opt) {
		case 's':
			set_state = true;
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'H':
			phc_if = optarg;
			break;
		case 'M':
			mapfile = optarg;
			break;
		default:
			fprintf(stderr, "usage: ntpsec_testserver [-s] [-t SECONDS] [-o FILE] [-H IFNAME -M FILE] ADDR...\n");
			return 2;
		}
	}
	if (optind >= argc || argc - optind > MAX_SOCKETS) {
		fprintf(stderr, "ntpsec_testserver: give 1 to %d addresses\n", MAX_SOCKETS);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		pfd[n].fd = open_attached(argv[i]);
		if (pfd[n].fd < 0)
			return 1;
		pfd[n++].events = POLLIN;
	}
	if (set_state && push_state())
		return 1;
	if (phc_if && (!mapfile || push_phc_map(phc_if, mapfile)))
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("ready\n");
	fflush(stdout);

	deadline = seconds ? time(NULL) + seconds : 0;
	while (!stop && (!deadline || time(NULL) < deadline)) {
		if (poll(pfd, (nfds_t)n, 200) <= 0)
			continue;
		for (i = 0; i < n; i++)
			while (recv(pfd[i].fd, buf, sizeof(buf), 0) >= 0)
				passed_up++;
	}
	out = outfile ? fopen(outfile, "w") : stdout;
	if (!out)
		return 1;
	fprintf(out, "passed_up %lu\n", passed_up);
	if (out != stdout)
		fclose(out);
	return 0;
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntske_fetch - one NTS-KE handshake (RFC 8915 section 4) with a server,
 * through ntpsecd's own NTS client, for the benchmark's NTS load: prints
 * the exported C2S and S2C keys and the cookies, one "key value" per line
 * in hex, for ntpsec_loadgen -N.  The session keys are secrets of a test
 * session with a test server; never point this at a server you care for.
 *
 *   ntske_fetch [-a CAFILE] [-n HOSTNAME] ADDR
 *
 * HOSTNAME is what the certificate must name (default ADDR); CAFILE the
 * certificate to trust (default: the system's store).
 */

#include "config.h"

#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nts_client.h"
#include "sockaddr.h"

#define FETCH_TIMEOUT 30.0	/* s, the whole handshake */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_hex(const char *name, const uint8_t *b, size_t len)
{
	size_t i;

	printf("%s ", name);
	for (i = 0; i < len; i++)
		printf("%02x", b[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *ca = NULL, *host = NULL;
	static struct nts_client c;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char err[512] = "";
	double start;
	unsigned int i;
	int opt;

	while ((opt = getopt(argc, argv, "a:n:")) != -1) {
		switch (opt) {
		case 'a': ca = optarg; break;
		case 'n': host = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 ||
	    sockaddr_parse(argv[optind], &addr, &addrlen, 123))
		goto usage;
	if (!host)
		host = argv[optind];
	if (nts_client_setup(ca, err, sizeof(err))) {
		fprintf(stderr, "ntske_fetch: %s\n", err);
		return 1;
	}
	nts_client_init(&c, host, &addr, addrlen);
	start = mono();
	while (!nts_client_ready(&c)) {
		struct pollfd pfd;
		double now = mono();
		int n;

		if (now - start > FETCH_TIMEOUT ||
		    nts_client_pollfd(&c, now, &pfd) < 0) {
			fprintf(stderr, "ntske_fetch: no key exchange with %s\n", host);
			return 1;
		}
		n = poll(&pfd, 1, 1000);
		if (n < 0)
			return 1;
		nts_client_process(&c, n ? pfd.revents : 0, mono());
	}
	print_hex("c2s", c.keys.c2s, sizeof(c.keys.c2s));
	print_hex("s2c", c.keys.s2c, sizeof(c.keys.s2c));
	for (i = 0; i < c.n_cookies; i++)
		print_hex("cookie", c.cookie[i], c.cookie_len[i]);
	nts_client_free(&c);
	nts_client_cleanup();
	return 0;
usage:
	fprintf(stderr, "usage: ntske_fetch [-a CAFILE] [-n HOSTNAME] ADDR\n");
	return 2;
}

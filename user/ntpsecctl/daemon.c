// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl sources, tracking, nts: what ntpsecd says on its control
 * socket (-s SOCKET, default /run/ntpsecd.sock).
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ntpsecctl.h"

#define DEFAULT_CONTROL "/run/ntpsecd.sock"

/* The daemon's JSON answer to @request, into @buf. */
static int ask(const char *request, char *buf, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = getenv("NTPSECD_SOCKET");
	size_t got = 0;
	ssize_t n;
	int fd;

	if (!path)
		path = DEFAULT_CONTROL;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		fprintf(stderr, "ntpsecctl: ntpsecd is not running (no control socket at %s: %s)\n",
			path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CTL_EXIT_NO_DAEMON;
	}
	if (send(fd, request, strlen(request), 0) < 0) {
		close(fd);
		return CTL_EXIT_NO_DAEMON;
	}
	while (got + 1 < len && (n = recv(fd, buf + got, len - got - 1, 0)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	close(fd);
	if (!got) {
		fprintf(stderr, "ntpsecctl: ntpsecd gave no answer\n");
		return CTL_EXIT_FAILURE;
	}
	return CTL_EXIT_OK;
}

/* A number or string field of a flat JSON object; the daemon's own output. */
static const char *field(const char *obj, const char *name, char *out,
			 size_t len)
{
	char key[64];
	const char *p;
	size_t n = 0;

	snprintf(key, sizeof(key), "\"%s\":", name);
	p = strstr(obj, key);
	if (!p)
		return "";
	p += strlen(key);
	if (*p == '"')
		p++;
	while (p[n] && p[n] != '"' && p[n] != ',' && p[n] != '}' && n + 1 < len)
		n++;
	memcpy(out, p, n);
	out[n] = 0;
	return out;
}

int ctl_cmd_sources(const struct ctl_options *opts, int argc, char **argv)
{
	static char buf[65536];
	char a[64], st[8], sr[8], po[8], re[8], of[32], de[32], ji[32];
	const char *p;
	int ret;

	(void)argv;
	if (argc > 1)
		return ctl_usage_error("sources takes no arguments");
	ret = ask("sources\n", buf, sizeof(buf));
	if (ret || opts->json) {
		if (!ret)
			fputs(buf, stdout);
		return ret;
	}
	printf("  %-39s %2s %4s %4s %12s %12s %12s\n", "source", "st", "poll",
	       "reach", "offset(ms)", "delay(ms)", "jitter(ms)");
	for (p = strstr(buf, "{\"address\""); p; p = strstr(p + 1, "{\"address\"")) {
		printf("%s %-39s %2s %4d %4o %12.3f %12.3f %12.3f\n",
		       field(p, "tally", st, sizeof(st)),
		       field(p, "address", a, sizeof(a)),
		       field(p, "stratum", sr, sizeof(sr)),
		       1 << atoi(field(p, "poll", po, sizeof(po))),
		       (unsigned int)atoi(field(p, "reach", re, sizeof(re))),
		       atof(field(p, "offset", of, sizeof(of))) * 1e3,
		       atof(field(p, "delay", de, sizeof(de))) * 1e3,
		       atof(field(p, "jitter", ji, sizeof(ji))) * 1e3);
	}
	return CTL_EXIT_OK;
}

int ctl_cmd_tracking(const struct ctl_options *opts, int argc, char **argv)
{
	static const char *const names[][2] = {
		{ "synchronized", "synchronized" }, { "stratum", "stratum" },
		{ "leap", "leap" }, { "system_peer", "system peer" },
		{ "offset", "offset (s)" }, { "jitter", "jitter (s)" },
		{ "frequency_ppm", "frequency (ppm)" },
		{ "root_delay", "root delay (s)" },
		{ "root_dispersion", "root dispersion (s)" },
		{ "kernel_fast_path", "kernel fast path" },
		{ "mode6_answered", "mode 6 answered" },
		{ "mode6_errors", "mode 6 errors" },
		{ "mode6_dropped", "mode 6 dropped" },
		{ "mode6_refused", "mode 6 refused" },
		{ "mode7_dropped", "mode 7 dropped" },
		{ "leap_pending", "leap second" },
		{ "leap_at", "leap at (Unix s)" },
		{ "leap_source", "leap from" },
		{ "leap_armed", "leap armed in kernel" },
		{ "leapfile_expires", "leapfile expires" },
	};
	char buf[4096], v[64];
	size_t i;
	int ret;

	(void)argv;
	if (argc > 1)
		return ctl_usage_error("tracking takes no arguments");
	ret = ask("tracking\n", buf, sizeof(buf));
	if (ret || opts->json) {
		if (!ret)
			fputs(buf, stdout);
		return ret;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf("%-20s %s\n", names[i][1], field(buf, names[i][0], v, sizeof(v)));
	return CTL_EXIT_OK;
}

int ctl_nts_daemon(const struct ctl_options *opts)
{
	static const char *const names[][2] = {
		{ "enabled", "NTS server" },
		{ "current_key", "cookie key id" },
		{ "keys", "cookie keys held" },
		{ "next_rotation", "next rotation (s)" },
		{ "ke_accepted", "NTS-KE connections" },
		{ "ke_handshakes", "NTS-KE key exchanges" },
		{ "ke_cookies", "NTS-KE cookies issued" },
		{ "ke_tls_failed", "NTS-KE TLS failures" },
		{ "ke_no_alpn", "NTS-KE without ALPN" },
		{ "ke_bad_requests", "NTS-KE bad requests" },
		{ "ke_negotiation_failed", "NTS-KE nothing in common" },
		{ "ke_timeouts", "NTS-KE timeouts" },
		{ "ke_refused_busy", "NTS-KE refused (busy)" },
		{ "ke_internal_errors", "NTS-KE internal errors" },
		{ "ntp_ok", "NTS requests answered" },
		{ "ntp_nak_cookie", "NTS NAKs, bad cookie" },
		{ "ntp_nak_auth", "NTS NAKs, bad authenticator" },
		{ "ntp_malformed", "NTS requests malformed" },
		{ "ntp_failed", "NTS requests failed" },
	};
	char buf[4096], v[64];
	size_t i;
	int ret;

	ret = ask("nts\n", buf, sizeof(buf));
	if (ret || opts->json) {
		if (!ret)
			fputs(buf, stdout);
		return ret;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		field(buf, names[i][0], v, sizeof(v));
		if (v[0])
			printf("%-28s %s\n", names[i][1], v);
	}
	return CTL_EXIT_OK;
}

/* A new current cookie key now; ntpsecd checks that we may ask. */
int ctl_nts_rotate(const struct ctl_options *opts)
{
	char buf[512], v[64];
	int ret;

	ret = ask("nts-rotate\n", buf, sizeof(buf));
	if (ret)
		return ret;
	if (!strstr(buf, "\"rotated\":true")) {
		field(buf, "error", v, sizeof(v));
		fprintf(stderr, "ntpsecctl: ntpsecd did not rotate: %s\n", v[0] ? v : buf);
		return strstr(buf, "permission denied") ? CTL_EXIT_PERMISSION :
							  CTL_EXIT_FAILURE;
	}
	if (opts->json)
		fputs(buf, stdout);
	else
		printf("cookie key %s is current\n",
		       field(buf, "current_key", v, sizeof(v)));
	return CTL_EXIT_OK;
}

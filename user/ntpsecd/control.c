// SPDX-License-Identifier: BSD-2-Clause
/*
 * The control socket: a Unix stream socket where ntpsecctl asks "sources"
 * or "tracking" and gets one JSON object back.  Read-only; the socket's
 * file mode (0660, the daemon's group) says who may ask.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "nts.h"
#include "nts_client.h"

int control_open(struct daemon *d, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	d->ctl_fd = -1;
	d->ctl_path = path;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_msg(LOG_ERR, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 8) ||
	    chmod(path, 0660)) {
		log_msg(LOG_ERR, "control socket %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	d->ctl_fd = fd;
	return 0;
}

void control_close(struct daemon *d)
{
	if (d->ctl_fd < 0)
		return;
	close(d->ctl_fd);
	unlink(d->ctl_path);
	d->ctl_fd = -1;
}

static void sources(const struct daemon *d, FILE *out)
{
	int i;

	fprintf(out, "{\"sources\":[");
	for (i = 0; i < d->npeers; i++) {
		const struct peer *p = &d->peers[i];

		fprintf(out, "%s{\"address\":\"%s\",\"host\":\"%s\",\"state\":\"%s\","
			"\"tally\":\"%c\",\"stratum\":%d,\"poll\":%d,\"reach\":%u,"
			"\"offset\":%.9f,\"delay\":%.9f,\"jitter\":%.9f,"
			"\"sent\":%llu,\"received\":%llu,\"bogus\":%llu,\"kod\":%llu,"
			"\"unanswered\":%u,"
			"\"nts\":%s,\"nts_cookies\":%u,\"nts_handshakes\":%llu,"
			"\"nts_naks\":%llu}",
			i ? "," : "", p->name, p->cfg.host,
			select_state_name(p->state), select_state_tally(p->state),
			p->stratum, p->poll, p->reach,
			p->have_stats ? p->stats.offset : 0.0,
			p->have_stats ? p->stats.delay : 0.0,
			p->have_stats ? p->stats.jitter : 0.0,
			(unsigned long long)p->sent, (unsigned long long)p->received,
			(unsigned long long)p->bogus, (unsigned long long)p->kod,
			p->unanswered,
			p->nts ? "true" : "false",
			p->nts ? p->nts->n_cookies : 0,
			p->nts ? (unsigned long long)p->nts->stats.handshakes : 0ULL,
			p->nts ? (unsigned long long)p->nts->stats.naks : 0ULL);
	}
	fprintf(out, "]}\n");
}

static void tracking(const struct daemon *d, FILE *out)
{
	fprintf(out, "{\"synchronized\":%s,\"stratum\":%d,\"leap\":%d,"
		"\"system_peer\":\"%s\",\"offset\":%.9f,\"jitter\":%.9f,"
		"\"frequency_ppm\":%.3f,\"root_delay\":%.6f,\"root_dispersion\":%.6f,"
		"\"kernel_fast_path\":%s,\"mode6_answered\":%llu,"
		"\"mode6_errors\":%llu,\"mode6_dropped\":%llu,"
		"\"mode6_refused\":%llu,\"mode7_dropped\":%llu,"
		"\"leap_pending\":\"%s\",\"leap_at\":%lld,"
		"\"leap_source\":\"%s\",\"leap_armed\":%s,\"leapfile_expires\":%lld,"
		"\"clock_updates\":%llu,\"clock_steps\":%llu,\"clock_spikes\":%llu,"
		"\"frequency_stderr_ppm\":%.3f}\n",
		d->synced ? "true" : "false", d->synced ? d->sys.stratum : 16,
		d->synced ? d->sys.leap : 3,
		d->syspeer >= 0 ? d->peers[d->syspeer].name : "",
		d->sys_offset, d->sys_jitter, d->clk.freq_ppm,
		d->sys.root_delay / 65536.0, d->sys.root_dispersion / 65536.0,
		d->kernel ? "true" : "false",
		(unsigned long long)d->m6.answered,
		(unsigned long long)d->m6.errors,
		(unsigned long long)d->m6.dropped,
		(unsigned long long)d->m6.refused,
		(unsigned long long)d->srv.ctr[NTPSEC_CTR_DROP_MODE7],
		d->leap.li == NTP_LEAP_ADD_SECOND ? "insert" :
		d->leap.li == NTP_LEAP_DEL_SECOND ? "delete" : "none",
		(long long)d->leap.when, leap_source_name(d->leap.source),
		d->kstatus_arm == 1 || d->kstatus_arm == -1 ? "true" : "false",
		d->have_leaps ? (long long)d->leaps.expires : 0LL,
		(unsigned long long)d->clk.updates, (unsigned long long)d->clk.steps,
		(unsigned long long)d->clk.spikes,
		isfinite(d->clk.freq_se_ppm) ? d->clk.freq_se_ppm : -1.0);
}

/* NTS server counters: the key exchange, then NTS-protected NTP. */
static void nts(const struct daemon *d, FILE *out)
{
	const struct ntske_stats *k;
	const struct server_nts_stats *n = &d->srv.nts_stats;

	if (!d->nts) {
		fprintf(out, "{\"enabled\":false}\n");
		return;
	}
	k = &d->nts->ke.stats;
	fprintf(out, "{\"enabled\":true,\"current_key\":%u,\"keys\":%u,"
		"\"next_rotation\":%lld,"
		"\"ke_accepted\":%llu,\"ke_handshakes\":%llu,\"ke_cookies\":%llu,"
		"\"ke_tls_failed\":%llu,\"ke_no_alpn\":%llu,"
		"\"ke_bad_requests\":%llu,\"ke_negotiation_failed\":%llu,"
		"\"ke_timeouts\":%llu,\"ke_refused_busy\":%llu,"
		"\"ke_internal_errors\":%llu,"
		"\"ntp_ok\":%llu,\"ntp_nak_cookie\":%llu,\"ntp_nak_auth\":%llu,"
		"\"ntp_malformed\":%llu,\"ntp_failed\":%llu}\n",
		d->nts->keys.mks.key[0].id, d->nts->keys.mks.n,
		(long long)nts_keys_next(&d->nts->keys, (int64_t)time(NULL)),
		(unsigned long long)k->accepted, (unsigned long long)k->handshakes,
		(unsigned long long)k->cookies, (unsigned long long)k->tls_failed,
		(unsigned long long)k->no_alpn, (unsigned long long)k->bad_requests,
		(unsigned long long)k->negotiation_failed,
		(unsigned long long)k->timeouts, (unsigned long long)k->refused_busy,
		(unsigned long long)k->internal_errors,
		(unsigned long long)n->ok, (unsigned long long)n->nak_cookie,
		(unsigned long long)n->nak_auth, (unsigned long long)n->malformed,
		(unsigned long long)n->failed);
}

/*
 * "nts-rotate": a new current cookie key now (pushed to the module like a
 * scheduled one).  It changes the server, so only root or the daemon's own
 * user may ask, whatever the socket's file mode lets connect.
 */
static void nts_rotate(struct daemon *d, int fd, FILE *out)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char err[256];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		fprintf(out, "{\"error\":\"permission denied\"}\n");
		return;
	}
	if (!d->nts) {
		fprintf(out, "{\"error\":\"NTS is not enabled\"}\n");
		return;
	}
	if (nts_keys_rotate(&d->nts->keys, (int64_t)time(NULL), err,
			    sizeof(err))) {
		log_msg(LOG_ERR, "NTS: rotation asked for failed: %s", err);
		fprintf(out, "{\"error\":\"rotation failed, see the log\"}\n");
		return;
	}
	log_msg(LOG_NOTICE, "NTS: cookie key %u is current (rotated on request)",
		d->nts->keys.mks.key[0].id);
	fprintf(out, "{\"rotated\":true,\"current_key\":%u}\n",
		d->nts->keys.mks.key[0].id);
}

void control_serve(struct daemon *d)
{
	char req[64] = "";
	ssize_t n;
	FILE *out;
	int fd;

	fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* One short request line; a client that sends nothing gets nothing. */
	struct timeval tv = { .tv_sec = 1 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, req, sizeof(req) - 1, 0);
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return;
	}
	if (n > 0) {
		req[n] = 0;
		req[strcspn(req, "\r\n")] = 0;
		if (!strcmp(req, "sources"))
			sources(d, out);
		else if (!strcmp(req, "tracking"))
			tracking(d, out);
		else if (!strcmp(req, "nts"))
			nts(d, out);
		else if (!strcmp(req, "nts-rotate"))
			nts_rotate(d, fd, out);
		else
			fprintf(out, "{\"error\":\"unknown request\"}\n");
	}
	fclose(out);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecd - the NTPsec daemon: upstream associations, selection and clock
 * discipline, the port-123 sockets it hands to the ntpsec module (or serves
 * itself without it), and the control socket.  Command line compatible with
 * NTPsec's ntpd where they overlap.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "daemonize.h"
#include "log.h"
#include "module.h"
#include "nts.h"
#include "phc.h"
#include "privsep.h"

#define DEFAULT_CONFIG "/etc/ntpsec/ntp.conf"
#define DEFAULT_CONTROL "/run/ntpsecd.sock"
#define ONCE_TIMEOUT 60.0	/* -q gives up after this long */
#define DRIFT_WRITE_INTERVAL 3600.0

static volatile sig_atomic_t got_quit, got_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_reload = 1;
	else
		got_quit = 1;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ntpsecd [-c FILE] [-n] [-d] [-g] [-q] [-u USER[:GROUP]] [-Z]\n"
		"               [-p PIDFILE] [-l LOGFILE] [-s SOCKET] [-t]\n"
		"  -c FILE   configuration (default %s)\n"
		"  -n        stay in the foreground\n"
		"  -d        debug messages (implies -n)\n"
		"  -g        allow the first adjustment to exceed the panic threshold\n"
		"  -q        set the clock once and exit (as ntpd -q)\n"
		"  -u USER   run as USER (and GROUP) after start-up (default %s)\n"
		"  -Z        the seccomp filter logs other system calls, not kills\n"
		"  -p FILE   write the process id to FILE\n"
		"  -l FILE   log to FILE\n"
		"  -s SOCKET control socket (default %s)\n"
		"  -t        check the configuration, print it, and exit\n",
		DEFAULT_CONFIG, PRIVSEP_DEFAULT_USER, DEFAULT_CONTROL);
}

static void apply_params(struct daemon *d)
{
	filter_params_init(&d->fp, ldexp(1.0, NTP_DEFAULT_PRECISION));
	select_params_init(&d->sp);
	d->sp.minsane = d->cfg.tos.minsane;
	d->sp.minclock = d->cfg.tos.minclock;
	d->sp.maxclock = d->cfg.tos.maxclock;
	d->discipline = d->cfg.system & CONFIG_SYS_NTP;
}

static int load_keys(struct daemon *d, struct keyring *ring)
{
	char err[512];

	memset(ring, 0, sizeof(*ring));
	if (!d->cfg.keys[0])
		return 0;
	if (keyring_load(ring, d->cfg.keys, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		return -1;
	}
	return 0;
}

static int start_kernel(struct daemon *d)
{
	d->kernel = false;
	if (d->cfg.kernel == CONFIG_KERNEL_OFF)
		return 0;
	if (!module_present()) {
		if (d->cfg.kernel == CONFIG_KERNEL_ON) {
			log_msg(LOG_ERR, "kernel on, but the ntpsec module is not loaded (modprobe ntpsec)");
			return -1;
		}
		log_msg(LOG_INFO, "the ntpsec module is not loaded: serving from userspace");
		return 0;
	}
	for (int i = 0; i < 2; i++) {
		if (d->srv.fd[i] >= 0 && module_attach(d->srv.fd[i])) {
			log_msg(LOG_ERR, "the module refused our socket");
			return d->cfg.kernel == CONFIG_KERNEL_ON ? -1 : 0;
		}
	}
	d->kernel = true;
	log_msg(LOG_INFO, "the ntpsec module serves our sockets (kernel fast path)");
	return 0;
}

static int reload(struct daemon *d, double now)
{
	static struct config next;
	static struct keyring ring;
	struct config old = d->cfg;
	struct clock_params cp = d->clk.p;	/* clock_init clears d->clk */
	bool was_disciplining;
	char err[512];

	if (config_load(d->config_path, &next, err, sizeof(err))) {
		log_msg(LOG_ERR, "reload refused, the old configuration stays: %s", err);
		return -1;
	}
	d->cfg = next;
	if (load_keys(d, &ring)) {
		d->cfg = old;
		log_msg(LOG_ERR, "reload refused, the old configuration stays");
		return -1;
	}
	keyring_wipe(&d->keys);
	d->keys = ring;
	keyring_wipe(&ring);
	was_disciplining = d->discipline;
	apply_params(d);
	statsfiles_configure(&d->stats, &d->cfg);
	/* "disable ntp" may have come or gone: start or end the discipline. */
	if (was_disciplining && !d->discipline)
		clock_finish(&d->clk, now, false);
	else if (!was_disciplining && d->discipline)
		clock_init(&d->clk, &cp, NULL, now);
	system_load_leapfile(d);
	if (system_apply_limits(d))
		log_msg(LOG_WARNING, "reload: the module refused the new limits");
	assoc_start(d, now);
	log_msg(LOG_NOTICE, "configuration reloaded from %s", d->config_path);
	return 0;
}

/* PHC mappings for "hwtimestamp" interfaces, refitted every second. */
struct hwts {
	char ifname[IF_NAMESIZE];
	int fd;
	struct phc_sample last;
	bool have_last;
};

static void hwts_start(struct daemon *d, struct hwts *h, int *n)
{
	unsigned int i;

	*n = 0;
	for (i = 0; i < d->cfg.n_hwts; i++) {
		struct hwts *x = &h[*n];
		int ret;

		snprintf(x->ifname, sizeof(x->ifname), "%s", d->cfg.hwts[i]);
		ret = phc_enable_stamps(x->ifname);
		x->fd = ret ? ret : phc_open(x->ifname);
		if (x->fd < 0) {
			log_msg(LOG_WARNING, "hwtimestamp %s: %s", x->ifname,
				strerror(-x->fd));
			continue;
		}
		x->have_last = false;
		(*n)++;
	}
}

static void hwts_refresh(struct daemon *d, struct hwts *h, int n)
{
	struct phc_sample s;
	struct phc_map map;
	int i;

	for (i = 0; i < n; i++) {
		if (phc_sample(h[i].fd, &s))
			continue;
		if (h[i].have_last && d->kernel) {
			phc_fit((int)if_nametoindex(h[i].ifname), &h[i].last, &s, &map);
			module_set_phc_map(&map);
		}
		h[i].last = s;
		h[i].have_last = true;
	}
}

static int run(struct daemon *d)
{
	struct pollfd pfd[2 + DAEMON_MAX_PEERS + 1 + NTS_POLLFDS];
	struct hwts hw[CONFIG_MAX_HWTS];
	double now = mono_now(), start = now, next_hw = now, last_drift = now;
	double next_leap = now;
	int nhw, i;

	hwts_start(d, hw, &nhw);
	while (!got_quit) {
		double wake = now + 1.0;
		int n, timeout, nts_at, nts_n;

		if (got_reload) {
			got_reload = 0;
			reload(d, now);
		}
		assoc_tick(d, now);
		for (i = 0; i < d->npeers; i++) {
			peer_poll(&d->peers[i], &d->keys, now);
			wake = fmin(wake, peer_deadline(&d->peers[i]));
		}
		if (d->discipline)
			wake = fmin(wake, clock_deadline(&d->clk));
		n = 0;
		for (i = 0; i < 2; i++)
			if (d->srv.fd[i] >= 0)
				pfd[n++] = (struct pollfd){ d->srv.fd[i], POLLIN, 0 };
		for (i = 0; i < d->npeers; i++)
			pfd[n++] = (struct pollfd){ d->peers[i].fd, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ d->ctl_fd, POLLIN, 0 };
		nts_at = n;
		nts_n = nts_pollfds(d, pfd + n, now);
		n += nts_n;
		wake = nts_deadline(d, now, wake);
		timeout = (int)fmax(0, ceil((wake - now) * 1000));
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR)
			return 1;
		now = mono_now();

		n = 0;
		for (i = 0; i < 2; i++)
			if (d->srv.fd[i] >= 0 && pfd[n++].revents & POLLIN)
				server_receive(&d->srv, d->srv.fd[i]);
		for (i = 0; i < d->npeers; i++, n++) {
			struct peer *p = &d->peers[i];
			bool fresh;

			if (!(pfd[n].revents & POLLIN) ||
			    !peer_receive(p, &d->keys, &d->fp, now))
				continue;
			fresh = filter_update(&p->filter, &d->fp, now, &p->stats) ==
				FILTER_NEW;
			if (fresh)
				p->have_stats = true;
			/*
			 * A sample that leaves its server's best one in place
			 * changes nothing, except that it may be the last the
			 * first clock update waited for: with a steady path
			 * the best sample can stay for all eight stages, and
			 * the first update would wait that long for nothing.
			 */
			if (fresh || (p->have_stats && system_awaits_first_update(d)))
				system_select(d, now);
			system_record_peer(d, p);
		}
		if (d->ctl_fd >= 0 && pfd[n].revents & POLLIN)
			control_serve(d);
		nts_process(d, pfd + nts_at, nts_n, now);
		if (d->discipline && clock_tick(&d->clk, now))
			log_msg(LOG_ERR, "cannot set the frequency: %s", strerror(errno));

		if (d->panic)
			return 1;	/* clock_update said why */
		if (d->once && d->synced)
			return 0;
		if (d->once && now - start > ONCE_TIMEOUT) {
			log_msg(LOG_ERR, "-q: no usable server in %.0f s", ONCE_TIMEOUT);
			return 1;
		}
		if (now >= next_leap) {
			system_leap(d);		/* the date moves on by itself */
			next_leap = now + 5.0;
		}
		if (nhw && now >= next_hw) {
			hwts_refresh(d, hw, nhw);
			next_hw = now + 1.0;
		}
		if (d->discipline && d->synced && now - last_drift > DRIFT_WRITE_INTERVAL) {
			clock_write_drift(&d->clk);
			last_drift = now;
		}
	}
	log_msg(LOG_NOTICE, "shutting down on a signal");
	return 0;
}

/* @path made absolute against the current directory, in @buf. */
static const char *absolute(const char *path, char *buf, size_t len)
{
	char cwd[2048];

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)) ||
	    (size_t)snprintf(buf, len, "%s/%s", cwd, path) >= len)
		return path;
	return buf;
}

int main(int argc, char **argv)
{
	static struct daemon d;
	const char *pidfile = NULL, *logfile = NULL;
	struct privsep_opts ps = { 0 };
	const char *ctl = DEFAULT_CONTROL;
	bool foreground = false, check = false;
	struct clock_params cp;
	char err[512];
	int opt, debug = 0, ret, ready_fd = -1;

	d.config_path = DEFAULT_CONFIG;
	while ((opt = getopt(argc, argv, "c:ndgqu:Zp:l:s:th")) != -1) {
		switch (opt) {
		case 'c': d.config_path = optarg; break;
		case 'n': foreground = true; break;
		case 'd': debug++; foreground = true; break;
		case 'g': d.allow_big_step = true; break;
		case 'q': d.once = true; foreground = true; break;
		case 'u': ps.user = optarg; break;
		case 'Z': ps.seccomp_log = true; break;
		case 'p': pidfile = optarg; break;
		case 'l': logfile = optarg; break;
		case 's': ctl = optarg; break;
		case 't': check = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(d.config_path, &d.cfg, err, sizeof(err))) {
		fprintf(stderr, "ntpsecd: %s\n", err);
		return 1;
	}
	if (check) {
		/* The keys file is checked too: unreadable, or readable by others. */
		if (d.cfg.keys[0] &&
		    keyring_load(&d.keys, d.cfg.keys, err, sizeof(err))) {
			fprintf(stderr, "ntpsecd: %s\n", err);
			return 1;
		}
		keyring_wipe(&d.keys);
		config_dump(&d.cfg, stdout);
		fprintf(stderr, "ntpsecd: %s: configuration OK\n", d.config_path);
		return 0;
	}
	log_open(foreground, logfile ? logfile : (d.cfg.logfile[0] ? d.cfg.logfile : NULL),
		 debug);
	/*
	 * Fork before the work, so the pid file, the sockets and the clock
	 * are the daemon's; the parent waits for "ready" (or the daemon's
	 * death) and exits with the daemon's start-up status.
	 */
	if (!foreground) {
		static char pid_abs[4096], ctl_abs[4096];

		/* The daemon lives in /: relative paths given here stay valid. */
		pidfile = absolute(pidfile, pid_abs, sizeof(pid_abs));
		ctl = absolute(ctl, ctl_abs, sizeof(ctl_abs));
		ready_fd = daemonize_start();
		if (ready_fd < 0) {
			log_msg(LOG_ERR, "cannot become a daemon: %s", strerror(errno));
			return 1;
		}
	}
	log_msg(LOG_NOTICE, "ntpsecd %s starting%s", PACKAGE_VERSION,
		foreground ? " in the foreground" : " as a daemon");
	if (pidfile) {
		ret = pidfile_write(pidfile);
		if (ret == -EEXIST) {
			log_msg(LOG_ERR, "%s names a running ntpsecd: not starting a second one",
				pidfile);
			return 1;
		}
		if (ret)
			log_msg(LOG_WARNING, "cannot write %s: %s", pidfile, strerror(-ret));
	}
	apply_params(&d);
	d.kstatus_synced = d.kstatus_arm = -2;
	system_load_leapfile(&d);
	if (load_keys(&d, &d.keys))
		return 1;
	d.srv.acl = &d.acl;
	d.srv.keys = &d.keys;
	d.srv.fd[0] = d.srv.fd[1] = -1;
	mode6_init(&d);
	statsfiles_configure(&d.stats, &d.cfg);
	if (!d.once && server_open(&d.srv, CONFIG_NTP_PORT, err, sizeof(err))) {
		log_msg(LOG_ERR, "%s", err);
		return 1;
	}
	if (!d.once && (start_kernel(&d) || system_apply_limits(&d)))
		return 1;
	cp = (struct clock_params){
		.step_threshold = d.cfg.tinker.step_ns / 1e9,
		.panic_threshold = d.cfg.tinker.panic_ns / 1e9,
		.allow_first_panic = d.allow_big_step,
		.driftfile = d.cfg.driftfile[0] ? d.cfg.driftfile : NULL,
	};
	if (d.discipline)
		clock_init(&d.clk, &cp, NULL, mono_now());
	else
		d.clk.p = cp;
	d.syspeer = -1;
	assoc_start(&d, mono_now());
	if (!d.once && control_open(&d, ctl))
		return 1;
	if (privsep_enter(&ps))
		return 1;
	/* After -u: the cookie key file is the daemon user's own. */
	if (!d.once && nts_start(&d))
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	system_push_state(&d);
	daemonize_done(ready_fd, 0);
	log_msg(LOG_INFO, "ready: %d associations, control socket %s", d.npeers,
		d.once ? "none (-q)" : ctl);

	ret = run(&d);

	if (d.discipline) {
		clock_finish(&d.clk, mono_now(), d.once);
		if (d.synced)
			clock_write_drift(&d.clk);
	}
	assoc_stop(&d);
	control_close(&d);
	nts_stop(&d);
	statsfiles_close(&d.stats);
	server_close(&d.srv);	/* closing the sockets detaches them */
	keyring_wipe(&d.keys);
	if (pidfile)
		unlink(pidfile);
	log_msg(LOG_NOTICE, "stopped: sockets closed, clock left at %.3f ppm",
		d.clk.freq_ppm);
	return ret;
}

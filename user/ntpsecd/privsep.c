// SPDX-License-Identifier: BSD-2-Clause
/*
 * Privilege separation of ntpsecd: see privsep.h.
 *
 * Order matters.  The bounding set is trimmed while we still hold
 * CAP_SETPCAP; PR_SET_KEEPCAPS lets the permitted set survive setuid();
 * capset() then keeps the three capabilities; NO_NEW_PRIVS both forbids
 * gaining privileges through exec and lets an unprivileged process install
 * a seccomp filter; the filter comes last, so the calls above need not be
 * on its list.
 */

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "log.h"
#include "privsep.h"

/* All three are below 32: they fit the first word of capset's data. */
#define KEPT_CAPS (1ULL << CAP_SYS_TIME | 1ULL << CAP_NET_BIND_SERVICE | \
		   1ULL << CAP_NET_ADMIN)

/*
 * What the daemon calls after start-up, and why:
 *  - the main loop: poll, the clock (discipline: adjtimex, clock_adjtime,
 *    clock_settime for a step), timers, signals, getrandom (nonces);
 *  - NTP and netlink: socket, bind, connect, send/recv (peers reopen their
 *    sockets on reload; the module is told over generic netlink);
 *  - files on reload and the drift file: openat, read, write, fsync,
 *    rename, unlink, getdents64 for includefile directories;
 *  - the control socket: accept4, and stdio on it;
 *  - resolving names (glibc's resolver and NSS: /etc/hosts, resolv.conf,
 *    UDP/TCP to the name server, and mmap/mprotect when it loads an NSS
 *    module);
 *  - PHC sampling: ioctl (PTP_SYS_OFFSET*, SIOCETHTOOL, SIOCSHWTSTAMP);
 *  - malloc, OpenSSL and stdio: brk, mmap, munmap, mremap, madvise, futex;
 *  - what the rest of the daemon needs (NTS over TLS with an event loop,
 *    cookie keys and statistics files written 0600 and linked): epoll,
 *    timerfd, pipe2, dup, fchmod, ftruncate, mkdir, symlink;
 *  - threads, for glibc's getaddrinfo_a (dns.c): clone only with
 *    CLONE_THREAD (clone3, whose flags a filter cannot see, fails with
 *    ENOSYS and glibc falls back to clone), set_robust_list, rseq.
 * Not on it, among others: execve, fork (clone without CLONE_THREAD),
 * ptrace, setuid and the other identity calls, mount, module loading, bpf,
 * kexec.
 */
static const int allowed[] = {
	/* main loop, time, signals */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(clock_getres), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(adjtimex), SCMP_SYS(clock_adjtime), SCMP_SYS(clock_settime),
	SCMP_SYS(settimeofday),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(getrandom), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(uname), SCMP_SYS(sysinfo),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
	/* abort() on a failed assertion still reports itself */
	SCMP_SYS(tgkill), SCMP_SYS(kill),
	/* memory and locks */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	/* threads (clone itself: see filter_install) */
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(sched_yield), SCMP_SYS(prlimit64), SCMP_SYS(getrlimit),
	/* files */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(close), SCMP_SYS(read),
	SCMP_SYS(pread64), SCMP_SYS(readv), SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(stat),
	SCMP_SYS(lstat), SCMP_SYS(statx), SCMP_SYS(fcntl), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(rename), SCMP_SYS(renameat),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(getdents64),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(readlink),
	SCMP_SYS(ioctl), SCMP_SYS(fchmod), SCMP_SYS(ftruncate),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(symlink),
	SCMP_SYS(symlinkat), SCMP_SYS(umask), SCMP_SYS(getcwd),
	SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(pipe2),
	/* event loops */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	SCMP_SYS(sched_yield),
	/* sockets: NTP, netlink, the control socket, DNS, syslog */
	SCMP_SYS(socket), SCMP_SYS(bind), SCMP_SYS(connect), SCMP_SYS(listen),
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
	SCMP_SYS(shutdown),
};

static int filter_install(bool log_only)
{
	scmp_filter_ctx ctx;
	unsigned int i;
	int ret;

	ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		/* A name this architecture lacks (e.g. open on arm64) is skipped. */
		if (allowed[i] < 0)
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
		if (ret)
			goto out;
	}
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
				       CLONE_THREAD)) ?:
	      seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (ret)
		goto out;
	ret = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return ret;
}

/* Resolves "USER[:GROUP]"; returns 0, or -1 having logged why. */
static int lookup(const char *spec, uid_t *uid, gid_t *gid)
{
	char user[64], *group;
	struct passwd *pw;
	struct group *gr;

	if (snprintf(user, sizeof(user), "%s", spec) >= (int)sizeof(user)) {
		log_msg(LOG_ERR, "-u %s: name too long", spec);
		return -1;
	}
	group = strchr(user, ':');
	if (group)
		*group++ = 0;
	pw = getpwnam(user);
	if (!pw) {
		log_msg(LOG_ERR, "-u: no user %s", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		gr = getgrnam(group);
		if (!gr) {
			log_msg(LOG_ERR, "-u: no group %s", group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

static int trim_bounding_set(void)
{
	int cap;

	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (KEPT_CAPS & 1ULL << cap)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -1;
	}
	return 0;
}

static int switch_user(const char *spec, uid_t uid, gid_t gid)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	data[0].effective = data[0].permitted = (uint32_t)KEPT_CAPS;
	if (trim_bounding_set() || prctl(PR_SET_KEEPCAPS, 1) ||
	    setgroups(0, NULL) || setgid(gid) || setuid(uid) ||
	    prctl(PR_SET_KEEPCAPS, 0) || syscall(SYS_capset, &hdr, data)) {
		log_msg(LOG_ERR, "-u %s: %s", spec, strerror(errno));
		return -1;
	}
	/* No way back: root must not be reachable again. */
	if (uid && (setuid(0) == 0 || seteuid(0) == 0)) {
		log_msg(LOG_ERR, "-u %s: could regain root; refusing to run", spec);
		return -1;
	}
	return 0;
}

int privsep_enter(const struct privsep_opts *o)
{
	const char *spec = o->user;
	uid_t uid;
	gid_t gid;
	int ret;

	if (!spec && geteuid() == 0 && getpwnam(PRIVSEP_DEFAULT_USER))
		spec = PRIVSEP_DEFAULT_USER;
	if (spec) {
		if (lookup(spec, &uid, &gid) || switch_user(spec, uid, gid))
			return -1;
		log_msg(LOG_INFO, "running as %s with CAP_SYS_TIME, CAP_NET_BIND_SERVICE, CAP_NET_ADMIN",
			spec);
	} else if (geteuid() == 0) {
		log_msg(LOG_WARNING, "still running as root: no user %s, and no -u USER",
			PRIVSEP_DEFAULT_USER);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		log_msg(LOG_ERR, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	if (o->no_seccomp)
		return 0;
	ret = filter_install(o->seccomp_log);
	if (ret) {
		log_msg(LOG_ERR, "cannot install the seccomp filter: %s",
			strerror(-ret));
		return -1;
	}
	log_msg(LOG_INFO, "seccomp filter installed (%s other system calls)",
		o->seccomp_log ? "logging" : "killed on");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The PTP hardware clock of one device: CLOCK_MONOTONIC_RAW, scaled by a
 * settable frequency offset, plus a settable offset.  The RX and TX paths
 * read it in softirq context, the PTP core from process context.
 */

#include <linux/math64.h>
#include <linux/module.h>
#include <linux/timekeeping.h>

#include "vphc.h"

#define VPHC_MAX_ADJ_PPB	1000000
#define VPHC_SCALED_PPM_UNIT	(65536ULL * 1000000ULL)

static struct vphc_clock *vphc_clock_of(struct ptp_clock_info *info)
{
	return container_of(info, struct vphc_clock, info);
}

/*
 * The clock's time at raw time raw (>= base_raw).  The correction,
 * elapsed * |scaled_ppm| / 2^16 / 10^6, is computed with a 128-bit
 * intermediate product and rounded down, so it neither overflows nor lets
 * the clock step back within a frequency setting.
 */
static u64 vphc_clock_at(const struct vphc_clock *clk, u64 raw)
{
	u64 elapsed = raw - clk->base_raw;
	u64 corr;

	if (!clk->scaled_ppm)
		return clk->base_ns + elapsed;
	corr = mul_u64_u64_div_u64(elapsed, abs(clk->scaled_ppm),
				   VPHC_SCALED_PPM_UNIT);
	if (clk->scaled_ppm > 0)
		return clk->base_ns + elapsed + corr;
	return clk->base_ns + elapsed - corr;
}

/* Caller holds clk->lock. */
static void vphc_clock_rebase(struct vphc_clock *clk)
{
	u64 raw = ktime_get_raw_ns();

	clk->base_ns = vphc_clock_at(clk, raw);
	clk->base_raw = raw;
}

s64 vphc_clock_now(struct vphc_clock *clk)
{
	unsigned long flags;
	u64 ns;

	spin_lock_irqsave(&clk->lock, flags);
	ns = vphc_clock_at(clk, ktime_get_raw_ns());
	spin_unlock_irqrestore(&clk->lock, flags);
	return (s64)ns;
}

static int vphc_gettimex64(struct ptp_clock_info *info, struct timespec64 *ts,
			   struct ptp_system_timestamp *sts)
{
	struct vphc_clock *clk = vphc_clock_of(info);
	unsigned long flags;
	u64 raw, ns;

	spin_lock_irqsave(&clk->lock, flags);
	ptp_read_system_prets(sts);
	raw = ktime_get_raw_ns();
	ptp_read_system_postts(sts);
	ns = vphc_clock_at(clk, raw);
	spin_unlock_irqrestore(&clk->lock, flags);

	*ts = ns_to_timespec64((s64)ns);
	return 0;
}

static int vphc_settime64(struct ptp_clock_info *info,
			  const struct timespec64 *ts)
{
	struct vphc_clock *clk = vphc_clock_of(info);
	unsigned long flags;

	spin_lock_irqsave(&clk->lock, flags);
	clk->base_raw = ktime_get_raw_ns();
	clk->base_ns = (u64)timespec64_to_ns(ts);
	spin_unlock_irqrestore(&clk->lock, flags);
	return 0;
}

static int vphc_adjtime(struct ptp_clock_info *info, s64 delta)
{
	struct vphc_clock *clk = vphc_clock_of(info);
	unsigned long flags;

	spin_lock_irqsave(&clk->lock, flags);
	vphc_clock_rebase(clk);
	clk->base_ns += (u64)delta;
	spin_unlock_irqrestore(&clk->lock, flags);
	return 0;
}

/* The PTP core has checked scaled_ppm against max_adj. */
static int vphc_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	struct vphc_clock *clk = vphc_clock_of(info);
	unsigned long flags;

	spin_lock_irqsave(&clk->lock, flags);
	vphc_clock_rebase(clk);
	clk->scaled_ppm = scaled_ppm;
	spin_unlock_irqrestore(&clk->lock, flags);
	return 0;
}

/* No pins, alarms, periodic outputs or PPS. */
static int vphc_enable(struct ptp_clock_info *info,
		       struct ptp_clock_request *rq, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info vphc_clock_template = {
	.owner		= THIS_MODULE,
	.max_adj	= VPHC_MAX_ADJ_PPB,
	.adjfine	= vphc_adjfine,
	.adjtime	= vphc_adjtime,
	.gettimex64	= vphc_gettimex64,
	.settime64	= vphc_settime64,
	.enable		= vphc_enable,
};

int vphc_clock_init(struct vphc_clock *clk, const char *name)
{
	struct ptp_clock *ptp;

	spin_lock_init(&clk->lock);
	clk->base_raw = ktime_get_raw_ns();
	clk->base_ns = ktime_get_real_ns();
	clk->scaled_ppm = 0;

	/* The PTP core writes into info, so each clock has its own copy. */
	clk->info = vphc_clock_template;
	strscpy(clk->info.name, name, sizeof(clk->info.name));
	ptp = ptp_clock_register(&clk->info, NULL);
	if (IS_ERR(ptp))
		return PTR_ERR(ptp);
	if (!ptp)
		return -EOPNOTSUPP;	/* kernel without PTP clock support */
	clk->ptp = ptp;
	return 0;
}

void vphc_clock_uninit(struct vphc_clock *clk)
{
	ptp_clock_unregister(clk->ptp);
}

int vphc_clock_index(const struct vphc_clock *clk)
{
	return ptp_clock_index(clk->ptp);
}

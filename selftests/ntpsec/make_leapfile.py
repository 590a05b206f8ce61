#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make_leapfile.py - writes a leap-seconds.list (IERS/NIST format) for the
daemon's leap second tests: tzdata's entries, plus one leap second at a
chosen instant, with an expiry and a correct "#h" SHA-1 hash (computed here
independently of the daemon's parser).

  make_leapfile.py --leap-at UNIX [--delete] --expires UNIX [--bad-hash]

--bad-hash writes a hash off by one bit, which the daemon must refuse.
"""

import argparse
import hashlib
import re
import sys
import time

NTP_EPOCH = 2208988800
BASE = [(2272060800, 10), (2287785600, 11), (2303683200, 12), (2335219200, 13),
        (2366755200, 14), (2398291200, 15), (2429913600, 16), (2461449600, 17),
        (2492985600, 18), (2524521600, 19), (2571782400, 20), (2603318400, 21),
        (2634854400, 22), (2698012800, 23), (2776982400, 24), (2840140800, 25),
        (2871676800, 26), (2918937600, 27), (2950473600, 28), (2982009600, 29),
        (3029443200, 30), (3076704000, 31), (3124137600, 32), (3345062400, 33),
        (3439756800, 34), (3550089600, 35), (3644697600, 36), (3692217600, 37)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--leap-at", type=int, required=True)
    ap.add_argument("--delete", action="store_true")
    ap.add_argument("--expires", type=int, required=True)
    ap.add_argument("--bad-hash", action="store_true")
    args = ap.parse_args()

    entries = BASE + [(args.leap_at + NTP_EPOCH, 36 if args.delete else 38)]
    updated = int(time.time()) + NTP_EPOCH
    expires = args.expires + NTP_EPOCH
    lines = ["#\tleap-seconds.list written by make_leapfile.py for a test",
             "#$\t%d" % updated, "#@\t%d" % expires, "#"]
    lines += ["%d\t%d\t# %s" % (t, o, time.strftime("%d %b %Y", time.gmtime(t - NTP_EPOCH)))
              for t, o in entries]
    # The hash covers the digits of "#$", "#@" and the data up to comments.
    h = hashlib.sha1()
    for line in lines:
        if line.startswith("#$") or line.startswith("#@"):
            h.update(re.sub(r"\D", "", line[2:]).encode())
        elif line[:1].isdigit():
            h.update(re.sub(r"\D", "", line.split("#")[0]).encode())
    d = bytearray(h.digest())
    if args.bad_hash:
        d[19] ^= 1
    words = ["%08x" % int.from_bytes(d[i:i + 4], "big") for i in range(0, 20, 4)]
    lines.append("#h\t" + " ".join(words))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

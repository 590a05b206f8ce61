#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""fake_upstream.py - a test-only NTP server whose clock the daemon cannot
touch: CLOCK_MONOTONIC_RAW, scaled by (1 + PPM/1e6) and shifted by OFFSET
from CLOCK_REALTIME at start.  For the daemon's discipline tests, inside
the VM only.

  fake_upstream.py --bind ADDR [--offset S] [--ppm PPM] [--kod]
                   [--spoof] [--stratum N]

--kod answers every request with a RATE kiss-o'-death; --spoof precedes
every reply with one whose origin timestamp is wrong and follows it with a
replay of it, both of which the daemon must drop.
"""

import argparse
import socket
import struct
import time

NTP_EPOCH = 2208988800


def to_ntp(t):
    sec = int(t)
    return ((sec + NTP_EPOCH) & 0xffffffff) << 32 | int((t - sec) * 2**32)


def anchor():
    """CLOCK_REALTIME and CLOCK_MONOTONIC_RAW at one moment.  Read back to
    back they can be a scheduler time slice apart (the fakes start
    together on one vCPU), and that would shift this fake's clock from
    the others' for good: the pair is taken again until the raw reads
    around it are close."""
    best = None
    for _ in range(100):
        r0 = time.clock_gettime(time.CLOCK_MONOTONIC_RAW)
        real = time.clock_gettime(time.CLOCK_REALTIME)
        r1 = time.clock_gettime(time.CLOCK_MONOTONIC_RAW)
        if best is None or r1 - r0 < best[0]:
            best = (r1 - r0, real, (r0 + r1) / 2)
        if r1 - r0 < 20e-6:
            break
    return best[1], best[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", required=True)
    ap.add_argument("--offset", type=float, default=0.0)
    ap.add_argument("--ppm", type=float, default=0.0)
    ap.add_argument("--stratum", type=int, default=1)
    ap.add_argument("--kod", action="store_true")
    ap.add_argument("--spoof", action="store_true")
    args = ap.parse_args()

    base_real, base_raw = anchor()

    def now():
        raw = time.clock_gettime(time.CLOCK_MONOTONIC_RAW) - base_raw
        return base_real + args.offset + raw * (1 + args.ppm / 1e6)

    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind((args.bind, 123))
    while True:
        data, peer = sock.recvfrom(2048)
        rx = now()
        if len(data) < 48 or data[0] & 7 != 3:
            continue
        version = (data[0] >> 3) & 7
        poll = struct.unpack("b", data[2:3])[0]
        org = data[40:48]
        if args.kod:
            reply = struct.pack("!BBbb", 3 << 6 | version << 3 | 4, 0,
                                poll, -20)
            reply += struct.pack("!II", 0, 0) + b"RATE"
            reply += org * 4
            sock.sendto(reply, peer)
            continue
        head = struct.pack("!BBbb", version << 3 | 4, args.stratum,
                           poll, -20)
        head += struct.pack("!II", 16, 16) + b"FAKE"
        head += struct.pack("!Q", to_ntp(rx))
        if args.spoof:
            sock.sendto(head + struct.pack("!Q", 12345) +
                        struct.pack("!QQ", to_ntp(rx), to_ntp(now())), peer)
        reply = head + org + struct.pack("!QQ", to_ntp(rx), to_ntp(now()))
        sock.sendto(reply, peer)
        if args.spoof:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    main()

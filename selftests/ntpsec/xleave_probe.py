#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""xleave_probe.py - an interleaved-mode (RFC 9769) client exchange with
the module, checked packet by packet; one JSON object on stdout.  For the
module's selftests, inside the VM only.

  xleave_probe.py [--version V] ADDR
  xleave_probe.py --once ORIGIN RECEIVE ADDR

1. a basic request (origin and receive zero): reply R1, basic;
2. a request in interleaved form: origin = R1's receive timestamp,
   receive = when R1 arrived, transmit = now: reply R2, basic, as R1 was
   not stamped (a server stamps the replies of clients in interleaved
   mode, which this request shows the client to be);
3. the same form naming R2: reply R3;
4. the same request again (a replay): reply R4;
5. a request whose origin is no receive timestamp of ours: reply R5.

For each reply the object says whether it was interleaved (its origin
echoes the request's receive timestamp) or basic (it echoes the request's
transmit timestamp), and gives the timestamps, in Unix nanoseconds.
With --once, one request with the given origin and receive timestamps (NTP
format, as integers), and that reply alone.
"""

import argparse
import json
import socket
import struct
import time

NTP_EPOCH = 2208988800


def ntp_now():
    ns = time.time_ns()
    sec, rem = divmod(ns, 10**9)
    return ((sec + NTP_EPOCH) << 32) | ((rem << 32) // 10**9)


def ntp_to_ns(t):
    return ((t >> 32) - NTP_EPOCH) * 10**9 + (((t & 0xffffffff) * 10**9) >> 32)


def exchange(sock, addr, version, origin, receive):
    transmit = ntp_now() | 1    # odd: never equal to an even receive
    pkt = struct.pack("!BBbb3I4Q", (version << 3) | 3, 0, 6, -20, 0, 0, 0,
                      0, origin, receive, transmit)
    sock.sendto(pkt, (addr, 123))
    sock.settimeout(2.0)
    while True:
        data = sock.recv(1024)
        arrived = ntp_now()
        if len(data) < 48:
            continue
        org, rec, xmt = struct.unpack("!3Q", data[24:48])
        if org in (transmit, receive):
            break
    if org == receive and receive != 0:
        mode = "interleaved"
    elif org == transmit:
        mode = "basic"
    else:
        mode = "bad"
    return {
        "mode": mode, "len": len(data), "request_len": len(pkt),
        "sent": transmit, "arrived": arrived, "receive": rec, "transmit": xmt,
        "sent_ns": ntp_to_ns(transmit), "arrived_ns": ntp_to_ns(arrived),
        "receive_ns": ntp_to_ns(rec), "transmit_ns": ntp_to_ns(xmt),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", type=int, default=4)
    ap.add_argument("--once", nargs=2, type=int, metavar=("ORIGIN", "RECEIVE"))
    ap.add_argument("addr")
    args = ap.parse_args()
    fam = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_DGRAM)

    if args.once:
        print(json.dumps(exchange(sock, args.addr, args.version, *args.once)))
        return
    r1 = exchange(sock, args.addr, args.version, 0, 0)
    r2 = exchange(sock, args.addr, args.version, r1["receive"], r1["arrived"])
    time.sleep(0.2)     # the stamp is back long before this
    r3 = exchange(sock, args.addr, args.version, r2["receive"], r2["arrived"])
    r4 = exchange(sock, args.addr, args.version, r2["receive"], r2["arrived"])
    r5 = exchange(sock, args.addr, args.version, r2["receive"] ^ 0x100,
                  r2["arrived"])
    print(json.dumps({"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5}))


if __name__ == "__main__":
    main()

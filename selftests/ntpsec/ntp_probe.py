#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ntp_probe.py - sends NTP requests of a chosen shape and reports what came
back, as one JSON object on stdout.  For the module's selftests, inside the
VM only.

  ntp_probe.py [--src ADDR] [--count N] [--rate PPS] [--wait S]
               [--version V] [--mode M] [--key ID:TYPE:HEXSECRET]
               [--mac-id ID] [--bad-mac] [--extra HEX] [--raw HEX]
               [--nts-like] ADDR [PORT]

Every reply is checked against its request: the origin timestamp must echo
the request's transmit timestamp (replies are matched by it), and
reply_len_max <= request_len says no reply was longer than its request.
"""

import argparse
import hashlib
import json
import os
import select
import socket
import struct
import sys
import time

NTP_EPOCH = 2208988800


def digest(keytype, secret, data):
    if keytype == "MD5":
        return hashlib.md5(secret + data).digest()
    if keytype == "SHA1":
        return hashlib.sha1(secret + data).digest()
    # Imported only when needed: it takes a second to load under emulation.
    from cryptography.hazmat.primitives import cmac
    from cryptography.hazmat.primitives.ciphers import algorithms
    c = cmac.CMAC(algorithms.AES((secret + bytes(16))[:16]))
    c.update(data)
    return c.finalize()


def request(args, xmt):
    first = (args.version << 3) | args.mode
    pkt = struct.pack("!BBbb11I", first, 0, 6, -20, *([0] * 10), 0)[:40]
    pkt += struct.pack("!Q", xmt)
    if args.raw:
        return bytes.fromhex(args.raw)
    if args.extra:
        pkt += bytes.fromhex(args.extra)
    if args.key:
        kid, ktype, secret = args.key
        mac = digest(ktype, secret, pkt)
        if args.bad_mac:
            mac = bytes([mac[0] ^ 1]) + mac[1:]
        pkt += struct.pack("!I", args.mac_id or kid) + mac
    return pkt


def parse_key(s):
    kid, ktype, secret = s.split(":")
    return int(kid), ktype.upper(), bytes.fromhex(secret)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("port", nargs="?", type=int, default=123)
    ap.add_argument("--src")
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--wait", type=float, default=1.0)
    ap.add_argument("--version", type=int, default=4)
    ap.add_argument("--mode", type=int, default=3)
    ap.add_argument("--key", type=parse_key)
    ap.add_argument("--mac-id", type=int)
    ap.add_argument("--bad-mac", action="store_true")
    ap.add_argument("--extra")
    ap.add_argument("--raw")
    args = ap.parse_args()
    if args.count > 100000 or args.rate > 20000:
        sys.exit("ntp_probe: bounded to 100000 requests at 20000/s")

    family = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    if args.src:
        sock.bind((args.src, 0))
    sock.setblocking(False)

    sent = {}
    out = {"sent": 0, "replies": 0, "matched": 0, "kod": 0, "crypto_nak": 0,
           "mac_ok": 0, "mac_bad": 0, "request_len": 0, "reply_len_max": 0,
           "stratum": None, "leap": None, "last_receive": None,
           "last_transmit": None}
    start = time.monotonic()
    # Listen for --wait seconds after the last request went out.
    deadline = start + args.count / args.rate + args.wait

    def receive():
        while True:
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                return
            out["replies"] += 1
            out["reply_len_max"] = max(out["reply_len_max"], len(data))
            if len(data) < 48:
                continue
            org = struct.unpack("!Q", data[24:32])[0]
            if org not in sent:
                continue
            out["matched"] += 1
            out["stratum"] = data[1]
            out["last_receive"] = struct.unpack("!Q", data[32:40])[0]
            out["last_transmit"] = struct.unpack("!Q", data[40:48])[0]
            out["leap"] = data[0] >> 6
            if data[1] == 0 and data[12:16] == b"RATE":
                out["kod"] += 1
            if len(data) == 52 and data[48:52] == bytes(4):
                out["crypto_nak"] += 1
            elif len(data) > 52 and args.key:
                kid, ktype, secret = args.key
                ok = (struct.unpack("!I", data[48:52])[0] == kid and
                      data[52:] == digest(ktype, secret, data[:48]))
                out["mac_ok" if ok else "mac_bad"] += 1

    i = 0
    while i < args.count or time.monotonic() < deadline:
        now = time.monotonic()
        while i < args.count and now >= start + i / args.rate:
            xmt = int.from_bytes(os.urandom(8), "big")
            pkt = request(args, xmt)
            sent[xmt] = True
            out["request_len"] = len(pkt)
            try:
                sock.sendto(pkt, (args.addr, args.port))
            except OSError:
                pass
            i += 1
            if i == args.count:
                deadline = time.monotonic() + args.wait
        out["sent"] = i
        select.select([sock], [], [], 0.005)
        receive()
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()

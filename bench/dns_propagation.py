#!/usr/bin/env python3
"""How soon a new name answers from ordo-dns (bench/dns.sh's first line).

For each of SAMPLES Services fresh-1, fresh-2, ...: applies it with ordoctl,
and from the moment ordoctl returns (the create acknowledged) asks ordo-dns
for fresh-N.default.svc.cluster.local A over UDP, back to back from this one
process, until the answer carries the Service's address. Prints each
sample's microseconds, one a line. One query costs tens of microseconds
here, where a dig process costs ~30 ms: polling with dig measured dig.

usage: dns_propagation.py ORDOCTL API_SERVER DNS_PORT SAMPLES
A benchmark's helper, not part of ordo.
"""
import os
import socket
import struct
import subprocess
import sys
import time


def query(name, qid):
    header = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return header + labels + b"\0" + struct.pack(">HH", 1, 1)


def answered(sock, qid, ip):
    """Whether the reply to query `qid` holds `ip` (the A record's RDATA ends
    the packet: one answer, no additional records). Replies to earlier
    queries that timed out are read past."""
    while True:
        try:
            reply = sock.recv(4096)
        except socket.timeout:
            return False
        if len(reply) >= 12 and struct.unpack(">H", reply[:2])[0] == qid:
            return struct.unpack(">H", reply[6:8])[0] > 0 and reply.endswith(socket.inet_aton(ip))


def main():
    ordoctl, server, port, samples = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    sock.settimeout(0.05)
    env = dict(os.environ, ORDO_SERVER=server)
    qid = 0
    for i in range(1, samples + 1):
        ip = f"10.96.200.{i}"
        manifest = (f"{{apiVersion: v1, kind: Service, metadata: {{name: fresh-{i}, namespace: default}}, "
                    f"spec: {{clusterIP: {ip}, ports: [{{name: http, port: 80}}]}}}}")
        subprocess.run([ordoctl, "apply", "-f", "-"], input=manifest.encode(), env=env,
                       stdout=subprocess.DEVNULL, check=True)
        created = time.monotonic()
        name = f"fresh-{i}.default.svc.cluster.local"
        while True:
            if time.monotonic() - created > 10:
                sys.exit(f"fresh-{i} never answered")
            qid = (qid + 1) & 0xFFFF
            sock.send(query(name, qid))
            if answered(sock, qid, ip):
                break
        print(int((time.monotonic() - created) * 1e6), flush=True)


if __name__ == "__main__":
    main()

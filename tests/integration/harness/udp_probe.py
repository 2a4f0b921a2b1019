#!/usr/bin/env python3
"""UDP probe for the NAT tests (stdlib only).
  udp_probe.py listen PORT[,PORT...] SECONDS   print "from IP:PORT to PORT" per datagram,
                                               then "done" (bound to 0.0.0.0)
  udp_probe.py send LOCALPORT IP:PORT[,IP:PORT...] [COUNT]
                                               COUNT datagrams to each, 50 ms apart, all
                                               from the same local port"""
import select, socket, sys, time

if sys.argv[1] == 'listen':
    socks = []
    for port in sys.argv[2].split(','):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(('0.0.0.0', int(port)))
        socks.append(s)
    print('ready', flush=True)
    end = time.time() + float(sys.argv[3])
    while time.time() < end:
        readable, _, _ = select.select(socks, [], [], max(0.0, end - time.time()))
        for s in readable:
            _, src = s.recvfrom(2048)
            print('from %s:%d to %d' % (src[0], src[1], s.getsockname()[1]), flush=True)
    print('done', flush=True)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', int(sys.argv[2])))
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    for _ in range(count):
        for dst in sys.argv[3].split(','):
            ip, port = dst.rsplit(':', 1)
            s.sendto(b'probe', (ip, int(port)))
        time.sleep(0.05)

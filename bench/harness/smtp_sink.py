"""An SMTP sink served by several processes on one listening socket, as a real mail server
serves (pre-fork: whichever process is free accepts the next connection): aiosmtpd's Sink
handler, which accepts every message and keeps nothing, offering PIPELINING as Postfix and
Exim do. One process of aiosmtpd tops out near
a core's worth of messages a second, and a bench must not measure its own mail server.

    python -m bench.harness.smtp_sink PORT [PROCESSES]
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

from aiosmtpd.handlers import Sink
from aiosmtpd.smtp import SMTP

from bench.harness.mail import offer_pipelining

HOSTNAME = "sink.localhost"  # not socket.getfqdn(): no name lookup per connection


class PipeliningSink(Sink):
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return offer_pipelining(responses)


def listen(port: int) -> socket.socket:
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


def serve(sock: socket.socket) -> None:
    """Serve connections accepted on `sock` until SIGTERM."""
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    handler = PipeliningSink()
    loop.run_until_complete(loop.create_server(lambda: SMTP(handler, hostname=HOSTNAME), sock=sock))
    loop.run_forever()


def main(argv: list[str]) -> None:
    port = int(argv[0])
    processes = int(argv[1]) if len(argv) > 1 else os.cpu_count() or 1
    sock = listen(port)
    children = []
    for _ in range(processes - 1):
        pid = os.fork()
        if pid == 0:
            serve(sock)
            os._exit(0)
        children.append(pid)
    try:
        serve(sock)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main(sys.argv[1:])

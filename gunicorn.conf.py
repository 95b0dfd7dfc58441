"""Pedidose's production server: gunicorn's settings, read by gunicorn from
the directory it is started in (the repository root), as README.md's "In
production" command does.

- Workers: 2 processes of gevent workers. A sync worker is held by a client
  that sends its headers slowly: 2 such clients left every other request
  unanswered. A gevent worker holds each connection in a greenlet that costs
  nothing while it waits: normal requests are served while 200 slow
  connections are held (gthread with 32 threads per worker: none served).
- No keep-alive, and a connection is accepted only once its request has
  begun to arrive (TCP_DEFER_ACCEPT): a gevent worker otherwise takes on
  connections it cannot serve yet while the other worker idles, and serves
  those it keeps alive unfairly (one worker, 8 wrk connections: p99 1.7 s
  with keep-alive, 77 ms without; sync 43 ms). `python -m bench` measures
  the throughput and p99 under this file.
- Limits: the app's own 4,096-byte query limit must be met before the
  server's request line limit (4,094 bytes by default), so the app answers
  with its own page and headers. The request line and each header may be
  8,190 bytes (gunicorn's largest bounded value); past that, with more than
  100 headers, or for a request it cannot parse, the server answers itself,
  and `GeventWorkerWithHeaders` gives that answer the app's security headers
  and a charset too.
- No control socket: nothing manages the server at run time but signals,
  and two servers on one machine do not share its default path.
- Start-up: `on_starting` builds the app once in the master, so a faulty
  regimens.toml, growth table or PEDIDOSE_TIMEZONE stops the server with
  only its `file:line: field: message` lines and exit status 1, before any
  worker boots.
"""

from __future__ import annotations

import socket
import sys

from gunicorn import util
from gunicorn.workers.ggevent import GeventWorker

from app import START_UP_FAULTS, create_app
from app.security import HEADERS

workers = 2
worker_connections = 1000
keepalive = 0
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 100
control_socket_disable = True


class _Captured:
    """Stands in for the client's socket while gunicorn writes its own error
    page, so that its status line can be kept and the page replaced."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


class GeventWorkerWithHeaders(GeventWorker):
    """gunicorn's gevent worker, whose own error answers (414, 431, 400 for a
    request it cannot parse, ...) carry the app's security headers and a
    charset like every answer of the app, and which closes each connection
    as the sync worker does (RFC 9112 section 9.6: FIN first, then what the
    client still sends is read and dropped, 64 KiB or 2 s at most). A bare
    close with a refused body still unread (the app's 413) resets the
    connection, and the client may lose the answer."""

    def handle_request(self, listener_name, req, sock, addr) -> None:
        try:
            super().handle_request(listener_name, req, sock, addr)
        except StopIteration:  # gunicorn's sign that the connection is to close
            util.close_graceful(sock)
            raise

    def handle_error(self, req, client, addr, exc) -> None:
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        if not captured.data:
            return
        status = captured.data.split(b"\r\n", 1)[0].split(b" ", 1)[1].decode("latin-1")
        body = (f"<!doctype html>\n<html lang=\"en\"><title>{status}</title>"
                f"<h1>{status}</h1>\n").encode()
        head = [f"HTTP/1.1 {status}", "Connection: close",
                "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}",
                *(f"{name}: {value}" for name, value in HEADERS.items())]
        try:
            util.write_nonblock(client, "\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + body)
        except OSError:
            self.log.debug("Failed to send error message.")
        util.close_graceful(client)


worker_class = GeventWorkerWithHeaders


def when_ready(server) -> None:
    """Let a worker accept a connection only once its request has begun to
    arrive (TCP_DEFER_ACCEPT, Linux only), as a sync worker takes one only
    when free."""
    if not hasattr(socket, "TCP_DEFER_ACCEPT"):
        return
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, 1)


def on_starting(server) -> None:
    """Refuse to start, with the fault's own lines only, when the app cannot
    be built (gunicorn calls this in the master, before any worker)."""
    try:
        create_app()
    except START_UP_FAULTS as fault:
        print(fault, file=sys.stderr, flush=True)
        sys.exit(1)

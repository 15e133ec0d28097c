"""Our WSGI application served over real HTTP on loopback, in a thread, on the test's own
database connection: what a test builds (inside its transaction, rolled back afterwards) is
what the server answers with. One request at a time (a plain WSGIServer), while the test waits
for the answer, so the connection is never used by two threads at once."""

import threading
from contextlib import contextmanager
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@contextmanager
def serving_the_test_database():
    """Yields the base URL (http://127.0.0.1:<port>) of the project's WSGI app."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.inc_thread_sharing()
    # As Django's test client does: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    server = make_server(
        "127.0.0.1", 0, WSGIHandler(), server_class=WSGIServer, handler_class=_QuietHandler
    )

    def serve():
        connections[DEFAULT_DB_ALIAS] = connection
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()

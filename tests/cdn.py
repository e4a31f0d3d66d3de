"""A real HTTP server on 127.0.0.1 standing in for a CDN's purge API, for the purge hook tests."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeCDN:
    """Records every request it gets; answers `status` (200 unless a test changes it)."""

    def __init__(self):
        self.requests = []
        self.status = 200
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                cdn.requests.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "json": json.loads(body) if body else None,
                    }
                )
                self.send_response(cdn.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/purge"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def purged_paths(self):
        """Every path asked for, over all requests."""
        return {path for request in self.requests for path in request["json"]["paths"]}


def closed_port_url():
    """The URL of a port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/purge"


class SilentServer:
    """Accepts connections (the kernel's backlog) but never answers: a hung CDN."""

    def __enter__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/purge"
        return self

    def __exit__(self, *exc):
        self.socket.close()

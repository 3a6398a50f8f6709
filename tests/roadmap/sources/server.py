"""A real HTTP server for the watch tests: ThreadingHTTPServer on a loopback address, port 0.

Routes map a path to the answers it gives in turn (the last one repeats), or to a function of the
request. Every request is recorded with its query, headers and arrival time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)


@dataclass
class Request:
    path: str
    query: dict
    headers: dict
    at: float


class LocalServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict = {}
        self.requests: list[Request] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                parts = urlsplit(self.path)
                request = Request(
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    at=time.monotonic(),
                )
                server.requests.append(request)
                answer = server.answer(request)
                if answer is None:
                    server.release.wait(30)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *answers) -> None:
        """Answer ``path`` with ``answers`` in turn (an Answer, None to hang, or a function)."""
        self.routes[path] = list(answers)

    def answer(self, request: Request) -> Answer | None:
        answers = self.routes.get(request.path)
        if not answers:
            return Answer(404, b"not found")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(request) if callable(answer) else answer

    def hits(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

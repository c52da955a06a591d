"""A small web server on 127.0.0.1 for the article fetcher's tests: http.server in a thread,
serving the pages, redirects and misbehaviours each test sets up, and noting every request."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLE_PAGE = (Path(__file__).parent / "data/article-page.html").read_bytes()


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts
    drip: float = 0.0  # seconds between bytes of the body (a server that never quite stops)


class ArticleServer:
    """`page(path, …)` and `redirect(path, to)` set what a path answers; `url(path)` is its
    address; `requests` holds (path, headers) of every request received."""

    def __init__(self, host: str = "127.0.0.1"):
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer((host, 0), self._handler())
        self.httpd.daemon_threads = True
        self.host = host
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.httpd.server_port}{path}"

    def page(self, path, body, content_type="text/html; charset=utf-8", **answer) -> str:
        body = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type else {}
        self.answers[path] = Answer(
            body, headers={**headers, **answer.pop("headers", {})}, **answer
        )
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302, headers=None) -> str:
        self.answers[path] = Answer(status=status, headers={"Location": to, **(headers or {})})
        return self.url(path)

    def paths_asked(self) -> list[str]:
        return [path for path, _ in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers.items())))
                answer = server.answers.get(self.path, Answer(b"not here", status=404))
                if server.stopping.wait(answer.delay):
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if not answer.drip:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                try:
                    self._write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher stopped reading: what the test is about

            def _write(self, answer: Answer) -> None:
                if not answer.drip:
                    for start in range(0, len(answer.body), 64 * 1024):
                        self.wfile.write(answer.body[start : start + 64 * 1024])
                    return
                for byte in answer.body:
                    if server.stopping.wait(answer.drip):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def log_message(self, format, *args):  # noqa: A002 (http.server's name)
                pass  # quiet test output

        return Handler

"""The benchmark's load generators against a real HTTP server on 127.0.0.1: both count only
200 answers as served, so a sign-in redirect can never pass for a fast dashboard."""

import http.server
import threading

import pytest

from network_crm.bench import load


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - the http.server API
        status, body = (200, b"ok") if self.path == "/ok" else (302, b"")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 302:
            self.send_header("Location", "/accounts/login/")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


GENERATORS = [
    pytest.param(load.run, id="python"),
    pytest.param(
        load.run_wrk, id="wrk",
        marks=pytest.mark.skipif(not load.wrk_available(), reason="wrk is not installed"),
    ),
]


@pytest.mark.parametrize("generate", GENERATORS)
def test_answers_of_200_count_as_served(generate, port):
    figures = generate(port, "/ok", "sessionid=x", 1, 2)
    assert figures["requests"] > 0
    assert figures["errors"] == 0
    assert figures["rps"] > 0 and figures["p95_ms"] >= figures["p50_ms"] > 0


@pytest.mark.parametrize("generate", GENERATORS)
def test_redirects_count_as_errors_not_as_served(generate, port):
    figures = generate(port, "/dashboard", "sessionid=x", 1, 2)
    assert figures["requests"] == 0
    assert figures["errors"] > 0

"""Helpers for the review tests: a corpus with a hostile report, built, and `kg review` serving it.

The hostile report (tests/review/999_hostile.txt, CRLF line ends) holds a <script> element and
names whose quotes would break an attribute (`"><b onmouseover='alert(2)'>先锋”行动`): the
extractor makes entities of them, so they reach every page as labels and as report text.
"""
from __future__ import annotations

import http.client
import json
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "review" / "999_hostile.txt"


def make_corpus(folder: Path) -> Path:
    """corpus/ and the hostile report, copied into folder/corpus."""
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    shutil.copy(HOSTILE, corpus / HOSTILE.name)
    return corpus


@contextmanager
def serving(out: Path, corpus: Path, curation: Path, **kw):
    """`kg review`'s server on a free port of 127.0.0.1, in a thread, for the block."""
    from kg.review.server import make_server

    server = make_server(out, corpus, curation, port=0, **kw)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def request(server, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            host: str | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request to the server, with the Host header given (default
    the server's own, 127.0.0.1:PORT; "" sends none)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.app.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        host = f"127.0.0.1:{server.app.port}" if host is None else host
        if host:
            conn.putheader("Host", host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def post_action(server, action: dict, token: str | None = None, **kw) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Review-Token"] = token
    headers.update(kw.pop("headers", {}))
    status, _, body = request(server, "POST", "/api/action", json.dumps(action, ensure_ascii=False).encode(),
                              headers, **kw)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"text": body.decode()}

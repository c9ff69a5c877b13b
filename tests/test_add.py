"""`kg add` on the real reports: all or nothing, never a truncated or hidden report, never a wider mode,
each report with its own sidecar; URLs from a loopback server that drips, overflows or stops short."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import read
from kg.add import TEMP_PREFIX
from kg.cli import main

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REAL = sorted(CORPUS.glob("*.txt"))
WAIT = 60  # seconds: the most any wait here may take (a bound, never a measurement)


@pytest.fixture
def corpus(tmp_path) -> Path:
    """Two real reports; the others stay outside as sources."""
    c = tmp_path / "corpus"
    c.mkdir()
    for p in REAL[:2]:
        shutil.copy(p, c / p.name)
    return c


@pytest.fixture
def src(tmp_path) -> Path:
    s = tmp_path / "src"
    s.mkdir()
    for p in REAL[2:]:
        shutil.copy(p, s / p.name)
    return s


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _add(*args: str):
    return CliRunner().invoke(main, ["add", *args, "--no-build"])


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under FOLDER, hidden ones too, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_line_error(res, code: int) -> str:
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    lines = [ln for ln in res.output.splitlines() if ln.startswith("Error: ")]
    assert len(lines) == 1, res.output
    return lines[0]


# ---------------------------------------------------------------------------
# a loopback HTTP server whose routes the tests set

class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.routes = {}
    srv.url = lambda path: f"http://127.0.0.1:{srv.server_address[1]}{path}"
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _send(body: bytes, length: int | None = None):
    def route(h):
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        if length is not None:
            h.send_header("Content-Length", str(length))
        h.end_headers()
        h.wfile.write(body)
    return route


# ---------------------------------------------------------------------------
# 3. modes

def test_add_never_widens_a_mode(corpus, src, tmp_path, server, umask022):
    secret = src / REAL[2].name
    secret.chmod(0o600)
    group = tmp_path / "group.txt"
    shutil.copy(REAL[3], group)
    group.chmod(0o640)
    link = src / "link.txt"
    link.symlink_to(group)
    server.routes["/web.txt"] = _send(REAL[4].read_bytes())
    res = _add(str(secret), str(link), server.url("/web.txt"), "--corpus", str(corpus), "--meta", "county=盐亭县")
    assert res.exit_code == 0, res.output
    mode = {p.name: p.stat().st_mode & 0o7777 for p in corpus.iterdir()}
    assert mode[secret.name] == mode[secret.name + ".meta.json"] == 0o600  # the sidecar is as private
    assert mode["link.txt"] == mode["link.txt.meta.json"] == 0o640  # the linked file's mode
    assert not (corpus / "link.txt").is_symlink()
    assert mode["web.txt"] == 0o644  # a download: the umask's default
    os.umask(0o077)  # the umask narrows further, never widens
    other = tmp_path / "wide.txt"
    other.write_bytes(REAL[4].read_bytes() + "\n补充。".encode())
    other.chmod(0o666)
    assert _add(str(other), "--corpus", str(corpus)).exit_code == 0
    assert (corpus / "wide.txt").stat().st_mode & 0o777 == 0o600


# ---------------------------------------------------------------------------
# 5. sidecars that share a stem

def test_add_next_to_a_report_with_a_stem_sidecar_keeps_both_metadata(corpus, src):
    (corpus / "r.html").write_bytes(REAL[0].read_bytes().replace("。".encode(), "；".encode(), 1))
    stem_side = json.dumps({"county": "盐亭县", "url": "http://example.org/r.html"}).encode()
    (corpus / "r.meta.json").write_bytes(stem_side)
    new = src / "r.txt"
    shutil.copy(REAL[3], new)
    res = _add(str(new), "--corpus", str(corpus), "--meta", "county=天镇县")
    assert res.exit_code == 0, res.output
    assert (corpus / "r.meta.json").read_bytes() == stem_side  # not overwritten
    assert not (corpus / "r.txt").exists()  # r.txt would make r.meta.json ambiguous
    added = read.read_report(corpus / "r-1.txt", corpus)
    assert added.meta == {"county": "天镇县"} and added.warnings == []
    assert json.loads((corpus / "r-1.txt.meta.json").read_text(encoding="utf-8")) == {"county": "天镇县"}
    page = read.read_report(corpus / "r.html", corpus)
    assert page.meta["url"] == "http://example.org/r.html" and page.meta["county"] == "盐亭县"


def test_sidecar_naming_rule(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    text = REAL[0].read_bytes()
    (c / "a.txt").write_bytes(text)
    (c / "a.meta.json").write_text('{"county": "盐亭县"}', encoding="utf-8")  # STEM, one report: honoured
    (c / "b.txt").write_bytes(text)
    (c / "b.md").write_bytes(text)
    (c / "b.meta.json").write_text('{"county": "盐亭县"}', encoding="utf-8")  # STEM, two reports: ignored
    (c / "b.md.meta.json").write_text('{"county": "天镇县"}', encoding="utf-8")  # NAME: always b.md's
    (c / "d.txt").write_bytes(text)
    (c / "d.txt.html").write_bytes(b"<p>" + text + b"</p>")
    (c / "d.txt.meta.json").write_text('{"county": "天镇县"}', encoding="utf-8")  # d.txt's, not d.txt.html's
    got = {s.name: s for s in (read.read_report(p, c) for p in read.find_reports(c))}
    assert got["a.txt"].meta == {"county": "盐亭县"} and got["a.txt"].warnings == []
    assert got["b.md"].meta == {"county": "天镇县"} and got["b.md"].warnings == []
    assert got["b.txt"].meta == {}
    assert got["b.txt"].warnings == ["corpus/b.txt: warning: sidecar b.meta.json ignored: 2 reports share the "
                                     "stem 'b' (name it b.txt.meta.json)"]
    assert got["d.txt"].meta == {"county": "天镇县"}
    assert "county" not in got["d.txt.html"].meta and got["d.txt.html"].warnings == []
    # the digest covers exactly the sidecar that is used
    for name, s in got.items():
        assert read.file_digest(c / name) == s.digest


# ---------------------------------------------------------------------------
# 6. killed mid-copy

def test_add_killed_mid_download_leaves_no_report_and_a_retry_adds_one(corpus, server, tmp_path):
    body = REAL[2].read_bytes() * 200  # about a megabyte, so half of it is on disk when the kill comes
    half = len(body) // 2
    sent, release = threading.Event(), threading.Event()
    calls = []

    def slow(h):
        calls.append(1)
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if len(calls) == 1:
            h.wfile.write(body[:half])
            h.wfile.flush()
            sent.set()
            release.wait(WAIT)
        h.wfile.write(body[half:] if len(calls) == 1 else body)

    server.routes["/slow.txt"] = slow
    before = read.find_reports(corpus)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "add", server.url("/slow.txt"), "--corpus",
                             str(corpus), "--no-build"], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert sent.wait(WAIT), "the add never asked for the URL"
        deadline = time.monotonic() + WAIT
        while not any(p.stat().st_size > 0 for p in corpus.glob(TEMP_PREFIX + "*")):
            assert time.monotonic() < deadline and proc.poll() is None, "no partial copy appeared"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(WAIT)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    partial = [p for p in corpus.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert partial and all(p.stat().st_size < len(body) for p in partial)  # it was killed mid-copy
    assert read.find_reports(corpus) == before  # and a build sees nothing of it
    res = _add(server.url("/slow.txt"), "--corpus", str(corpus))
    assert res.exit_code == 0, res.output
    assert (corpus / "slow.txt").read_bytes() == body
    assert len(read.find_reports(corpus)) == len(before) + 1
    assert not [p for p in corpus.iterdir() if p.name.startswith(TEMP_PREFIX)]  # the dead one's leftovers go
    again = _add(server.url("/slow.txt"), "--corpus", str(corpus))
    assert again.exit_code == 0 and "already in the corpus as corpus/slow.txt; not added" in again.output
    assert len(read.find_reports(corpus)) == len(before) + 1


# ---------------------------------------------------------------------------
# 7. bad source sidecars and --meta: nothing is added

@pytest.mark.parametrize("data, reason", [
    (b'{"county": "x",', "invalid JSON: Expecting property name enclosed in double quotes (line 1)"),
    ('{"title": "报告"}'.encode("gbk"), "not UTF-8"),
    (b"[1, 2]", "expected a JSON object, got list"),
    (b'{"county": 1}', "'county' must be a string, not int"),
], ids=["json", "utf8", "array", "type"])
def test_bad_source_sidecar_adds_nothing(corpus, src, data, reason):
    good, bad = sorted(src.iterdir())[:2]
    (src / (bad.name + ".meta.json")).write_bytes(data)
    before = _tree(corpus)
    res = _add(str(good), str(bad), "--corpus", str(corpus))
    line = _one_line_error(res, 2)
    assert line == f"Error: {bad}: bad sidecar {bad.name}.meta.json: {reason}"
    assert _tree(corpus) == before


def test_bad_meta_or_a_failed_url_adds_nothing(corpus, src, server):
    good = sorted(src.iterdir())[0]
    before = _tree(corpus)
    assert "expected KEY=VALUE" in _one_line_error(_add(str(good), "--corpus", str(corpus), "--meta", "x=1"), 2)
    line = _one_line_error(_add(str(good), server.url("/missing.txt"), "--corpus", str(corpus)), 1)
    assert line == f"Error: {server.url('/missing.txt')}: cannot fetch: HTTP 404 Not Found"
    assert _tree(corpus) == before  # the good file before it was not added either


# ---------------------------------------------------------------------------
# 13. URLs that drip, overflow, stop short or name hidden or outside files

def test_url_that_drips_ends_at_the_deadline(corpus, server, tmp_path):
    stop = threading.Event()

    def drip(h):
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        while not stop.wait(0.2):  # each byte comes well inside any per-read timeout
            h.wfile.write(b"x")
            h.wfile.flush()

    server.routes["/drip.txt"] = drip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run([sys.executable, "-m", "kg.cli", "add", server.url("/drip.txt"), "--corpus",
                               str(corpus), "--no-build", "--fetch-timeout", "2"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=WAIT)
    finally:
        stop.set()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"Error: {server.url('/drip.txt')}: cannot fetch: not fetched whole within 2 s" in done.stderr
    assert sorted(p.name for p in corpus.iterdir()) == [p.name for p in REAL[:2]]  # no partial copy left


def test_url_over_the_size_limit_is_refused(corpus, server):
    chunk = b"x" * (1 << 20)

    def endless(h):  # no Content-Length: only counting stops it
        h.send_response(200)
        h.end_headers()
        for _ in range(read.MAX_BYTES // len(chunk) + 2):
            h.wfile.write(chunk)

    server.routes["/big.txt"] = endless
    server.routes["/declared.txt"] = _send(b"", length=read.MAX_BYTES + 1)
    before = _tree(corpus)
    line = _one_line_error(_add(server.url("/big.txt"), "--corpus", str(corpus)), 1)
    assert line.endswith(f"cannot fetch: too large: over {read.MAX_BYTES} bytes (the reader's limit)")
    line = _one_line_error(_add(server.url("/declared.txt"), "--corpus", str(corpus)), 1)
    assert line.endswith(f"cannot fetch: too large: {read.MAX_BYTES + 1} bytes (limit {read.MAX_BYTES})")
    assert _tree(corpus) == before  # no partial copy left, hidden or not


def test_url_cut_short_is_one_line(corpus, server):
    server.routes["/short.txt"] = _send(REAL[2].read_bytes()[:500], length=1000)
    before = _tree(corpus)
    line = _one_line_error(_add(server.url("/short.txt"), "--corpus", str(corpus)), 1)
    assert line.endswith("cannot fetch: connection closed after 500 of 1000 bytes")
    assert _tree(corpus) == before


def test_url_names_become_visible_names_inside_the_corpus(corpus, server, tmp_path):
    from kg.build import status

    server.routes["/.hidden.txt"] = _send(REAL[2].read_bytes())
    server.routes["/a/..%2F..%2Fevil.txt"] = _send(REAL[3].read_bytes())
    server.routes["/"] = _send(REAL[4].read_bytes())
    res = _add(server.url("/.hidden.txt"), server.url("/a/..%2F..%2Fevil.txt"), server.url("/"),
               "--corpus", str(corpus))
    assert res.exit_code == 0, res.output
    assert (corpus / "hidden.txt").read_bytes() == REAL[2].read_bytes()
    assert (corpus / "evil.txt").read_bytes() == REAL[3].read_bytes()
    assert (corpus / "report.html").read_bytes() == REAL[4].read_bytes()
    assert not (tmp_path / "evil.txt").exists() and not (corpus.parent.parent / "evil.txt").exists()
    assert sorted(status(corpus, tmp_path / "out").new) == sorted(p.name for p in REAL[:2]) + [
        "evil.txt", "hidden.txt", "report.html"]
    assert json.loads((corpus / "evil.txt.meta.json").read_text(encoding="utf-8")) == {
        "url": server.url("/a/..%2F..%2Fevil.txt")}


# ---------------------------------------------------------------------------
# 16. duplicates, counties, a missing corpus, a bad sidecar at build time

def test_bytes_already_in_the_corpus_are_not_added(corpus, src, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(corpus / REAL[0].name, copy)
    before = _tree(corpus)
    res = _add(str(copy), "--corpus", str(corpus), "--meta", "county=盐亭县")
    assert res.exit_code == 0, res.output
    assert f"{copy}: already in the corpus as corpus/{REAL[0].name}; not added" in res.output
    assert _tree(corpus) == before
    new = sorted(src.iterdir())[0]
    res = _add(str(new), str(new), "--corpus", str(corpus))  # the same file twice in one call
    assert res.exit_code == 0 and "not added" in res.output
    assert len(read.find_reports(corpus)) == 3


def test_unknown_county_names_the_nearest(corpus, src):
    new = sorted(src.iterdir())[0]
    before = _tree(corpus)
    line = _one_line_error(_add(str(new), "--corpus", str(corpus), "--meta", "county=天真县"), 2)
    assert line.startswith("Error: --meta county=天真县: not a county in the division list; nearest: 天镇县 (山西省大同市)")
    line = _one_line_error(_add(str(new), "--corpus", str(corpus), "--meta", "county=朝阳"), 2)
    assert "counties have that short form" in line and "give the full name" in line
    assert _tree(corpus) == before
    assert _add(str(new), "--corpus", str(corpus), "--meta", "county=天镇").exit_code == 0  # a short form


def test_add_into_a_missing_corpus_is_an_error(src, tmp_path):
    missing = tmp_path / "nowhere"
    res = _add(str(sorted(src.iterdir())[0]), "--corpus", str(missing))
    assert res.exit_code == 2 and "corpus folder not found" in res.output
    assert not missing.exists()


def test_report_with_a_bad_sidecar_is_built_without_it_and_warned_about(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    shutil.copy(REAL[1], c / "r.txt")
    (c / "r.txt.meta.json").write_bytes(b'{"county": ["x"]}')
    out = tmp_path / "out"
    warning = ("corpus/r.txt: warning: bad sidecar r.txt.meta.json: 'county' must be a string, not list; "
               "read without it")
    for _ in ("read", "cached"):  # the warning comes back while the sidecar stays bad
        res = CliRunner().invoke(main, ["build", "--corpus", str(c), "--out", str(out), "--no-validate",
                                        "--workers", "1"])
        assert res.exit_code == 0, res.output
        assert warning in res.stderr.splitlines()
        assert "r.txt" in (out / "graph.ttl").read_text(encoding="utf-8")

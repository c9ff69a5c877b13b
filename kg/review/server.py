"""The review server: the standard library's ThreadingHTTPServer on 127.0.0.1, nothing else.

Who may change the graph: only the pages this server made. A token is drawn at start
(`secrets.token_urlsafe`) and written into every page; a change is a POST to /api/action carrying
it in the `X-Review-Token` header, with a JSON body. Another site open in the same browser cannot
send that header without a CORS preflight this server never grants, cannot read the token (the
same-origin policy), and cannot reach the server under another name: every request's Host header
must be 127.0.0.1:PORT or localhost:PORT, which stops DNS rebinding. A POST whose Origin (when
sent) is not this server, or whose token is missing or wrong, gets 403. Pages are served with a
Content Security Policy that allows only this server's own script and style and no framing.

What a change does: one line appended to the curation log through `kg.curation.append` (checked
there: a bad action is a 400 with its one-line reason). The graph changes at the next `kg build`.
"""
from __future__ import annotations

import hmac
import json
import math
import secrets
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kg import curation
from kg.review import pages
from kg.review.data import MERGE_TYPES, ReviewData, entity_href, entity_iri

HOSTS = ("127.0.0.1", "localhost")
TOKEN_HEADER = "X-Review-Token"
MAX_BODY = 64 * 1024
PAGE_SIZE = 100
_STATIC = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class NotLocal(ValueError):
    """`kg review` was asked to listen on something other than this machine's loopback address."""


class ReviewApp:
    """What the handler needs: the data, the curation folder, the token, who signs the actions."""

    def __init__(self, out: Path, corpus: Path, curation_dir: Path, by: str | None = None):
        self.data = ReviewData(out, corpus)
        self.curation = Path(curation_dir)
        self.by = by
        self.token = secrets.token_urlsafe(32)
        self.port = 0
        self.write_lock = threading.Lock()

    def corrections(self) -> tuple[list, str | None]:
        """The curation log as read now, or (what could be read: nothing, the error line)."""
        try:
            return curation.load(self.curation), None
        except curation.CurationError as exc:
            return [], str(exc)


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: ReviewApp, host: str = "127.0.0.1", port: int = 8765):
        if host not in HOSTS:
            raise NotLocal(f"kg review serves on 127.0.0.1 only, not on {host!r}")
        super().__init__(("127.0.0.1", port), Handler)
        self.app = app
        app.port = self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.app.port}/"


class Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "kg-review"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - one line per request is noise here
        pass

    @property
    def app(self) -> ReviewApp:
        return self.server.app

    # ---- checks ------------------------------------------------------------------------------

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        return host in {f"{h}:{self.app.port}" for h in HOSTS}

    def _origin_ok(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        return origin.strip().lower() in {f"http://{h}:{self.app.port}" for h in HOSTS}

    def _token_ok(self) -> bool:
        given = self.headers.get(TOKEN_HEADER)
        return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), self.app.token.encode())

    # ---- answers -----------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: dict) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _page(self, template: str, page: str, title: str, code: int = 200, **context) -> None:
        lines, error = self.app.corrections()
        body = pages.render(template, page=page, title=title, token=self.app.token, curation=str(self.app.curation),
                            corrections=len(lines), curation_error=error, **context)
        self._send(code, body, "text/html; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._page("error.html", "error", f"{status} {HTTPStatus(status).phrase}", code=status, message=message)

    def _refuse(self, status: int, message: str) -> None:
        """A refusal that must not hand out a page (and so the token): plain text."""
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    # ---- routes ------------------------------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if not self._host_ok():
            return self._refuse(403, "forbidden: this server answers only to 127.0.0.1 and localhost")
        try:
            self._get()
        except FileNotFoundError as exc:  # the store went away (OUT deleted under the server)
            self._error(503, str(exc))
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # noqa: BLE001 - one line on stderr and a 500 page, the server goes on
            sys.stderr.write(f"kg review: {self.path}: {type(exc).__name__}: {exc}\n")
            self._error(500, f"{type(exc).__name__}: {exc}")

    def _get(self):
        parts = urlsplit(self.path)
        path, query = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if path == "/":
            return self._overview(query.get("initiative", "").strip())
        if path == "/reports":
            return self._reports(query.get("county", ""))
        if path.startswith("/report/"):
            return self._report(unquote(path[len("/report/"):]), query)
        if path.startswith("/entity/"):
            return self._entity(unquote(path[len("/entity/"):]))
        if path == "/merge":
            return self._merge(query)
        if path == "/curation":
            lines, _ = self.app.corrections()
            return self._page("curation.html", "curation", "Corrections", lines=lines)
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path == "/favicon.ico":
            return self._send(204, b"", "image/x-icon")
        return self._error(404, f"no page at {path}")

    def do_POST(self):
        if not self._host_ok() or not self._origin_ok():
            return self._refuse(403, "forbidden: changes are accepted only from this server's own pages")
        if not self._token_ok():
            return self._refuse(403, "forbidden: missing or wrong review token (reload the page)")
        if urlsplit(self.path).path != "/api/action":
            return self._json(404, {"error": f"no action at {self.path}"})
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            return self._json(415, {"error": "the body must be application/json"})
        try:
            size = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            size = -1
        if not 0 < size <= MAX_BODY:
            return self._json(400, {"error": f"the body must be 1 to {MAX_BODY} bytes"})
        try:
            action = json.loads(self.rfile.read(size).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self._json(400, {"error": "the body is not JSON"})
        if not isinstance(action, dict):
            return self._json(400, {"error": "the body must be a JSON object (one curation action)"})
        if self.app.by and "by" not in action:
            action["by"] = self.app.by
        report = action.get("report")
        if isinstance(report, str) and not any(r["name"] == report for r in self.app.data.reports()):
            return self._json(400, {"error": f"no report {report!r} in this build"})
        try:
            with self.app.write_lock:
                line = curation.append(self.app.curation, action)
        except curation.CurationError as exc:
            return self._json(400, {"error": exc.reason})
        except OSError as exc:
            return self._json(500, {"error": f"cannot write {self.app.curation}: {exc.strerror or exc}"})
        lines, _ = self.app.corrections()
        return self._json(200, {"ok": True, "line": line, "corrections": len(lines),
                                "note": "written; it takes effect at the next kg build"})

    # ---- pages -------------------------------------------------------------------------------

    def _overview(self, initiative: str):
        o = self.app.data.overview()
        svg, why = self.app.data.county_map(initiative[:200])
        self._page("overview.html", "overview", "Overview", o=o, county_map=svg, map_note=why, initiative=initiative)

    def _reports(self, county: str):
        reports = self.app.data.reports()
        if county:
            reports = [r for r in reports if r["county"] == county]
        self._page("reports.html", "reports", "Reports", reports=reports, county=county)

    def _report(self, name: str, query: dict):
        r = self.app.data.report(name)
        if r is None:
            return self._error(404, f"no report {name!r} in this build")
        filters = {k: query.get(k, "") for k in ("relation", "type", "rule")}
        rules = sorted({rule for f in r.facts for rule in f.rules})
        shown = [f for f in r.facts
                 if (not filters["relation"] or f.predicate == filters["relation"])
                 and (not filters["type"] or filters["type"] in (f.subject.type, f.object.type,
                                                                 f.object.label if f.predicate == "type" else None))
                 and (not filters["rule"] or filters["rule"] in f.rules)]
        status = _fact_status(shown, name, self.app.corrections()[0])
        self._page("report.html", "report", name, r=r, facts=shown, shown=len(shown), rules=rules,
                   filters=filters, status=status)

    def _entity(self, local: str):
        iri = entity_iri(local)
        e = self.app.data.entity(iri) if iri is not None else None
        if e is None:
            return self._error(404, f"no entity {local!r} in this build")
        self._page("entity.html", "entity", e["label"], e=e, renamable=curation.format.RENAMABLE,
                   retypes=_retypes(e["types"][0]))

    def _merge(self, query: dict):
        typ = query.get("type", "")
        cands = [c for c in self.app.data.merge_candidates() if not typ or c.type == typ]
        pages_n = max(1, math.ceil(len(cands) / PAGE_SIZE))
        try:
            page_no = min(max(1, int(query.get("page", "1"))), pages_n)
        except ValueError:
            page_no = 1
        first = (page_no - 1) * PAGE_SIZE
        chunk = cands[first:first + PAGE_SIZE]
        sentences = self.app.data.sentences(list(dict.fromkeys(x.iri for c in chunk for x in (c.a, c.b))))
        merged = _merged_pairs(self.app.corrections()[0])
        view = []
        for c in chunk:
            sides = {}
            for side, x in (("a", c.a), ("b", c.b)):
                sides[side] = {"label": x.label, "href": entity_href(x.iri), "reports": x.reports,
                               "sentences": sentences.get(x.iri, [])}
            status = "merge recorded" if (c.type, frozenset((c.a.label, c.b.label))) in merged else ""
            view.append({"type": c.type, "reasons": c.reasons[:3], "status": status, **sides})
        self._page("merge.html", "merge", "Merge list", candidates=view, total=len(cands), pages=pages_n,
                   page_no=page_no, first=first + 1, type=typ, merge_types=MERGE_TYPES)

    def _static(self, name: str):
        if name not in _STATIC:
            return self._error(404, f"no file {name}")
        body = (files("kg.review") / "static" / name).read_bytes()
        self._send(200, body, _STATIC[name])


def _retypes(typ: str) -> list[str]:
    fmt = curation.format
    family = fmt.NAME_TYPES if typ in fmt.NAME_TYPES else fmt.PERSON_TYPES
    return [t for t in family if t != typ]


def _fact_status(facts, report: str, corrections) -> dict[int, str]:
    """Which of the shown facts the curation log accepts or rejects (the last line on it wins)."""
    verdict: dict[tuple, str] = {}
    for c in corrections:
        if c.action in ("accept", "reject") and c.get("report") == report:
            if "predicate" in c.fields:
                key = ("rel", c.get("subject"), c.get("predicate"), c.get("object"))
            else:
                key = ("type", c.get("label"), c.get("type"))
            verdict[key] = "accepted" if c.action == "accept" else "rejected"
    out = {}
    for i, f in enumerate(facts):
        key = (("type", f.subject.label, f.object.label) if f.predicate == "type"
               else ("rel", f.subject.label, f.predicate, f.object.label))
        if key in verdict:
            out[i] = verdict[key]
    return out


def _merged_pairs(corrections) -> set[tuple[str, frozenset]]:
    return {(c.get("type"), frozenset((c.get("keep"), c.get("drop")))) for c in corrections if c.action == "merge"}


def make_server(out: Path, corpus: Path, curation_dir: Path, port: int = 8765, host: str = "127.0.0.1",
                by: str | None = None, warm: bool = True) -> ReviewServer:
    """A server bound to 127.0.0.1:PORT (0: any free port), not yet serving: call serve_forever().
    Raises NotLocal for another host, FileNotFoundError when OUT has no store, OSError when the port
    is taken. `warm` computes the overview and the merge list in the background at once."""
    app = ReviewApp(out, corpus, curation_dir, by)
    server = ReviewServer(app, host, port)
    if warm:
        threading.Thread(target=_warm, args=(app,), daemon=True, name="kg-review-warm").start()
    return server


def _warm(app: ReviewApp) -> None:
    try:
        pages.warm()
        app.data.warm()
    except Exception:  # noqa: BLE001 - a page asked for later computes it again and shows the error
        pass

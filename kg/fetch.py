"""Download one report URL under one deadline and a size cap, streaming into the caller's file.

urllib's `timeout` bounds each socket operation, not the download: a server that sends a byte every
few seconds holds the caller forever. Here the socket's timeout is set, before every read, to what is
left of a single deadline for the whole answer; the answer is cut off as soon as it passes the size
cap (so a huge one is never held), and a short read is an error, not a quietly truncated report.
Every failure is one `FetchError` line.
"""
from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from typing import Callable

CHUNK = 64 * 1024


class FetchError(Exception):
    """A URL that could not be fetched whole; str() is the one-line reason."""


def _connection_classes(socks: list) -> tuple[type, type]:
    """HTTP and HTTPS connections that record their socket once connected (so reads can be bounded)."""

    class Connection(http.client.HTTPConnection):
        def connect(self):
            super().connect()
            socks.append(self.sock)

    class SecureConnection(http.client.HTTPSConnection):
        def connect(self):
            super().connect()
            socks.append(self.sock)

    return Connection, SecureConnection


def _opener(socks: list) -> urllib.request.OpenerDirector:
    plain, secure = _connection_classes(socks)

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(plain, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(secure, req)

    return urllib.request.build_opener(Handler, SecureHandler)


def fetch(url: str, write: Callable[[bytes], object], *, timeout: float, max_bytes: int) -> int:
    """Stream URL's body to WRITE; returns the byte count. Raises FetchError when the whole answer
    does not arrive within TIMEOUT seconds, is over MAX_BYTES, is cut short, or is an HTTP error."""
    end = time.monotonic() + timeout
    socks: list = []
    total = 0
    try:
        with _opener(socks).open(url, timeout=timeout) as resp:
            declared = resp.headers.get("Content-Length", "")
            if declared.strip().isdigit() and int(declared) > max_bytes:
                raise FetchError(f"too large: {int(declared)} bytes (limit {max_bytes})")
            while True:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                for sock in socks[-1:]:
                    sock.settimeout(left)
                chunk = resp.read1(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise FetchError(f"too large: over {max_bytes} bytes (the reader's limit)")
                write(chunk)
            if resp.length:  # the server closed before the Content-Length it announced
                raise FetchError(f"connection closed after {total} of {total + resp.length} bytes")
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError(f"not fetched whole within {timeout:g} s ({total} bytes came)") from None
    except http.client.IncompleteRead:
        raise FetchError(f"connection closed after {total} bytes, in the middle of a chunk") from None
    except urllib.error.HTTPError as e:
        raise FetchError(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(f"not fetched whole within {timeout:g} s ({total} bytes came)") from None
        raise FetchError(" ".join(str(getattr(reason, "strerror", None) or reason).split())) from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise FetchError(f"{type(e).__name__}: {' '.join(str(e).split())}"[:300]) from None
    return total

"""Who may write an output folder: one writer at a time, and only a folder that can be written.

Every process that writes OUT (a build, `kg add`'s rebuild, an update query)
holds an exclusive `flock` on OUT/.cache/build.lock for as long as it writes,
so two builds never write one folder. The lock file holds the holder's pid for
the waiter's message; the lock itself dies with its process (a SIGKILLed build
leaves nothing to clean up). The folder is checked first, so a read-only or
full disk is one line before any work rather than a traceback after it.
"""
from __future__ import annotations

import errno
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

STATE_DIR = ".cache"          # OUT's build state: the manifest, the fact cache, the lock, the stores
LOCK_NAME = "build.lock"
_POLL_S = 0.1
_held: dict[tuple[int, str], int] = {}  # (pid, lock file) this process holds, and how deep: it may lock again


class OutputError(OSError):
    """OUT (or a file in it) cannot be written; str() is one line naming the path and the reason."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"cannot write {path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class OutputBusy(RuntimeError):
    """Another process holds OUT's lock and the wait for it ran out."""


def reason(exc: BaseException) -> str:
    """An OS error's reason in a few words ("No space left on device"), without its file name."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def lock_path(out: Path) -> Path:
    return Path(out) / STATE_DIR / LOCK_NAME


def check_writable(out: Path) -> None:
    """Raise OutputError unless OUT can hold new files: made if missing, and a probe block written
    and synced (a read-only or full file system fails here, before any report is read)."""
    out = Path(out)
    probe = out / STATE_DIR / f".probe-{os.getpid()}"
    try:
        probe.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"\0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(out, reason(exc)) from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        pid = ""
    return f"pid {pid}" if pid.isdigit() else "pid unknown"


@contextmanager
def exclusive(out: Path, wait: float | None = None, on_wait: Callable[[str], None] | None = None):
    """Hold OUT's lock for the block. If another process holds it, call `on_wait` once with a line
    naming it and wait: without end (`wait=None`) or `wait` seconds, then raise OutputBusy.
    Raises OutputError when the lock file cannot be made (OUT not writable)."""
    import fcntl

    path = lock_path(out)
    key = (os.getpid(), os.path.abspath(path))  # a forked child holds nothing
    if _held.get(key):
        _held[key] += 1
        try:
            yield path
        finally:
            _held[key] -= 1
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(path.parent.parent, reason(exc)) from None
    try:
        deadline = None if wait is None else time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise OutputError(path, reason(exc)) from None
            line = f"waiting for the build holding {path} ({_holder(path)})"
            if deadline is not None and time.monotonic() >= deadline:
                raise OutputBusy(f"{path} is held by another build ({_holder(path)}); gave up after {wait:g} s")
            if on_wait is not None and not told:
                on_wait(line)
                told = True
            time.sleep(_POLL_S)
        try:  # the pid, for the next waiter's message (best effort: a full disk must not stop the build)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        _held[key] = 1
        try:
            yield path
        finally:
            _held.pop(key, None)
    finally:
        try:  # unlock explicitly: a forked child that still holds the descriptor must not keep the lock
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

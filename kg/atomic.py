"""Write a file so that a crash never leaves it half-written: temp file in the same folder, fsync, rename.

Inside `together()` the renames wait for the end of the block, so a set of
files (a build's outputs) replaces the old set only when every file of it was
written; on any error no target is touched and the temps are removed.
"""
from __future__ import annotations

import errno
import os
import re
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable

from kg.outdir import OutputError, reason

# errors that say the target cannot be written (rather than that an input is missing)
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO}


def current_umask() -> int:
    """The process's umask (reading it means setting it: 0o077 meanwhile, so nothing made in between is open)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def pid_alive(pid: int) -> bool:
    """Whether process `pid` still runs (True when that cannot be told, so nothing of it is removed)."""
    if pid == os.getpid() or os.name != "posix":  # on Windows os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as another user
        return True
    return True


# ".NAME.PID.xxxxxxxx.tmp": what atomic_path makes (mkstemp's random part is 8 characters)
_TEMP = re.compile(r"\..+\.(\d+)\.[A-Za-z0-9_]{8}\.tmp")
_swept: set[str] = set()


def sweep_again() -> None:
    """Forget which folders this process swept: the next write into each looks for stale temp files
    again (for a long-lived process, such as a notebook or a test, that outlives a killed writer)."""
    _swept.clear()


def _remove_stale(folder: Path) -> None:
    """Delete the temp files that killed writers left in `folder` (their PID no longer runs).

    Once per folder and process: a build writes thousands of cache files into a few hundred folders.
    """
    key = os.path.abspath(folder)
    if key in _swept:
        return
    _swept.add(key)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _TEMP.fullmatch(name)
        if m and not pid_alive(int(m.group(1))):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


class Renames:
    """The renames (and the steps after them) that a `together()` block runs when it succeeds."""

    def __init__(self) -> None:
        self.files: list[tuple[Path, Path]] = []       # (temp, target)
        self._then: list[tuple[Callable[[], object], Callable[[], object]]] = []

    def then(self, commit: Callable[[], object], discard: Callable[[], object]) -> None:
        """Run `commit` after the file renames, or `discard` instead when the block fails."""
        self._then.append((commit, discard))

    def pending(self, target: Path) -> Path:
        """The temp file that holds `target`'s new content until the renames."""
        for tmp, dest in self.files:
            if dest == Path(target):
                return tmp
        raise KeyError(target)

    def commit(self) -> None:
        for _, target in self.files:  # what would stop a rename, found before any rename is made
            if target.is_dir() and not target.is_symlink():
                self.discard()
                raise OutputError(target, os.strerror(errno.EISDIR))
        try:
            for tmp, target in self.files:  # renames need no space: only a kill can cut this short
                os.replace(tmp, target)
        except OSError as exc:
            self.discard(files_only=True)
            raise OutputError(target, reason(exc)) from None
        for commit, _ in self._then:
            commit()

    def discard(self, files_only: bool = False) -> None:
        for tmp, _ in self.files:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        self.files.clear()
        for _, discard in ([] if files_only else self._then):
            discard()


_BATCH: ContextVar[Renames | None] = ContextVar("kg_atomic_renames", default=None)


@contextmanager
def together():
    """Defer the rename of every `atomic_path` write in this block (this thread) to its end, then run
    them all, only if the whole block succeeded; otherwise remove the temps and touch no target.
    A nested block joins the outer one."""
    outer = _BATCH.get()
    if outer is not None:
        yield outer
        return
    batch = Renames()
    token = _BATCH.set(batch)
    try:
        yield batch
    except BaseException:
        _BATCH.reset(token)
        batch.discard()
        raise
    _BATCH.reset(token)
    batch.commit()


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename (at the
    end of the enclosing `together()` block, if any). A failed write raises OutputError naming
    `target` (one line: "cannot write OUT/graph.nq: No space left on device").

    The temp file's name holds this process's id, so the next write of `target` can delete what a
    killed writer left behind.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(target, reason(exc)) from None
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; outputs are for everyone to read
        batch = _BATCH.get()
        if batch is not None:
            batch.files.append((Path(tmp), target))
        else:
            os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, OutputError) and exc.errno in _WRITE_ERRORS:
            raise OutputError(target, reason(exc)) from None
        raise


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)

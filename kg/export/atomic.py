"""Write a file so that a crash never leaves it half-written: temp file in the same folder, fsync, rename."""
from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
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


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; on success it replaces `target` in one rename.

    The temp file's name holds this process's id, so the next write of `target` can delete what a
    killed writer left behind.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        Path(tmp).write_bytes(data)

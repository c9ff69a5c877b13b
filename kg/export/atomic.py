"""Write a file so that a crash never leaves it half-written: temp file in the same folder, fsync, rename."""
from __future__ import annotations

import os
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


def _remove_stale(target: Path) -> None:
    """Delete the temp files a killed writer of `target` left (".NAME.PID.xxxx.tmp" whose PID is gone)."""
    head = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(head) and name.endswith(".tmp"):
            pid = name[len(head):].split(".", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                try:
                    os.unlink(target.parent / name)
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
    _remove_stale(target)
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

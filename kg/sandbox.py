"""Run one function in a child process that has no network and dies with its parent.

The child first enters a new network namespace (Linux `unshare(CLONE_NEWNET)`,
with CLONE_NEWUSER when not root): only a loopback that is down exists there,
so nothing it runs (Oxigraph's SERVICE or LOAD client included) can connect
anywhere, whatever the query check let through. It then asks the kernel to
SIGKILL it when the parent dies (PR_SET_PDEATHSIG), so even a SIGKILLed parent
leaves no orphan at full CPU. The child is a fresh interpreter (not a fork:
a fork of a process that used RocksDB can deadlock on locks of threads that
fork does not copy). The parent kills it on timeout, on Ctrl-C
(KeyboardInterrupt) and on SIGTERM/SIGHUP (raising Stopped: `kg query` then dies of that signal).

Where namespaces cannot be entered (not Linux, or forbidden by the container),
the child runs anyway and says so once on stderr: the caller's check (for
`kg query`, `kg.sparql`) is then the only guard against the network.
"""
from __future__ import annotations

import ctypes
import importlib
import os
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


class CallTimeout(TimeoutError):
    """The function ran longer than its timeout; its process was killed."""


class Stopped(BaseException):
    """A terminating signal (SIGTERM, SIGHUP) arrived while the child ran; it was killed."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


def _libc():
    return ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def isolate() -> str | None:
    """Enter a network namespace of our own; None when done, else why not (call it in a child only)."""
    libc = _libc()
    if libc is None:
        return f"no network namespaces on {sys.platform}"
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if libc.unshare(flags) == 0:
        return None
    err = ctypes.get_errno()
    if flags == CLONE_NEWNET and libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:  # root without CAP_SYS_ADMIN
        return None
    return f"unshare: {os.strerror(err)}"


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent (`parent_pid`, read before) dies (Linux); exit now if it is gone.
    Used by the query child and by the build's pool workers."""
    try:
        libc = _libc()
        if libc is not None:
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc or no prctl to be had: nothing to ask for
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _main() -> None:
    """The child: read (module, function, args) pickled on stdin, answer ("ok", result) or ("err", …) on stdout."""
    parent = os.getppid()
    why = isolate()  # first: a new user namespace clears the death signal, so that is set after it
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the function prints goes to stderr, never into the answer
    if why:
        print(f"kg: warning: cannot cut the query process off the network ({why})", file=sys.stderr)
    try:
        module, name, args = pickle.load(sys.stdin.buffer)
        result = ("ok", getattr(importlib.import_module(module), name)(*args))
    except BaseException as exc:  # the parent re-raises it
        result = ("err", (type(exc).__name__, str(exc)))
    try:
        data = pickle.dumps(result)
    except Exception as exc:
        data = pickle.dumps(("err", (type(exc).__name__, f"cannot send the result back: {exc}")))
    answer.write(data)
    answer.close()


def call(fn, args: tuple = (), timeout: float | None = None):
    """fn(*args) in an isolated child (a fresh `python -m kg.sandbox`, so no lock of this process is inherited).

    `fn` is a module-level function. Returns ("ok", result) or ("err", (type name, message)); raises
    CallTimeout past `timeout` seconds, KeyboardInterrupt on Ctrl-C and Stopped on SIGTERM/SIGHUP,
    always after killing the child."""
    root = str(Path(__file__).resolve().parent.parent)  # where `kg` is, whatever sys.path the caller has
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    request = pickle.dumps((fn.__module__, fn.__qualname__, tuple(args)))
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        def stop(signum, frame):
            raise Stopped(signum)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) == signal.SIG_DFL:
                handlers[sig] = signal.signal(sig, stop)
    proc = None
    try:
        proc = subprocess.Popen([sys.executable, "-m", "kg.sandbox"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=env)
        try:
            out, _ = proc.communicate(request, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CallTimeout(f"ran past {timeout:g} s and was stopped") from None
        if not out:
            return "err", ("ProcessDied", f"the query process died (exit status {proc.returncode})")
        return pickle.loads(out)
    finally:
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for f in (proc.stdin, proc.stdout):
                if f:
                    f.close()
        for sig, old in handlers.items():
            signal.signal(sig, old)


if __name__ == "__main__":
    _main()

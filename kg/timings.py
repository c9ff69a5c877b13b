"""How long each stage of a build took, measured where the stage runs: `kg build --timings`.

The build hands one `Timings` down: to the executors and through them to the work on each report
(read, normalize, the tokenizer and each pipeline component, facts, shard), to the merge, to each
export and to the store. A worker process keeps its own and sends its totals back with its results,
so a per-report stage is the sum over all workers: seconds of work, more than the wall time when
several workers run at once. The parent's stages (find, cache, merge, export.*, store, commit) are
wall time in the parent; the store loads in a thread beside the exporters, so its time overlaps
theirs. Everything defaults to `NO_TIMINGS`, which measures nothing.
"""
from __future__ import annotations

from time import perf_counter
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")

# the order stages are printed in: a stage goes with the first prefix it starts with
ORDER = ("find", "nlp.load", "read", "normalize", "nlp.", "facts", "shard", "cache", "merge", "export.",
         "store", "manifest", "commit", "shacl", "total")
PREFIX = "timings:"


class _Stage:
    __slots__ = ("timings", "name", "start")

    def __init__(self, timings: "Timings", name: str):
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = perf_counter()

    def __exit__(self, *exc) -> None:
        self.timings.add(self.name, perf_counter() - self.start)


class Timings:
    """Seconds and calls per stage name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def __bool__(self) -> bool:
        return True

    def stage(self, name: str) -> _Stage:
        """`with timings.stage("normalize"): ...` adds the block's wall time to the stage."""
        return _Stage(self, name)

    def add(self, name: str, seconds: float, calls: int = 1) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + calls

    def timed(self, name: str, fn: Callable[..., T]) -> Callable[..., T]:
        """`fn`, adding the time of each call to the stage (for work handed to a thread)."""
        def run(*args, **kwargs):
            with self.stage(name):
                return fn(*args, **kwargs)
        return run

    def apart(self, name: str, consume: Callable[[Iterator], T], items: Iterable) -> T:
        """`consume(items)`, adding to the stage its own time, less what producing the items took
        (the merge, not the reading and extraction its items come from)."""
        producing = 0.0
        start = perf_counter()

        def produced():
            nonlocal producing
            it = iter(items)
            while True:
                t = perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    producing += perf_counter() - t
                    return
                producing += perf_counter() - t
                yield item

        result = consume(produced())
        self.add(name, perf_counter() - start - producing)
        return result

    def totals(self) -> dict[str, tuple[float, int]]:
        """{stage: (seconds, calls)}: what a worker sends back, `update` takes."""
        return {k: (v, self.calls[k]) for k, v in self.seconds.items()}

    def update(self, totals: dict[str, tuple[float, int]] | None) -> None:
        for name, (seconds, calls) in (totals or {}).items():
            self.add(name, seconds, calls)

    def clear(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def lines(self) -> list[str]:
        """One line per stage, in pipeline order: `timings: normalize   1.234 s   61`."""
        def rank(item):
            pos, name = item
            return (next((i for i, p in enumerate(ORDER) if name.startswith(p)), len(ORDER)), pos)

        names = [n for _, n in sorted(enumerate(self.seconds), key=rank)]
        width = max((len(n) for n in names), default=0)
        return [f"{PREFIX} {n:<{width}} {self.seconds[n]:10.3f} s {self.calls[n]:7d}" for n in names]


def parse(lines: Iterable[str]) -> dict[str, tuple[float, int]]:
    """{stage: (seconds, calls)} from the lines `kg build --timings` printed (others are passed over)."""
    out = {}
    for line in lines:
        if not line.startswith(PREFIX):
            continue
        head, _, rest = line[len(PREFIX):].rpartition(" s ")
        name, _, seconds = head.strip().rpartition(" ")
        try:
            out[name.strip()] = (float(seconds), int(rest))
        except ValueError:
            continue
    return out


class _NoTimings(Timings):
    """Measures nothing: the default, so that code can time its stages unconditionally."""

    def __bool__(self) -> bool:
        return False

    def stage(self, name: str):
        return _NULL

    def add(self, name: str, seconds: float, calls: int = 1) -> None:
        pass

    def timed(self, name: str, fn: Callable[..., T]) -> Callable[..., T]:
        return fn

    def apart(self, name: str, consume: Callable[[Iterator], T], items: Iterable) -> T:
        return consume(iter(items))


class _Null:
    __slots__ = ()

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        pass


_NULL = _Null()
NO_TIMINGS: Timings = _NoTimings()

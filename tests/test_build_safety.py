"""Issue 12, the build side: one writer per OUT, outputs replaced as one set, readers never see a store
half-swapped, workers die with their parent, an oversized literal skips its report, a full or read-only
OUT is one line, an empty corpus is exit 2.

Everything runs on the real reports of corpus/, copied into tmp_path; kills use real signals and real
processes; a disk that fills up is a real (small) tmpfs where this machine lets root mount one.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg import outdir, store
from kg.query import query
from kg.build import CACHE_DIR, build
from kg.cli import EXIT_TERMINATED, main
from kg.outdir import OutputError

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REAL = sorted(p.name for p in CORPUS.glob("*.txt"))
OUTPUTS = ("graph.ttl", "graph.trig", "graph.nq", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _corpus(dst: Path, names=REAL[:2], copies: int = 0) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / name, dst / name)
    for i in range(copies):  # more reports, each different, so a kill lands while they are read
        name = REAL[i % len(REAL)]
        (dst / f"copy{i:02d}_{name}").write_text((CORPUS / name).read_text(encoding="utf-8") + f"\n第{i}次转载。\n",
                                                 encoding="utf-8")
    return dst


def _dataset(out: Path) -> list[bytes]:
    with store.reading(out) as path:
        return sorted(pyoxigraph.Store.read_only(str(path)).dump(format=pyoxigraph.RdfFormat.N_QUADS).splitlines())


def _snapshot(out: Path) -> dict:
    """Every output's bytes, the manifest and the store's quads: what a build replaces."""
    return {**{n: (out / n).read_bytes() for n in OUTPUTS},
            "manifest": (out / CACHE_DIR / "manifest.json").read_bytes(), "store": _dataset(out)}


def _leftovers(out: Path) -> list[str]:
    """Temp files, and store generations besides the live one."""
    temps = [p.name for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".store")]
    live = (out / "store").resolve()
    gens = [p.name for p in store.generations_dir(out).iterdir() if p.resolve() != live]
    return temps + gens


def _kg(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], env=ENV, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _run_kg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], env=ENV, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def _wait_for(what: str, cond, limit: float = 60):
    """Poll `cond` until it is true (a bounded wait for another process, not a timing assertion)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"{what}: not within {limit} s")


@contextlib.contextmanager
def _tmpfs(path: Path, size_kib: int):
    """A real small file system at `path` (root and mount(8) needed; skipped elsewhere)."""
    path.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(path)],
                         capture_output=True, text=True)
    if res.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


# ---- case 8: a literal over the limit skips its report, the rest build, every output parses --------

def test_a_report_whose_facts_hold_a_literal_over_the_limit_is_skipped_and_the_rest_build(tmp_path, nlp):
    from kg.rdf.shards import MAX_LITERAL_BYTES

    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "out"
    build(corpus, out, nlp=nlp)
    shutil.copy(CORPUS / REAL[2], corpus / "huge.txt")
    title = "标题" * (MAX_LITERAL_BYTES // 6 + 1)  # just over 1 MiB of UTF-8 (2 x 3 bytes a pair)
    (corpus / "huge.meta.json").write_text(json.dumps({"title": title}, ensure_ascii=False), encoding="utf-8")
    res = build(corpus, out, nlp=nlp)
    assert len(res.skipped) == 1 and res.skipped[0].startswith("corpus/huge.txt: skipped: ")
    assert "\n" not in res.skipped[0]
    assert sorted(res.graph.reports) == REAL[:2]
    ds = pyoxigraph.Store()
    ds.bulk_load(path=str(out / "graph.nq"), format=pyoxigraph.RdfFormat.N_QUADS)  # the new outputs parse
    assert len(ds) == len(_dataset(out)) > 100
    assert not any(b"huge.txt" in q for q in _dataset(out))


def test_the_shard_guard_names_the_field_whatever_the_source_of_the_literal(nlp):
    """The guard in the worker does not rely on the reader's own limits: any string of the facts counts."""
    from kg import read
    from kg.process import process_source
    from kg.rdf.shards import MAX_LITERAL_BYTES, oversized, shard_of

    facts = process_source(nlp, read.read_report(CORPUS / REAL[0], CORPUS))
    assert oversized(facts, shard_of(facts)) is None  # a real report is far under the limit
    facts.entities[0].label = "长" * (MAX_LITERAL_BYTES // 3 + 1)
    why = oversized(facts, shard_of(facts))
    assert why is not None and "entities.label" in why and f"{MAX_LITERAL_BYTES:,}" in why


# ---- case 9: one build at a time into one OUT -------------------------------------------------------

def test_a_second_build_waits_for_the_one_holding_out_then_builds(tmp_path):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "out"
    with outdir.exclusive(out):  # this process holds OUT, as a running build does
        proc = _kg("build", "--corpus", str(corpus), "--out", str(out), "--no-validate", "--workers", "1")
        try:
            line = proc.stderr.readline()
            assert line.strip() == f"waiting for the build holding {outdir.lock_path(out)} (pid {os.getpid()})"
            assert proc.poll() is None and not (out / "graph.ttl").exists()  # it waits, writing nothing
        except BaseException:
            proc.kill()
            raise
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and (out / "graph.ttl").is_file()


def test_a_build_that_cannot_get_out_in_time_stops_with_one_line(tmp_path):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "out"
    with outdir.exclusive(out):
        res = _run_kg("build", "--corpus", str(corpus), "--out", str(out), "--lock-timeout", "0")
    assert res.returncode == 1
    assert res.stderr.splitlines() == [f"kg: {outdir.lock_path(out)} is held by another build (pid {os.getpid()}); "
                                       "gave up after 0 s; the previous outputs are unchanged"]
    assert not (out / "graph.ttl").exists()


def test_two_builds_of_different_corpora_into_one_out_leave_outputs_of_one_build(tmp_path):
    """Two real `kg build` processes at once: both succeed, one after the other, and the files, the store
    and the manifest all describe the same corpus (the one built last)."""
    small, big, out = _corpus(tmp_path / "small", REAL[:2]), _corpus(tmp_path / "big", REAL[:4]), tmp_path / "out"
    procs = [_kg("build", "--corpus", str(c), "--out", str(out), "--no-validate", "--workers", "1")
             for c in (small, big)]
    errs = [p.communicate(timeout=180)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errs
    assert sum("waiting for the build holding" in e for e in errs) == 1  # one of them waited for the other
    files = set(json.loads((out / CACHE_DIR / "manifest.json").read_text(encoding="utf-8"))["reports"])
    assert files in (set(REAL[:2]), set(REAL[:4]))
    names = query(out, "SELECT DISTINCT ?f WHERE { ?r <https://w3id.org/county-kg/ontology#fileName> ?f }")[1]
    assert {r[0].value for r in names} == files
    assert all(sum(f.encode() in (out / n).read_bytes() for f in files) == len(files) for n in OUTPUTS)


# ---- case 10: a failed build replaces nothing ------------------------------------------------------

def test_a_failure_at_the_last_writer_replaces_no_output(tmp_path, nlp):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "out"
    build(corpus, out, nlp=nlp)
    before = _snapshot(out)
    shutil.copy(CORPUS / REAL[2], corpus)
    (out / "edges.csv").unlink()
    (out / "edges.csv").mkdir()  # the last file written cannot be replaced: a real EISDIR
    (out / "edges.csv" / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"cannot write .*edges\.csv: Is a directory"):
        build(corpus, out, nlp=nlp)
    del before["edges.csv"]
    after = _snapshot_without(out, "edges.csv")
    assert after == before
    assert _leftovers(out) == []


def _snapshot_without(out: Path, name: str) -> dict:
    snap = {n: (out / n).read_bytes() for n in OUTPUTS if n != name}
    return {**snap, "manifest": (out / CACHE_DIR / "manifest.json").read_bytes(), "store": _dataset(out)}


def _size_kib(folder: Path) -> int:
    """What the files take on a tmpfs: whole 4 KiB pages (hard links counted once)."""
    seen, total = set(), 0
    for p in folder.rglob("*"):
        st = p.lstat()
        if p.is_file() and not p.is_symlink() and st.st_ino not in seen:
            seen.add(st.st_ino)
            total += -(-st.st_size // 4096) * 4
    return total


def test_a_full_disk_during_the_exports_is_one_line_and_replaces_no_output(tmp_path, nlp):
    corpus, ref = _corpus(tmp_path / "corpus", REAL), tmp_path / "ref"
    build(corpus, ref, nlp=nlp)
    outputs_kib = sum(-(-(ref / n).stat().st_size // 4096) * 4 for n in OUTPUTS)
    room = outputs_kib // 2  # room for the changed report's cache entry, not for a second set of outputs
    with _tmpfs(tmp_path / "disk", _size_kib(ref) + room) as disk:
        out = disk / "out"
        shutil.copytree(ref, out, symlinks=True)
        before = _snapshot(out)
        with open(corpus / REAL[0], "a", encoding="utf-8") as fh:
            fh.write("\n盐亭县实施“青苗培育工程”。\n")
        res = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(out), "--no-validate",
                                        "--workers", "1"])
        assert res.exit_code == 1, res.output
        last = res.stderr.splitlines()[-1]
        assert last.startswith(f"kg: cannot write {out}") and "No space left on device" in last, res.stderr
        assert last.endswith("; the previous outputs are unchanged") and "Traceback" not in res.stderr
        assert _snapshot(out) == before
        assert _leftovers(out) == []


# ---- case 11: readers see the old store or the new one, whole --------------------------------------

READER = r"""
import json, sys
from pathlib import Path
from kg.query import query
out, stop, seen, errors = Path(sys.argv[1]), Path(sys.argv[2]), {}, []
print("ready", flush=True)
for i in range(int(sys.argv[3])):
    if stop.exists():
        break
    try:
        n = query(out, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[1][0][0].value
        seen[n] = seen.get(n, 0) + 1
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"seen": seen, "errors": errors}), flush=True)
"""


def _count(out: Path) -> str:
    return query(out, COUNT)[1][0][0].value


def test_a_reader_querying_while_builds_swap_the_store_sees_one_whole_store_each_time(tmp_path, nlp):
    three, four, out = tmp_path / "three", tmp_path / "four", tmp_path / "out"
    _corpus(three, REAL[:3])
    _corpus(four, REAL[:4])
    build(four, tmp_path / "ref", nlp=nlp)
    counts = {_count(tmp_path / "ref")}
    build(three, out, nlp=nlp)
    counts.add(_count(out))
    assert len(counts) == 2
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop), "5000"], env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        for i in range(8):  # each build swaps in a new generation (incremental: one report more or less)
            build(four if i % 2 == 0 else three, out, nlp=nlp)
    finally:
        stop.touch()
    result, err = reader.communicate(timeout=120)
    report = json.loads(result.splitlines()[-1])
    assert report["errors"] == [], report["errors"][:3]
    assert set(report["seen"]) == counts, report  # it saw both stores, each whole
    build(three, out, nlp=nlp)
    assert _leftovers(out) == []  # the generations the reader held are swept once it let go


def test_a_generation_a_reader_holds_outlives_the_swap_and_goes_at_the_next_build(tmp_path, nlp):
    corpus, out = _corpus(tmp_path / "corpus"), tmp_path / "out"
    build(corpus, out, nlp=nlp)
    with store.reading(out) as held:
        shutil.copy(CORPUS / REAL[2], corpus)
        build(corpus, out, nlp=nlp)
        assert (out / "store").resolve() != held
        assert len(pyoxigraph.Store.read_only(str(held))) > 100  # still whole, still the old one
        assert not any(b"/" + REAL[2].encode() in q for q in
                       pyoxigraph.Store.read_only(str(held)).dump(format=pyoxigraph.RdfFormat.N_QUADS).splitlines())
    build(corpus, out, nlp=nlp)
    assert not held.exists() and _leftovers(out) == []


# ---- case 12: pool workers die with the build ------------------------------------------------------

def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="/proc and PR_SET_PDEATHSIG are Linux")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_a_build_mid_extraction_leaves_no_worker_and_the_old_outputs(tmp_path, nlp, sig):
    corpus, out = _corpus(tmp_path / "corpus", REAL[:2]), tmp_path / "out"
    build(corpus, out, nlp=nlp)
    before = _snapshot(out)
    _corpus(corpus, REAL, copies=8)
    proc = _kg("build", "--corpus", str(corpus), "--out", str(out), "--no-validate", "--workers", "2")
    try:
        workers = _wait_for("two pool workers", lambda: (lambda c: c if len(c) >= 2 else None)(_children(proc.pid)))
        assert proc.poll() is None
        os.kill(proc.pid, sig)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    # a worker left alive would also hold the stderr pipe open: look at /proc before reading it
    _wait_for("the workers to end", lambda: not any(_alive(p) for p in workers), limit=10)
    err = proc.stderr.read()
    if sig == signal.SIGTERM:
        assert proc.returncode == EXIT_TERMINATED, err
        assert err.strip().splitlines()[-1] == "kg: stopped by SIGTERM; the previous outputs are unchanged"
        assert "Traceback" not in err
    else:
        assert proc.returncode == -signal.SIGKILL
    assert _snapshot(out) == before


# ---- case 15: a read-only OUT is one line, before any report is read -------------------------------

def test_a_read_only_out_is_one_line_before_any_report_is_read(tmp_path, nlp):
    corpus, ref = _corpus(tmp_path / "corpus"), tmp_path / "ref"
    build(corpus, ref, nlp=nlp)
    (corpus / "empty.txt").write_bytes(b"")  # read first, it would print a skip line: it must not
    with _tmpfs(tmp_path / "disk", _size_kib(ref) + 1024) as disk:
        out = disk / "out"
        shutil.copytree(ref, out, symlinks=True)
        before = _snapshot(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        res = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--out", str(out), "--workers", "1"])
        assert res.exit_code == 1, res.output
        assert res.stderr.splitlines() == [f"kg: cannot write {out}: Read-only file system; "
                                           "the previous outputs are unchanged"]
        assert _snapshot(out) == before


# ---- case 16: a missing or empty corpus is exit 2 for build and status -----------------------------

@pytest.mark.parametrize("command", ["build", "status"])
def test_a_missing_or_empty_corpus_is_a_usage_error(tmp_path, command):
    empty = tmp_path / "empty"
    (empty / ".hidden").mkdir(parents=True)
    (empty / "notes.meta.json").write_text("{}", encoding="utf-8")  # a sidecar is not a report
    out = tmp_path / "out"
    for corpus, says in ((tmp_path / "missing", "corpus folder not found"), (empty, "no reports in")):
        res = CliRunner().invoke(main, [command, "--corpus", str(corpus), "--out", str(out)])
        assert res.exit_code == 2, res.output
        assert says in res.stderr and str(corpus) in res.stderr and "Traceback" not in res.output
    assert not out.exists()  # nothing was made for a corpus with nothing in it

"""The `kg` command: thin wrappers over build, normalize, extract and query; exit codes.

Exit status: 0 all reports built; 3 some reports were skipped (each named on
stderr); 2 bad usage (a missing or empty corpus too); 1 the build itself failed
(OUT not writable, a disk full, another build holding OUT past --lock-timeout),
with one line and the previous outputs unchanged; 143 stopped by SIGTERM (the
workers stopped, the previous outputs unchanged). `kg add` adds all its sources
or none: 2 when a source, its sidecar or --meta is bad, 1 when a URL cannot be
fetched whole or the corpus cannot be written (one line either way).
"""
from __future__ import annotations

import json
import os
import signal
import threading
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from kg.version import __version__
from kg.curation import DEFAULT_FOLDER as CURATION_DEFAULT

EXIT_SKIPPED = 3
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived: unwinds the build like Ctrl-C does (workers killed, temps removed)."""


@contextmanager
def _build_errors():
    """SIGTERM and the build's expected failures as one line and an exit status, not a traceback."""
    from kg.build import EmptyCorpus
    from kg.curation import CurationError
    from kg.outdir import OutputBusy, OutputError

    def on_term(signum, frame):
        raise Terminated()

    def on_unraisable(info):
        """The handler can run inside code whose errors Python ignores (a fork hook while the pool starts a
        worker): then Terminated never unwinds the build, so the signal is delivered again, a moment later."""
        if info.exc_type is Terminated:
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM)).start()
            return
        old_unraisable(info)

    old = signal.signal(signal.SIGTERM, on_term)
    old_unraisable, sys.unraisablehook = sys.unraisablehook, on_unraisable
    try:
        yield
    except EmptyCorpus as exc:
        raise click.UsageError(str(exc)) from None
    except CurationError as exc:  # refused before any report is read or any output written
        click.echo(f"kg: {exc}; nothing was built", err=True)
        sys.exit(2)
    except (OutputError, OutputBusy) as exc:
        click.echo(f"kg: {exc}; the previous outputs are unchanged", err=True)
        sys.exit(1)
    except Terminated:
        click.echo("kg: stopped by SIGTERM; the previous outputs are unchanged", err=True)
        sys.exit(EXIT_TERMINATED)
    finally:
        signal.signal(signal.SIGTERM, old)
        sys.unraisablehook = old_unraisable


@click.group()
@click.version_option(__version__, prog_name="kg")
def main():
    """county-kg: Chinese county party-building reports to a knowledge graph."""


@main.command()
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"), show_default=True)
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Check the built graph against the SHACL shapes and report violations.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the machine's cores).")
@click.option("--executor", type=click.Choice(["processes", "dask"]), default="processes", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --executor dask).")
@click.option("--full", is_flag=True, help="Ignore the cache and re-read every report.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="A config.cfg whose values override the shipped pipeline config.")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="When another build holds OUT, wait at most this long (default: wait until it ends).")
@click.option("--curation", type=click.Path(path_type=Path, file_okay=False), default=CURATION_DEFAULT,
              show_default=True, help="The folder of corrections (*.jsonl) applied to the facts.")
@click.option("--timings", "show_timings", is_flag=True,
              help="Print the time of each stage (read, normalize, each nlp component, facts, merge, each "
                   "export, store, shacl) at the end: per-report stages summed over the workers.")
def build(corpus: Path, out: Path, validate: bool, workers: int | None, executor: str, scheduler: str | None,
          full: bool, config_path: Path | None, lock_timeout: float | None = None,
          curation: Path = CURATION_DEFAULT, show_timings: bool = False):
    """Read every report under CORPUS and write the graph to OUT (only new or changed reports are re-read),
    applying the corrections in CURATION."""
    from time import perf_counter

    from kg.build import BuildOptions
    from kg.build import build as run_build
    from kg.executors import default_workers
    from kg.timings import NO_TIMINGS, Timings

    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    timings = Timings() if show_timings else NO_TIMINGS
    started = perf_counter()
    with _build_errors():
        say = lambda line: click.echo(line, err=True)  # noqa: E731
        result = run_build(corpus, out, on_skip=say, on_warning=say, workers=workers or default_workers(),
                           executor=executor, scheduler=scheduler, full=full, config_path=config_path,
                           progress=sys.stderr.isatty(), keep_evidence=False, keep_facts=False,
                           lock_wait=lock_timeout, on_wait=say,
                           options=BuildOptions(curation=curation, timings=timings, skip_unchanged=not full))
    if result.unchanged:
        click.echo(f"nothing changed since the last build into {out}: every output left as it is "
                   f"({result.summary})", err=True)
    else:
        click.echo(f"read {result.extracted} report(s), {result.cached} from the cache", err=True)
    if result.curation is not None and result.curation.total:
        click.echo(result.curation.summary(), err=True)
    if not result.unchanged:
        click.echo(f"built {result.summary}", err=True)
    for p in result.outputs:
        click.echo(f"wrote {p}", err=True)
    if validate and not result.fresh:
        click.echo("shacl: no report was read this time; `kg validate` checks the whole graph", err=True)
    elif validate:
        from kg.validate import part_of
        from kg.validate import validate as shacl

        whole = len(result.fresh) == len(result.graph.reports)
        with timings.stage("shacl"):
            conforms, lines = shacl(out / "graph.ttl") if whole else shacl(part_of(result))
        for line in lines:
            click.echo(f"shacl: {line}", err=True)
        what = "the graph conforms" if whole else f"what the {len(result.fresh)} report(s) read this time state conforms"
        click.echo(f"shacl: {what} to ontology/shapes.ttl" if conforms
                   else f"shacl: {len(lines)} violation(s)", err=True)
    if show_timings:
        timings.add("total", perf_counter() - started)
        for line in timings.lines():
            click.echo(line, err=True)
    if result.skipped:
        click.echo(f"{len(result.skipped)} report(s) skipped", err=True)
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"), show_default=True)
@click.option("--curation", type=click.Path(path_type=Path, file_okay=False), default=CURATION_DEFAULT,
              show_default=True, help="The folder of corrections (*.jsonl).")
def status(corpus: Path, out: Path, curation: Path = CURATION_DEFAULT):
    """What the next build would re-read (new, changed, deleted and failed reports), and every correction
    that matches nothing."""
    from kg.build import BuildOptions, EmptyCorpus
    from kg.build import status as run_status

    try:
        st = run_status(corpus, out, options=BuildOptions(curation=curation))
    except EmptyCorpus as exc:
        raise click.UsageError(str(exc)) from None
    if st.curation_changed:
        click.echo(f"{curation}: changed since the last build (kg build applies it)")
    if st.curation_error:
        click.echo(f"error     {st.curation_error} (kg build refuses to run until it is fixed)")
    for line in st.unmatched:
        click.echo(f"unmatched {line}")
    if st.config_changed:
        click.echo("config, lexicons or rules changed: every report will be re-read")
    for label, names in (("new", st.new), ("changed", st.changed), ("deleted", st.deleted), ("failed", st.failed)):
        for n in names:
            click.echo(f"{label:<8} {n}")
    click.echo(f"{len(st.new)} new, {len(st.changed)} changed, {len(st.deleted)} deleted, "
               f"{len(st.failed)} failed, {st.unchanged} unchanged"
               + (f"; {len(st.unmatched)} correction(s) match nothing" if st.unmatched else ""))


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"), show_default=True)
@click.option("--meta", multiple=True, metavar="KEY=VALUE", help="Sidecar metadata (title, url, date, county).")
@click.option("--fetch-timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              metavar="SECONDS", help="How long a URL may take to arrive, the whole answer.")
@click.option("--no-build", is_flag=True, help="Only copy the reports into the corpus.")
@click.pass_context
def add(ctx, sources: tuple[str, ...], corpus: Path, out: Path, meta: tuple[str, ...], fetch_timeout: float,
        no_build: bool):
    """Copy reports (files or URLs) into CORPUS with their sidecar metadata, then rebuild.

    All or nothing: a bad source, sidecar or --meta adds nothing (exit 2), nor does a URL that cannot
    be fetched whole (exit 1). A report whose bytes the corpus already holds is not added again.
    """
    from kg.add import AddError, add_reports, parse_meta

    if not corpus.is_dir():
        raise click.UsageError(f"corpus folder not found: {corpus}")
    if not no_build:  # a bad curation line would refuse the rebuild: say so before adding anything
        from kg.curation import CurationError, load

        try:
            load(CURATION_DEFAULT)
        except CurationError as exc:
            click.echo(f"kg: {exc}; nothing was added", err=True)
            sys.exit(2)
    try:
        done = add_reports(sources, corpus, parse_meta(meta), timeout=fetch_timeout,
                           warn=lambda line: click.echo(line, err=True))
    except AddError as exc:
        err = click.ClickException(str(exc))
        err.exit_code = 2 if exc.usage else 1
        raise err from None
    for item in done:
        if item.path is not None:
            click.echo(f"added {item.path}", err=True)
        else:
            click.echo(f"{item.source}: already in the corpus as {item.duplicate_of}; not added", err=True)
    if not no_build:
        ctx.invoke(build, corpus=corpus, out=out, validate=True, workers=None, executor="processes",
                   scheduler=None, full=False, config_path=None)


def _read_or_exit(file: Path):
    """One report for the single-file commands, or its skip line and exit status 3."""
    from kg import read

    try:
        src = read.read_report(file, file.parent)
        for line in src.warnings:
            click.echo(line, err=True)
        return src
    except read.ReportError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def normalize(file: Path, as_json: bool):
    """Show FILE as the extractor sees it: Simplified, glosses removed, credits apart, mojibake reported."""
    from kg.normalize import normalize as run

    src = _read_or_exit(file)
    text = run(src.text)
    if as_json:
        click.echo(json.dumps({
            "file": str(file), "encoding": src.encoding, "text": text.text,
            "sentences": text.sentences,
            "credits": [c.__dict__ for c in text.credits],
            "mojibake": [m.__dict__ for m in text.mojibake],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(text.text)
    for c in text.credits:
        click.echo(f"# credit: {c.role}: {c.name or ''} {c.office or ''} [{c.start}:{c.end}]", err=True)
    for m in text.mojibake:
        click.echo(f"# mojibake at {m.start}-{m.end}: {m.text!r} -> {m.repaired!r}", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def extract(file: Path, as_json: bool):
    """Everything found in one report, with evidence, for a person to check by eye."""
    from kg.process import process_source
    from kg.nlp.pipeline import build as build_nlp

    facts = process_source(build_nlp(), _read_or_exit(file))
    if as_json:
        click.echo(json.dumps(facts.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"report: {facts.report}  county: {facts.meta.get('county')}")
    for e in sorted(facts.entities, key=lambda e: (e.type, e.label)):
        extra = {k: v for k, v in e.attrs.items() if k not in ("surface",)}
        click.echo(f"{e.type:<10} {e.label}  {json.dumps(extra, ensure_ascii=False) if extra else ''}")
        if e.evidence:
            ev = e.evidence[0]
            click.echo(f"           ↳ [{ev.rule}] {ev.start}-{ev.end}: {ev.sentence[:80]}")
    for r in sorted(facts.relations, key=lambda r: (r.type, r.source, r.target)):
        click.echo(f"{r.type:<10} {r.source[1]} → {r.target[1]}  [{r.evidence[0].rule if r.evidence else ''}]")


def _register_graph_commands() -> None:
    from kg.cli_curate import curate_cmd
    from kg.cli_eval import eval_cmd
    from kg.cli_graph import export_cmd, query_cmd, validate_cmd
    from kg.cli_map import map_cmd
    from kg.cli_review import review_cmd

    main.add_command(query_cmd)
    main.add_command(review_cmd)
    main.add_command(validate_cmd)
    main.add_command(export_cmd)
    main.add_command(eval_cmd)
    main.add_command(curate_cmd)
    main.add_command(map_cmd)


_register_graph_commands()

if __name__ == "__main__":  # pragma: no cover
    main()

"""The `kg` command: thin wrappers over build, normalize, extract and query; exit codes.

Exit status: 0 all reports built; 3 some reports were skipped (each named on
stderr); 2 bad usage; 1 the build itself failed.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg import __version__

EXIT_SKIPPED = 3


@click.group()
@click.version_option(__version__, prog_name="kg")
def main():
    """county-kg: Chinese county party-building reports to a knowledge graph."""


@main.command()
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"), show_default=True)
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Check the built graph against the SHACL shapes and report violations.")
def build(corpus: Path, out: Path, validate: bool):
    """Read every report under CORPUS and write the graph to OUT."""
    from kg.build import build as run_build

    if not corpus.is_dir():
        raise click.UsageError(f"corpus folder not found: {corpus}")
    result = run_build(corpus, out, on_skip=lambda line: click.echo(line, err=True))
    g = result.graph
    counts = {}
    for n in g.nodes.values():
        counts[n.type] = counts.get(n.type, 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    click.echo(f"built {len(result.facts)} reports ({summary}); {len(g.edges)} relations", err=True)
    for p in result.outputs:
        click.echo(f"wrote {p}", err=True)
    if validate:
        from kg.validate import validate as shacl

        conforms, lines = shacl(out / "graph.ttl")
        for line in lines:
            click.echo(f"shacl: {line}", err=True)
        click.echo("shacl: the graph conforms to ontology/shapes.ttl" if conforms
                   else f"shacl: {len(lines)} violation(s)", err=True)
    if result.skipped:
        click.echo(f"{len(result.skipped)} report(s) skipped", err=True)
        sys.exit(EXIT_SKIPPED)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def normalize(file: Path, as_json: bool):
    """Show FILE as the extractor sees it: Simplified, glosses removed, credits apart, mojibake reported."""
    from kg import read
    from kg.normalize import normalize as run

    try:
        src = read.read_report(file, file.parent)
    except read.ReportError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_SKIPPED)
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
    from kg import read
    from kg.build import process_source
    from kg.nlp.pipeline import build as build_nlp

    try:
        src = read.read_report(file, file.parent)
    except read.ReportError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_SKIPPED)
    facts = process_source(build_nlp(), src)
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
    from kg.cli_graph import query_cmd, validate_cmd

    main.add_command(query_cmd)
    main.add_command(validate_cmd)


_register_graph_commands()

if __name__ == "__main__":  # pragma: no cover
    main()

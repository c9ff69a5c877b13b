"""`kg curate`: append one correction to the curation folder, as the review page does.

Each subcommand is one action of kg.curation (the format is README.md's "Correcting facts
(curation)"); it builds the line from its options, in the documented key order, and appends it
with `kg.curation.append` (checked as a build would read it, stamped with the time). Nothing is
rebuilt: the next `kg build` applies it. Exit status: 0 written (the line is printed); 2 bad usage
or a line the format refuses, with one line.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.curation import DEFAULT_FOLDER as CURATION_DEFAULT


def _common(f):
    """The options every action takes: who, when, a note, and where the line goes."""
    for opt in reversed((
        click.option("--by", default=None, help="Who made the correction (a name or an IRI)."),
        click.option("--at", default=None, help="When (as written; default: now, ISO 8601 UTC)."),
        click.option("--note", default=None, help="A free comment kept on the line."),
        click.option("--curation", "folder", type=click.Path(path_type=Path, file_okay=False),
                     default=CURATION_DEFAULT, show_default=True, help="The curation folder."),
        click.option("--file", "file", default="review.jsonl", show_default=True,
                     help="The file in the folder the line is appended to."),
    )):
        f = opt(f)
    return f


def _write(action: str, fields: dict, by, at, note, folder: Path, file: str) -> None:
    from kg.curation import CurationError, append

    line = {"action": action, **{k: v for k, v in fields.items() if v is not None}}
    for k, v in (("by", by), ("at", at), ("note", note)):
        if v is not None:
            line[k] = v
    try:
        written = append(folder, line, file=file)
    except CurationError as exc:
        click.echo(f"kg curate: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"kg curate: cannot write {folder / file}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(written, ensure_ascii=False))


@click.group("curate")
def curate_cmd():
    """Correct the graph: append one line to CURATION/review.jsonl (the next kg build applies it)."""


def _verdict(action: str):
    @curate_cmd.command(action)
    @click.option("--report", required=True, help="The report's file name in the corpus.")
    @click.option("--subject", default=None, help="The fact's subject label.")
    @click.option("--predicate", default=None, help="implements, targets, hasTarget, locatedIn or authoredBy.")
    @click.option("--object", "obj", default=None, help="The fact's object label.")
    @click.option("--type", "typ", default=None, help="With --label instead of a fact: an entity's type.")
    @click.option("--label", default=None, help="With --type: the entity's label.")
    @_common
    def verdict(report, subject, predicate, obj, typ, label, by, at, note, folder, file):
        if (typ or label) and (subject or predicate or obj):
            raise click.UsageError("name a fact (--subject --predicate --object) or an entity (--type --label), not both")
        fields = ({"report": report, "type": typ, "label": label} if (typ or label) else
                  {"report": report, "subject": subject, "predicate": predicate, "object": obj})
        _write(action, fields, by, at, note, folder, file)

    verdict.help = (f"{action.capitalize()} a fact of a report (--subject --predicate --object), "
                    f"or an entity of it (--type --label).")
    return verdict


reject_cmd = _verdict("reject")
accept_cmd = _verdict("accept")


@curate_cmd.command("rename")
@click.option("--type", "typ", required=True, help="The entity type.")
@click.option("--from", "old", required=True, help="The label as the graph has it.")
@click.option("--to", "new", required=True, help="The right label.")
@_common
def rename_cmd(typ, old, new, by, at, note, folder, file):
    """Rename every entity of a type with a label, in every report."""
    _write("rename", {"type": typ, "from": old, "to": new}, by, at, note, folder, file)


@curate_cmd.command("retype")
@click.option("--type", "typ", required=True, help="The entity type it has now.")
@click.option("--label", required=True, help="Its label.")
@click.option("--to", "new", required=True, help="The right type.")
@_common
def retype_cmd(typ, label, new, by, at, note, folder, file):
    """Give every entity of a type with a label another type, in every report."""
    _write("retype", {"type": typ, "label": label, "to": new}, by, at, note, folder, file)


@curate_cmd.command("merge")
@click.option("--type", "typ", required=True, help="The entity type of both.")
@click.option("--keep", required=True, help="The label that stays.")
@click.option("--drop", required=True, help="The label folded into it (kept as skos:altLabel).")
@_common
def merge_cmd(typ, keep, drop, by, at, note, folder, file):
    """Merge two entities of a type into one, in every report."""
    _write("merge", {"type": typ, "keep": keep, "drop": drop}, by, at, note, folder, file)


@curate_cmd.command("add")
@click.option("--report", required=True, help="The report's file name in the corpus.")
@click.option("--subject", required=True)
@click.option("--predicate", required=True, help="implements, targets, hasTarget, locatedIn or authoredBy.")
@click.option("--object", "obj", required=True)
@click.option("--sentence", required=True, help="The sentence that states it, as the report has it or in Simplified.")
@click.option("--subject-type", default=None, help="The subject's type, when the report has no such entity yet.")
@click.option("--object-type", default=None, help="The object's type, when the report has no such entity yet.")
@_common
def add_cmd(report, subject, predicate, obj, sentence, subject_type, object_type, by, at, note, folder, file):
    """Add a fact the rules missed, bound to the sentence that states it."""
    _write("add", {"report": report, "subject": subject, "predicate": predicate, "object": obj,
                   "subject_type": subject_type, "object_type": object_type, "sentence": sentence},
           by, at, note, folder, file)

"""One report, left to right: read → normalize → nlp → facts.

What a worker process, a Dask task and `kg extract` run per report; build.py only orchestrates
(which reports, the cache, the merge), so the workers never import it.
"""
from __future__ import annotations

from pathlib import Path

from kg import read
from kg.facts import ReportFacts
from kg.nlp import extract
from kg.normalize import normalize


def process_source(nlp, source: read.Source) -> ReportFacts:
    from kg.nlp.pipeline import lexicons_of

    text = normalize(source.text, lexicons_of(nlp))
    doc = extract.run(nlp, text, source.name, source.meta)
    return extract.to_facts(doc, text, source)


def process_report(nlp, path: Path, corpus: Path) -> ReportFacts:
    return process_source(nlp, read.read_report(path, corpus))


def normalized_text(path: Path, corpus: Path, lexicons):
    """The report as the rules read it (a `kg.normalize.Text`), or None when it cannot be read: what a
    curation `add` looks its sentence up in."""
    try:
        return normalize(read.read_report(path, corpus).text, lexicons)
    except read.ReportError:
        return None

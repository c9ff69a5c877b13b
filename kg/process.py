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
from kg.timings import NO_TIMINGS, Timings


def process_source(nlp, source: read.Source, timings: Timings = NO_TIMINGS) -> ReportFacts:
    """The facts of one report as read; `timings` gets the stages normalize, nlp.* and facts."""
    from kg.nlp.pipeline import lexicons_of

    with timings.stage("normalize"):
        text = normalize(source.text, lexicons_of(nlp))
    doc = extract.run(nlp, text, source.name, source.meta, timings)
    with timings.stage("facts"):
        return extract.to_facts(doc, text, source)


def process_report(nlp, path: Path, corpus: Path, timings: Timings = NO_TIMINGS) -> ReportFacts:
    with timings.stage("read"):
        source = read.read_report(path, corpus)
    return process_source(nlp, source, timings)


def normalized_text(path: Path, corpus: Path, lexicons):
    """The report as the rules read it (a `kg.normalize.Text`), or None when it cannot be read: what a
    curation `add` looks its sentence up in."""
    try:
        return normalize(read.read_report(path, corpus).text, lexicons)
    except read.ReportError:
        return None

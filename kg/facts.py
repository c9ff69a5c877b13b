"""The plain data that every stage hands on.

Reading gives a `Source`, normalisation a `Text`, the NLP layer `ReportFacts`
(entities and relations, each with `Evidence`). Nothing here knows spaCy or
RDF, so a worker process, a Dask task or the cache can pickle or JSON these
without dragging either along.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Entity types of ANNOTATION.md, in the order exports list them.
ENTITY_TYPES = (
    "County", "Place", "Official", "Person", "Programme", "Mechanism", "Group", "Target",
)
# Relation types of ANNOTATION.md (holdsPosition is carried by Official attrs).
RELATION_TYPES = ("implements", "targets", "hasTarget", "locatedIn", "authoredBy")


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence (normalised) and offsets into the original text.

    `start`/`end` are character offsets into the decoded original report as the
    user has it (Traditional, glosses and all), so a person can find the spot.
    """

    report: str
    sentence: str
    start: int
    end: int
    rule: str


def evidence_json(items: list[Evidence]) -> list[dict]:
    return [{"report": e.report, "sentence": e.sentence, "start": e.start, "end": e.end, "rule": e.rule}
            for e in items]


@dataclass
class Entity:
    """One thing found in one report; `key` is its identity across reports."""

    type: str
    key: str
    label: str
    surfaces: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def ref(self) -> tuple[str, str]:
        return (self.type, self.key)


@dataclass
class Relation:
    """A typed link between two entity refs (type, key); the report node is ("Report", file name)."""

    type: str
    source: tuple[str, str]
    target: tuple[str, str]
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class ReportFacts:
    """Everything extracted from one report: the unit of caching and of parallel work."""

    report: str  # file name relative to the corpus folder, '/'-separated
    meta: dict[str, Any] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. mojibake found, with offsets
    warnings: list[str] = field(default_factory=list)  # lines for the user, e.g. a bad sidecar left out

    def to_json(self, evidence: bool = True) -> dict:
        """The same dict as `dataclasses.asdict` (without the evidence lists if `evidence` is false),
        built directly: asdict's deep copy was most of a cache write."""
        def ev(items):
            return {"evidence": evidence_json(items)} if evidence else {}

        return {
            "report": self.report, "meta": dict(self.meta),
            "entities": [{"type": e.type, "key": e.key, "label": e.label, "surfaces": list(e.surfaces),
                          "attrs": dict(e.attrs), **ev(e.evidence)} for e in self.entities],
            "relations": [{"type": r.type, "source": list(r.source), "target": list(r.target),
                           **ev(r.evidence)} for r in self.relations],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }

    def evidence_json(self) -> dict:
        """The evidence lists alone, in entity and relation order (see `with_evidence`)."""
        return {"entities": [evidence_json(e.evidence) for e in self.entities],
                "relations": [evidence_json(r.evidence) for r in self.relations]}

    def with_evidence(self, data: dict) -> "ReportFacts":
        """Attach evidence lists written by `evidence_json` (lengths must match)."""
        ents, rels = data["entities"], data["relations"]
        if len(ents) != len(self.entities) or len(rels) != len(self.relations):
            raise ValueError("evidence does not match the facts")
        for e, items in zip(self.entities, ents):
            e.evidence = [Evidence(**x) for x in items]
        for r, items in zip(self.relations, rels):
            r.evidence = [Evidence(**x) for x in items]
        return self

    @classmethod
    def from_json(cls, data: dict) -> "ReportFacts":
        def ev(items):
            return [Evidence(**e) for e in items]

        return cls(
            report=data["report"],
            meta=data.get("meta", {}),
            entities=[
                Entity(e["type"], e["key"], e["label"], list(e.get("surfaces", [])),
                       dict(e.get("attrs", {})), ev(e.get("evidence", [])))
                for e in data.get("entities", [])
            ],
            relations=[
                Relation(r["type"], tuple(r["source"]), tuple(r["target"]), ev(r.get("evidence", [])))
                for r in data.get("relations", [])
            ],
            notes=list(data.get("notes", [])),
            warnings=list(data.get("warnings", [])),
        )


REPORT_SCOPE = "report:"


def person_key(name: str, county: str | None, report: str) -> str:
    """The merge key of an Official or a Person: the name within its county (`天镇县/王建江`), or
    within its report where no county is known (`report:x.txt/王建江`). Two people of one name
    in two counties are two nodes; one official named in two reports of one county is one node."""
    return f"{county or REPORT_SCOPE + report}/{name}"


def split_person_key(key: str) -> tuple[str | None, str | None, str]:
    """(county, report, name) of a `person_key` (a bare name, as older facts hold: (None, None, key))."""
    scope, sep, name = key.rpartition("/")
    if not sep:
        return None, None, key
    if scope.startswith(REPORT_SCOPE):
        return None, scope[len(REPORT_SCOPE):], name
    return scope, None, name

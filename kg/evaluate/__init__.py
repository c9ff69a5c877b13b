"""`kg eval`: the project's own scorer, from the matching rules of the annotation guide.

A build's graph is scored against gold files (`tests/gold`, `tests/annotated/gold`,
`tests/heldout/gold`, or any folder in that format) so the quality tests run on
a fresh clone. The parts, each with one job, in import order:

- `kg.evaluate.text`: normalisation and the lenient string and figure matches;
- `kg.evaluate.gold`: the gold files as per-report lists;
- `kg.evaluate.predicted`: what the graph holds, read only through the triples the guide names;
- `kg.evaluate.evidence`: the sentences behind predicted facts and gold items (for `--details`);
- `kg.evaluate.matching`: one-to-one matching of gold and predicted items;
- `kg.evaluate.scoring`: P/R/F1 per type and relation, with the missed and spurious items;
- `kg.evaluate.report`: the table, the JSON and the per-report details.

`evaluate(gold_dir, out=..., graph=...)` runs it all and returns a `Scores`.
"""
from kg.evaluate.api import EvalError, evaluate, resolve_key  # noqa: F401
from kg.evaluate.scoring import Scores  # noqa: F401

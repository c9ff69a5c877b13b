"""`kg review`: a local web page to check every fact against its sentence and correct what is wrong.

The pages read the built graph through the Python API (`kg.open`): an overview, one page per
report (its original text with every entity highlighted, its facts beside it), one page per
entity, and a list of candidate duplicates to merge. Corrections are written with
`kg.curation.append` to `curation/*.jsonl`; they take effect at the next `kg build`, which applies
the curation (the server never rebuilds: a build is minutes of CPU and holds OUT's lock, so it is
left to the person, who sees the pending corrections listed).

- `kg.review.data`: the queries behind the pages, cached per store generation;
- `kg.review.highlight`: where each entity stands in the original text;
- `kg.review.duplicates`: candidate duplicates;
- `kg.review.pages`: the HTML, from autoescaped Jinja templates;
- `kg.review.server`: the HTTP server (127.0.0.1 only, Host check, start token on every change).
"""
from __future__ import annotations

"""Corrections a person made to the graph: `curation/*.jsonl`, one action a line, applied by every build.

The public API (stable: `kg review` and `kg curate` write through it):

- `ACTIONS`: the action names a line may carry;
- `CurationError` (a ValueError): one line naming file:line and what is wrong;
- `load(folder)`: every correction in `folder/*.jsonl`, files in name order, lines in order;
- `append(folder, action, file="review.jsonl")`: check one action, stamp its time, append it as
  one line (a crash never leaves half a line), and return the line written;
- `Correction`: one line as read (its fields, file and line number);
- `DEFAULT_FOLDER`: `curation/`, beside `corpus/` in the folder kg runs from.

The format is documented in README.md ("Correcting facts (curation)"); `kg.curation.format` checks
it, `kg.curation.apply` applies the corrections to a report's facts.
"""
from __future__ import annotations

from pathlib import Path

from kg.curation.format import ACTIONS, Correction, CurationError, append, load

DEFAULT_FOLDER = Path("curation")  # where `kg` looks, in the folder it runs from (beside corpus/)

__all__ = ["ACTIONS", "DEFAULT_FOLDER", "Correction", "CurationError", "append", "load"]

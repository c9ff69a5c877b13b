#!/usr/bin/env python
"""Do two versions of the code extract the same facts? The check behind speed work on extraction.

    python bench/same_facts.py --write BEFORE.jsonl [FOLDER ...]   # on the old code
    python bench/same_facts.py --check BEFORE.jsonl [FOLDER ...]   # on the new code: exit 1 if any differ

For every report under the folders (default: corpus/, tests/annotated/texts/, tests/heldout/reports/)
it writes what `kg extract FILE --json` prints, one JSON line per report, and `--check` compares those
texts byte for byte, naming each report whose facts differ and the first line where they part. An
optimisation of the rule components or the segmenter must leave every line unchanged; a change meant
to alter the facts is not checked here but by `kg eval` against the gold.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_FOLDERS = ("corpus", "tests/annotated/texts", "tests/heldout/reports")


def facts_json(folders: list[Path]) -> dict[str, str]:
    """{report path: the JSON `kg extract --json` prints for it} for every report of the folders."""
    from kg import read
    from kg.process import process_source
    from kg.nlp.pipeline import build

    nlp = build()
    out: dict[str, str] = {}
    for folder in folders:
        for path in read.find_reports(folder):
            try:
                source = read.read_report(path, path.parent)
            except read.ReportError as exc:
                out[str(path)] = f"skipped: {exc}"
                continue
            out[str(path)] = json.dumps(process_source(nlp, source).to_json(), ensure_ascii=False, indent=2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, metavar="FILE", help="write the facts of every report to FILE")
    mode.add_argument("--check", type=Path, metavar="FILE", help="compare with the facts FILE holds")
    ap.add_argument("folders", nargs="*", type=Path, default=[ROOT / f for f in DEFAULT_FOLDERS])
    args = ap.parse_args(argv)
    now = facts_json(args.folders)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as fh:
            for name, text in now.items():
                fh.write(json.dumps({"report": name, "facts": text}, ensure_ascii=False) + "\n")
        print(f"{len(now)} reports' facts written to {args.write}")
        return 0
    before = {}
    with open(args.check, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            before[rec["report"]] = rec["facts"]
    differ = 0
    for name in sorted(set(before) | set(now)):
        old, new = before.get(name), now.get(name)
        if old == new:
            continue
        differ += 1
        if old is None or new is None:
            print(f"{name}: only in {'the new run' if old is None else args.check}")
            continue
        a, b = old.splitlines(), new.splitlines()
        k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        print(f"{name}: facts differ from line {k + 1}: {a[k] if k < len(a) else '<end>'!r} -> "
              f"{b[k] if k < len(b) else '<end>'!r}")
    print(f"{len(now)} reports: {len(now) - differ} with the same facts, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())

"""The curation file format: the issue's hand-written lines read as written, bad lines named by file:line,
and `append` writes whole lines only."""
from __future__ import annotations

import json
import os

import pytest

from kg.curation import ACTIONS, CurationError, append, load

# the four forms of issue 15, as a person would write them
HAND = [
    '{"action": "reject", "report": "000_820299a8950da9aa.txt", "subject": "盐亭县", "predicate": "implements", '
    '"object": "小班培训模式"}',
    '{"action": "merge", "type": "Group", "keep": "农村第一书记", "drop": "驻村第一书记"}',
    '{"action": "rename", "type": "Mechanism", "from": "抓党建责任体系", "to": "党建责任体系"}',
    '{"action": "add", "report": "000_820299a8950da9aa.txt", "subject": "盐亭县", "predicate": "implements", '
    '"object": "某某工程", "object_type": "Programme", "sentence": "以小班培训模式，有针对性地举办农村党支部书记培训班和村级后备力量培训班。"}',
]


def test_the_issue_forms_read_as_written_in_file_then_line_order(tmp_path):
    (tmp_path / "b.jsonl").write_text("\n".join(HAND[2:]) + "\n", encoding="utf-8")
    (tmp_path / "a.jsonl").write_text("# mine\n\n" + "\n".join(HAND[:2]) + "\n// end\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not curation", encoding="utf-8")
    got = load(tmp_path)
    assert [c.action for c in got] == ["reject", "merge", "rename", "add"]
    assert [c.where for c in got] == [f"{tmp_path}/a.jsonl:3", f"{tmp_path}/a.jsonl:4",
                                      f"{tmp_path}/b.jsonl:1", f"{tmp_path}/b.jsonl:2"]
    assert [c.fields for c in got] == [json.loads(line) for line in HAND]
    assert load(tmp_path / "missing") == []


@pytest.mark.parametrize("line, reason", [
    ('{"action": "reject", "report": "x.txt", "subject": "a", "predicate": "implements", "objet": "b"}',
     "unknown field 'objet'"),
    ('{"action": "delete", "report": "x.txt"}', "'action' must be one of"),
    ('{"action": "merge", "type": "Group", "keep": "a"}', "merge needs 'drop'"),
    ('{"action": "retype", "type": "Programme", "label": "a", "to": "Official"}', "cannot retype a Programme"),
    ('{"action": "rename", "type": "Target", "from": "a", "to": "b"}', "type must be one of"),
    ('{"action": "reject", "report": "x.txt", "subject": "a", "predicate": "runs", "object": "b"}', "'predicate'"),
    ('{"action": "accept", "report": "x.txt", "type": "Group", "label": 3}', "'label' must be a string"),
    ('{"action": "merge", "type": "Group", "keep": "a", "drop": "b", "keep": "c"}', "given twice"),
    ('{"action": "merge", "type": "Group", "keep": "a", "drop": "b"', "not a JSON object"),
    ('["merge"]', "must be a JSON object"),
])
def test_a_bad_line_is_one_line_naming_file_and_line(tmp_path, line, reason):
    (tmp_path / "review.jsonl").write_text(HAND[1] + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CurationError) as err:
        load(tmp_path)
    msg = str(err.value)
    assert msg.startswith(f"{tmp_path / 'review.jsonl'}:3: ") and reason in msg and "\n" not in msg


def test_append_checks_stamps_and_writes_whole_lines(tmp_path):
    folder = tmp_path / "curation"
    line = append(folder, {"action": "retype", "type": "Programme", "label": "某某工程", "to": "Mechanism",
                           "by": "orcid:0000-0002"})
    assert list(line) == ["action", "type", "label", "to", "by", "at"] and line["at"].endswith("Z")
    raw = (folder / "review.jsonl").read_bytes()
    assert raw.decode() == json.dumps(line, ensure_ascii=False) + "\n" and "某某工程" in raw.decode()
    # a hand edit left the last line without its newline: the next line still goes on a line of its own
    with open(folder / "review.jsonl", "a", encoding="utf-8") as f:
        f.write(HAND[1])
    append(folder, json.loads(HAND[0]) | {"at": "yesterday"})
    got = load(folder)
    assert [c.action for c in got] == ["retype", "merge", "reject"] and got[2].at == "yesterday"
    with pytest.raises(CurationError, match=r"review.jsonl:4: merge needs 'keep'"):
        append(folder, {"action": "merge", "type": "Group", "drop": "a"})
    with pytest.raises(CurationError, match="plain name ending in .jsonl"):
        append(folder, json.loads(HAND[1]), file="../x.jsonl")
    assert len(load(folder)) == 3 and set(ACTIONS) == {"accept", "reject", "rename", "retype", "merge", "add"}
    assert os.listdir(folder) == ["review.jsonl"]

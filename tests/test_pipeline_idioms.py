"""spaCy's own idioms in kg/nlp/ (issue 13, item 4), as in spacy/pipeline/span_ruler.py:
factories that declare what they assign and require, each default in one place, lexicons loaded
in initialize() and kept by to_disk/from_disk, no process-global lexicon state, and credits.json
in the lexicon system and the cache key."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from thinc.api import Config

from kg import lexicons
from kg.build import _config_digest
from kg.process import process_report
from kg.nlp import extract
from kg.nlp.pipeline import build, config_digest, default_config_path, lexicons_of
from kg.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def _cfg(tmp_path: Path, folder: Path) -> Path:
    path = tmp_path / f"{folder.name}.cfg"
    path.write_text(f'[paths]\nlexicons = ["{folder.as_posix()}"]\n', encoding="utf-8")
    return path


def _facts(nlp, report: Path) -> dict:
    return process_report(nlp, report, CORPUS).to_json()


def test_every_factory_declares_assigns_and_requires(nlp):
    for name in nlp.pipe_names:
        meta = nlp.get_pipe_meta(name)
        assert meta.assigns, name
        assert meta.requires, name
        assert all(re.fullmatch(r"doc\._\.kg_\w+", a) for a in [*meta.assigns, *meta.requires]), name


def test_each_default_is_written_once(nlp):
    """A component's settings default in its factory's default_config; config.cfg may only change one."""
    shipped = Config().from_disk(default_config_path(), interpolate=False)["components"]
    for name in nlp.pipe_names:
        defaults = nlp.get_pipe_meta(name).default_config
        for key, value in shipped[name].items():
            if key != "factory":
                assert defaults.get(key) != value, f"{name}.{key} = {value!r} is written twice"
        for key, value in defaults.items():  # and what runs is what the factory says
            assert getattr(nlp.get_pipe(name), key, value) == nlp.config["components"][name][key]
    assert nlp.get_pipe("kg_initiatives").max_unquoted == nlp.get_pipe_meta("kg_initiatives").default_config["max_unquoted"]


def test_reports_run_through_nlp_pipe(nlp):
    texts = [normalize("盐亭县实施“青苗培育工程”，选派年轻干部到基层一线锻炼。"), normalize("东源县开展主题党日活动。")]
    piped = list(extract.pipe(nlp, [(t, f"{i}.txt", {}) for i, t in enumerate(texts)]))
    one = [extract.run(nlp, t, f"{i}.txt") for i, t in enumerate(texts)]
    assert [[m.label for m in d._.kg_mentions] for d in piped] == [[m.label for m in d._.kg_mentions] for d in one]
    assert any(m.label == "青苗培育工程" for m in piped[0]._.kg_mentions)


def test_pipeline_round_trips_through_disk(nlp, tmp_path):
    report = sorted(CORPUS.glob("*.txt"))[0]
    nlp.to_disk(tmp_path / "model")
    for name in ("kg_officials", "kg_initiatives", "kg_groups", "kg_figures"):
        assert (tmp_path / "model" / name / "lexicons.json").is_file()
    assert (tmp_path / "model" / "tokenizer" / "lexicons.json").is_file()
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == nlp.pipe_names
    assert loaded.get_pipe("kg_initiatives").lexicons.digest == nlp.get_pipe("kg_initiatives").lexicons.digest
    assert _facts(loaded, report) == _facts(nlp, report)
    fresh = spacy.blank("zh", config={"nlp": {"tokenizer": nlp.config["nlp"]["tokenizer"]}})
    for name in nlp.pipe_names:
        fresh.add_pipe(nlp.get_pipe_meta(name).factory, name=name, config={k: v for k, v in nlp.config["components"][name].items() if k != "factory"})
    fresh.from_disk(tmp_path / "model")
    assert _facts(fresh, report) == _facts(nlp, report)


def test_a_component_says_it_needs_initialize():
    from spacy.lang.zh import Chinese

    from kg.nlp.pipeline import load_config

    raw = Chinese.from_config(load_config())  # built, not initialised
    with pytest.raises(AttributeError, match="initialize"):
        raw(raw.make_doc("县委书记张三"))


def test_credits_json_is_a_lexicon_and_in_the_cache_key(tmp_path):
    """Editing credits.json (in a copy of the lexicon folder named by the config) changes the cache key,
    and the normaliser reads the edited words."""
    folder = tmp_path / "lex"
    folder.mkdir()
    (folder / "credits.json").write_text(json.dumps({"header_words": {}}), encoding="utf-8")
    cfg = _cfg(tmp_path, folder)
    before, before_build = config_digest(cfg), _config_digest(cfg)
    (folder / "credits.json").write_text(json.dumps({"header_words": {"监制": {"role": "editor", "inner": False}}},
                                                    ensure_ascii=False), encoding="utf-8")
    assert config_digest(cfg) != before
    assert _config_digest(cfg) != before_build
    lex = lexicons.load([folder])
    assert "监制" in lex.credits["header_words"] and "责编" in lex.credits["header_words"]  # added to the shipped
    text = "全县开展党建工作。\n监制：王小明\n"
    assert not any(c.name == "王小明" for c in normalize(text).credits)
    assert any(c.role == "editor" and c.name == "王小明" for c in normalize(text, lex).credits)
    # the shipped credits.json is in the digest too
    assert lexicons.load().digest != lexicons.load([folder]).digest


def test_no_process_global_lexicon_state(tmp_path):
    """Two pipelines from two lexicon folders in one process: each keeps its own vocabulary,
    its own segmenter dictionary and its own credit words."""
    plain, extended = tmp_path / "plain", tmp_path / "extended"
    plain.mkdir()
    extended.mkdir()
    (extended / "mine.jsonl").write_text(
        json.dumps({"lexicon": "initiative_head", "term": "育才仓", "type": "Programme", "unquoted": True},
                   ensure_ascii=False) + "\n", encoding="utf-8")
    text = normalize("全县建立年轻干部育才仓，选派骨干到基层锻炼。")
    nlp_a = build(_cfg(tmp_path, plain))
    nlp_b = build(_cfg(tmp_path, extended))

    def programmes(nlp):
        return {m.label for m in extract.run(nlp, text, "t.txt")._.kg_mentions if m.type == "Programme"}

    assert programmes(nlp_a) != programmes(nlp_b)
    assert any(label.endswith("育才仓") for label in programmes(nlp_b))
    assert not any(label.endswith("育才仓") for label in programmes(nlp_a))  # b taught a nothing
    assert "育才仓" in nlp_b.tokenizer.jieba_seg.FREQ and "育才仓" not in nlp_a.tokenizer.jieba_seg.FREQ
    assert lexicons_of(nlp_a).digest != lexicons_of(nlp_b).digest
    # and no module keeps lexicons: no globals, no module-level caches of them
    for path in [ROOT / "kg" / "lexicons.py", *sorted((ROOT / "kg" / "nlp").glob("*.py"))]:
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*global\s", src, re.M), path.name
        assert "load_default" not in src and "lexicons.configure" not in src, path.name
    assert not hasattr(lexicons, "load_default") and not hasattr(lexicons, "_cache")

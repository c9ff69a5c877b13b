"""kg.read on the real reports and on broken files made from them."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import opencc
import pytest

from kg.read import REPORT_SUFFIXES, ReportError, Source, decode, find_reports, read_report

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REPORT_001 = CORPUS / "001_80bae33e4e5280a8.txt"


@pytest.fixture(scope="module")
def text001() -> str:
    return REPORT_001.read_text(encoding="utf-8")


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_real_corpus_reads_as_utf8():
    paths = find_reports(CORPUS)
    assert [p.name for p in paths] == sorted(p.name for p in CORPUS.glob("*.txt"))
    for p in paths:
        src = read_report(p, CORPUS)
        assert isinstance(src, Source)
        assert src.encoding == "utf_8"
        assert src.name == p.name
        assert src.text == p.read_text(encoding="utf-8")
        assert src.digest == hashlib.sha256(p.read_bytes()).hexdigest()
        assert src.meta == {}


@pytest.mark.parametrize(
    "label, make",
    [
        ("utf_8_sig", lambda t: (t.encode("utf-8-sig"), t)),
        ("utf_16", lambda t: (t.encode("utf-16"), t)),
        ("utf_16_le", lambda t: (t.encode("utf-16-le"), t)),  # no BOM
        ("utf_16_be", lambda t: (t.encode("utf-16-be"), t)),  # no BOM
        ("gb18030", lambda t: (t.encode("gb18030"), t)),  # Traditional text in GB18030
        ("gb18030", lambda t: (_simplified(t).encode("gbk"), _simplified(t))),  # plain GBK
        ("big5", lambda t: (t.encode("big5", "replace"), t.encode("big5", "replace").decode("big5"))),
    ],
    ids=["utf8-bom", "utf16-bom", "utf16le", "utf16be", "gb18030", "gbk", "big5"],
)
def test_encodings_of_a_real_report(tmp_path, text001, label, make):
    raw, expected = make(text001)
    path = _write(tmp_path / "corpus", "r.txt", raw)
    src = read_report(path, tmp_path / "corpus")
    assert src.encoding == label
    assert src.text == expected
    assert "烏審旗" in src.text or "乌审旗" in src.text


def _simplified(t: str) -> str:
    return opencc.OpenCC("t2s").convert(t)


@pytest.mark.parametrize(
    "text, codec",
    [("县委组织部召开会议。", "gbk"), ("縣委組織部召開會議。", "big5"), ("縣委組織部召開會議。", "gbk")],
)
def test_short_chinese_is_not_misdetected(text, codec):
    decoded, _ = decode(text.encode(codec))
    assert decoded == text


def test_crlf_and_control_characters_are_cleaned(tmp_path):
    path = _write(tmp_path, "c.txt", "第一行\r\n第二\x07行\r\n")
    src = read_report(path, tmp_path)
    assert src.text == "第一行\n第二行\n"


def _broken_corpus(tmp_path: Path, text001: str) -> Path:
    corpus = tmp_path / "corpus"
    _write(corpus, "good.txt", text001)
    _write(corpus, "sub/deeper/good2.md", "盐亭县委组织部召开会议。")
    _write(corpus, "empty.txt", b"")
    _write(corpus, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    _write(corpus, "blob.txt", bytes(range(256)) * 40)  # no magic number, just control bytes
    _write(corpus, "nuls.txt", ("党建" * 50).encode("utf-8").replace(b"\xe5", b"\x00\x00\x00"))
    _write(corpus, "invalid.txt", b"\x80\x81\xff" * 40)
    _write(corpus, "badside.txt", "盐亭县委组织部。")
    _write(corpus, "badside.meta.json", "{not json")
    _write(corpus, "badtype.txt", "盐亭县委组织部。")
    _write(corpus, "badtype.meta.json", json.dumps({"title": "x", "date": 2021}))
    _write(corpus, "nobody.html", "<html><head><title>空</title></head></html>")
    _write(corpus, "page.html", _PAGE)
    _write(corpus, "page.meta.json", json.dumps({"title": "侧车标题", "county": "盐亭县", "url": "http://x"}))
    _write(corpus, ".hidden.txt", "不读")
    _write(corpus, ".git/config.txt", "不读")
    (corpus / "dir.txt").mkdir()
    _write(corpus, "dir.txt/inner.txt", "目录里的报告。")
    (corpus / "sub" / "loop").symlink_to(corpus, target_is_directory=True)
    (corpus / "sub" / "alias.txt").symlink_to(corpus / "good.txt")
    return corpus


_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>东源县党建工作</title>
<meta name="date" content="2021-06-01">
<style>body { font-family: SimSun; } .x::after { content: "样式文字"; }</style>
<script>var secret = "脚本文字不要"; document.write("脚本输出");</script></head>
<body><div id="main"><h1>东源县党建工作</h1>
<p>东源县委始终坚持把党的政治建设摆在首位，毫不动摇坚持和加强党的全面领导，全面加强党员干部的思想政治建设，基层党建工作质量和水平不断提升。</p>
<p>全县完成174名公务员招录工作，定向招录54名选调生，选派68名年轻干部到基层一线、关键岗位锻炼。</p>
</div><script>alert("另一个脚本")</script></body></html>"""


def test_find_reports_skips_hidden_sidecars_and_loops(tmp_path, text001):
    corpus = _broken_corpus(tmp_path, text001)
    names = [Path(os.path.relpath(p, corpus)).as_posix() for p in find_reports(corpus)]
    assert names == sorted(names)
    assert ".hidden.txt" not in names and ".git/config.txt" not in names
    assert not any(n.endswith(".meta.json") for n in names)
    assert "dir.txt" not in names and "dir.txt/inner.txt" in names
    assert "sub/deeper/good2.md" in names
    assert not any(n.startswith("sub/loop/") for n in names)  # the loop is entered once at most
    assert "sub/alias.txt" not in names  # same file as good.txt
    assert all(n.endswith(REPORT_SUFFIXES) for n in names)


def test_every_broken_report_gives_a_clear_reason(tmp_path, text001):
    corpus = _broken_corpus(tmp_path, text001)
    reasons, read = {}, {}
    for p in find_reports(corpus):
        try:
            src = read_report(p, corpus)
            read[src.name] = src
        except ReportError as e:
            msg = str(e)
            assert "\n" not in msg
            assert msg.startswith(f"corpus/{e.name}: skipped: ")
            reasons[e.name] = e.reason
    assert reasons["empty.txt"] == "empty file"
    assert reasons["image.txt"] == "binary data"
    assert reasons["blob.txt"] == "binary data"
    assert reasons["nuls.txt"] == "binary data"
    assert reasons["invalid.txt"].startswith("cannot decode: ")
    # a bad sidecar is left out, not the report: one warning line names the sidecar and why
    assert read["badside.txt"].meta == {} and read["badside.txt"].warnings == [
        "corpus/badside.txt: warning: bad sidecar badside.meta.json: invalid JSON: "
        "Expecting property name enclosed in double quotes (line 1); read without it"]
    assert read["badtype.txt"].warnings == [
        "corpus/badtype.txt: warning: bad sidecar badtype.meta.json: 'date' must be a string, not int; read without it"]
    assert reasons["nobody.html"] == "no text in HTML"
    # the good ones are still there
    assert set(read) == {"good.txt", "sub/deeper/good2.md", "page.html", "dir.txt/inner.txt", "badside.txt",
                         "badtype.txt"}
    assert read["good.txt"].text == text001


def test_html_main_text_and_metadata(tmp_path, text001):
    corpus = _broken_corpus(tmp_path, text001)
    src = read_report(corpus / "page.html", corpus)
    assert src.encoding == "html:utf_8"
    assert "基层党建工作质量和水平不断提升" in src.text
    assert "174名公务员" in src.text
    for junk in ("脚本", "secret", "样式", "font-family", "alert"):
        assert junk not in src.text
    # sidecar fields win over the page's own; the page's date is kept
    assert src.meta["title"] == "侧车标题"
    assert src.meta["county"] == "盐亭县"
    assert src.meta["date"] == "2021-06-01"
    side = (corpus / "page.meta.json").read_bytes()
    assert src.digest == hashlib.sha256((corpus / "page.html").read_bytes() + b"\0sidecar\0" + side).hexdigest()


def test_html_in_gbk_with_meta_charset(tmp_path):
    page = _PAGE.replace('charset="utf-8"', 'charset="gb2312"')
    path = _write(tmp_path, "p.htm", page.encode("gbk"))
    src = read_report(path, tmp_path)
    assert src.encoding == "html:gb18030"
    assert "选调生" in src.text


def test_html_fallback_to_body_text(tmp_path):
    path = _write(tmp_path, "tiny.html", "<html><body><script>x=1</script><p>县委组织部。</p></body></html>")
    src = read_report(path, tmp_path)
    assert "县委组织部" in src.text and "x=1" not in src.text


def test_sidecar_changes_digest(tmp_path):
    path = _write(tmp_path, "a.txt", "县委组织部。")
    before = read_report(path, tmp_path).digest
    _write(tmp_path, "a.meta.json", json.dumps({"county": "富平县"}))
    after = read_report(path, tmp_path)
    assert after.meta == {"county": "富平县"} and after.digest != before


def test_directory_and_missing_file(tmp_path):
    (tmp_path / "d.txt").mkdir()
    with pytest.raises(ReportError, match=r"d\.txt: skipped: cannot read: Is a directory"):
        read_report(tmp_path / "d.txt", tmp_path)
    (tmp_path / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    with pytest.raises(ReportError, match="cannot read: No such file or directory"):
        read_report(tmp_path / "broken.txt", tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = _write(tmp_path, "locked.txt", "县委。")
    path.chmod(0)
    try:
        with pytest.raises(ReportError, match="cannot read: Permission denied"):
            read_report(path, tmp_path)
    finally:
        path.chmod(0o644)

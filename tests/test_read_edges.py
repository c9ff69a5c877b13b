"""Reading at the edges (issue 12, case 15): a UTF-16 file cut to an odd length, a path over the limit."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import read
from kg.build import build
from kg.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REAL = sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_cut_to_an_odd_length_is_read_without_its_last_byte(tmp_path, codec):
    text = REAL[1].read_text(encoding="utf-8")
    raw = text.encode(codec)
    path = tmp_path / "cut.txt"
    path.write_bytes(raw[:-1])
    src = read.read_report(path, tmp_path)
    assert src.encoding == codec.replace("-", "_")
    assert src.text == text[:-1].replace("\r\n", "\n")


def test_utf16_cut_inside_a_surrogate_pair_drops_the_half_character(tmp_path):
    text = REAL[1].read_text(encoding="utf-8") + "𠀀"  # a supplementary-plane character: two units
    raw = text.encode("utf-16-le")
    for cut in (1, 2, 3):
        (tmp_path / "cut.txt").write_bytes(raw[:-cut])
        assert read.read_report(tmp_path / "cut.txt", tmp_path).text == text[:-1]


def _deep_report(root: Path, text: str) -> None:
    """Folders of 250-byte names nested until the path passes PATH_MAX (4096), a report at the bottom.
    Made through folder descriptors: no call can name such a path whole."""
    name = "深" * 80 + "x" * 10  # 250 bytes
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    depth = 0
    try:
        while len(os.fsencode(root)) + depth * 251 <= 4400:
            os.mkdir(name, dir_fd=fd)
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd, depth = sub, depth + 1
        out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, text.encode("utf-8"))
        os.close(out)
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "O_DIRECTORY"), reason="needs POSIX folder descriptors")
def test_a_path_over_the_system_limit_is_a_skipped_report_and_the_build_exits_3(tmp_path, nlp):
    c = tmp_path / "corpus"
    c.mkdir()
    shutil.copy(REAL[0], c / REAL[0].name)
    _deep_report(c, REAL[1].read_text(encoding="utf-8"))
    try:
        found = read.find_reports(c)
        deep = [p for p in found if len(os.fsencode(p)) >= 4096]
        assert len(deep) == 1
        with pytest.raises(OSError) as exc:
            os.stat(deep[0])
        assert exc.value.errno == errno.ENAMETOOLONG  # a real over-long path, not a stand-in
        res = build(c, tmp_path / "out", nlp=nlp)
        assert len(res.skipped) == 1 and res.skipped[0].endswith(": skipped: cannot read: File name too long")
        assert res.skipped[0].startswith("corpus/深")
        cli = CliRunner().invoke(main, ["build", "--corpus", str(c), "--out", str(tmp_path / "out2"),
                                        "--no-validate", "--workers", "1"])
        assert cli.exit_code == 3, cli.output
        assert res.skipped[0] in cli.stderr.splitlines()
        assert REAL[0].name in (tmp_path / "out2" / "graph.ttl").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(c)  # by folder descriptors too, so the deep tree goes


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root lists any folder")
def test_a_folder_that_cannot_be_listed_is_a_skipped_report(tmp_path, nlp):
    c = tmp_path / "corpus"
    (c / "locked").mkdir(parents=True)
    shutil.copy(REAL[0], c / REAL[0].name)
    shutil.copy(REAL[1], c / "locked" / REAL[1].name)
    (c / "locked").chmod(0)
    try:
        res = build(c, tmp_path / "out", nlp=nlp)
    finally:
        (c / "locked").chmod(0o755)
    assert res.skipped == ["corpus/locked: skipped: cannot list folder: Permission denied"]

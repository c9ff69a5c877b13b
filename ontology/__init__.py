"""Ontology files (Turtle) shipped inside the kg package as kg.ontology."""

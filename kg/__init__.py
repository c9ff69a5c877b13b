"""county-kg: reports to knowledge graph."""
__version__ = "0.1.0"

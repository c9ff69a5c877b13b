"""The tool version: written into every graph and part of every cache key (its own module, so no
stage imports the package root, which opens the API)."""
__version__ = "0.1.0"

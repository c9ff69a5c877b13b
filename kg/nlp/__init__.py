"""The NLP layer: a spaCy pipeline of rule components that read one normalised report."""

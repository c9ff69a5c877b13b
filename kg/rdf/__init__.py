"""The map stage: facts and the merged graph to RDF.

`terms` (namespaces, prefixes, IRIs, term writing), `contract` (the default graph of ANNOTATION.md),
`evidence` (one named graph per report: sentences, offsets, rules), `alignments` (W3C ORG, Dublin
Core, WGS84), `taxonomy` (the SKOS scheme of initiative families), `shards` (each report's part,
cached with its facts) and `dataset` (the default graph assembled). Exporters and the store only
write what this stage makes.
"""

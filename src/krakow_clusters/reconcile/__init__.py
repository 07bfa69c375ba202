"""Reconciliation: matching the names people type against the dataset's resources.

- the index it matches against is the one the search pages use too, below both in the rdf layer:
  rdf/entities.py (the names, types and facts of the resources, read through the store's
  SPARQL) and rdf/matcher.py (folding, token weights, the scores (0-100) with the features
  behind them, and the search page's reading of it);
- `service`: the W3C Reconciliation Service API 0.2 (manifest, queries, suggest, preview,
  data extension) as JSON, for `serve`'s /reconcile;
- `csv`: the `reconcile` command: a CSV column matched, written back with the matches.
"""

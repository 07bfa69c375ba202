"""Reconciliation: matching the names people type against the dataset's resources.

- `index`: the names, types and facts of the resources, read through the store's SPARQL;
- `matching`: folding, token weights and the scores (0-100) with the features behind them;
- `service`: the W3C Reconciliation Service API 0.2 (manifest, queries, suggest, preview,
  data extension) as JSON, for `serve`'s /reconcile;
- `csv`: the `reconcile` command: a CSV column matched, written back with the matches.
"""

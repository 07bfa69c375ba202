"""The RDF model every layer above shares, engine-free in meaning: terms (rdflib and Oxigraph, and
the conversions between them), what a query answers (`QueryResult`, the `GraphStore` protocol, the
errors of a query), SPARQL as text (query form, VALUES binding, the IRI check), and the one
namespace table with its CURIE functions; the one name folding (names.py) and the one index of
the resources' names built on it (entities.py, matcher.py), that reconciliation, the search page
and the static site's search index share.

It imports nothing of the package but `errors`, `project` and `settings`; everything else may
import it.
"""

"""The RDF model every layer above shares, engine-free in meaning: terms (rdflib and Oxigraph, and
the conversions between them), what a query answers (`QueryResult`, the `GraphStore` protocol, the
errors of a query), SPARQL as text (query form, VALUES binding, the IRI check), and the one
namespace table with its CURIE functions.

It imports nothing of the package but `errors` and `project`; everything else may import it.
"""

"""SPARQL: the query library (`library`: queries/*.rq with their headers and parameters), running a
library query (`run`), and SPARQL as text (`text`: query form, VALUES injection, comments)."""

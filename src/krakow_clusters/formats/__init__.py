"""Every RDF and SPARQL-results reader and writer of the package, one path per format.

- `media`: media types, aliases, file extensions and content negotiation;
- `rdf`: deterministic RDF writers (N-Triples, Turtle, RDF/XML, JSON-LD);
- `jsonld_writer`: linear JSON-LD compaction and framing for the build's own context and frame;
- `results`: SPARQL results (JSON, XML, CSV, TSV);
- `table`: answers for people (the `query` command's table).
"""

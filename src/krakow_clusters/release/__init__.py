"""The release: build = validate, stage, swap; one module per artefact.

- `build`: `build()` validates, runs the writers into a staging folder and swaps it into place;
  the outcome (`BuildResult`);
- `context`: what the writers share (`BuildContext`: the project's settings, the store, the
  folder);
- `dumps`: the named graphs as TriG and N-Quads, their union as Turtle and N-Triples;
- `jsonld`: the JSON-LD context, the dataset as JSON-LD and the clusters as framed JSON-LD;
- `overview`: overview.csv, the overview query's results;
- `ontology`: the ontology as Turtle, JSON-LD and RDF/XML, and its HTML documentation
  (templates/ontology.html);
- `w3id`: the w3id.org redirect rules (.htaccess);
- `void`: void.ttl, DCAT-AP and VoID, written last of the files it describes;
- `site`: the static HTML site (dist/site/);
- `diff`: not an artefact: the facts two built releases state differently (`krakow-clusters diff`).

A new artefact is a module with a `write_…(ctx)` function, added to `build.WRITERS` (and, when it
is a distribution, to `void.DISTRIBUTION_TITLES`: void.ttl then declares it at `<base>NAME`, and
`serve` and the w3id rules answer that URL from the same table).
"""

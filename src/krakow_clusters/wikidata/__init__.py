"""Links to Wikidata: the polite client, and the `link` commands built on it.

Links are data, reviewed like any other data. `check` asks the endpoint about every link in
data/ and says which are wrong; `propose` searches candidates for the resources without a link
and writes them, scored, to a review file (data/links/proposals.csv) that is never loaded as
data, and moves the proposals a curator accepted into data/links/wikidata.ttl, each with its link
record; `quickstatements` writes QuickStatements v1 for the clusters Wikidata lacks.

- `client`: the polite HTTP client of a Wikidata-shaped SPARQL endpoint (retries, cache);
- `queries`: the SPARQL it is asked;
- `resources`: our side (what can be linked, its names and links; the links file);
- `entities`: Wikidata's side (what the endpoint says about an item);
- `matching`: comparing the two (names, plausible classes);
- `check`, `propose`, `quickstatements`: one module per command.
"""

# Here, where importing it costs nothing, so that the command line can offer it as a default.
WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"

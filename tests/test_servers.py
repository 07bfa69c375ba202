"""The Oxigraph test server itself: starts loaded, answers SPARQL, stops by pid."""

import json
import urllib.parse
import urllib.request


def test_oxigraph_server_answers_and_stops(oxigraph, project):
    server = oxigraph(project.data_files())
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    url = server.query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        payload = json.load(response)
    assert int(payload["results"]["bindings"][0]["n"]["value"]) > 100
    server.stop()
    assert server.process.poll() is not None, "the server process must be gone after stop()"

"""The `krakow-clusters` command: a thin layer over the package's functions.

Exit codes are a contract: 0 fine, 1 the data does not conform, 2 could not run.
"""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from .errors import CouldNotRun
from .init import init_command
from .project import find_project
from .store import SHACL_ENGINES
from .wikidata import WIKIDATA_ENDPOINT


class Group(click.Group):
    """Turns CouldNotRun, an operating-system error (a folder that cannot be written, a full
    disk) and running out of memory into one line on stderr and exit code 2, never a
    traceback."""

    def invoke(self, ctx: click.Context):
        # rdflib logs a traceback when a typed literal is malformed ("many"^^xsd:integer); the
        # validation report already says so in plain words.
        logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
        try:
            return super().invoke(ctx)
        except CouldNotRun as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except MemoryError:
            # The size limits (KRAKOW_CLUSTERS_MAX_FILE_SIZE, …) stop most of these earlier.
            click.echo("error: out of memory: the input is too large for this machine", err=True)
            sys.exit(2)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="krakow-clusters")
def cli() -> None:
    """Publish a knowledge graph of innovation clusters (settings.toml says whose).

    Run inside a checkout (or set KRAKOW_CLUSTERS_HOME). Exit codes: 0 fine, 1 the data does not
    conform, 2 could not run.
    """


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, turtle for the standard SHACL report graph.",
)
@click.option(
    "--engine",
    type=click.Choice(SHACL_ENGINES),
    default="auto",
    show_default=True,
    help="SHACL engine: pyshacl (the reference), turbo (pyshacl-turbo, same results, faster); "
    "auto takes turbo when installed.",
)
def validate(files: tuple[Path, ...], fmt: str, engine: str) -> None:
    """Validate the ontology and data, plus any FILES given, with SHACL and the SPARQL checks.

    Every shape in ontology/shapes.ttl and every query queries/checks/*-violation.rq runs on the
    union of ontology/, data/ and the FILES. Warnings are printed but do not fail.

    Example: krakow-clusters validate draft-cluster.ttl
    """
    from .validate import RENDERERS, validate_project

    report = validate_project(find_project(), files, engine)
    click.echo(RENDERERS[fmt](report), nl=False)
    sys.exit(report.exit_code)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder of the release; replaced as a whole only when the build succeeded.",
)
@click.option(
    "--base-iri",
    default=None,
    metavar="IRI",
    help="Where the release is published: download URLs, SPARQL endpoint and JSON-LD context "
    "URL start with it. Default: base_iri of settings.toml. Resource IRIs never change.",
)
@click.option(
    "--site/--no-site",
    default=True,
    show_default=True,
    help="Write the static HTML site (site/: a page per resource). --no-site skips it, for "
    "large graphs.",
)
def build(out: Path, base_iri: str | None, site: bool) -> None:
    """Validate, then build a release into --out: dumps, JSON-LD, ontology docs, DCAT/VoID, site.

    Writes the dataset as Turtle, N-Triples and JSON-LD (with its context), the clusters as framed
    JSON-LD, the overview as CSV, the ontology as Turtle, JSON-LD, RDF/XML and HTML (in each
    language of the project), void.ttl (DCAT-AP 3.0.1 and VoID), the w3id.org .htaccess and a static
    HTML site (site/: serve's pages with relative links). Data that does not conform is not built
    (exit 1, with the validation report); a failed build leaves the previous release as it was.
    Dates come from settings.toml, so two builds give the same bytes.

    Example: krakow-clusters build --out dist
    """
    from .release.build import build as build_release
    from .release.build import render_listing
    from .validate import render_text, summary_line

    result = build_release(find_project(), out, base_iri, site=site)
    if not result.built:
        click.echo(render_text(result.report), nl=False)
        click.echo(f"Not built: {out} is unchanged.", err=True)
        sys.exit(1)
    click.echo(summary_line(result.report))
    click.echo(render_listing(result, out), nl=False)


def _client_options(command):
    """The options every `link` subcommand shares: where to ask, and how politely."""
    options = [
        click.option(
            "--endpoint",
            default=WIKIDATA_ENDPOINT,
            show_default=True,
            envvar="KRAKOW_CLUSTERS_ENDPOINT",
            help="SPARQL endpoint shaped like Wikidata's (wd:, wdt:, rdfs:label, owl:sameAs).",
        ),
        click.option(
            "--offline", is_flag=True, help="Answer from the cache only (.cache/wikidata/)."
        ),
        click.option(
            "--contact",
            envvar="KRAKOW_CLUSTERS_CONTACT",
            help="E-mail or web address for the User-Agent (env KRAKOW_CLUSTERS_CONTACT).",
        ),
        click.option("--connect-timeout", type=float, default=10.0, show_default=True),
        click.option("--read-timeout", type=float, default=60.0, show_default=True),
        click.option("--retries", type=int, default=4, show_default=True),
        click.option(
            "--cache-days",
            type=float,
            default=7.0,
            show_default=True,
            help="How long a cached answer stays fresh; 0 asks the endpoint every time.",
        ),
        click.option(
            "--pause",
            type=float,
            default=None,
            help="Seconds between requests [default: 1 for query.wikidata.org, else 0].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _client(project, **options):
    from .wikidata.client import client_for

    return client_for(project, **options)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CouldNotRun(f"not a date (YYYY-MM-DD): {value}") from None
    if day > date.today():
        raise CouldNotRun(f"{value} is in the future: a date of retrieval or check cannot be")
    return day


@cli.group(cls=Group)
def link() -> None:
    """Link to Wikidata: check the links, propose new ones for review, write QuickStatements.

    Links are data: `propose` writes candidates to data/links/proposals.csv for a person to
    review; only accepted ones move into data/links/wikidata.ttl, each with a link record.

    Example: krakow-clusters link check --endpoint http://localhost:7878/query
    """


@link.command("check")
@_client_options
@click.option(
    "--record-verified",
    is_flag=True,
    help="Mark the records of correct evidence-list links as verified against the endpoint.",
)
@click.option("--date", "on", metavar="YYYY-MM-DD", help="Date to record [default: today].")
def link_check(record_verified, on, **options) -> None:
    """Check every link to Wikidata in the data against the endpoint.

    Reports links whose item is missing or redirected, whose labels match none of ours, whose
    class (P31) is implausible for the kind of resource, or (for places) whose country (P17) is
    not ours. Exit 1 when any link is wrong. With --record-verified, the records of the links
    taken from the evidence list that proved correct become lm:verified-live, with the date.

    Example: krakow-clusters link check --endpoint https://query.wikidata.org/sparql
    """
    from .wikidata.check import check_links, render_check
    from .wikidata.check import record_verified as record_verified_links

    project = find_project()
    if record_verified and options["offline"]:
        raise CouldNotRun("--record-verified needs the endpoint itself, not --offline")
    if record_verified:
        # Verified means this endpoint answered now: no answer from the cache counts.
        options["cache_days"] = 0.0
    report = check_links(project, _client(project, **options))
    click.echo(render_check(report), nl=False)
    if record_verified:
        changed = record_verified_links(project, report, _date(on) or date.today())
        click.echo(
            f"{len(changed)} link record(s) marked verified-live in data/links/wikidata.ttl."
        )
    sys.exit(report.exit_code)


@link.command("propose")
@_client_options
@click.option(
    "--search",
    type=click.Choice(["auto", "mwapi", "contains"]),
    default="auto",
    show_default=True,
    help="Entity search: Wikidata's MWAPI service, or labels that contain the name (any "
    "SPARQL store); auto picks mwapi for query.wikidata.org, contains otherwise.",
)
@click.option(
    "--accept",
    "accepted",
    multiple=True,
    metavar="IRI",
    help="Accept the proposal with this candidate (IRI or QID) from the review file; no search.",
)
@click.option(
    "--accept-marked", is_flag=True, help="Accept the rows marked yes in the review file."
)
@click.option("--date", "on", metavar="YYYY-MM-DD", help="Date to record [default: today].")
def link_propose(search, accepted, accept_marked, on, **options) -> None:
    """Propose links for clusters, organisations, places and sectors that have none.

    Searches candidates by label in the project's languages (exact label, then entity search),
    scores them (label similarity, expected class, country or location) and writes them to
    data/links/proposals.csv for review; curated files are not touched. With --accept or
    --accept-marked, moves accepted proposals into data/links/wikidata.ttl with a link record.

    Example: krakow-clusters link propose && krakow-clusters link propose --accept Q123
    """
    from .wikidata.propose import accept_proposals, propose_links, write_review

    project = find_project()
    if accepted or accept_marked:
        done = accept_proposals(project, accepted, accept_marked, _date(on))
        for item in done:
            click.echo(f"accepted {item.resource} -> {item.target} (record {item.record})")
        click.echo(f"{len(done)} link(s) added to data/links/wikidata.ttl; review with git diff.")
        return
    client = _client(project, **options)
    proposals = propose_links(project, client, search=search, today=_date(on))
    path = write_review(project, proposals)
    resources = {p.resource.iri for p in proposals}
    for proposal in proposals:
        row = proposal.row()
        click.echo(
            f"{row['score']}  {proposal.resource.short} -> wd:{proposal.candidate.qid} "
            f"{row['candidate_label']!r}  [{row['verdict']}]"
        )
    click.echo(
        f"{len(proposals)} proposal(s) for {len(resources)} resource(s) written to "
        f"{path.relative_to(project.root)}; no curated file was changed."
    )


@link.command("quickstatements")
@click.option(
    "--retrieved",
    metavar="YYYY-MM-DD",
    help="Retrieval date of the source for S813 [default: today].",
)
def link_quickstatements(retrieved) -> None:
    """Print QuickStatements (v1) creating an item for each cluster without a Wikidata link.

    Labels and descriptions in the project's languages, aliases, P17, P131, P452 for linked sectors,
    P2124 for exact member counts, P571 where known; each statement cites S854 (the source) and S813
    (retrieved). Notes on what is left out go to stderr.

    Example: krakow-clusters link quickstatements --retrieved 2026-11-24 > clusters.qs
    """
    from .wikidata.quickstatements import quickstatements

    result = quickstatements(find_project(), _date(retrieved) or date.today())
    click.echo(result.text(), nl=False)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


@cli.command()
@click.argument("name", required=False, metavar="NAME|FILE")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the query (repeatable); see --list for each query's parameters.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run on this SPARQL 1.1 endpoint instead of the embedded store.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "turtle", "jsonld"]),
    default="table",
    show_default=True,
    help="table for people; csv, tsv, json (SPARQL results) for programs; turtle or jsonld "
    "for CONSTRUCT queries.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a remote endpoint (or a SERVICE call).",
)
@click.option("--list", "list_", is_flag=True, help="List the queries with their parameters.")
def query(
    name: str | None,
    params: tuple[str, ...],
    endpoint: str | None,
    fmt: str,
    timeout: float,
    list_: bool,
) -> None:
    """Run a query of the library (queries/*.rq) by NAME, or any .rq FILE.

    The default store is the dataset (ontology/ and data/) loaded in process; --endpoint runs the
    same query on any SPARQL 1.1 endpoint. Parameters are bound as RDF terms, never pasted into
    the query; an IRI may be written as a prefixed name (sector:ict). A value that names nothing
    in the dataset gets a warning on stderr.

    Examples: krakow-clusters query --list

    krakow-clusters query clusters-in-sector --param sector=sector:ict
    """
    from .formats.table import render
    from .rdf.namespaces import Namespaces
    from .sparql.run import list_queries, parse_params, run_named

    project = find_project()
    if list_:
        click.echo(list_queries(project), nl=False)
        return
    if not name:
        raise CouldNotRun("name a query (see `krakow-clusters query --list`)")
    answer = run_named(project, name, parse_params(params), endpoint, timeout)
    click.echo(render(answer.result, fmt, Namespaces.of(project.settings)), nl=False)
    for warning in answer.warnings:  # after the answer, which stays whole on stdout
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for programs.",
)
def diff(old: Path, new: Path, fmt: str) -> None:
    """Compare the facts of two releases (two built folders, such as dist/): added, removed and
    changed facts by resource, each with its graph and source, and facts moved to another graph.

    Exit 0 when both state the same facts in the same graphs, 1 when they differ, 2 when a
    release cannot be read,
    like diff. Blank-node labels and the order of lines are no differences.

    Example: krakow-clusters diff old-dist dist
    """
    from .release.diff import diff_releases, render_json, render_text

    result = diff_releases(old, new)
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    else:
        click.echo(render_text(result, _curie_of_project()), nl=False)
    sys.exit(result.exit_code)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--sparql-endpoint",
    metavar="URL",
    help="Answer every page and query from this SPARQL 1.1 query endpoint instead of loading "
    "the dataset in process. Parameters in the URL (e.g. ?default-graph-uri=IRI) are kept.",
)
@click.option(
    "--dist",
    type=click.Path(path_type=Path),
    default=None,
    help="Built output to serve under /dist/ and /dataset (default: dist/ of the checkout).",
)
@click.option(
    "--query-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds a /sparql query may run before it is stopped (503).",
)
@click.option(
    "--result-limit",
    default=10000,
    show_default=True,
    type=click.IntRange(1),
    help="Most rows (or triples) a /sparql answer may have; more is refused (400).",
)
@click.option(
    "--query-workers",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Processes that run /sparql queries on the embedded store (threads on a remote one).",
)
@click.option(
    "--queue-wait",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds a /sparql query waits for a free worker before it gets 503 with Retry-After.",
)
@click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    metavar="URL",
    help="A SPARQL endpoint that visitors' queries may ask with SERVICE (repeatable); without "
    "it, federation is refused (400).",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set one of the limits on what a client may send and how long it may take "
    "(repeatable), e.g. --limit header-timeout=5; the names and defaults are in the README's "
    "'Running it in public'.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="HOST",
    help="A host name the server answers for (repeatable); a request for another Host gets "
    "400. Without it, any Host is answered.",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="Where the server is published (https://…/): the start of absolute URLs in answers "
    "(the reconciliation manifest). Default: the address listened on.",
)
def serve(
    host: str,
    port: int,
    sparql_endpoint: str | None,
    dist: Path | None,
    query_timeout: float,
    result_limit: int,
    query_workers: int,
    queue_wait: float,
    allow_service: tuple[str, ...],
    limits: tuple[str, ...],
    allowed_hosts: tuple[str, ...],
    public_url: str | None,
) -> None:
    """Serve the linked data over HTTP: IRIs, SPARQL, saved queries and downloads.

    Every IRI under the base IRI of settings.toml dereferences at the same path here
    (/id/cluster/bim, /ontology) as HTML, Turtle, JSON-LD, N-Triples or RDF/XML by Accept,
    ?format= or extension; /sparql is a read-only SPARQL 1.1 endpoint; /queries/ runs the
    query library; /dataset and /dist/ serve what `build` wrote.

    Example: krakow-clusters serve --port 8000
    """
    from .web.guard import parse_limits
    from .web.serve import serve as run_server

    try:
        chosen = parse_limits(limits)
    except ValueError as exc:
        raise CouldNotRun(str(exc)) from None
    run_server(
        find_project(),
        host=host,
        port=port,
        sparql_endpoint=sparql_endpoint,
        dist=dist,
        query_timeout=query_timeout,
        result_limit=result_limit,
        query_workers=query_workers,
        queue_wait=queue_wait,
        allowed_services=allow_service,
        limits=chosen,
        allowed_hosts=allowed_hosts,
        public_url=public_url,
    )


@cli.command()
@click.argument("csv_file", metavar="FILE", type=click.Path(path_type=Path))
@click.option("--column", required=True, help="The column holding the names to match.")
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["cluster", "organization", "sector", "place"]),
    help="Match only resources of this type (repeatable) [default: any].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: the file with five columns added; json: every row with its candidates.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here (atomically) instead of to standard output.",
)
def reconcile(csv_file: Path, column: str, types: tuple[str, ...], fmt: str, out: Path | None):
    """Match a column of names in a CSV file against the clusters, organisations and places.

    Writes the file back with the best candidate of each row: reconciled_iri, reconciled_label,
    reconciled_score (0-100), reconciled_match (true only for an unambiguous exact name) and qid
    (its Wikidata item, when linked). Names are compared with case, diacritics and word order
    folded, in every language of the names. The same matching answers serve's /reconcile
    (OpenRefine).

    Example: krakow-clusters reconcile names.csv --column name --type cluster
    """
    from .files import check_output_folder, write_atomic
    from .reconcile.csv import reconcile_table
    from .reconcile.service import Reconciler
    from .store import open_store

    if out is not None:
        check_output_folder(out)  # before the work, and write_atomic would make the folder
    project = find_project()
    reconciler = Reconciler.from_store(open_store(project), project.settings)
    text = reconcile_table(reconciler, csv_file, column, types, fmt)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol endpoint of the store (Oxigraph: http://HOST:7878/store).",
)
@click.option(
    "--graph",
    "graph_iri",
    default=None,
    metavar="IRI",
    help="Named graph to replace (default: base_iri of settings.toml + dataset).",
)
@click.option(
    "--query-endpoint",
    default=None,
    metavar="URL",
    help="SPARQL query endpoint used to count the loaded triples (default: the --endpoint "
    "URL with /store replaced by /query, as Oxigraph lays them out).",
)
@click.option(
    "--by-origin",
    is_flag=True,
    help="PUT each named graph of the dataset (graph:clusters, graph:translations …) under its "
    "own IRI instead of the union into one graph.",
)
def publish(
    endpoint: str, graph_iri: str | None, query_endpoint: str | None, by_origin: bool
) -> None:
    """Load the dataset into an external SPARQL store, replacing one named graph.

    Sends the whole dataset with an HTTP PUT (SPARQL 1.1 Graph Store Protocol), so publishing
    twice replaces rather than duplicates, then counts the triples of the graph with SPARQL and
    fails if the count differs. Credentials, if the store needs them, are written in the URL
    (http://user:pass@host/store) or come from the environment variables KRAKOW_CLUSTERS_USER
    and KRAKOW_CLUSTERS_PASSWORD; they are never printed.

    Example: krakow-clusters publish --endpoint http://127.0.0.1:7878/store
    """
    from .publish import publish_dataset

    report = publish_dataset(
        find_project(), endpoint, graph_iri, query_endpoint, by_origin=by_origin
    )
    click.echo(report)


def _curie_of_project():
    """The project's CURIE function where a project is found (a diff of two releases may be run
    anywhere: outside a project, IRIs are shown in full)."""
    from .rdf.namespaces import Namespaces

    try:
        return Namespaces.of(find_project().settings).curie
    except CouldNotRun:
        return lambda _iri: None


cli.add_command(init_command)  # defined beside what it does (init.py): cli.py stays small

if __name__ == "__main__":  # pragma: no cover
    cli()

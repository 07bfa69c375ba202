"""`krakow-clusters link`: the links to Wikidata, checked, proposed and sent."""

from __future__ import annotations

import sys
from datetime import date

import click

from ..errors import CouldNotRun
from ..project import find_project
from ..wikidata import WIKIDATA_ENDPOINT
from .base import Group, cli


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
    from ..wikidata.client import client_for

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
    from ..wikidata.check import check_links, render_check
    from ..wikidata.check import record_verified as record_verified_links

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
    from ..wikidata.propose import accept_proposals, propose_links, write_review

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
    from ..wikidata.quickstatements import quickstatements

    result = quickstatements(find_project(), _date(retrieved) or date.today())
    click.echo(result.text(), nl=False)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)

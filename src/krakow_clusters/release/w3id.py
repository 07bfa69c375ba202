"""The w3id.org redirect rules (.htaccess): every IRI pattern of the project to the file of the
release for the type the client asks for."""

from __future__ import annotations

from .context import BuildContext
from .dumps import DUMP
from .void import DISTRIBUTION_TITLES, VOID_FILE

HTACCESS_FILE = ".htaccess"

HTACCESS = """\
# Redirect rules for https://w3id.org/krakow-clusters/ (w3id.org keeps one .htaccess per project).
# Built by `krakow-clusters build` from release.toml; the target host is {host}
# Each IRI pattern goes to the file for the type the client asks for (Accept), HTML otherwise.
Options +FollowSymLinks
RewriteEngine on

# The ontology (terms are /ontology#Term: the fragment never reaches the server) and its versions.
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/{dump}.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/{dump}.jsonld [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/rdf\\+xml
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/{dump}.rdf [R=303,L]
RewriteCond %{{HTTP:Accept-Language}} ^pl
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/index.pl.html [R=303,L]
RewriteRule ^ontology(/[0-9.]+)?$ {host}dist/ontology/index.en.html [R=303,L]
RewriteRule ^ontology/([a-z.-]+\\.(ttl|jsonld|rdf|html))$ {host}dist/ontology/$1 [R=302,L]

# Resources: /id/{{kind}}/{{slug}} (counts and roles are /id/{{kind}}/{{slug}}#part).
RewriteCond %{{HTTP_ACCEPT}} text/turtle
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.ttl [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/ld\\+json
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.jsonld [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/n-triples
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.nt [R=303,L]
RewriteCond %{{HTTP_ACCEPT}} application/rdf\\+xml
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.rdf [R=303,L]
RewriteRule ^id/([a-z0-9-]+)/([A-Za-z0-9._-]+)$ {host}id/$1/$2.html [R=303,L]

# The named graphs (/graph/article holds what the article states): described by the server, which
# negotiates the format.
RewriteRule ^graph/([a-z0-9-]+)$ {host}graph/$1 [R=303,L]

# The dataset description (its page for a browser), the files void.ttl declares at the top of
# the base IRI (download URLs, the JSON-LD context, void.ttl), the downloads, the SPARQL endpoint.
RewriteCond %{{HTTP_ACCEPT}} text/html
RewriteRule ^(void|dataset|\\.well-known/void)$ {host}dataset [R=303,L]
RewriteRule ^(void|dataset|\\.well-known/void)$ {host}dist/void.ttl [R=303,L]
RewriteRule ^({files})$ {host}dist/$1 [R=302,L]
RewriteRule ^dist/(.*)$ {host}dist/$1 [R=302,L]
RewriteRule ^sparql$ {host}sparql [R=307,L]
RewriteRule ^$ {host} [R=302,L]
"""


def write_htaccess(ctx: BuildContext) -> None:
    """dist/.htaccess: the w3id.org rules for every IRI pattern of the project."""
    host = ctx.release.host if ctx.release.host.endswith("/") else ctx.release.host + "/"
    ctx.write(HTACCESS_FILE, HTACCESS.format(host=host, dump=DUMP, files=root_files_pattern()))


def root_files_pattern() -> str:
    """The regular expression of the file names void.ttl gives at the top of the base IRI
    (<base>krakow-clusters.ttl …, void.ttl itself): one alternative per name, sorted."""
    names = sorted({n for n in DISTRIBUTION_TITLES if "/" not in n} | {VOID_FILE})
    return "|".join(name.replace(".", "\\.") for name in names)

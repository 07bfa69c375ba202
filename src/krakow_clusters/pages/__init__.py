"""The pages for people, as HTML and pictures, with no HTTP in them: shared by `serve` (web/) and
the static site of the release (release/site.py).

- describe.py: a resource's description, its labels and origins; `Site`, what every page of the
  project shares (its settings, prefixes and local links);
- views.py: the views the templates render; render.py: `Pages`, the one Jinja environment per
  language, and the link filters; dataset.py: the dataset page; tables.py: answers as tables;
- profile.py: a page's facts for people, with footnotes; related.py: what a page shows beyond
  the description (an organisation's clusters, a concept's hierarchy); schemaorg.py: its schema.org;
- facets.py: the home page's index (facets counted in SPARQL); pictures.py: the SVG pictures;
- i18n.py: the languages and the gettext catalogues (locale/); assets.py: the files of static/;
- templates/: the Jinja templates.
"""

"""The web server and the HTML pages.

- app.py: the Starlette app (routes, middleware, `create_app`); state.py: `Settings` and
  `AppState`, the state behind the app; serve.py: `serve`, run by `krakow-clusters serve`.
- views/: one module per page kind (home, resource, sparql, queries, dataset, downloads) on
  views/base.py, the shared responses and content negotiation.
- pages.py and templates/: the pages' queries, views and Jinja templates, shared by serve and by
  the static site of the release (release/site.py).
"""

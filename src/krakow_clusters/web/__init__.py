"""The web server: HTTP only. The pages themselves are built by `pages/`, shared with the static
site.

- app.py: the Starlette app (routes, middleware, `create_app`); state.py: `Settings` and
  `AppState`, the state behind the app; serve.py: `serve`, run by `krakow-clusters serve`;
  guard.py: limits, HEAD and security headers; federation.py: the SERVICE allow-list;
  openapi.py: the HTTP API described in OpenAPI 3.1.
- views/: one module per page kind (home, resource, sparql, queries, dataset, downloads,
  reconcile, static) on views/base.py, the shared responses and content negotiation.
"""

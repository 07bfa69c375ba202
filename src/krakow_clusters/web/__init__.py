"""The web server and the HTML pages: the Starlette app, one view module per page kind, the
pages' views and templates (shared with the static site of the release)."""

"""The views of the web app, one module per page kind, on the helpers of base.py: home (the home
page and the /id/ index), resource (/id/… resources and /ontology), sparql (the endpoint and its
page), queries (the saved queries), dataset (/dataset, the VoID description) and downloads (the
files of dist/)."""

"""The release: build = validate, stage, swap; one module per artefact."""

"""The register import: an existing register spreadsheet mapped column by column, dry-run, then applied."""

"""The register workbook for the steering group: one module per sheet, and ``workbook`` that writes them."""

"""Export, import and archive of tenders and their documents (pandoc, WeasyPrint)."""

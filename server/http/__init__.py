"""HTTP side: the JSON API under /api and the HTML pages."""

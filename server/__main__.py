"""`python -m server` is the `wikimarche` command."""

from server.cli import main

raise SystemExit(main())

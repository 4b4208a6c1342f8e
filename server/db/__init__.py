"""Storage: every SQL table and query lives in this package, and nowhere else."""

from server.db.engine import Database

__all__ = ["Database"]

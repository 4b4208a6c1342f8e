"""Two server processes sharing one PostgreSQL database and one Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.api import ApiUser
from support.cluster import Cluster, running_cluster


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with running_cluster(tmp_path) as built:
        yield built


@pytest.fixture
def shared_document(cluster: Cluster) -> Callable[..., tuple[dict[str, ApiUser], ...]]:
    """A tender with a document and members: (document id, owner, other members...)."""

    def make(*roles: str) -> tuple[int, dict[str, ApiUser], list[dict[str, ApiUser]]]:
        owner = cluster.user("Claire Martin")
        tender_id = owner["a"].create_tender()["id"]
        doc_id = owner["a"].create_document(tender_id)
        others = []
        for n, role in enumerate(roles):
            member = cluster.user(f"Membre {n}")
            added = owner["a"].post(
                f"/api/tenders/{tender_id}/members",
                json={"email": member["a"].email, "role": role},
            )
            assert added.status_code in (200, 201), added.text
            others.append(member)
        return doc_id, owner, others

    return make  # type: ignore[return-value]

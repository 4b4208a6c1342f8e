"""Legal references and the CMP 2006 → Code de la commande publique mapping."""

from __future__ import annotations

import datetime as dt

import pytest

from clauses import REFERENCES, UnknownReference, old_references, reference, resolve_old_reference


def ids(refs: list) -> list[str]:
    return [ref.id for ref in refs]


def test_every_pilot_article_is_mapped() -> None:
    mapped = {ref.article for ref in old_references()}
    assert {"art. 1", "art. 5", "art. 6", "art. 14", "art. 15", "art. 45", "art. 53"} <= mapped


@pytest.mark.parametrize(
    ("old", "expected"),
    [
        ("CMP-2006-1", ["CCP-L3", "CCP-L3-1"]),
        ("CMP-2006-5", ["CCP-L2111-1", "CCP-L2111-3"]),
        ("CMP-2006-6", ["CCP-L2111-2", "CCP-R2111-12-a-R2111-17"]),
        ("CMP-2006-14", ["CCP-L2112-2", "CCP-L2112-3", "CCP-L2112-4"]),
        ("CMP-2006-15", ["CCP-L2113-12", "CCP-L2113-13", "CCP-R2113-7"]),
        ("CMP-2006-45", ["CCP-R2142-7", "CCP-L2141-7-1", "CCP-L2141-7-2"]),
        ("CMP-2006-53", ["CCP-L2152-7", "CCP-R2152-7"]),
    ],
)
def test_resolve_old_reference(old: str, expected: list[str]) -> None:
    found = ids(resolve_old_reference(old))
    for ref_id in expected:
        assert ref_id in found
    assert all(ref_id.startswith("CCP-") for ref_id in found)


def test_article_14_maps_to_execution_conditions_in_order() -> None:
    assert ids(resolve_old_reference("CMP-2006-14")) == [
        "CCP-L2112-2",
        "CCP-L2112-2-1",
        "CCP-L2112-3",
        "CCP-L2112-4",
    ]


def test_resolution_on_a_date_leaves_out_what_is_not_yet_in_force() -> None:
    before = ids(resolve_old_reference("CMP-2006-14", on=dt.date(2026, 8, 20)))
    after = ids(resolve_old_reference("CMP-2006-14", on=dt.date(2026, 8, 21)))
    assert "CCP-L2112-2-1" not in before
    assert "CCP-L2112-2-1" in after


@pytest.mark.parametrize("spelling", ["CMP art. 14", "cmp 2006 14", "CMP-14", "CMP article 14"])
def test_usual_spellings_are_understood(spelling: str) -> None:
    assert ids(resolve_old_reference(spelling)) == ids(resolve_old_reference("CMP-2006-14"))


@pytest.mark.parametrize("bad", ["CMP-2006-999", "CCP-L2112-2", "article 14", ""])
def test_unknown_old_reference(bad: str) -> None:
    with pytest.raises(UnknownReference):
        resolve_old_reference(bad)


def test_old_articles_are_abrogated_and_unverified() -> None:
    for old in old_references():
        assert old.in_force_to == dt.date(2016, 3, 31)
        assert not old.is_in_force(dt.date(2026, 1, 1))
        assert old.superseded_by


def test_references_have_french_summaries_and_consistent_ids() -> None:
    for ref_id, ref in REFERENCES.items():
        assert ref.id == ref_id
        assert ref.label and ref.summary.endswith(".")
        if ref.source == "CCP":
            assert ref_id == f"CCP-{ref.article.replace(' à ', '-a-')}"


def test_verified_flags_follow_domain_notes() -> None:
    assert reference("CCP-L2112-2").verified
    assert reference("CCP-L2152-7").verified
    assert not reference("CCP-R2152-12").verified
    assert not reference("CCP-L2113-14").verified


def test_reference_lookup_error_is_french() -> None:
    with pytest.raises(UnknownReference, match="Référence juridique inconnue"):
        reference("CCP-L0000")

"""In-memory search: accent folding, prefix matching, ranking, filters."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clauses import (
    Ccag,
    Clause,
    Family,
    Kind,
    Piece,
    SearchIndex,
    Status,
    fold,
    load_catalogue,
    search,
    tokenize,
)

CLAUSES = load_catalogue()
INDEX = SearchIndex(CLAUSES)


def ids(query: str = "", **filters: object) -> list[str]:
    return [hit.clause.id for hit in INDEX.search(query, **filters)]  # type: ignore[arg-type]


def make(clause_id: str, title: str, text: str) -> Clause:
    return Clause(
        id=clause_id,
        version=1,
        title=title,
        family=Family.SOCIAL,
        kind=Kind.CONDITION_EXECUTION,
        pieces=(Piece.CCAP,),
        legal_basis=("CCP-L2112-2",),
        text=text,
        valid_from=dt.date(2025, 1, 1),
        status=Status.VALIDATED,
    )


def test_fold_and_tokenize() -> None:
    assert fold("RÉSERVÉ") == fold("réservé") == "reserve"
    assert fold("main-d'œuvre") == "main-d'oeuvre"
    assert tokenize("L'Écolabel européen, 100 %") == ["l", "ecolabel", "europeen", "100"]


@pytest.mark.parametrize("query", ["réservé", "reserve", "RÉSERVÉ", "Réserve"])
def test_accents_and_case_do_not_matter(query: str) -> None:
    found = ids(query)
    assert "lot-reserve-entreprises-adaptees" in found
    assert "lot-reserve-siae" in found
    assert found == ids("reserve")


def test_prefix_matching_without_stemming() -> None:
    assert "lot-reserve-siae" in ids("reserv")
    # "réservé" is a prefix of "réservés" but not of "réservation"
    index = SearchIndex([make("a", "Prestations réservées", "x"), make("b", "Réservation", "y")])
    assert [hit.clause.id for hit in index.search("réservé")] == ["a"]
    assert {hit.clause.id for hit in index.search("reserv")} == {"a", "b"}


def test_insertion_ranks_the_insertion_clause_first() -> None:
    found = ids("insertion")
    assert found[0] in {"insertion-professionnelle", "critere-insertion"}
    assert {"insertion-professionnelle", "critere-insertion"} <= set(found[:3])
    assert "lot-reserve-siae" in found  # "insertion" in the text only


def test_title_matches_rank_above_text_matches() -> None:
    index = SearchIndex(
        [
            make("texte", "Autre sujet", "Cette clause parle de carbone plusieurs fois : carbone."),
            make("titre", "Bilan carbone", "Sans rapport."),
        ]
    )
    assert [hit.clause.id for hit in index.search("carbone")] == ["titre", "texte"]


def test_more_matched_terms_rank_first() -> None:
    index = SearchIndex(
        [
            make("un", "Déplacements en train", "x"),
            make("deux", "Autre", "Les déplacements se font en avion ou en train."),
        ]
    )
    hits = index.search("train avion")
    assert [hit.clause.id for hit in hits] == ["deux", "un"]
    assert hits[0].matched_terms == ("train", "avion")
    assert hits[1].title_terms == ("train",)


def test_stop_words_and_empty_queries() -> None:
    assert ids("de la") == ids("")
    assert len(ids("")) == len({c.id for c in CLAUSES})  # deprecated versions left out
    assert ids("zzzinexistant") == []


def test_parameter_labels_are_searchable() -> None:
    assert "insertion-professionnelle" in ids("facilitateur")


def test_filters() -> None:
    env = ids(family="environnemental")
    assert env and all(c.family is Family.ENVIRONNEMENTAL for c in CLAUSES if c.id in env)
    criteria = ids("critère", kind=Kind.CRITERE_ATTRIBUTION)
    assert "critere-prix" in criteria and "insertion-professionnelle" not in criteria
    rc = ids(piece=Piece.RC)
    assert "critere-prix" in rc and "livrables-dematerialises" not in rc
    tic = ids(ccag=Ccag.TIC)
    assert "hebergement-sobre" in tic  # written for CCAG-TIC
    assert "insertion-professionnelle" in tic  # tied to no CCAG: fits every CCAG
    assert "penalite-environnementale" not in tic  # written for CCAG-PI only
    assert "grille-ponderation-pi" in ids("pondération", family="critere", ccag="CCAG-PI 2021")


def test_deprecated_versions_only_on_request() -> None:
    hits = INDEX.search("capacité")
    assert (hits[0].clause.id, hits[0].clause.version) == ("capacites-proportionnees", 2)
    assert all(h.clause.status is not Status.DEPRECATED for h in hits)
    everything = INDEX.search("capacité", statuses=list(Status))
    versions = [h.clause.version for h in everything if h.clause.id == "capacites-proportionnees"]
    assert versions == [2, 1]


def test_limit_and_one_off_search() -> None:
    assert len(search(CLAUSES, "clause", limit=3)) == 3
    assert [h.clause.id for h in search(CLAUSES, "RGAA")] == ["accessibilite-numerique"]


WORDS = sorted({word for clause in CLAUSES for word in clause.title.split() if len(word) > 3})


@given(st.sampled_from(WORDS))
def test_case_and_accents_never_change_the_results(word: str) -> None:
    assert ids(word.upper()) == ids(word.lower()) == ids(fold(word))
    assert ids(word)  # a word of a title always finds its clause

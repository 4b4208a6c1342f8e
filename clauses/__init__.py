"""The sustainable-clause library: model, legal references, parameters, placeholders,
compliance rules, catalogue and search (pure Python: no web, no SQL)."""

from clauses.catalogue_loader import CatalogueError, load_catalogue
from clauses.compliance import blocking, check, is_ready
from clauses.decp import DecpConsiderations, decp_considerations
from clauses.findings import AwardCriterion, Finding, Severity
from clauses.formatting import format_amount, format_number, format_percentage, format_value
from clauses.formulas import FORMULAS, ComputeContext, insertion_hours
from clauses.library import ClauseLibrary
from clauses.model import (
    Applicability,
    Ccag,
    Clause,
    CriterionCategory,
    CriterionSpec,
    DecpFlags,
    Family,
    Kind,
    LegalReference,
    Obligation,
    Parameter,
    ParameterType,
    ParamValue,
    Piece,
    PurchaseCategory,
    Status,
)
from clauses.parameters import ParameterError, compute, dump_values, validate_values
from clauses.placeholders import paragraphs, placeholders, render, unresolved
from clauses.references import (
    REFERENCES,
    UnknownReference,
    describe,
    old_references,
    reference,
    resolve_old_reference,
)
from clauses.search import SearchHit, SearchIndex, fold, search, tokenize
from clauses.tender import InsertedClause, Lot, Procedure, Reservation, TenderSummary
from clauses.thresholds import CLIMAT_DATE, eu_threshold

__all__ = [
    "CLIMAT_DATE",
    "FORMULAS",
    "REFERENCES",
    "Applicability",
    "AwardCriterion",
    "CatalogueError",
    "Ccag",
    "Clause",
    "ClauseLibrary",
    "ComputeContext",
    "CriterionCategory",
    "CriterionSpec",
    "DecpConsiderations",
    "DecpFlags",
    "Family",
    "Finding",
    "InsertedClause",
    "Kind",
    "LegalReference",
    "Lot",
    "Obligation",
    "ParamValue",
    "Parameter",
    "ParameterError",
    "ParameterType",
    "Piece",
    "Procedure",
    "PurchaseCategory",
    "Reservation",
    "SearchHit",
    "SearchIndex",
    "Severity",
    "Status",
    "TenderSummary",
    "UnknownReference",
    "describe",
    "blocking",
    "check",
    "compute",
    "decp_considerations",
    "dump_values",
    "eu_threshold",
    "fold",
    "format_amount",
    "format_number",
    "format_percentage",
    "format_value",
    "insertion_hours",
    "is_ready",
    "load_catalogue",
    "old_references",
    "paragraphs",
    "placeholders",
    "reference",
    "render",
    "resolve_old_reference",
    "search",
    "tokenize",
    "unresolved",
    "validate_values",
]

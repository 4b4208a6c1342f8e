"""Human labels for the slugs stored in data (clause families and kinds, statuses, procedures,
severities, parameter types): English message ids, translated where they are shown."""

from __future__ import annotations

from server.i18n import gettext


def _(message: str) -> str:
    """Marks a message id for extraction; translation happens in `label`."""
    return message


LABELS = {
    # Clause families
    "environnemental": _("Environmental"),
    "social": _("Social"),
    "economique": _("Economic and SMEs"),
    "critere": _("Award criterion"),
    "administratif": _("Administrative"),
    # Clause kinds
    "condition-execution": _("Execution condition"),
    "specification-technique": _("Technical specification"),
    "critere-attribution": _("Award criterion"),
    "critere-selection": _("Selection criterion"),
    "reservation": _("Reservation"),
    "exclusion-facultative": _("Optional exclusion"),
    "clause-financiere": _("Financial clause"),
    "penalite": _("Penalty"),
    "cadre-reponse": _("Response frame"),
    "modalite-consultation": _("Consultation rule"),
    "clause-administrative": _("Administrative clause"),
    # Version statuses
    "draft": _("Proposal"),
    "validated": _("Validated"),
    "deprecated": _("Deprecated"),
    # Procedures
    "procedure-adaptee": _("Adapted procedure (MAPA)"),
    "appel-offres-ouvert": _("Open call for tenders"),
    "appel-offres-restreint": _("Restricted call for tenders"),
    "procedure-avec-negociation": _("Competitive procedure with negotiation"),
    "dialogue-competitif": _("Competitive dialogue"),
    "sans-publicite": _("Without prior publication"),
    # Compliance severities
    "bloquant": _("Blocking"),
    "avertissement": _("Warning"),
    "information": _("Information"),
    # Parameter types
    "number": _("Number"),
    "percentage": _("Percentage"),
    "amount": _("Amount"),
    "duration": _("Duration"),
    "choice": _("Choice"),
    "text": _("Text"),
}


def label(slug: object) -> str:
    """The translated label of a stored slug (the slug itself when it has none)."""
    message = LABELS.get(str(slug))
    return gettext(message) if message else str(slug)

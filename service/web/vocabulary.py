"""The service's own words for stored names: statuses and the shipped groups, translatable.

Why a table: a status (`open`, `running`) and a group's name (`sales-managers`) are data, written in
English by the code and the diagrams; a page in another language reads them through these entries.
English pages keep reading them as before (the stored word, or the group's name in a sentence).
"""

from __future__ import annotations


def N_(msgid: str) -> str:
    """Marks a msgid for `tools/i18n.py extract`; translated where it is shown."""
    return msgid


STATUSES = {
    "open": N_("open"), "completed": N_("completed"), "cancelled": N_("cancelled"), "running": N_("running"),
    "suspended": N_("suspended"), "error": N_("error"), "failed": N_("failed"), "done": N_("done"),
}

# Why a signature no longer holds (`flows.signatures`, which words them in English for the API).
CHANGED = N_("%(section)s changed after it was signed")
ALTERED = N_("the signature record was altered after signing")
UNCHECKABLE = N_("signed with %(provider)s, which this service cannot check")

# A customer's fields as a change message (R8, `flows.customers`) names them.
CUSTOMER_FIELDS = {
    "budget": N_("Budget"), "decision_makers": N_("Decision makers"), "executive_attention": N_("Executive attention"),
    "industry": N_("Industry"), "complaint_types": N_("Complaint types"), "sla_achievement": N_("SLA achievement"),
    "name": N_("Name"),
}

PROVIDERS = {"builtin": N_("built-in")}  # signature providers (integrations.esign)

GROUPS = {
    "sales": N_("Sales"), "sales-managers": N_("Sales managers"), "executives": N_("Executives"),
    "sales-vp": N_("Sales VP"), "technical-sales": N_("Technical sales"), "education-sales": N_("Education sales"),
    "key-accounts": N_("Key accounts"), "legal": N_("Legal"), "delivery": N_("Delivery"), "product": N_("Product"),
    "tech": N_("Tech"), "finance": N_("Finance"), "designers": N_("Designers"), "admins": N_("Admins"),
    "managers": N_("Managers"), "integrations": N_("Integrations"),
}

"""The instance page's data panel reads in the forms' words: option titles (`x-enum-titles`), a customer's
name for its id, a document's file name; engine-kept values fold away."""

from __future__ import annotations

import json
import re

from service.app import create_app
from service.engine.bundle import read_tree
from service.flows.deploy import deploy
from tests.support import REPO
from tests.web.test_pages import logged_in

TITLES = {"vat_special": "VAT special invoice", "vat_general": "VAT general invoice", "receipt": "Receipt"}


def with_invoice_titles() -> dict[str, str]:
    """The shipped library, its contract form naming its invoice types as lane 1's forms do."""
    files = read_tree(REPO)
    form = json.loads(files["forms/cosign/submit_contract.json"])
    form["properties"]["invoice_type"]["x-enum-titles"] = TITLES
    files["forms/cosign/submit_contract.json"] = json.dumps(form)
    return files


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</section>", start)]


def test_the_data_panel_names_options_customers_and_documents(services, library):
    deploy(services, with_invoice_titles(), "tests")
    project = library.won_project()
    library.describe_opportunity(project)
    library.task(project, "submit_contract", "rep", {
        "contract_number": "C-7", "contract_amount": 500000, "terms": "net 30", "invoice_type": "vat_special"})
    html = logged_in(create_app(services.config, services), "rep").get(f"/instances/{project}").get_data(as_text=True)
    data = section(html, "data")
    assert "VAT special invoice" in data and "vat_special" not in data
    assert re.search(r"<dt>Customer</dt><dd>\s*ACME Education", data)  # not the customer's id
    shown = data.split('id="other-data"')[0]
    # the engine's own values fold away, named in the service's words
    assert "service history" not in shown.lower() and "s service history</dt>" in data

"""Admin › Customers and Knowledge base in a browser: an admin adds and corrects a customer, a product owner
makes a new version current; a rep is shown the door."""

from __future__ import annotations

from sqlalchemy import select

from service.store.models import Customer, KbProduct


def test_an_admin_adds_and_corrects_a_customer(person, library, services):
    admin = person("admin")
    page = admin.open("/admin/customers")
    form = page.locator("#new-customer")
    form.locator("input[name=name]").fill("Hangzhou No. 2 Middle School")
    form.locator("input[name=industry]").fill("education")
    form.locator("input[name=budget]").fill("650000")
    form.locator("button").click()
    page.wait_for_selector("tr.customer input[value='Hangzhou No. 2 Middle School']")
    duplicate = page.locator("#new-customer")
    duplicate.locator("input[name=name]").fill("hangzhou no. 2 middle school")
    duplicate.locator("button").click()
    page.wait_for_selector("#notice.bad:has-text('already called')")
    row = page.locator("tr.customer", has=page.locator("input[value='Hangzhou No. 2 Middle School']"))
    row.locator("input[name=budget]").fill("700000")
    row.locator("button.save").click()
    page.wait_for_selector("#notice:has-text('Saved.')")
    admin.shot("customers")
    with services.sessions() as session:
        saved = session.scalar(select(Customer).where(Customer.name == "Hangzhou No. 2 Middle School"))
        assert (saved.industry, saved.budget) == ("education", 700000)

    rep = person("rep")
    assert "kept by admins" in rep.open("/admin/customers").inner_text("body")


def test_a_product_owner_makes_a_new_version_current(person, library, services):
    product = person("product")
    page = product.open("/admin/knowledge-base")
    row = page.locator("tr.product[data-product='Enterprise']")
    row.locator("input[name=version]").fill("V3.3-202605 security module")
    row.locator("button.save").click()
    page.wait_for_selector("#notice:has-text('The version is current.')")
    page.wait_for_selector("tr.product[data-product='Enterprise'] td:has-text('product')")
    with services.sessions() as session:
        assert session.get(KbProduct, "Enterprise").current_version == "V3.3-202605 security module"
    assert "product owners and admins" in person("rep").open("/admin/knowledge-base").inner_text("body")

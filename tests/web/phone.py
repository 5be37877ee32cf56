"""A phone's browser (390×844, touch, 3× pixels) and what every page must be on it: nothing wider than the
screen, every target a thumb can hit (44×44 px), tables as labelled cards. Used by test_phone_layouts."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import ARTIFACTS, Person

WIDTH, HEIGHT = 390, 844
TARGET = 44  # px, WCAG 2.5.5 and the platforms' guidelines

# Every visible control of the header and the page; a checkbox or radio button is hit through its label.
TARGETS_TOO_SMALL = """() => {
  const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  const small = [];
  const selector = ["a", "button", "input:not([type=hidden])", "select", "textarea", "summary"]
    .flatMap((tag) => [`header ${tag}`, `main ${tag}`]).join(", ");
  for (const el of document.querySelectorAll(selector)) {
    const target = el.matches("input[type=checkbox], input[type=radio]") ? (el.closest("label") || el) : el;
    if (!shown(target)) continue;
    const r = target.getBoundingClientRect();
    if (r.height < %(t)s - 0.5 || r.width < %(t)s - 0.5) {
      const words = (el.getAttribute("aria-label") || el.textContent || el.value || el.name || "").trim();
      small.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + String(el.className)
        .trim().replace(/ +/g, ".") : ""} "${words.slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}""".replace("%(t)s", str(TARGET))

# Table rows drawn as table rows (not cards), and cells of a card that carry no label although they hold data.
ROWS_NOT_CARDS = """() => [...document.querySelectorAll("main tr")]
  .filter((tr) => tr.getClientRects().length && !["block", "grid", "flex"].includes(getComputedStyle(tr).display))
  .map((tr) => tr.textContent.trim().slice(0, 50))"""
UNLABELLED_CELLS = """() => [...document.querySelectorAll("main td")]
  .filter((td) => td.getClientRects().length && !td.hasAttribute("colspan") && !td.querySelector("button, a.button")
    && td.textContent.trim() && !td.dataset.label && td.parentElement.children.length > 2)
  .map((td) => td.textContent.trim().slice(0, 40))"""
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > window.innerWidth + 1
    && !el.closest(".diagram, .board"))
  .slice(0, 8).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.getBoundingClientRect().right | 0}`)"""


class Phone(Person):
    """A person's phone: the same log-in and pages, a phone's screen, and the checks every page must pass."""

    def look(self, name: str, *, cards: bool = True) -> None:
        """Checks the page as it is now and keeps a full-page screenshot of it."""
        page = self.page
        page.wait_for_load_state("networkidle")
        self.shot(name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{name}: the page scrolls sideways ({width} px): {page.evaluate(WIDER_THAN_SCREEN)}"
        small = page.evaluate(TARGETS_TOO_SMALL)
        assert not small, f"{name}: targets smaller than {TARGET}×{TARGET} px: {small}"
        if cards:
            assert not page.evaluate(ROWS_NOT_CARDS), f"{name}: table rows not shown as cards"
            assert not page.evaluate(UNLABELLED_CELLS), f"{name}: card cells without a label"

    def shot(self, name: str) -> None:
        """The whole page, and its first screen as the phone shows it (fixed bars where they stand)."""
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{self.username}-{name}.png"), full_page=True)
        self.page.screenshot(path=str(self.shots / f"{self.username}-{name}-screen.png"))

    def part(self, selector: str, name: str) -> None:
        """One part of the page (a form, a list) as the phone draws it."""
        self.page.locator(selector).first.screenshot(path=str(self.shots / f"{self.username}-{name}.png"))


def phone_context(browser, time_zone: str = "UTC"):
    return browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True,
                               device_scale_factor=3, timezone_id=time_zone)


def shots_for(backend: str, test_name: str) -> Path:
    return ARTIFACTS / backend / "phone" / test_name

"""How much one validation reads: a bound on time and memory, whatever is sent.

Checking costs about 0.15 ms and 7 KB per BPMN element (SpiffWorkflow's parse is half of
it): the shipped library has 775 elements in 130 KB. A file over `MAX_FILE_BYTES`, or
files with more than `MAX_ELEMENTS` BPMN/DMN elements together (diagram shapes are not
counted: they are cheap), are refused with the figures instead of being checked, so that
a validation or a deploy stays within seconds and a few hundred megabytes; an expression or
script over `MAX_CODE_CHARS` is refused unparsed, for the same reason. The deploy
endpoint refuses a larger file with the same limit before reading further.
"""

from __future__ import annotations

from lxml import etree

from service.i18n import Text

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ELEMENTS = 20_000
MAX_CODE_CHARS = 10_000  # one expression or script; compiling costs about 4 µs a character, more when nested
MAX_CODE_TOTAL = 1_000_000  # all expressions and scripts of one validation together (~4 s)
_CHEAP = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
          "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
          "http://www.omg.org/spec/DMN/20180521/DC/", "http://www.omg.org/spec/DMN/20180521/DI/")


def megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


def file_too_large(size: int) -> Text | None:
    if size <= MAX_FILE_BYTES:
        return None
    limit = megabytes(MAX_FILE_BYTES)
    sent = megabytes(size) if megabytes(size) != limit else f"over {limit}"
    return Text("the file is %(sent)s; at most %(limit)s is checked (split the process, e.g. into called "
                "processes)", sent=sent if megabytes(size) != limit else Text("over %(limit)s", limit=limit),
                limit=limit)


def elements(root) -> int:
    """The BPMN/DMN elements of a document, without its diagram interchange (shapes, edges, bounds)."""
    return sum(1 for element in root.iter(etree.Element) if etree.QName(element).namespace not in _CHEAP)


def code_chars(root) -> int:
    """Characters of code in a document: scripts, conditions, timers, parameters, DMN cells."""
    return sum(len(element.text or "") for element in root.iter(etree.Element)
               if etree.QName(element).localname in _CODE)


_CODE = frozenset({"script", "conditionExpression", "timeDuration", "timeDate", "timeCycle", "inputParameter",
                   "outputParameter", "loopCardinality", "completionCondition", "text", "condition"})


def over_code_budget(count: int, total: int) -> str:
    if count == total:
        return (f"not checked: the expressions and scripts of this file come to {count} characters; at most "
                f"{MAX_CODE_TOTAL} are checked (move long scripts into service tasks)")
    return (f"not checked: with this file the expressions and scripts come to {total} characters ({count} in this "
            f"one); at most {MAX_CODE_TOTAL} are checked at once (move long scripts into service tasks, or "
            "validate fewer files together)")


def over_budget(count: int, total: int) -> str:
    if count == total:
        return (f"not checked: this file holds {count} BPMN and DMN elements; at most {MAX_ELEMENTS} are checked "
                "(split the process, e.g. into called processes)")
    return (f"not checked: with this file the files hold {total} BPMN and DMN elements ({count} in this one); "
            f"at most {MAX_ELEMENTS} are checked at once (validate or deploy fewer files together)")

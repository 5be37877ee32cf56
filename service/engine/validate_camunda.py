"""What a Camunda 7 diagram asks of its engine that Handoff does not do, reported with what to use instead.

Camunda Modeler writes Java delegates, HTML forms, Groovy scripts and listeners into
the diagram. SpiffWorkflow parses past most of them and the instance would later do
nothing where Camunda ran code; each is reported here, at validate time, one line
each, with the Handoff way of saying the same thing. Ignored because they change
nothing a person sees: ``camunda:asyncBefore``/``asyncAfter``/``exclusive``/
``jobPriority`` (Handoff commits at every wait anyway), ``camunda:versionTag``,
``camunda:historyTimeToLive``.
"""

from __future__ import annotations

import re

from lxml import etree

from service.i18n import Text

from .juel import dollar_body, to_python
from .validate_checks import CAMUNDA_NS, FORM_KEY, FileContext, camunda

CAMUNDA_FORMS = ("embedded:", "camunda-forms:", "app:", "deployment:")
FORM_HINT = Text('write the form as JSON Schema under forms/ and name it, e.g. camunda:formKey="invoice/approve.json"')
OPERATOR_HINT = Text('use camunda:type="external" with a camunda:topic (a Handoff operator)')
LISTENER_HINT = Text("model the work as a service task (camunda:type=\"external\") or a Python script task before or "
                     "after it")
SCRIPT_FORMATS = ("python", "python3", "")
MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")
CAMUNDA_OBJECTS = re.compile(r"\b(execution|task|authenticatedUserId|variables)\s*\.")
EXPRESSION_ATTRIBUTES = ("dueDate", "followUpDate", "candidateGroups", "assignee")


def _camunda_tag(local: str) -> str:
    return f"{{{CAMUNDA_NS}}}{local}"


def check_camunda(ctx: FileContext) -> None:
    """Camunda 7 extensions Handoff does not run: one problem each, with the alternative."""
    _forms(ctx)
    _delegates(ctx)
    _scripts(ctx)
    _listeners(ctx)
    _mappings(ctx)
    _decisions(ctx)
    _expressions(ctx)
    _data_stores(ctx)


def is_camunda_form(key: str | None) -> bool:
    return bool(key) and key.strip().startswith(CAMUNDA_FORMS)


def _forms(ctx: FileContext) -> None:
    for element in ctx.iter("userTask", "startEvent"):
        key = element.get(FORM_KEY)
        if is_camunda_form(key):
            ctx.report(element, Text("camunda:formKey %(key)s is a Camunda web form Handoff cannot render; %(hint)s",
                                     key=repr(key.strip()), hint=FORM_HINT))
        if camunda(element, "formRef"):
            ctx.report(element, Text("camunda:formRef %(ref)s names a Camunda Form; %(hint)s",
                                     ref=repr(camunda(element, "formRef")), hint=FORM_HINT))
        for form_data in element.iter(_camunda_tag("formData")):
            ctx.report(form_data, Text("camunda:formData (a generated Camunda form) is not rendered; %(hint)s",
                                       hint=FORM_HINT),
                       element_id=element.get("id"))


def _delegates(ctx: FileContext) -> None:
    """Service tasks are checked in `validate_checks`; the other elements Camunda lets run Java are here."""
    for element in ctx.iter("sendTask", "businessRuleTask", "messageEventDefinition"):
        owner = element if etree.QName(element).localname != "messageEventDefinition" else element.getparent()
        for attr in ("class", "expression", "delegateExpression"):
            if camunda(element, attr):
                ctx.report(element, Text("camunda:%(attr)s is not run by Handoff; %(hint)s", attr=attr,
                                         hint=OPERATOR_HINT),
                           element_id=owner.get("id"))
        if camunda(element, "type") == "external" and etree.QName(element).localname != "businessRuleTask":
            ctx.report(element, Text('camunda:type="external" is only read on a bpmn:serviceTask; %(hint)s',
                                     hint=OPERATOR_HINT),
                       element_id=owner.get("id"))
    for connector in ctx.root.iter(_camunda_tag("connector")):
        ctx.report(connector, Text("camunda:connector (Camunda Connect) is not run by Handoff; %(hint)s",
                                   hint=OPERATOR_HINT))
    for element in ctx.iter("callActivity"):
        if camunda(element, "caseRef"):
            ctx.report(element, Text("camunda:caseRef calls a CMMN case, which Handoff does not run; call a BPMN "
                                     "process (calledElement) instead"))


def _scripts(ctx: FileContext) -> None:
    for task in ctx.iter("scriptTask"):
        language = (task.get("scriptFormat") or "").strip()
        if language.lower() not in SCRIPT_FORMATS:
            ctx.report(task, Text("script in %(language)s is not run: Handoff runs Python scripts in its sandbox "
                                  '(scriptFormat="python")', language=language))
        if camunda(task, "resource"):
            ctx.report(task, Text("camunda:resource (a script kept outside the diagram) is not read; write the "
                                  "Python inside bpmn:script"))
        if camunda(task, "resultVariable"):
            ctx.report(task, Text("camunda:resultVariable on a script task is not set; assign the variable in the "
                                  "script"))


def _listeners(ctx: FileContext) -> None:
    for kind in ("taskListener", "executionListener"):
        for listener in ctx.root.iter(_camunda_tag(kind)):
            event = listener.get("event") or "-"
            ctx.report(listener, Text("camunda:%(kind)s (event %(event)s) is not run by Handoff; %(hint)s",
                                      kind=kind, event=event, hint=LISTENER_HINT))


def _mappings(ctx: FileContext) -> None:
    """Input/output mappings are the parameters of operator service tasks; elsewhere nothing reads them."""
    for mapping in ctx.root.iter(_camunda_tag("inputOutput")):
        owner = mapping.getparent().getparent() if mapping.getparent() is not None else None
        if owner is None or etree.QName(owner).localname == "serviceTask":
            continue
        ctx.report(mapping, Text("camunda:inputOutput is only read on a service task (its operator's parameters); "
                                 "data flows to other tasks as it is"), element_id=owner.get("id"))
    for task in ctx.iter("userTask"):
        if camunda(task, "candidateUsers"):
            ctx.report(task, Text("camunda:candidateUsers is not read; offer the task to a group "
                                  "(camunda:candidateGroups or the lane) or to one person (camunda:assignee)"))


def _decisions(ctx: FileContext) -> None:
    for task in ctx.iter("businessRuleTask"):
        mapping = camunda(task, "mapDecisionResult")
        if mapping and mapping.strip() not in MAPPINGS:
            ctx.report(task, Text("camunda:mapDecisionResult %(mapping)s is not one of %(known)s",
                                  mapping=repr(mapping), known=", ".join(MAPPINGS)))
        elif mapping and not (camunda(task, "resultVariable") or "").strip():
            ctx.report(task, Text("camunda:mapDecisionResult needs camunda:resultVariable (the variable that keeps "
                                  "it)"))


def _expressions(ctx: FileContext) -> None:
    """JUEL that would reach Camunda's Java objects, or a date idiom with no Handoff form, is refused now."""
    texts = []
    for task in ctx.iter("userTask"):
        texts += [(task, f"camunda:{attr}", camunda(task, attr)) for attr in EXPRESSION_ATTRIBUTES]
    texts += [(cond, Text("condition"), cond.text) for cond in ctx.iter("conditionExpression")]
    for param in ctx.root.iter(_camunda_tag("inputParameter")):
        texts.append((param, Text("parameter %(name)s", name=param.get("name")), param.text))
    for element, what, text in texts:
        body = dollar_body(text)
        if body is None:
            continue
        try:
            to_python(body)
            continue
        except (ValueError, RecursionError) as error:
            reason = str(error)
            said = getattr(error, "text", None) or reason
        owner = element.getparent() if etree.QName(element).localname == "conditionExpression" else None
        element_id = owner.get("id") if owner is not None else None
        if "dateTime()" in reason or "dateTime(" in body:
            ctx.report(element, Text("%(what)s %(text)s: %(reason)s", what=what, text=repr(text.strip()), reason=said),
                       element_id=element_id)
        elif CAMUNDA_OBJECTS.search(body):
            name = CAMUNDA_OBJECTS.search(body).group(1)
            ctx.report(element, Text("%(what)s %(text)s uses Camunda's %(name)s object, which Handoff does not "
                                     "have; name the process variable itself, e.g. ${approved}",
                                     what=what, text=repr(text.strip()), name=name), element_id=element_id)


def _data_stores(ctx: FileContext) -> None:
    """A data store is drawn for the reader; a task that would read or write one would silently not."""
    stores = {ref.get("id") for ref in ctx.iter("dataStoreReference")}
    for association in ctx.iter("dataInputAssociation", "dataOutputAssociation"):
        refs = [child.text.strip() for child in association
                if etree.QName(child).localname in ("sourceRef", "targetRef") and child.text]
        if any(ref in stores for ref in refs):
            owner = association.getparent()
            ctx.report(association, Text("reading or writing a data store is not done by Handoff; an operator "
                                         'service task (camunda:type="external") can fetch or push the data'),
                       element_id=owner.get("id") if owner is not None else None, covers="Cannot resolve data")

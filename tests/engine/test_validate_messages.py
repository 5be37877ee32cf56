"""Validation of message and signal waits: each names what reaches it, or the designer hears why not."""

from __future__ import annotations

from service.engine.validate import validate_files

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_1" '
        'targetNamespace="http://bpmn.io/schema/bpmn">\n')


def problems(body: str, declarations: str = "") -> list[str]:
    text = (HEAD + '  <bpmn:process id="Process_1" isExecutable="true">\n    <bpmn:startEvent id="StartEvent_1" />\n'
            '    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Wait_1" />\n'
            f"{body}\n"
            '    <bpmn:sequenceFlow id="Flow_2" sourceRef="Wait_1" targetRef="End_1" />\n'
            '    <bpmn:endEvent id="End_1" />\n  </bpmn:process>\n'
            f"{declarations}</bpmn:definitions>\n")
    return [str(p) for p in validate_files({"bpmn/p.bpmn": text}, {})]


def test_a_catch_event_with_a_named_message_passes():
    assert problems('    <bpmn:intermediateCatchEvent id="Wait_1"><bpmn:messageEventDefinition id="M_1" '
                    'messageRef="Message_1" /></bpmn:intermediateCatchEvent>',
                    '  <bpmn:message id="Message_1" name="paid" />\n') == []


def test_a_message_ref_to_nothing_names_the_element_and_the_line():
    found = problems('    <bpmn:intermediateCatchEvent id="Wait_1"><bpmn:messageEventDefinition id="M_1" '
                     'messageRef="Message_9" /></bpmn:intermediateCatchEvent>')
    assert found == ['bpmn/p.bpmn:6: Wait_1: messageRef Message_9 names no bpmn:message in this file: declare '
                     '<bpmn:message id="Message_9" name="..."/>']


def test_a_message_without_a_name_and_a_receive_task_without_a_message():
    unnamed = problems('    <bpmn:receiveTask id="Wait_1" messageRef="Message_1" />',
                       '  <bpmn:message id="Message_1" />\n')
    assert unnamed == ["bpmn/p.bpmn:6: Wait_1: bpmn:message Message_1 has no name: a message is sent and caught "
                       "by its name"]
    bare = problems('    <bpmn:receiveTask id="Wait_1" name="Wait for it" />')
    assert bare == ["bpmn/p.bpmn:6: Wait_1: this message task names no message: set messageRef to a bpmn:message "
                    "with a name (the name partners send)"]


def test_a_signal_ref_to_nothing():
    found = problems('    <bpmn:intermediateCatchEvent id="Wait_1"><bpmn:signalEventDefinition id="S_1" '
                     'signalRef="Signal_9" /></bpmn:intermediateCatchEvent>')
    assert found == ['bpmn/p.bpmn:6: Wait_1: signalRef Signal_9 names no bpmn:signal in this file: declare '
                     '<bpmn:signal id="Signal_9" name="..."/>']


def test_an_event_subprocess_inside_a_subprocess_is_refused_with_what_to_do():
    found = problems(
        '    <bpmn:subProcess id="Wait_1">\n'
        '      <bpmn:startEvent id="Inner_1" />\n'
        '      <bpmn:sequenceFlow id="Flow_3" sourceRef="Inner_1" targetRef="Inner_2" />\n'
        '      <bpmn:endEvent id="Inner_2" />\n'
        '      <bpmn:subProcess id="Event_Sub" triggeredByEvent="true">\n'
        '        <bpmn:startEvent id="Cancel_1"><bpmn:messageEventDefinition id="M_1" messageRef="Message_1" />'
        '</bpmn:startEvent>\n'
        '        <bpmn:sequenceFlow id="Flow_4" sourceRef="Cancel_1" targetRef="Cancel_2" />\n'
        '        <bpmn:endEvent id="Cancel_2" />\n'
        '      </bpmn:subProcess>\n'
        '    </bpmn:subProcess>', '  <bpmn:message id="Message_1" name="cancelled" />\n')
    assert found == ["bpmn/p.bpmn:11: Cancel_1: an event subprocess inside a subprocess is never started by a "
                     "message or signal here; draw it at the process level, or use a boundary event on the "
                     "subprocess"]

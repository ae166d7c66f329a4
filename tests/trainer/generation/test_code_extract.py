"""Only code comes back: no prompt echo, fences, prose or text after the widget."""

from __future__ import annotations

from trainer.generation.code_extract import extract_code, fenced_block

from tests.trainer.conftest import FUNCTION, STATEFUL, STATELESS


def test_plain_code_is_unchanged():
    assert extract_code(STATELESS) == STATELESS
    assert extract_code(STATEFUL) == STATEFUL


def test_markdown_fences_and_prose_are_stripped():
    text = f"Sure! Here's a badge widget:\n\n```dart\n{STATELESS}\n```\n\nIt uses a `Padding`."
    assert extract_code(text) == STATELESS
    assert extract_code(f"```\n{FUNCTION}\n```") == FUNCTION


def test_unclosed_fence_keeps_the_rest():
    assert fenced_block("intro\n```dart\nclass A {}\n") == "class A {}\n"
    assert extract_code("intro\n```dart\nclass A {\n  int x = 1;\n") == "class A {\n  int x = 1;"


def test_leading_prose_without_fence():
    text = f"This is the widget that you asked for.\n{FUNCTION}"
    assert extract_code(text) == FUNCTION


def test_text_after_the_widget_is_cut():
    assert extract_code(STATELESS + "\n\nThis widget shows a label {with braces}.") == STATELESS
    assert extract_code(STATEFUL + "\n\nclass Another extends StatelessWidget {}\n") == STATEFUL


def test_prompt_and_instruction_echo_are_removed():
    prompt = "<|im_start|>user\nA badge<|im_end|>\n<|im_start|>assistant\n"
    assert extract_code(prompt + STATELESS, prompt=prompt) == STATELESS
    assert extract_code("A padded badge with a label.\n" + STATELESS,
                        instruction="A padded badge with a label") == STATELESS
    assert extract_code("<|im_start|>assistant\n" + STATELESS + "<|im_end|>") == STATELESS


def test_no_code_at_all():
    assert extract_code("") == ""
    assert extract_code("\n\n  \n") == ""
    assert extract_code("i do not know") == "i do not know"

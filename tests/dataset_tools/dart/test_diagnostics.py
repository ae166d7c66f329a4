"""Reading `dart analyze --format=machine`: eight fields, backslash escapes in the path and the message."""

from __future__ import annotations

from dataset_tools.dart.diagnostics import Diagnostic, parse_line, parse_machine_output, split_fields


def test_a_machine_line_becomes_a_diagnostic():
    line = ("ERROR|COMPILE_TIME_ERROR|UNDEFINED_NAMED_PARAMETER|/p/lib/home.dart|12|25|5|"
            "The named parameter 'color' isn't defined.")
    assert parse_line(line) == Diagnostic("ERROR", "COMPILE_TIME_ERROR", "UNDEFINED_NAMED_PARAMETER",
                                          "/p/lib/home.dart", 12, 25, 5, "The named parameter 'color' isn't defined.")
    assert parse_line(line).is_error and not parse_line(line).is_warning


def test_escaped_pipes_backslashes_and_newlines_are_undone():
    line = r"WARNING|STATIC_WARNING|SOME_CODE|C:\\work\\a\|b.dart|3|1|4|Use 'a \| b'.\nThen \\ more."
    d = parse_line(line)
    assert d.file == "C:\\work\\a|b.dart" and d.message == "Use 'a | b'.\nThen \\ more."
    assert d.is_warning and (d.line, d.column, d.length) == (3, 1, 4)
    assert split_fields(r"a\|b|c") == ["a|b", "c"]


def test_lines_that_are_not_diagnostics_are_skipped():
    text = "\n".join([
        "Analyzing app...",
        "  error • Undefined name 'x' • lib/a.dart:1:1 • undefined_identifier",
        "INFO|LINT|PREFER_CONST_CONSTRUCTORS|/p/lib/a.dart|4|12|9|Use 'const' with the constructor.",
        "ERROR|X|Y|/p/a.dart|one|1|1|not a line number",
        "NOTE|X|Y|/p/a.dart|1|1|1|an unknown severity",
        "1 issue found.",
    ])
    (only,) = parse_machine_output(text)
    assert (only.severity, only.code, only.line) == ("INFO", "PREFER_CONST_CONSTRUCTORS", 4)

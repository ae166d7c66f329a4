"""Where the cursor is, as the code actions see it (``code_actions.dart_context.analyze``, no server process)."""

from server.features.code_actions.dart_context import analyze

COMMENT_ONLY = "import 'package:flutter/material.dart';\n\n// A badge that shows the trail difficulty as a chip\n"


def test_cursor_at_end_of_a_describing_comment_line_finds_the_comment():
    end_of_line = COMMENT_ONLY.index("chip") + len("chip")
    context = analyze(COMMENT_ONLY, end_of_line)
    assert context.comment is not None
    assert context.comment.text == "A badge that shows the trail difficulty as a chip"


def test_cursor_at_end_of_file_after_the_comment_finds_it():
    assert analyze(COMMENT_ONLY, len(COMMENT_ONLY) - 1).comment is not None


def test_comment_documenting_a_declaration_is_not_a_description():
    source = COMMENT_ONLY + "class DifficultyBadge extends StatelessWidget {}\n"
    assert analyze(source, source.index("chip")).comment is None


def test_cursor_inside_a_widget_class_finds_the_widget():
    source = ("class TrailTile extends StatelessWidget {\n  const TrailTile({super.key});\n\n"
              "  @override\n  Widget build(BuildContext context) {\n    return const Text('x');\n  }\n}\n")
    context = analyze(source, source.index("return"))
    assert context.comment is None
    assert context.widget is not None and context.widget.name == "TrailTile"

"""Dart facts in one place, for every layer: the tree-sitter parser (``parser``), what Flutter's
widget classes are (``vocabulary``), the words of an identifier (``names``), a lexer for Dart text
that streams in (``lexer``) and what an API declares, for checking calls (``api``)."""

from .lexer import DartStreamLexer
from .parser import LANGUAGE, parse, parse_within, parser

__all__ = ["DartStreamLexer", "LANGUAGE", "parse", "parse_within", "parser"]

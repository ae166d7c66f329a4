"""Dart facts in one place, for every layer: the tree-sitter parser (``parser``), what Flutter's
widget classes are (``vocabulary``) and the words of an identifier (``names``)."""

from .parser import LANGUAGE, parse, parse_within, parser

__all__ = ["LANGUAGE", "parse", "parse_within", "parser"]

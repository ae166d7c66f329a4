"""Dart facts in one place, for every layer: the tree-sitter parser (``parser``) and what Flutter's
widget classes are (``vocabulary``)."""

from .parser import LANGUAGE, parse, parse_within, parser

__all__ = ["LANGUAGE", "parse", "parse_within", "parser"]

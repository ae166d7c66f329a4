"""Placeholder until this layer lands."""


def register(subparsers) -> None:
    pass

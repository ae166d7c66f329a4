"""Subcommands of the trainer layer (train, export, generate, eval, demo)."""


def register(subparsers) -> None:
    pass

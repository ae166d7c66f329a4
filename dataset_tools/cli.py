"""Subcommands of the dataset layer (harvest, dataset)."""


def register(subparsers) -> None:
    pass

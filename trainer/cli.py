"""Subcommands of the trainer layer: training/export (cli_train), generation/evaluation (cli_eval), demo."""

from . import cli_eval, cli_train, demo


def register(subparsers) -> None:
    cli_train.register(subparsers)
    cli_eval.register(subparsers)
    demo.register(subparsers)

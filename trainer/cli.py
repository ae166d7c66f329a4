"""Subcommands of the trainer layer: training/export (cli_train) and generation/evaluation/demo (cli_eval)."""

from . import cli_eval, cli_train


def register(subparsers) -> None:
    cli_train.register(subparsers)
    cli_eval.register(subparsers)

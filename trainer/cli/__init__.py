"""The trainer's subcommands, one module per command group: train · adapters, export · generate · eval · demo."""

from . import adapters, demo, evaluate, generate, train


def register(subparsers) -> None:
    train.register(subparsers)
    adapters.register(subparsers)
    generate.register(subparsers)
    evaluate.register(subparsers)
    demo.register(subparsers)

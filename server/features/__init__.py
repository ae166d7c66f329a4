"""The server's features, one module each; ``server.app.build_server`` lists them. Features do not import
each other: what two of them need lives in ``server.runtime``."""

"""Turn Flutter projects into instruction/code training pairs."""

__version__ = "0.1.0"

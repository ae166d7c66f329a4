"""The one exception type for mistakes a user can cause and fix."""


class FlutterTuneError(Exception):
    """A user-fixable problem: bad path, bad JSON line, missing adapter, model not found offline.

    The message says what is wrong and what to do. The CLI prints it without a traceback;
    the language server shows it in the editor.
    """

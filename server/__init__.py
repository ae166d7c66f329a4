"""The Flutter Tune language server (pygls, stdio) and the `flutter-tune` command line."""

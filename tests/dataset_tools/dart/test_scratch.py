"""The scratch copy of a project: what `dart analyze` needs to resolve the changed file, outside the project."""

from __future__ import annotations

import json

import pytest

from dataset_tools.dart import scratch as scratch_module
from dataset_tools.dart.scratch import ScratchError, project_root, scratch_copy
from dataset_tools.dart.tool import DartTool


def test_the_copy_holds_what_the_analyzer_reads_and_points_packages_at_the_right_places(flutter_project):
    (flutter_project / "build" / "gen.dart").parent.mkdir()
    (flutter_project / "build" / "gen.dart").write_text("// built\n")
    (flutter_project / ".fvm" / "x.dart").parent.mkdir()
    (flutter_project / ".fvm" / "x.dart").write_text("// hidden\n")
    with scratch_copy(flutter_project) as copy:
        root = copy.root
        assert copy.resolves and not root.is_relative_to(flutter_project)
        files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        assert files == {"pubspec.yaml", "analysis_options.yaml", ".dart_tool/package_config.json", "lib/main.dart",
                         "lib/widgets/tag.dart", "lib/screens/home.dart"}
        packages = {p["name"]: p for p in json.loads((root / ".dart_tool/package_config.json").read_text())["packages"]}
        assert packages["trail_app"]["rootUri"] == "../"  # the project's own package is the copy
        assert packages["trail_models"]["rootUri"] == (flutter_project.parent / "trail_models").as_uri()
        assert packages["flutter"]["rootUri"].startswith("file:///") and packages["flutter"]["languageVersion"] == "3.4"
        assert copy.place(flutter_project / "lib/screens/home.dart") == root / "lib/screens/home.dart"
    assert not root.exists()  # deleted when the block ends


def test_writing_into_the_copy_leaves_the_project_as_it_was(flutter_project, tree_snapshot):
    before = tree_snapshot(flutter_project)
    with scratch_copy(flutter_project) as copy:
        written = copy.write(flutter_project / "lib/screens/home.dart", "// changed\n")
        assert written.read_text() == "// changed\n"
        with pytest.raises(ScratchError, match="not inside the project"):
            copy.write(flutter_project.parent / "elsewhere.dart", "")
    assert tree_snapshot(flutter_project) == before


def test_the_stand_in_analyzer_resolves_every_import_of_the_copied_file(flutter_project, fake_flutter_sdk):
    """Package imports of the project's own package, of a path dependency and of Flutter, and a relative
    import: all resolve in the copy; only the file's own mistake is reported."""
    dart = DartTool(fake_flutter_sdk / "bin" / "dart")
    with scratch_copy(flutter_project) as copy:
        target = copy.place(flutter_project / "lib/screens/home.dart")
        found = dart.analyze(target, cwd=copy.root, timeout=30)
    assert [(d.code, d.line) for d in found] == [("UNDEFINED_NAMED_PARAMETER", 12)]


def test_the_copy_without_the_rewrite_would_not_resolve(flutter_project, fake_flutter_sdk):
    """The stand-in is strict: the path dependency's relative rootUri, copied as it is, points nowhere."""
    dart = DartTool(fake_flutter_sdk / "bin" / "dart")
    with scratch_copy(flutter_project) as copy:
        (copy.root / ".dart_tool/package_config.json").write_text(
            (flutter_project / ".dart_tool/package_config.json").read_text())
        found = dart.analyze(copy.place(flutter_project / "lib/screens/home.dart"), cwd=copy.root, timeout=30)
    assert ("URI_DOES_NOT_EXIST", 3) in [(d.code, d.line) for d in found]


def test_a_project_without_package_config_does_not_resolve(tmp_path):
    (tmp_path / "app" / "lib").mkdir(parents=True)
    (tmp_path / "app" / "pubspec.yaml").write_text("name: app\n")
    assert project_root(tmp_path / "app" / "lib" / "a.dart") == tmp_path / "app"
    with scratch_copy(tmp_path / "app") as copy:
        assert not copy.resolves and (copy.root / "pubspec.yaml").is_file()


def test_a_project_too_large_is_not_copied(flutter_project, monkeypatch):
    monkeypatch.setattr(scratch_module, "MAX_FILES", 2)
    with pytest.raises(ScratchError, match="more than 2 Dart files"):
        with scratch_copy(flutter_project):
            pass


def test_no_project_above_a_file(tmp_path):
    assert project_root(tmp_path / "loose.dart") is None

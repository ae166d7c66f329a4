"""The user's symbols: harvest indexes the projects' public API and that of the packages whose source
the projects' package config points at, and the dataset folder stores it as symbols.json.gz."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dataset_tools.artifacts import MARKER_NAME
from dataset_tools.dataset import build_dataset
from dataset_tools.errors import FlutterTuneError
from dataset_tools.harvest import harvest
from dataset_tools.pipeline import harvest_to_dataset
from dataset_tools.symbols import SYMBOLS_NAME, load_symbols

CARD = """\
import 'package:flutter/material.dart';
import 'package:trail_kit/trail_kit.dart';

enum Difficulty { easy, hard }

extension TrailContext on BuildContext {
  TrailTheme get trail => TrailTheme.of(this);
}

String formatKm(double km, {int digits = 1}) => km.toStringAsFixed(digits);

class TrailCard extends StatelessWidget {
  const TrailCard({super.key, required this.name, this.km = 0, this.onTap});
  const TrailCard.compact(this.name, {super.key}) : km = 0, onTap = null;

  static const double radius = 12;

  final String name;
  final double km;
  final VoidCallback? onTap;

  @override
  Widget build(BuildContext context) => Card(child: Text(name));
}

class _Private extends StatelessWidget {
  @override
  Widget build(BuildContext context) => const SizedBox();
}
"""
KIT = """\
class TrailTheme {
  const TrailTheme({required this.accent});
  final Color accent;
  static TrailTheme of(BuildContext context) => const TrailTheme(accent: Color(0));
}

class TrailCard {
  TrailCard.fromPackage();
}
"""
BADGE = "class Badge extends StatelessWidget {\n  const Badge(this.label, {super.key});\n  final String label;\n}\n"


def package_config(project: Path, packages: list[tuple[str, str]]) -> None:
    """``project/.dart_tool/package_config.json`` with these (name, rootUri) entries."""
    entries = [{"name": name, "rootUri": uri, "packageUri": "lib/", "languageVersion": "3.0"}
               for name, uri in packages]
    (project / ".dart_tool").mkdir(exist_ok=True)
    (project / ".dart_tool" / "package_config.json").write_text(json.dumps({"configVersion": 2, "packages": entries}))


@pytest.fixture
def app(tmp_path, make_project) -> Path:
    """An app depending on trail_kit (in a pub cache, by file URI), badges (by a relative URI), a
    package missing from disk, Flutter's own packages, and itself."""
    kit = make_project({"lib/trail_kit.dart": "export 'src/theme.dart';\n", "lib/src/theme.dart": KIT},
                       name="pub-cache/hosted/pub.dev/trail_kit-1.2.0")
    make_project({"lib/badges.dart": BADGE}, name="vendor/badges")
    sdk = make_project({"packages/flutter/lib/widgets.dart": "class Scaffold {}\n", "bin/flutter": "",
                        "bin/cache/pkg/sky_engine/lib/ui/ui.dart": "class Color {}\n"}, name="flutter")
    project = make_project({"lib/trail_card.dart": CARD, "test/trail_card_test.dart": "void main() {}\n"})
    package_config(project, [
        ("trail_kit", kit.as_uri() + "/"),
        ("badges", "../../vendor/badges/"),  # relative to .dart_tool/
        ("gone", (tmp_path / "pub-cache" / "gone-0.1.0").as_uri() + "/"),
        ("flutter", (sdk / "packages" / "flutter").as_uri() + "/"),
        ("sky_engine", (sdk / "bin" / "cache" / "pkg" / "sky_engine").as_uri() + "/"),
        ("app", "../"),
    ])
    return project


def test_the_projects_own_symbols(app):
    symbols = harvest([app]).symbols
    card = symbols.find_class("TrailCard")
    assert card.library == "lib/trail_card.dart" and card.superclass == "StatelessWidget"
    assert card.constructor().required_named == {"name"} and card.constructor().named == {"key", "name", "km", "onTap"}
    assert card.constructor("compact").positional == (1, 1)
    assert symbols.has_static("TrailCard", "radius") and symbols.has_static("Difficulty", "hard")
    assert symbols.functions["formatKm"].named == {"digits"}
    assert "trail" in symbols.extension_members
    assert symbols.find_class("_Private").constructor() is not None  # the project's own private classes count


def test_two_files_declaring_one_name_accept_what_either_accepts(make_project):
    app = make_project({
        "lib/a.dart": "class SectionTitle extends StatelessWidget {\n  const SectionTitle({required this.title, "
                      "required this.scale});\n}\nclass _Header {\n  const _Header(this.text);\n}\n",
        "lib/b.dart": "class SectionTitle extends StatelessWidget {\n  const SectionTitle({required this.section, "
                      "required this.scale, this.opacity});\n}\nclass _Header {\n  const _Header();\n}\n"})
    symbols = harvest([app]).symbols
    title = symbols.find_class("SectionTitle").constructor()
    assert title.named == {"title", "section", "scale", "opacity"} and title.required_named == {"scale"}
    assert symbols.find_class("_Header").constructor().positional == (0, 1)


def test_a_class_and_an_enum_named_alike_in_two_files_accept_what_either_accepts(make_project):
    app = make_project({"lib/a.dart": "class Category {\n  const Category({this.title});\n  final String? title;\n}\n",
                        "lib/b.dart": "enum Category { all, home }\n"})
    category = harvest([app]).symbols.find_class("Category")
    assert category.constructor().named == {"title"} and {"all", "home", "values"} <= category.static_members


def test_packages_with_source_on_disk_are_indexed_too(app):
    result = harvest([app])
    assert result.packages == ["trail_kit", "badges"]  # not gone, not Flutter's, not the app itself
    theme = result.symbols.find_class("TrailTheme")
    assert theme.library == "package:trail_kit/src/theme.dart" and theme.static_members == {"of"}
    assert result.symbols.find_class("Badge").library == "package:badges/badges.dart"
    assert result.symbols.find_class("TrailCard").library == "lib/trail_card.dart"  # the project's own wins
    assert result.symbols.find_class("Scaffold") is None and result.symbols.find_class("Color") is None
    assert {r["source"] for r in result.samples} == {"lib/trail_card.dart"}  # packages give no records


def test_a_path_dependency_inside_the_harvested_roots_is_not_indexed_twice(tmp_path, make_project):
    repo = make_project({"apps/shop/lib/main.dart": CARD, "packages/kit/lib/kit.dart": KIT}, name="repo")
    package_config(repo / "apps" / "shop", [("kit", "../../../packages/kit/")])
    result = harvest([repo])
    assert result.packages == []
    assert result.symbols.find_class("TrailTheme").library == "packages/kit/lib/kit.dart"


def test_an_unreadable_package_config_gives_no_packages(app):
    (app / ".dart_tool" / "package_config.json").write_text("{not json")
    result = harvest([app])
    assert result.packages == [] and result.symbols.find_class("TrailCard") is not None


def test_the_dataset_stores_the_symbols_and_the_manifest_counts_them(app, tmp_path):
    out = tmp_path / "ds"
    manifest = harvest_to_dataset([app], out).manifest
    assert SYMBOLS_NAME in json.loads((out / MARKER_NAME).read_text())["files"]
    assert manifest["symbols"] == {"file": SYMBOLS_NAME, "classes": 5, "functions": 1, "extension_members": 1,
                                   "packages": ["badges", "trail_kit"], "unindexed": []}
    symbols = load_symbols(out)
    assert symbols.find_class("TrailCard").constructor().required_named == {"name"}
    assert symbols.find_class("Badge").constructor().positional == (1, 1)

    shutil.rmtree(tmp_path / "vendor")  # a harvest again: the symbols are written anew with the records
    (app / "lib" / "trail_card.dart").write_text(CARD.replace("required this.name", "required this.title"))
    harvest_to_dataset([app], out)
    symbols = load_symbols(out)
    assert symbols.find_class("Badge") is None
    assert symbols.find_class("TrailCard").constructor().required_named == {"title"}


def test_a_dataset_of_records_alone_has_no_symbols(tmp_path, app):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    records = [{"instruction": f"A card {i}", "input": "", "output": f"Card(child: Text('{i}'))"} for i in range(10)]
    build_dataset(records, out)  # the symbols of the earlier harvest go with it
    assert not (out / SYMBOLS_NAME).exists() and load_symbols(out) is None
    assert load_symbols(tmp_path / "nowhere") is None


def test_a_damaged_symbols_file_says_to_harvest_again(tmp_path, app):
    out = tmp_path / "ds"
    harvest_to_dataset([app], out)
    (out / SYMBOLS_NAME).write_bytes(b"\x1f\x8b broken")
    with pytest.raises(FlutterTuneError, match="harvest again"):
        load_symbols(out)


MODEL = """\
import 'package:flutter/material.dart';
import 'dart:io';
import 'dart:ffi' as ffi;
import 'package:gone/gone.dart' show Gone;
import 'package:shop/src/a.dart';
import 'package:shop/src/missing.dart';
export 'widgets/b.dart' if (dart.library.html) 'widgets/b_web.dart';

part 'model.g.dart';

class Model with _$Model {}
"""


def test_the_libraries_imported_that_no_index_holds_are_named(make_project):
    """Flutter's libraries, dart:io and the projects' own files read are covered; a package without
    source, dart:ffi and a file that is not there are not. A generated part gives its API (not records)."""
    app = make_project({"pubspec.yaml": "name: shop\n", "lib/model.dart": MODEL, "lib/src/a.dart": "class A {}\n",
                        "lib/widgets/b.dart": "class B {}\n",
                        "lib/model.g.dart": "part of 'model.dart';\n\nmixin _$Model {\n  int get id => 1;\n}\n"})
    result = harvest([app])
    assert result.symbols.unindexed == ("dart:ffi", "lib/widgets/b_web.dart", "package:gone",
                                        "package:shop/src/missing.dart")
    assert not result.symbols.closed
    assert result.symbols.find_class("_$Model").kind == "mixin"
    assert all(r["source"] != "lib/model.g.dart" for r in result.samples)
    (app / "lib" / "model.dart").write_text("import 'package:flutter/material.dart';\nimport 'dart:io';\n"
                                            "import 'package:shop/src/a.dart';\nclass Model {}\n")
    assert harvest([app]).symbols.closed  # every import indexed: an unknown class is an invented one


def test_directive_uris_are_read_from_the_files_directives():
    from dataset_tools.dart.directives import directive_uris, library_of

    code = (b"library x;\npart 'a.g.dart';\npart of 'b.dart';\nimport \"package:a/b.dart\" as b;\n"
            b"import r'dart:io' deferred as io;\nexport 'x.dart' if (dart.library.html) 'y.dart';\n"
            b"class A { void f() { print('import z'); } }\n")
    assert directive_uris(code) == ("a.g.dart", "package:a/b.dart", "dart:io", "x.dart", "y.dart")
    assert [library_of(u) for u in ("dart:io", "package:a/b.dart", "src/c.dart")] == ["dart:io", "package:a", None]


def test_a_package_exporting_a_library_no_index_holds_leaves_the_index_open(make_project):
    """What a package exports is visible to the code that imports it: a library it exports that is not on
    disk is named (its imports are not: they are the package's own business)."""
    kit = make_project({"lib/kit.dart": "import 'package:meta/meta.dart';\n"
                                        "export 'package:kit_platform_interface/kit_platform_interface.dart'"
                                        " show KitResult;\nexport 'src/kit.dart';\n",
                        "lib/src/kit.dart": "class Kit {}\n"}, name="pub-cache/kit-1.0.0")
    app = make_project({"pubspec.yaml": "name: shop\n",
                        "lib/main.dart": "import 'package:kit/kit.dart';\nclass Shop {}\n"})
    package_config(app, [("kit", kit.as_uri() + "/")])
    assert harvest([app]).symbols.unindexed == ("package:kit_platform_interface",)
    platform = make_project({"lib/kit_platform_interface.dart": "enum KitResult { ok, failed }\n"},
                            name="pub-cache/kit_platform_interface-1.0.0")
    package_config(app, [("kit", kit.as_uri() + "/"), ("kit_platform_interface", platform.as_uri() + "/")])
    symbols = harvest([app]).symbols
    assert symbols.closed and symbols.has_static("KitResult", "ok")


def test_export_uris_are_the_export_directives_alone():
    from dataset_tools.dart.directives import export_uris

    code = b"import 'package:a/a.dart';\nexport 'package:b/b.dart' show B;\nexport 'src/c.dart';\npart 'd.dart';\n"
    assert export_uris(code) == ("package:b/b.dart", "src/c.dart")

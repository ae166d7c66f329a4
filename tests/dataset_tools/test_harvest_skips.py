"""Every skip reason of the walk and the reader is counted, and skipped files give no samples."""

from __future__ import annotations

import os

import pytest

from dataset_tools.errors import FlutterTuneError
from dataset_tools.harvest import HarvestConfig, harvest
from dataset_tools.source import read_source

W = "class {name} extends StatelessWidget {{ Widget build(BuildContext c) => const Text('{name}'); }}\n"


def names(result):
    return sorted(s["name"] for s in result.samples)


def test_folder_and_name_skips_are_counted(make_project):
    root = make_project({
        "lib/keep.dart": W.format(name="Keep"),
        "lib/part_file.dart": "part of 'keep.dart';\n" + W.format(name="PartOf"),
        "build/out.dart": W.format(name="Built"),
        ".dart_tool/x.dart": W.format(name="Tool"),
        ".hidden/h.dart": W.format(name="HiddenDir"),
        "lib/.secret.dart": W.format(name="HiddenFile"),
        "test/widget_test.dart": W.format(name="InTest"),
        "integration_test/app.dart": W.format(name="InIntegration"),
        "test_driver/drv.dart": W.format(name="InDriver"),
        "lib/keep_test.dart": W.format(name="TestSuffix"),
        **{f"lib/model.{suffix}.dart": W.format(name=f"Gen{suffix.title()}")
           for suffix in ("g", "freezed", "gr", "mocks", "gen", "config", "mapper")},
        "lib/notes.txt": "class Ignored extends StatelessWidget {}",
    })
    result = harvest([root])
    assert names(result) == ["Keep", "PartOf"]
    assert result.skips == {"build_dir": 1, "dart_tool": 1, "hidden": 2, "test": 4, "generated_suffix": 7}
    assert result.files_seen == 2


def test_generated_header_binary_and_encoding_skips(make_project):
    root = make_project({
        "lib/ok.dart": W.format(name="Ok"),
        "lib/doc_says_do_not_edit.dart": "/// Do not edit the colours without asking design.\n" + W.format(name="Doc"),
        "lib/l10n.dart": "// GENERATED CODE - DO NOT MODIFY BY HAND\n" + W.format(name="Header"),
        "lib/proto.dart": "//\n//  Generated code. Do not modify.\n//\n" + W.format(name="Proto"),
        "lib/binary.dart": b"\x00\x01\x02class X extends StatelessWidget {}",
        "lib/latin1.dart": ("// caf\xe9\n" + W.format(name="Latin")).encode("latin-1"),
        "lib/bom.dart": b"\xef\xbb\xbf" + W.format(name="Bom").encode(),
        "lib/crlf.dart": W.format(name="Crlf").replace("\n", "\r\n").encode() + b"// tail\r\n",
    })
    result = harvest([root])
    assert names(result) == ["Bom", "Crlf", "Doc", "Ok"]
    assert result.skips == {"generated_header": 2, "binary": 1, "invalid_utf8": 1}
    by = {s["name"]: s for s in result.samples}
    assert "\r" not in by["Crlf"]["output"] and "\ufeff" not in by["Bom"]["output"]
    assert by["Bom"]["line"] == 1 and by["Bom"]["output"].startswith("class Bom")


def test_size_cap(make_project):
    big = W.format(name="Big") + "// padding\n" * 200
    root = make_project({"lib/big.dart": big, "lib/small.dart": W.format(name="Small")})
    result = harvest([root], HarvestConfig(max_file_kb=1))
    assert names(result) == ["Small"] and result.skips == {"too_large": 1}
    assert names(harvest([root])) == ["Big", "Small"]


def test_symlink_loops_and_duplicates(make_project, tmp_path):
    outside = tmp_path / "shared"
    outside.mkdir()
    (outside / "shared.dart").write_text(W.format(name="Shared"))
    root = make_project({"lib/a.dart": W.format(name="A")})
    os.symlink(root / "lib", root / "lib" / "again")  # a loop
    os.symlink(root, root / "lib" / "up")  # another loop, to the root
    os.symlink(root / "lib" / "a.dart", root / "lib" / "alias.dart")  # same file twice
    os.symlink(outside, root / "lib" / "shared")  # a real folder elsewhere: walked once (opted in)
    os.symlink(outside / "shared.dart", root / "lib" / "shared_alias.dart")  # its file again
    result = harvest([root], HarvestConfig(follow_external_symlinks=True))
    assert names(result) == ["A", "Shared"]
    assert result.skips == {"symlink_loop": 2, "duplicate": 1 + 1}


def test_links_leaving_the_given_folders_are_skipped_unless_asked(make_project, tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.dart").write_text(W.format(name="Secret"))
    root = make_project({"lib/a.dart": W.format(name="A")})
    os.symlink(outside, root / "lib" / "private")
    os.symlink(outside / "secret.dart", root / "lib" / "secret.dart")
    result = harvest([root])
    assert names(result) == ["A"] and result.skips == {"symlink_outside": 2}
    assert set(names(harvest([root, outside]))) == {"A", "Secret"}  # inside the folders given: followed
    assert names(harvest([root], HarvestConfig(follow_external_symlinks=True))) == ["A", "Secret"]


def test_too_many_files_stops_with_a_clear_message(make_project):
    root = make_project({f"lib/w{i}.dart": W.format(name=f"W{i}") for i in range(6)})
    with pytest.raises(FlutterTuneError, match=rf"More than 5 Dart files under {root}.*--max-files"):
        harvest([root], HarvestConfig(max_files=5))
    assert len(harvest([root], HarvestConfig(max_files=6)).samples) == 6


def test_unreadable_sources_are_skips_not_errors(tmp_path):
    assert read_source(str(tmp_path / "missing.dart")).skip == "unreadable"
    folder = tmp_path / "folder.dart"
    folder.mkdir()
    assert read_source(str(folder)).skip == "unreadable"


def test_unreadable_file_in_a_project(make_project, monkeypatch):
    root = make_project({"lib/a.dart": W.format(name="A"), "lib/b.dart": W.format(name="B")})
    real_open = open

    def failing_open(path, *args, **kwargs):
        if str(path).endswith("b.dart"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    result = harvest([root])
    assert names(result) == ["A"] and result.skips == {"unreadable": 1}

"""The words of a Dart identifier (dataset_tools.dart.names), as harvest, retrieval and the server split them."""

import pytest

from dataset_tools.dart.names import identifier_words


@pytest.mark.parametrize("name, words", [
    ("PeakCard", ["Peak", "Card"]),
    ("_MyHomePageState", ["My", "Home", "Page", "State"]),
    ("HTTPBanner", ["HTTP", "Banner"]),
    ("user_id", ["user", "id"]),
    ("buildRow2", ["build", "Row", "2"]),
    ("a$b", ["a", "b"]),
    ("_", []),
])
def test_camel_pascal_and_snake_case_names_split_into_their_words(name, words):
    assert identifier_words(name) == words


def test_numbers_can_be_left_out():
    assert identifier_words("row10Item", numbers=False) == ["row", "Item"]
    assert identifier_words("row10Item") == ["row", "10", "Item"]

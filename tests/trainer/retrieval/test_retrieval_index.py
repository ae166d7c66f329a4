"""The BM25 index itself: tokenization, nearest-first results, exclusion, empty queries."""

from __future__ import annotations

import pytest

from trainer.retrieval.index import RetrievalIndex, identifier_tokens, record_id, text_tokens


def test_identifiers_are_kept_whole_and_split_into_words():
    assert identifier_tokens("_MyHomePageState") == ["myhomepagestate", "my", "home", "page", "state"]
    assert identifier_tokens("HTTPClient") == ["httpclient", "http", "client"]
    assert identifier_tokens("user_id") == ["userid", "user", "id"]
    # plurals meet singulars, filler words and Dart boilerplate are dropped
    assert text_tokens("Shows the products in a grid") == ["product", "grid"]
    assert "statelesswidget" in text_tokens("class A extends StatelessWidget {}")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("profile card with the user's avatar", "ProfileCard"),
        ("sign in screen with a password field", "LoginForm"),
        ("toggle switches for preferences", "SettingsList"),
        ("spinner while data loads", "LoadingSpinner"),
        ("products shown in two columns", "ProductGrid"),
        ("show an error and let the user retry", "ErrorBanner"),
    ],
)
def test_obviously_nearest_sample_comes_first(hand_made, query, expected):
    index = RetrievalIndex.build(hand_made)
    results = index.search(query, k=3)
    assert results, query
    assert results[0]["name"] == expected


def test_code_around_the_cursor_steers_the_search(hand_made):
    index = RetrievalIndex.build(hand_made)
    # A vague description; the surrounding code uses the login form's widget types.
    results = index.search("a widget for this page", k=1,
                           context_code="TextFormField(obscureText: true, controller: passwordController)")
    assert [r["name"] for r in results] == ["LoginForm"]
    # The description still outweighs the context.
    results = index.search("grid of products", k=1, context_code="TextFormField()")
    assert results[0]["name"] == "ProductGrid"


def test_results_are_best_first_at_most_k_and_only_relevant(hand_made):
    index = RetrievalIndex.build(hand_made)
    ranked = index.ranked("a card with an avatar and a button", k=10)
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)
    assert len(ranked) < len(hand_made)  # the spinner and the grid share nothing with the query
    assert len(index.search("button", k=1)) == 1


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_description_gives_nothing(hand_made, query):
    index = RetrievalIndex.build(hand_made)
    assert index.search(query, k=3) == []
    assert index.search(query, k=3, context_code="TextFormField()") == []


def test_unknown_words_give_nothing(hand_made):
    index = RetrievalIndex.build(hand_made)
    assert index.search("zebra quokka", k=3) == []
    assert index.search("button", k=0) == []


def test_exclude_by_record_by_id_and_by_identical_code(hand_made):
    index = RetrievalIndex.build(hand_made)
    login = hand_made[1]
    assert index.search("login form password", k=1)[0] is index.records[1]
    for exclude in (login, record_id(login), [record_id(login)], [login, hand_made[0]]):
        found = index.search("login form with a password and a button", k=len(hand_made), exclude=exclude)
        names = [r["name"] for r in found]
        assert "LoginForm" not in names
        assert names  # other samples still come back
    # The same code harvested from another place (a copy in another project) is excluded too.
    copy = dict(login, project="other", source="lib/copy.dart", line=40, instruction="Log in form.")
    names = [r["name"] for r in index.search("login form password", k=6, exclude=copy)]
    assert "LoginForm" not in names


def test_duplicate_in_the_index_is_excluded_with_the_query_record(hand_made):
    twin = dict(hand_made[3], project="other", line=9)
    index = RetrievalIndex.build(hand_made + [twin])
    results = index.search("spinner while loading", k=3, exclude=hand_made[3])
    assert all("CircularProgressIndicator" not in r["output"] for r in results)


def test_save_and_load_round_trip(tmp_path, hand_made):
    index = RetrievalIndex.build(hand_made, source_sha256="abc")
    index.save(tmp_path / "retrieval")
    loaded = RetrievalIndex.load(tmp_path / "retrieval", hand_made, "abc")
    assert loaded is not None
    assert [r["name"] for r in loaded.search("grid of products", k=2)] == \
        [r["name"] for r in index.search("grid of products", k=2)]
    # Built from other records (other hash or count): not reused.
    assert RetrievalIndex.load(tmp_path / "retrieval", hand_made, "def") is None
    assert RetrievalIndex.load(tmp_path / "retrieval", hand_made[:-1], "abc") is None
    assert RetrievalIndex.load(tmp_path / "missing", hand_made, "abc") is None


def test_many_similar_records_rank_the_exact_topic_first(make_widget):
    widget = make_widget
    records = [widget(f"Tile{i}", f"A list tile number {i} with an icon.", "ListTile(leading: Icon(Icons.star))",
                      line=i) for i in range(50)]
    records.append(widget("WeatherCard", "A card with today's weather forecast and temperature.",
                          "Card(child: Row(children: [Icon(Icons.wb_sunny), Text('$temperature°')]))"))
    index = RetrievalIndex.build(records)
    assert index.search("weather forecast", k=1)[0]["name"] == "WeatherCard"


def test_a_whole_open_file_does_not_drown_the_description(hand_made):
    """BM25 adds up every term: a file's worth of identifiers must still only steer, never decide."""
    index = RetrievalIndex.build(hand_made)
    whole_file = "\n\n".join(r["output"] for r in hand_made if r["name"] == "LoginForm") * 3
    for query, expected in [("products shown in two columns", "ProductGrid"),
                            ("spinner while data loads", "LoadingSpinner")]:
        assert index.search(query, k=1, context_code=whole_file)[0]["name"] == expected
    # and a vague description is still steered by the file
    assert index.search("a widget for this page", k=1, context_code=whole_file)[0]["name"] == "LoginForm"

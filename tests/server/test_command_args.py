"""Command arguments are read into typed dataclasses: the accepted forms, and errors that name command and key."""

from __future__ import annotations

import pytest
from pygls.exceptions import JsonRpcInvalidParams

from server.features.evaluate import EvaluateArgs
from server.features.generate import POSITIONAL, GenerateArgs
from server.features.harvest import HarvestArgs
from server.features.train import TrainArgs
from server.runtime.arguments import NOT_GIVEN, Position, command_args

POS = {"line": 3, "character": 4}


def generate_args(*args):
    return command_args("flutterTune.generate", args, GenerateArgs, positional=POSITIONAL)


def test_an_options_object_positional_values_and_other_spellings_give_the_same_arguments():
    expected = GenerateArgs(uri="file:///a.dart", position=Position(line=3, character=4), instruction="A card")
    assert generate_args({"uri": "file:///a.dart", "position": POS, "instruction": "A card"}) == expected
    assert generate_args("file:///a.dart", POS, "A card") == expected
    assert generate_args({"uri": "file:///a.dart", "position": POS, "description": "A card"}) == expected
    assert generate_args({"uri": "file:///a.dart", "position": POS, "prompt": "A card", "input": None,
                          "maxNewTokens": None, "somethingElse": 1}) == expected


@pytest.mark.parametrize("options,message", [
    ({"uri": "u", "position": POS}, "flutterTune.generate: missing 'instruction'."),
    ({"uri": " ", "position": POS, "instruction": "x"}, "flutterTune.generate: 'uri' must not be empty"),
    ({"uri": "u", "position": {"line": -1, "character": 0}, "instruction": "x"},
     "flutterTune.generate: 'position.line' should be a non-negative integer, got -1."),
    ({"uri": "u", "position": "start", "instruction": "x"},
     "flutterTune.generate: 'position' should be an object {line, character}, got 'start'."),
    ({"uri": "u", "position": POS, "instruction": "x", "maxNewTokens": "many"},
     "flutterTune.generate: 'maxNewTokens' should be int, got 'many'."),
    ({"uri": "u", "position": POS, "instruction": "x", "candidates": 12},
     "flutterTune.generate: 'candidates' should be between 1 and 8, got 12."),
])
def test_bad_arguments_name_the_command_and_the_key(options, message):
    with pytest.raises(JsonRpcInvalidParams) as info:
        generate_args(options)
    assert message in info.value.message


def test_too_many_positional_values_are_refused():
    with pytest.raises(JsonRpcInvalidParams, match="expected one options object"):
        generate_args(1, 2, 3, 4)


def test_train_refuses_unknown_options_and_reads_numbers_as_declared():
    with pytest.raises(JsonRpcInvalidParams, match="unknown option.*epochz.*known: datasetDir"):
        command_args("flutterTune.train", ({"epochz": 3},), TrainArgs, refuse_unknown=True)
    args = command_args("flutterTune.train", ({"maxMinutes": 1, "resume": True},), TrainArgs, refuse_unknown=True)
    assert args.max_minutes == 1.0 and isinstance(args.max_minutes, float) and args.resume is True


def test_absent_and_null_can_mean_different_things():
    def evaluate_args(*args):
        return command_args("flutterTune.evaluate", args, EvaluateArgs, positional=("adapter",))

    assert evaluate_args().adapter is NOT_GIVEN  # the adapter in use
    assert evaluate_args({"adapter": None}).adapter is None  # the base model alone
    assert evaluate_args(None).adapter is None


def test_one_folder_is_a_list_of_one():
    assert command_args("flutterTune.harvest", ("/code/app",), HarvestArgs, positional=("roots",)).roots == ["/code/app"]

"""Fixtures and helpers for the trainer's tests (the tiny random model itself comes from tests/conftest.py).

Training: ``records``, ``dataset_dir`` (8 training, 2 validation samples), ``tiny_config``.
Generation and evaluation: Dart samples (``STATELESS``, ``STATEFUL``, ``FUNCTION``), ``eval_dataset_dir``
(train, validation and test splits of them), ``tiny`` (the tiny model loaded), models whose output a
test scripts (``ScriptedLM``, ``TrieLM``, ``scripted``) and a tokenizer of hand-made pieces
(``PieceTokenizer``). Tests import the helpers with ``from tests.trainer.conftest import ...``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

WIDGETS = [
    ("GreetingText", "Text('Hello, $name')"),
    ("RedBox", "Container(color: Colors.red, width: 40, height: 40)"),
    ("TitleRow", "Row(children: [Icon(Icons.star), Text(title)])"),
    ("PaddedCard", "Padding(padding: EdgeInsets.all(8), child: Card(child: child))"),
    ("CenterLabel", "Center(child: Text(label))"),
    ("BlueButton", "ElevatedButton(onPressed: onTap, child: Text('Go'))"),
    ("AvatarChip", "Chip(avatar: CircleAvatar(child: Text(initial)), label: Text(name))"),
    ("SpacedColumn", "Column(mainAxisSize: MainAxisSize.min, children: children)"),
    ("DividerLine", "Divider(height: 1, thickness: 1)"),
    ("LoadingSpinner", "Center(child: CircularProgressIndicator())"),
]


def widget_record(name: str, body: str) -> dict:
    code = (f"class {name} extends StatelessWidget {{\n  const {name}({{super.key}});\n\n  @override\n"
            f"  Widget build(BuildContext context) {{\n    return {body};\n  }}\n}}")
    return {"instruction": f"Create a StatelessWidget named {name}.", "input": "", "output": code,
            "source": f"lib/{name.lower()}.dart", "project": "demo", "line": 1, "kind": "stateless",
            "name": name, "instruction_source": "synthesized"}


def write_dataset(folder: Path, train: list[dict], validation: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in train), encoding="utf-8")
    (folder / "validation.jsonl").write_text("".join(json.dumps(r) + "\n" for r in validation), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"counts": {"train": len(train)}}), encoding="utf-8")
    return folder


@pytest.fixture
def records() -> list[dict]:
    return [widget_record(n, b) for n, b in WIDGETS]


@pytest.fixture
def dataset_dir(tmp_path, records) -> Path:
    """8 training and 2 validation samples of ~80 tokens."""
    return write_dataset(tmp_path / "dataset", records[:8], records[8:])


@pytest.fixture
def tiny_config(tiny_model_dir, dataset_dir, tmp_path):
    """A fast TrainConfig on the tiny model: unquantized, short sequences, 1 epoch."""
    from trainer.training.config import TrainConfig

    return TrainConfig(base=str(tiny_model_dir), data_dir=str(dataset_dir), adapters_dir=str(tmp_path / "adapters"),
                       quantization="none", device="cpu", epochs=1, max_length=256, batch_size=4)


# --- generation and evaluation -----------------------------------------------------------------
STATELESS = """class TrailBadge extends StatelessWidget {
  const TrailBadge({super.key, required this.label});

  final String label;

  @override
  Widget build(BuildContext context) {
    return Padding(
      padding: const EdgeInsets.all(8),
      child: Text(
        label,
        style: const TextStyle(fontSize: 12),
      ),
    );
  }
}"""

STATEFUL = """class Counter extends StatefulWidget {
  const Counter({super.key});

  @override
  State<Counter> createState() => _CounterState();
}

class _CounterState extends State<Counter> {
  int _count = 0;

  @override
  Widget build(BuildContext context) {
    return TextButton(
      onPressed: () => setState(() => _count++),
      child: Text('Tapped $_count times'),
    );
  }
}"""

FUNCTION = """Widget buildSectionTitle(String title) {
  return Padding(
    padding: const EdgeInsets.symmetric(horizontal: 16),
    child: Text(
      title,
      style: const TextStyle(fontWeight: FontWeight.w600),
    ),
  );
}"""


def record(name: str, instruction: str, output: str) -> dict:
    return {"instruction": instruction, "input": "", "output": output, "source": f"lib/{name}.dart",
            "project": "demo", "line": 1, "kind": "stateless", "name": name, "instruction_source": "manual"}


@pytest.fixture(scope="session")
def tiny(tiny_model_dir):
    """(model, tokenizer) of the tiny random Llama, loaded plainly."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    model.eval()
    return model, AutoTokenizer.from_pretrained(tiny_model_dir)


def write_eval_dataset(folder: Path) -> Path:
    """Write a dataset folder with three training and two test samples (for evaluation and generation)."""
    train = [record("TrailBadge", "A small badge showing a trail label.", STATELESS),
             record("Counter", "A button that counts taps.", STATEFUL),
             record("buildSectionTitle", "A bold section title.", FUNCTION)]
    test = [record("TrailBadge", "A padded badge with a label.", STATELESS),
            record("buildSectionTitle", "A section title with padding.", FUNCTION)]
    for split, rows in (("train", train), ("validation", train[:1]), ("test", test)):
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


@pytest.fixture()
def eval_dataset_dir(tmp_path) -> Path:
    return write_eval_dataset(tmp_path)


class ScriptedLM:
    """A causal LM whose output we control: it writes ``script`` (token ids) one token per step.

    It follows the interface generate_code uses (``model(input_ids=, cache=, use_cache=,
    logits_to_keep=)`` returning ``.logits`` and ``.cache``), so the real decoding loop, stop
    rules and code extraction run on a known token stream. ``calls`` counts forward passes.
    """

    def __init__(self, script: list[int], vocab_size: int, eos_token_id: int) -> None:
        import torch
        from types import SimpleNamespace

        self.script, self.vocab_size = list(script), vocab_size
        self.config = SimpleNamespace(max_position_embeddings=2048, eos_token_id=eos_token_id)
        self.generation_config = SimpleNamespace(eos_token_id=eos_token_id)
        self.embedding = torch.nn.Embedding(1, 1)
        self.training = False
        self.calls = 0

    def get_input_embeddings(self):
        return self.embedding

    def eval(self):
        return self

    def train(self, mode: bool = True):
        return self

    def __call__(self, input_ids, cache=None, use_cache=True, logits_to_keep=0, **_):
        import torch
        from types import SimpleNamespace

        self.calls += 1
        written = 0 if cache is None else cache.written + input_ids.shape[1]  # tokens generated so far
        step = min(written, len(self.script) - 1)
        batch = input_ids.shape[0]
        logits = torch.zeros(batch, 1, self.vocab_size)
        logits[:, 0, self.script[step]] = 100.0  # so peaked that sampled candidates write the script too
        return SimpleNamespace(logits=logits, cache=ScriptCache(0 if cache is None else written))


class ScriptCache:
    """Stands for a KV cache: how many tokens were generated; repeatable for a batch of candidates."""

    def __init__(self, written: int) -> None:
        self.written = written

    def batch_repeat_interleave(self, n: int) -> None:
        pass

    def crop(self, length: int) -> None:
        raise AssertionError("a scripted model's session is never rewound in these tests")


class TrieLM(ScriptedLM):
    """A causal LM that follows the first of its scripts agreeing with what was written so far,
    the second-best token being the next script's: taking a token back makes it switch scripts."""

    def __init__(self, scripts: list[list[int]], vocab_size: int, eos_token_id: int) -> None:
        super().__init__(scripts[0], vocab_size, eos_token_id)
        self.scripts = scripts

    def __call__(self, input_ids, cache=None, use_cache=True, logits_to_keep=0, **_):
        import torch
        from types import SimpleNamespace

        self.calls += 1
        cache = cache or TrieCache(len(input_ids[0]))
        cache.ids += [int(i) for i in input_ids[0]]
        written = cache.ids[cache.prompt:]
        logits = torch.zeros(1, 1, self.vocab_size)
        score = 100.0
        for script in self.scripts:
            if script[:len(written)] == written and len(script) > len(written):
                token = script[len(written)]
                if logits[0, 0, token] == 0:
                    logits[0, 0, token] = score
                    score -= 10
        return SimpleNamespace(logits=logits, cache=cache)


def trie_lm(tokenizer, *texts: str) -> tuple[TrieLM, list[list[int]]]:
    """A TrieLM over ``texts`` (the first its first choice), each ending in EOS, and their token ids."""
    eos = tokenizer.eos_token_id
    scripts = [tokenizer(text, add_special_tokens=False)["input_ids"] + [eos] for text in texts]
    return TrieLM(scripts, len(tokenizer), eos), scripts


class TrieCache:
    def __init__(self, prompt: int) -> None:
        self.prompt, self.ids = prompt, []

    def get_seq_length(self) -> int:
        return len(self.ids)

    def crop(self, length: int) -> None:  # as transformers' caches: a negative length removes tokens
        self.ids = self.ids[:length]


@pytest.fixture()
def scripted(smollm_tokenizer):
    """``scripted(text, eos=False)`` → a ScriptedLM that writes ``text`` (then EOS, or repeats the last token)."""

    def make(text: str, eos: bool = False) -> ScriptedLM:
        ids = smollm_tokenizer(text, add_special_tokens=False)["input_ids"]
        if eos:
            ids.append(smollm_tokenizer.eos_token_id)
        return ScriptedLM(ids, len(smollm_tokenizer), smollm_tokenizer.eos_token_id)

    return make


class PieceTokenizer:
    """A tokenizer whose tokens are known pieces of text: every printable ASCII character and the line
    break, then ``pieces`` (``"),"``, ``"return"``, …); text is encoded longest piece first. Token 0 is
    the end token (decoded as nothing). Enough for the decoding loop's parts: ``decode``, ``__call__``."""

    EOS = 0

    def __init__(self, pieces=()) -> None:
        singles = [chr(c) for c in range(32, 127)] + ["\n"]
        self.pieces = ["<eos>"] + singles + [p for p in dict.fromkeys(pieces) if p not in singles]
        self.ids = {piece: i for i, piece in enumerate(self.pieces)}
        self._longest_first = sorted(self.ids, key=len, reverse=True)

    def __len__(self) -> int:
        return len(self.pieces)

    def encode(self, text: str) -> list[int]:
        ids, i = [], 0
        while i < len(text):
            piece = next(p for p in self._longest_first if p != "<eos>" and text.startswith(p, i))
            ids.append(self.ids[piece])
            i += len(piece)
        return ids

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict:
        return {"input_ids": self.encode(text)}

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        return "".join("" if i == self.EOS else self.pieces[i] for i in ids)

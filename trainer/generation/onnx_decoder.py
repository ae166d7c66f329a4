"""The serving model's decoder run by ONNX Runtime itself, with a KV cache held in our own buffers.

The model is the one the ONNX Runtime GenAI builder writes (``model.onnx`` + ``genai_config.json``:
int8 weights in ``MatMulNBits``, attention in ``GroupQueryAttention``). Its generator loop is not
used: holding the cache here lets one prompt's prefill serve a batch of candidates (its cache copied
into each sequence), a sequence be rewound by moving its length back, and the next token be fed
without steering a sampler through a one-hot logits array. Not faster per token than the generator
(benchmarks/results/generation_quality.md).

Each layer's past and present key/value are bound to one buffer ``[batch, kv_heads, capacity,
head_size]`` (the builder's ``past_present_share_buffer``), once per cache: the attention writes the
new position in place and reads the positions written, so a step copies nothing. Each sequence has its
own length: ``GroupQueryAttention`` takes it from its row of the attention mask (ones up to that length,
zeros after), so one sequence of a batch can be rewound while the others step on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_DTYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(int64)": np.int64,
           "tensor(int32)": np.int32}


@dataclass
class KVCache:
    """Keys and values of a batch of sequences, positions ``[0, lengths[i])`` of sequence i written,
    room for ``capacity``; ``binding`` holds them bound as the decoder's past and present."""

    keys: list[np.ndarray]
    values: list[np.ndarray]
    binding: object  # onnxruntime.IOBinding
    lengths: np.ndarray  # positions written, per sequence

    @property
    def capacity(self) -> int:
        return self.keys[0].shape[2]


class OnnxDecoder:
    """One ONNX Runtime session of the decoder: ``new_cache`` and ``run`` (feed tokens, get the logits)."""

    def __init__(self, folder: Path, threads: int) -> None:
        import onnxruntime as ort

        config = json.loads((Path(folder) / "genai_config.json").read_text(encoding="utf-8"))["model"]["decoder"]
        self.layers = int(config["num_hidden_layers"])
        self.kv_heads = int(config["num_key_value_heads"])
        self.head_size = int(config["head_size"])
        inputs, outputs = config["inputs"], config["outputs"]
        self.input_ids, self.attention_mask = inputs["input_ids"], inputs["attention_mask"]
        self.logits_name = outputs["logits"]
        self.past = [(inputs["past_key_names"] % i, inputs["past_value_names"] % i) for i in range(self.layers)]
        self.present = [(outputs["present_key_names"] % i, outputs["present_value_names"] % i)
                        for i in range(self.layers)]
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # the peak of a long prefill would stay for the server's life
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # cf. OMP_WAIT_POLICY=PASSIVE
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(Path(folder) / config["filename"]), options,
                                            providers=["CPUExecutionProvider"])
        types = {arg.name: arg.type for arg in self.session.get_inputs()}
        self.token_dtype = _DTYPES[types[self.input_ids]]
        self.mask_dtype = _DTYPES[types[self.attention_mask]]
        self.kv_dtype = _DTYPES[types[self.past[0][0]]]
        self._ort = ort
        # (prompt ids, their cache, the logits after them): the prefill that a next session of the
        # same prompt copies instead of running again
        self.last_prompt: tuple[tuple[int, ...], KVCache, np.ndarray] | None = None

    def new_cache(self, batch: int, capacity: int) -> KVCache:
        shape = (batch, self.kv_heads, capacity, self.head_size)
        keys = [np.zeros(shape, self.kv_dtype) for _ in range(self.layers)]
        values = [np.zeros(shape, self.kv_dtype) for _ in range(self.layers)]
        wrap = self._ort.OrtValue.ortvalue_from_numpy
        binding = self.session.io_binding()
        for (past_key, past_value), (present_key, present_value), key, value in zip(self.past, self.present,
                                                                                    keys, values):
            key, value = wrap(key), wrap(value)
            binding.bind_ortvalue_input(past_key, key)
            binding.bind_ortvalue_input(past_value, value)
            binding.bind_ortvalue_output(present_key, key)
            binding.bind_ortvalue_output(present_value, value)
        binding.bind_output(self.logits_name)
        return KVCache(keys, values, binding, np.zeros(batch, dtype=np.int64))

    def copy_prefix(self, source: KVCache, target: KVCache, length: int) -> None:
        """Positions ``[0, length)`` of ``source``'s first sequence into every sequence of ``target``."""
        for layer in range(self.layers):
            target.keys[layer][:, :, :length] = source.keys[layer][:1, :, :length]
            target.values[layer][:, :, :length] = source.values[layer][:1, :, :length]
        target.lengths[:] = length

    def run(self, cache: KVCache, tokens: np.ndarray) -> np.ndarray:
        """Feed ``tokens`` ``[batch, count]``, each row after its sequence's written positions; the
        logits of the last one ``[batch, vocab]`` (float32). Several tokens at once (a prompt) only
        where every sequence has the same length."""
        batch, count = tokens.shape
        totals = cache.lengths + count
        if count > 1 and (cache.lengths != cache.lengths[0]).any():
            raise ValueError("several tokens at once are fed only to sequences of one length")
        width = int(totals.max())
        if width > cache.capacity:
            raise ValueError(f"the cache holds {cache.capacity} positions, {width} were asked for")
        mask = (np.arange(width) < totals[:, None]).astype(self.mask_dtype)
        binding = cache.binding
        binding.bind_cpu_input(self.input_ids, np.ascontiguousarray(tokens, dtype=self.token_dtype))
        binding.bind_cpu_input(self.attention_mask, mask)
        self.session.run_with_iobinding(binding)
        cache.lengths[:] = totals
        logits = binding.get_outputs()[-1].numpy()  # a view of memory the next run writes over
        return np.array(logits[:, -1, :], dtype=np.float32)

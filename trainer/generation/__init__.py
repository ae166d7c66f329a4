"""Generation: from a description to checked widget candidates, on a fast backend.

- ``backends``: decoding sessions over a model — ONNX Runtime (int8, the CPU default) or
  transformers/torch (CUDA, bitsandbytes, fallback) — that both expose "logits of the last step" and
  "advance with these tokens", for N sequences at once.
- ``onnx_decoder``: the ONNX model run by ONNX Runtime with its KV cache in our own buffers (one
  prefill shared by a batch, rewinding by moving a length back).
- ``serving``: which backend serves (base, adapter), and the ONNX serving models built once per
  (base, adapter, precision), cached under the cache home by content hash.
- ``sampling``: the token choice (candidate 0 greedy, the others sampled) and its log-probabilities.
- ``candidates``: the decoding loop — rounds of candidates, cancel, time limit, streaming — and ranking.
- ``decoding``: what the loop runs, configured by ``DecodeConfig``: logits processors (the guards on each
  next token), the take-back of a repeated argument, stopping rules (each returning a ``StopReason``).
- ``widget_end``: where a streamed widget ends and which slips it must not write (on
  ``dataset_tools.dart.lexer``).
- ``checks``: what tree-sitter says about a candidate (parses, declares the widget, ..., and given an API
  index, ``resolves``); ``resolve``: its class references, constructor calls and ``Owner.member`` looked
  up in the index and in what the candidate declares itself (``declared``); ``api_index``: which index
  generation uses; ``dart_tree``: the tree readers they share.
- ``analyzer``: the final check when the machine has a Dart SDK: ``dart format`` and ``dart analyze`` of
  the candidate in its place, in a scratch copy of the project.
- ``tokenizer``, ``detokenize``: a torch-free tokenizer with the chat template, and incremental
  decoding of streamed tokens.
"""

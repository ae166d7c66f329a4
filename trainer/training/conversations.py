"""Training rows that are conversations of related widgets, every answer scored.

Generation shows the model retrieved examples as earlier user/assistant turns before the real request
(:mod:`trainer.retrieval.examples`, :func:`trainer.prompt.format_prompt`). Training each widget as a
lone prompt/completion pair never shows it that shape. Here the training widgets are grouped into
conversations of up to ``size`` related ones (nearest by the same BM25 index retrieval uses), rendered
with the one prompt format, and every assistant turn carries loss: each widget is still learned once
per epoch, the later ones with related code before them, and no compute goes to prompt tokens that
only repeat what another row already scores.

A row is pre-tokenized (``input_ids`` + ``completion_mask``, which TRL's SFTTrainer takes as they
are): each turn's prompt part is tokenized alone, as generation tokenizes a prompt, then its answer.
A group only grows while the whole conversation fits ``max_length``.
"""

from __future__ import annotations

from typing import Sequence

from ..prompt import Example, format_completion, format_prompt


def related_groups(records: Sequence[dict], size: int) -> list[list[int]]:
    """Indices of ``records`` in groups of up to ``size``: each group a record and its nearest
    unassigned neighbours (BM25 over description and code) whose code does not overlap another
    member's, nearest first, the record last."""
    if size <= 1 or len(records) < 2:
        return [[i] for i in range(len(records))]
    from ..retrieval.index import RetrievalIndex, codes_overlap

    index = RetrievalIndex.build(records)
    assigned: set[int] = set()
    groups = []
    for i, record in enumerate(records):
        if i in assigned:
            continue
        group = [i]
        for j, _ in index.ranked(str(record.get("instruction", "")), len(records), exclude=record):
            if len(group) == size:
                break
            # one inside another: the later answer would only copy the earlier (retrieval never shows both)
            if j not in assigned and not any(codes_overlap(records[j]["output"], records[k]["output"])
                                             for k in group):
                group.insert(len(group) - 1, j)
        assigned.update(group)
        groups.append(group)
    return groups


def _tokens(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def conversation_row(tokenizer, records: Sequence[dict]) -> dict | None:
    """``{"input_ids", "completion_mask"}`` for one conversation, or None when the prompt format does
    not render the earlier turns as a prefix of the later prompts (then train the records alone)."""
    ids: list[int] = []
    mask: list[int] = []
    rendered = ""
    examples: list[Example] = []
    for record in records:
        instruction, input = record["instruction"], str(record.get("input", "") or "")
        prompt = format_prompt(tokenizer, instruction, input, examples)
        if not prompt.startswith(rendered):
            return None
        completion = format_completion(tokenizer, record["output"])
        prompt_ids, completion_ids = _tokens(tokenizer, prompt[len(rendered):]), _tokens(tokenizer, completion)
        ids += prompt_ids + completion_ids
        mask += [0] * len(prompt_ids) + [1] * len(completion_ids)
        rendered = prompt + completion
        examples.append(Example(instruction=instruction, output=record["output"], input=input))
    return {"input_ids": ids, "completion_mask": mask}


def conversation_rows(tokenizer, records: Sequence[dict], size: int, max_length: int) -> list[tuple[list[int], dict]]:
    """``(record indices, row)`` per conversation: related groups, each cut into the longest runs that
    render as one conversation within ``max_length`` (a record too long even alone comes back alone,
    for the caller's overlong policy)."""
    out = []
    for group in related_groups(records, size):
        run: list[int] = []
        row = None
        for i in group:
            trial = conversation_row(tokenizer, [records[j] for j in run + [i]])
            if trial is not None and (not run or len(trial["input_ids"]) <= max_length):
                run, row = run + [i], trial
                continue
            out.append((run, row))
            run, row = [i], conversation_row(tokenizer, [records[i]])
        if run:
            out.append((run, row))
    return out

"""Helpers for the language-server tests: default settings, the Session wrapper, edit application."""

from __future__ import annotations

import asyncio
import itertools
import time
from concurrent.futures import Future
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

_ids = itertools.count(1)


def as_dict(obj):
    """A custom notification's params as plain dicts/lists (pygls may hand over namedtuple-like objects)."""
    if isinstance(obj, dict):
        return {k: as_dict(v) for k, v in obj.items()}
    if hasattr(obj, "_asdict"):
        return {k: as_dict(v) for k, v in obj._asdict().items()}
    if isinstance(obj, (list, tuple)):
        return [as_dict(v) for v in obj]
    return obj


def base_settings(tiny_model_dir: Path, tmp_path: Path, **overrides) -> dict:
    settings = {
        "baseModel": str(tiny_model_dir), "adapter": "active", "quantization": "none", "device": "cpu",
        "maxNewTokens": 24, "temperature": 1.0, "topP": 1.0, "adaptersDir": str(tmp_path / "adapters"),
        "datasetDir": str(tmp_path / "dataset"), "retrieval": {"enabled": False},
    }
    settings.update(overrides)
    return settings


class Session:
    """A started client plus helpers that read like what a user does."""

    def __init__(self, client: LanguageClient, tiny_model_dir: Path, tmp_path: Path) -> None:
        self.client = client
        self.tiny_model_dir = tiny_model_dir
        self.tmp_path = tmp_path
        self.statuses: list[dict] = []
        self.edits: list[types.ApplyWorkspaceEditParams] = []
        self.apply_result = True

        @client.feature("flutterTune/status")
        def on_status(ls, params):
            self.statuses.append(as_dict(params))

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_apply(ls, params: types.ApplyWorkspaceEditParams):
            self.edits.append(params)
            return types.ApplyWorkspaceEditResult(applied=self.apply_result)

    async def initialize(self, settings: dict | None = None, **overrides) -> types.InitializeResult:
        options = settings if settings is not None else base_settings(self.tiny_model_dir, self.tmp_path, **overrides)
        return await self.client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options=options,
            workspace_folders=[types.WorkspaceFolder(uri=self.tmp_path.as_uri(), name="ws")],
        ))

    def open(self, name: str, text: str, language: str = "dart") -> str:
        path = self.tmp_path / name
        uri = path.as_uri()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return uri

    async def command(self, name: str, *args):
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(args)))

    def send_command(self, name: str, *args, msg_id=None):
        """Send without waiting; returns (id, asyncio future)."""
        msg_id = msg_id or f"t{next(_ids)}"
        fut = self.client.protocol.send_request(
            types.WORKSPACE_EXECUTE_COMMAND, types.ExecuteCommandParams(command=name, arguments=list(args)),
            msg_id=msg_id)
        return msg_id, asyncio.wrap_future(fut)

    def cancel_request(self, msg_id) -> None:
        self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))

    def raw_request(self, method: str, params) -> asyncio.Future:
        """A request with arbitrary (possibly malformed) params, bypassing client-side typing."""
        msg_id = f"raw{next(_ids)}"
        fut: Future = Future()
        self.client.protocol._request_futures[msg_id] = fut
        self.client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return asyncio.wrap_future(fut)

    async def code_actions(self, uri: str, line: int, character: int) -> list[types.CodeAction]:
        pos = types.Position(line=line, character=character)
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=pos, end=pos),
            context=types.CodeActionContext(diagnostics=[])))
        return list(result or [])

    def warnings(self) -> list[str]:
        return [m.message for m in self.client.messages if m.type == types.MessageType.Warning]

    def errors(self) -> list[str]:
        return [m.message for m in self.client.messages if m.type == types.MessageType.Error]

    def progress_values(self) -> list[list]:
        """Each work-done progress the server created: its begin/report/end values in order."""
        return [list(reports) for reports in self.client.progress_reports.values() if reports]

    async def wait_for(self, predicate, timeout: float = 60.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text; positions as line/character) the way an editor would."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(pos: types.Position) -> int:
        return min(offsets[min(pos.line, len(lines))] + pos.character, len(text)) if pos.line < len(lines) \
            else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def make_adapter(base_dir: Path, adapters_dir: Path, validation_loss: float | None, seed: int = 0) -> Path:
    """A real (untrained) LoRA adapter for ``base_dir`` saved the way training saves one."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from trainer.adapters import save_adapter

    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_pretrained(base_dir)
    peft_model = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"],
                                                  task_type="CAUSAL_LM"))
    metadata = {"base": str(base_dir), "base_path": str(Path(base_dir).resolve()),
                "metrics": {"best_validation_loss": validation_loss}}
    return save_adapter(peft_model, None, adapters_dir, metadata, fingerprint=str(seed)).path

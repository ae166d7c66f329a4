// Test fixtures for the end-to-end run: a copy of the example project, a tiny model, editor settings.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Copy examples/ (or, if it is missing, write one small Dart file) into `dest`; returns the Dart file to open. */
export function makeWorkspace(repoRoot, dest) {
  const examples = path.join(repoRoot, "examples");
  mkdirSync(dest, { recursive: true });
  if (existsSync(examples) && readdirSync(examples).length) {
    cpSync(examples, dest, { recursive: true });
  }
  const preferred = path.join(dest, "trail_journal", "lib", "widgets", "stat_tile.dart");
  if (existsSync(preferred)) {
    return preferred;
  }
  const fallback = path.join(dest, "lib", "hello.dart");
  mkdirSync(path.dirname(fallback), { recursive: true });
  writeFileSync(
    fallback,
    [
      "import 'package:flutter/material.dart';",
      "",
      "/// Greets the user by name.",
      "class Hello extends StatelessWidget {",
      "  const Hello({super.key, required this.name});",
      "",
      "  final String name;",
      "",
      "  @override",
      "  Widget build(BuildContext context) => Text('Hello $name');",
      "}",
      "",
    ].join("\n"),
  );
  return fallback;
}

const TINY_MODEL_SCRIPT = `
import os, sys
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")
root, out = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
from tests.conftest import GGUF_NAME, build_tiny_model, gguf_dir
from transformers import AutoTokenizer
tokenizer_dir = out / "tokenizer"
AutoTokenizer.from_pretrained(gguf_dir(), gguf_file=GGUF_NAME).save_pretrained(tokenizer_dir)
build_tiny_model(out / "tiny-llama", tokenizer_dir)
`;

/** Build the 2-layer random Llama with the SmolLM2 tokenizer (tests/conftest.py) under `dest`; returns its folder. */
export function buildTinyModel(python, repoRoot, dest) {
  const result = spawnSync(python, ["-c", TINY_MODEL_SCRIPT, repoRoot, dest], {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1" },
  });
  if (result.status !== 0) {
    throw new Error(`building the tiny model failed:\n${result.stdout}\n${result.stderr}`);
  }
  return path.join(dest, "tiny-llama");
}

/** The key (Playwright's spelling of the "ctrl+alt+shift+t" below) bound to an 8-step training, validating every 4 steps. */
export const SHORT_TRAINING_KEY = "Control+Alt+Shift+T";

/**
 * Flutter Tune's settings for the showcase: the embedded default model with a trained adapter, the dataset it
 * was trained on for retrieval (none: retrieval off), and otherwise the extension's defaults (quantization,
 * device, maxNewTokens, temperature, topP), as a user would have them.
 */
export function showcaseSettings({ adapter, datasetDir, adaptersDir }) {
  return {
    "flutterTune.baseModel": "default",
    "flutterTune.adapter": adapter,
    "flutterTune.adaptersDir": adaptersDir,
    ...(datasetDir ? { "flutterTune.datasetDir": datasetDir } : { "flutterTune.retrieval.enabled": false }),
  };
}

/**
 * Write the editor's user settings: Flutter Tune on the tiny model (or the `flutterTune` settings given, see
 * showcaseSettings), and a quiet workbench. No interpreter: as in a clean profile, the extension has to find or
 * set up one (the workspace names one, see below).
 */
export function writeUserSettings(userDataDir, { model, dataHome, trust, flutterTune }) {
  const tinyModel = flutterTune ? undefined : {
    "flutterTune.baseModel": model,
    "flutterTune.adapter": "",
    "flutterTune.quantization": "none",
    "flutterTune.device": "cpu",
    "flutterTune.maxNewTokens": 24,
    "flutterTune.temperature": 1,
    "flutterTune.topP": 1,
    "flutterTune.datasetDir": path.join(dataHome, "dataset"),
    "flutterTune.adaptersDir": path.join(dataHome, "adapters"),
    "flutterTune.retrieval.enabled": false,
  };
  const settings = {
    ...(flutterTune ?? tinyModel),
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "security.workspace.trust.enabled": trust,
    "security.workspace.trust.startupPrompt": "always",
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "update.mode": "none",
    "editor.formatOnType": false,
    "editor.autoClosingBrackets": "never",
    "editor.acceptSuggestionOnEnter": "off",
    "editor.quickSuggestions": { other: false, comments: false, strings: false },
    "editor.suggestOnTriggerCharacters": false,
    "editor.lightbulb.enabled": "on",
    "editor.stickyScroll.enabled": false,
    "editor.minimap.enabled": false,
    "files.autoSave": "off",
    "window.restoreWindows": "none",
    "chat.disableAIFeatures": true,
  };
  const file = path.join(userDataDir, "User", "settings.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2));
  // A short training run on a key, as a user would bind one (the command passes its args to the server).
  writeFileSync(path.join(userDataDir, "User", "keybindings.json"), JSON.stringify([
    { key: "ctrl+alt+shift+t", command: "flutterTune.trainAdapter", args: { maxSteps: 8, evalSteps: 4 } },
  ], null, 2));
  return file;
}

/** The workspace's own settings: the interpreter a workspace may choose, honoured only once it is trusted. */
export function writeWorkspaceSettings(workspace, { python }) {
  const file = path.join(workspace, ".vscode", "settings.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ "flutterTune.pythonPath": python }, null, 2));
  return file;
}

/**
 * A folder for the front of PATH whose `python3` and `python` are a plain interpreter without Flutter Tune,
 * so the extension's search finds no usable Python on any machine and offers the set-up.
 */
export function plainPythonBin(dest, plainPython) {
  mkdirSync(dest, { recursive: true });
  for (const name of ["python3", "python"]) {
    writeFileSync(path.join(dest, name), `#!/bin/sh\nexec ${JSON.stringify(plainPython)} "$@"\n`, { mode: 0o755 });
  }
  return dest;
}

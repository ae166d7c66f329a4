/** Test helpers: the real package.json manifest and a fake configuration built from it. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const manifest = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
) as {
  contributes: {
    configuration: { properties: Record<string, { default?: unknown }> };
    commands: { command: string; title: string; category: string; enablement?: string }[];
  };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  activationEvents: string[];
};

type Inspect = { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown; defaultValue?: unknown };

/** inspect() results for every `flutterTune.*` setting: the declared default plus the given overrides. */
export function fakeConfiguration(
  user: Record<string, unknown> = {},
  workspace: Record<string, unknown> = {},
): Record<string, Inspect> {
  const result: Record<string, Inspect> = {};
  for (const [fullKey, schema] of Object.entries(manifest.contributes.configuration.properties)) {
    const key = fullKey.replace(/^flutterTune\./, "");
    result[key] = { defaultValue: schema.default };
    if (key in user) {
      result[key].globalValue = user[key];
    }
    if (key in workspace) {
      result[key].workspaceValue = workspace[key];
    }
  }
  return result;
}

/** A ConfigurationLike over fakeConfiguration(). */
export function configLike(user: Record<string, unknown> = {}, workspace: Record<string, unknown> = {}) {
  const values = fakeConfiguration(user, workspace);
  return { inspect: <T>(key: string) => values[key] as { globalValue?: T; workspaceValue?: T; defaultValue?: T } };
}

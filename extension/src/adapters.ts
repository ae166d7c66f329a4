/**
 * Select Adapter: the server's `flutterTune.listAdapters` answer → quick pick items →
 * `flutterTune.useAdapter`.
 *
 * The answer is `[{path, name, created, base, validationLoss, active}]` (docs/ARCHITECTURE.md); entries
 * that do not have that shape are skipped.
 */

/** One trained adapter as the picker shows it. */
export interface AdapterInfo {
  name: string;
  path: string;
  created?: string;
  validationLoss?: number;
  active: boolean;
}

/** A quick pick entry; `adapter` is what `flutterTune.useAdapter` receives (null: base model only). */
export interface AdapterPickItem {
  label: string;
  description?: string;
  detail?: string;
  adapter: string | null;
}

/** The server's adapter list. Entries without a path and a name are dropped. */
export function parseAdapterList(result: unknown): AdapterInfo[] {
  const adapters: AdapterInfo[] = [];
  for (const entry of Array.isArray(result) ? result : []) {
    const { path, name, created, validationLoss, active } = (entry ?? {}) as Record<string, unknown>;
    if (typeof path !== "string" || typeof name !== "string") {
      continue;
    }
    adapters.push({
      name,
      path,
      created: typeof created === "string" ? created : undefined,
      validationLoss: typeof validationLoss === "number" ? validationLoss : undefined,
      active: active === true,
    });
  }
  return adapters;
}

/** "2024-06-01 14:03" from an ISO date (anything else is shown as it came). */
export function formatDate(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(value);
  return iso ? `${iso[1]} ${iso[2]}` : value;
}

/** Quick pick items: one per adapter (newest first, as listed), then "base model only". */
export function adapterPickItems(adapters: AdapterInfo[], activeAdapter: string | null | undefined): AdapterPickItem[] {
  const items: AdapterPickItem[] = adapters.map((adapter) => {
    const active = adapter.active || (!!activeAdapter && (activeAdapter === adapter.path || activeAdapter === adapter.name));
    const parts: string[] = [];
    if (adapter.validationLoss !== undefined) {
      parts.push(`validation loss ${adapter.validationLoss.toFixed(3)}`);
    }
    const date = formatDate(adapter.created);
    if (date) {
      parts.push(date);
    }
    return {
      label: `${active ? "$(check) " : ""}${adapter.name}`,
      description: parts.join(" · ") || undefined,
      detail: adapter.path,
      adapter: adapter.path,
    };
  });
  items.push({
    label: `${activeAdapter ? "" : "$(check) "}Base model only`,
    description: "no adapter",
    adapter: null,
  });
  return items;
}

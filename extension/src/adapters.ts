/**
 * Select Adapter: the server's `flutterTune.listAdapters` answer → quick pick items →
 * `flutterTune.useAdapter`.
 *
 * The list is read tolerantly (an array, or `{adapters: [...]}`; dates and losses under their usual
 * names) so that a field the server adds later does not break the picker.
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

function pick(record: Record<string, unknown>, keys: string[]): unknown {
  for (const key of keys) {
    if (record[key] !== undefined && record[key] !== null) {
      return record[key];
    }
  }
  return undefined;
}

/** Normalize the server's adapter list. Entries without a path or name are dropped. */
export function parseAdapterList(result: unknown): AdapterInfo[] {
  const list = Array.isArray(result)
    ? result
    : result && typeof result === "object" && Array.isArray((result as { adapters?: unknown }).adapters)
      ? (result as { adapters: unknown[] }).adapters
      : [];
  const adapters: AdapterInfo[] = [];
  for (const entry of list) {
    if (!entry || typeof entry !== "object") {
      continue;
    }
    const record = entry as Record<string, unknown>;
    const path = pick(record, ["path", "dir", "folder"]);
    const name = pick(record, ["name", "id"]) ?? (typeof path === "string" ? path.split(/[\\/]/).pop() : undefined);
    if (typeof path !== "string" && typeof name !== "string") {
      continue;
    }
    const loss = pick(record, ["validationLoss", "validation_loss", "evalLoss", "eval_loss", "valLoss"]);
    const created = pick(record, ["created", "createdAt", "created_at", "date", "trainedAt", "trained_at"]);
    adapters.push({
      name: String(name ?? path),
      path: String(path ?? name),
      created: typeof created === "string" || typeof created === "number" ? String(created) : undefined,
      validationLoss: typeof loss === "number" ? loss : undefined,
      active: record.active === true,
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

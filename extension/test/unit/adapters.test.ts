import { describe, expect, it } from "vitest";
import { adapterPickItems, formatDate, parseAdapterList } from "../../src/adapters";

describe("parseAdapterList", () => {
  it("reads the server's list and skips entries without its keys", () => {
    const list = parseAdapterList([
      { name: "a2", path: "/ad/a2", created: "2024-06-02T10:11:12Z", base: "b", validationLoss: 0.8123, active: true },
      { name: "a1", path: "/ad/a1", created: "", base: "b", validationLoss: null, active: false },
      { path: "/ad/a0", created_at: "2024-06-01T09:00:00", eval_loss: 1.5 },
      { nonsense: true },
      "junk",
      null,
    ]);
    expect(list).toEqual([
      { name: "a2", path: "/ad/a2", created: "2024-06-02T10:11:12Z", validationLoss: 0.8123, active: true },
      { name: "a1", path: "/ad/a1", created: "", validationLoss: undefined, active: false },
    ]);
    expect(parseAdapterList(null)).toEqual([]);
    expect(parseAdapterList({ adapters: [{ name: "x", path: "/x" }] })).toEqual([]);
  });
});

describe("adapterPickItems", () => {
  const adapters = parseAdapterList([
    { name: "a2", path: "/ad/a2", created: "2024-06-02T10:11:12Z", validationLoss: 0.8123 },
    { name: "a1", path: "/ad/a1" },
  ]);

  it("shows date and validation loss, marks the active adapter, and offers the base model", () => {
    const items = adapterPickItems(adapters, "/ad/a2");
    expect(items[0]).toEqual({
      label: "$(check) a2",
      description: "validation loss 0.812 · 2024-06-02 10:11",
      detail: "/ad/a2",
      adapter: "/ad/a2",
    });
    expect(items[1]).toMatchObject({ label: "a1", description: undefined, adapter: "/ad/a1" });
    expect(items[2]).toMatchObject({ label: "Base model only", adapter: null });
  });

  it("marks the base model when no adapter is active", () => {
    expect(adapterPickItems(adapters, null).at(-1)?.label).toBe("$(check) Base model only");
  });

  it("formatDate shortens ISO dates and passes others through", () => {
    expect(formatDate("2024-06-02 10:11:12")).toBe("2024-06-02 10:11");
    expect(formatDate("yesterday")).toBe("yesterday");
    expect(formatDate(undefined)).toBeUndefined();
  });
});

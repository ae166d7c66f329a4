import { describe, expect, it } from "vitest";
import { reportHtmlForWebview } from "../../src/reportHtml";

const REPORT = "<!doctype html><meta charset='utf-8'><title>Flutter Tune evaluation</title><style>td{}</style>" +
  "<h1>Flutter Tune evaluation</h1><img src='metrics.png' alt='metrics'><img src='loss_curve.png' alt='training loss'>";

describe("reportHtmlForWebview", () => {
  it("resolves the report's plots against its folder and allows nothing but those images and its style", () => {
    const html = reportHtmlForWebview(REPORT, "https://file+.vscode-resource.vscode-cdn.net/r/2024", "https://*.vscode-cdn.net");
    expect(html).toContain('<base href="https://file+.vscode-resource.vscode-cdn.net/r/2024/">');
    expect(html).toContain("default-src 'none'; img-src https://*.vscode-cdn.net; style-src 'unsafe-inline';");
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<title>"));
    expect(html).toContain("<img src='metrics.png'");
  });

  it("drops any script", () => {
    const html = reportHtmlForWebview(`${REPORT}<script>alert(1)</script>`, "x/", "csp");
    expect(html).not.toContain("<script");
  });
});

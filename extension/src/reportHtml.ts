/**
 * The evaluation report (`report.html`, written by trainer/report.py) prepared for a webview: its
 * relative images (metrics.png, loss_curve.png) resolve against the report folder, and a content
 * security policy allows images from there and the report's inline style, nothing else (no scripts).
 * No VS Code imports: unit-tested.
 */

/** `html` with a CSP and a `<base>` pointing at `folderUri` (the folder as a webview URI, ending in "/"). */
export function reportHtmlForWebview(html: string, folderUri: string, cspSource: string): string {
  const base = folderUri.endsWith("/") ? folderUri : `${folderUri}/`;
  const head =
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${cspSource}; style-src 'unsafe-inline';">` +
    `<base href="${escapeAttribute(base)}">`;
  const withoutScripts = html.replace(/<script[\s\S]*?<\/script>/gi, "");
  const charset = /<meta charset=[^>]*>/i.exec(withoutScripts);
  if (charset) {
    const at = charset.index + charset[0].length;
    return withoutScripts.slice(0, at) + head + withoutScripts.slice(at);
  }
  const headTag = /<head[^>]*>/i.exec(withoutScripts);
  if (headTag) {
    const at = headTag.index + headTag[0].length;
    return withoutScripts.slice(0, at) + head + withoutScripts.slice(at);
  }
  return head + withoutScripts;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

// Playwright helpers for driving the VS Code workbench that code-server serves.
import { setTimeout as sleep } from "node:timers/promises";

/** Chromium flags for a headless run in a container (from issue 7). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Wait until the workbench and its status bar are on screen. */
export async function waitForWorkbench(page, timeout = 120_000) {
  await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout });
  await page.locator("#workbench\\.parts\\.statusbar").waitFor({ state: "visible", timeout });
}

/**
 * Open the quick input with `key`, type `text`, and accept the row whose label contains `rowText`.
 * The quick input closes when something else takes the focus (a restarting server's notification, a
 * webview); each step is retried from the key press then, instead of waiting on a closed input.
 */
async function quickPick(page, key, text, rowText, timeout) {
  const input = page.locator(".quick-input-widget input.input");
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: rowText }).first();
  let lastError;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      await page.keyboard.press(key);
      await input.waitFor({ state: "visible", timeout: 5000 });
      await input.fill(text, { timeout: 5000 });
      // Wait for the row while the input stays open; a closed input starts the next attempt.
      const deadline = Date.now() + timeout;
      while (!(await row.isVisible())) {
        if (!(await input.isVisible())) {
          throw new Error(`the quick input closed before a row with "${rowText}" showed`);
        }
        if (Date.now() > deadline) {
          throw Object.assign(new Error(`no quick input row with "${rowText}" within ${timeout} ms`), { final: true });
        }
        await sleep(200);
      }
      await row.click({ timeout: 5000 });
      return;
    } catch (error) {
      if (error.final) {
        throw error;
      }
      lastError = error;
      await page.keyboard.press("Escape").catch(() => undefined);
      await page.locator(".monaco-workbench").click({ position: { x: 400, y: 5 } }).catch(() => undefined);
    }
  }
  throw lastError;
}

/** Run a palette command by its full title ("Flutter Tune: Restart Server"). */
export async function runCommand(page, title, timeout = 30_000) {
  await quickPick(page, "F1", `>${title}`, title, timeout);
}

/** Open a workspace file with Quick Open and wait for its editor tab. */
export async function openFile(page, relativePath, timeout = 60_000) {
  const name = relativePath.split("/").pop();
  await quickPick(page, "Control+P", relativePath, name, timeout);
  await page.locator(".tab.active", { hasText: name }).waitFor({ state: "visible", timeout });
  await page.locator(".monaco-editor .view-lines").first().waitFor({ state: "visible", timeout });
}

/** Focus the active text editor (through the palette: clicks can land on overlays). */
export async function focusEditor(page) {
  await runCommand(page, "View: Focus Active Editor Group");
  await page.locator(".editor-group-container.active .monaco-editor.focused").waitFor({ state: "visible", timeout: 10_000 });
}

/** Answer an input box (showInputBox) with `text`. */
export async function answerInputBox(page, text, timeout = 30_000) {
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout });
  await input.fill(text);
  await page.keyboard.press("Enter");
}

/** The text of the Flutter Tune status bar item. */
export async function statusBarText(page) {
  const item = page.locator('[id="flutter-tune.flutter-tune.flutterTune.status"]');
  if (!(await item.count())) {
    return "";
  }
  return (await item.innerText()).trim();
}

/** Poll `probe` until it returns a truthy value; throw `message` (with the last value) on timeout. */
export async function waitUntil(probe, message, timeout = 120_000, interval = 500) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) {
      return last;
    }
    await sleep(interval);
  }
  throw new Error(`${message} (waited ${timeout / 1000}s; last: ${JSON.stringify(last)})`);
}

/** Texts of the notification toasts on screen. */
export async function notificationTexts(page) {
  return page.locator(".notification-toast .notification-list-item-message").allInnerTexts();
}

/** The frame (a webview's inner page) that has `selector`, polled across all frames. */
export async function webviewFrame(page, selector, timeout = 60_000) {
  return waitUntil(async () => {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) {
          return frame;
        }
      } catch {
        // frame navigated or went away
      }
    }
    return undefined;
  }, `a webview showing ${selector}`, timeout);
}

/** Click a button in a dialog or notification toast by its label. */
export async function clickButton(page, scope, label, timeout = 60_000) {
  const button = page.locator(`${scope} .monaco-button`, { hasText: label }).first();
  await button.waitFor({ state: "visible", timeout });
  await button.click();
}

/** The number of the first line the active editor shows. */
async function topVisibleLine(page) {
  return page.locator(".editor-group-container.active .monaco-editor .margin-view-overlays .line-numbers")
    .evaluateAll((els) => Math.min(...els.map((e) => Number(e.textContent.trim())).filter((n) => n > 0)));
}

/**
 * Scroll the focused editor line by line from its top (Ctrl+Home, then Ctrl+Down: the view, not the cursor)
 * until `line` is the first line it shows, or as far as it goes. Line by line from the top: no line is cut.
 */
export async function scrollLineToTop(page, line) {
  await page.keyboard.press("Control+Home");
  await sleep(200);
  let top = await topVisibleLine(page);
  for (let stuck = 0, i = 0; top < line && stuck < 5 && i < 1000; i++) {
    await page.keyboard.press("Control+ArrowDown");
    await sleep(50);
    const now = await topVisibleLine(page);
    stuck = now === top ? stuck + 1 : 0;
    top = now;
  }
  return top;
}

/** Click behind the end of `line` (one the active editor shows): the cursor goes there without scrolling. */
export async function clickLineEnd(page, line) {
  const editor = page.locator(".editor-group-container.active .monaco-editor").first();
  const number = editor.locator(".margin-view-overlays .line-numbers", { hasText: new RegExp(`^\\s*${line}\\s*$`) }).first();
  const row = await number.boundingBox();
  const lines = await editor.locator(".view-lines").boundingBox();
  await page.mouse.click(lines.x + lines.width - 60, row.y + row.height / 2);
}

// The end-to-end scenarios, in order. Each runs in the same editor session and gets a screenshot named
// after it (run-e2e.mjs takes it). ctx: {page, dartFile, relativeDartFile, modelName, dataHome,
// codeServerPid, python, artifacts, log}.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { descendants } from "./codeServer.mjs";
import {
  answerInputBox, focusEditor, notificationTexts, openFile, runCommand, statusBarText, waitUntil,
} from "./workbench.mjs";

/** The scenarios, in order; each gets a screenshot named after it. */
export function scenarios(ctx) {
  const { page, dartFile, relativeDartFile, python, artifacts, log } = ctx;
  const fileText = () => readFileSync(dartFile, "utf8");
  const save = async () => {
    await page.keyboard.press("Control+S");
    await page.locator(".tab.active.dirty").waitFor({ state: "detached", timeout: 30_000 });
  };

  return [
    ["open-dart-file", async () => {
      await openFile(page, relativeDartFile);
      await waitUntil(async () => (await page.locator(".tab.active").innerText()).includes(path.basename(dartFile)),
        "the Dart file's tab is active");
      const visible = (await page.locator(".editor-group-container.active .view-lines").first().innerText())
        .replace(/\u00a0/g, " "); // Monaco renders spaces as no-break spaces
      if (!visible.includes("class ")) {
        throw new Error(`the editor does not show the Dart source: ${visible.slice(0, 200)}`);
      }
      const status = await waitUntil(async () => {
        const text = await statusBarText(page);
        return text.includes(ctx.modelName) ? text : "";
      }, "the status bar shows the base model", 180_000);
      log(`status bar: ${status}`);
    }],

    ["generate-widget", async () => {
      await focusEditor(page);
      await page.keyboard.press("Control+End");
      await page.keyboard.press("Enter");
      await save(); // a clean tab, so that "dirty" below means the server's edit arrived
      const before = fileText();
      await runCommand(page, "Flutter Tune: Generate Widget from Description");
      await answerInputBox(page, "A chip that shows a trail's difficulty with a colored dot");
      await page.locator(".tab.active.dirty").waitFor({ state: "visible", timeout: 240_000 });
      await save();
      const after = fileText();
      const inserted = after.slice(before.length);
      if (!after.startsWith(before.trimEnd()) || inserted.trim().length === 0) {
        throw new Error(`no generated code was inserted at the cursor (file grew by ${after.length - before.length} chars)`);
      }
      // And the editor shows it (Monaco renders spaces as no-break spaces).
      const firstLine = inserted.split("\n").map((l) => l.trim()).find((l) => l.length > 0).slice(0, 20);
      await waitUntil(async () => {
        const visible = await page.locator(".editor-group-container.active .view-lines").first().innerText();
        return visible.replace(/\u00a0/g, " ").replace(/\s+/g, " ").includes(firstLine.replace(/\s+/g, " "));
      }, `the editor shows the generated code ("${firstLine}")`, 10_000);
      log(`generated ${inserted.trim().length} characters at the end of ${path.basename(dartFile)}`);
      ctx.afterGenerate = after;
    }],

    ["code-action", async () => {
      const comment = "// A badge that shows how many photos a hike has.";
      await focusEditor(page);
      await page.keyboard.press("Control+End");
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type(comment);
      await save();
      const before = fileText();
      if (!before.includes(comment)) {
        throw new Error("typing the describing comment failed");
      }
      // Click on the comment's line, as a user would, and go to its end: the editor may have auto-indented
      // the typed line after the (random) generated code, so a fixed click offset can land on whitespace.
      // Then wait for the lightbulb (fall back to the Refactor menu).
      await page.locator(".editor-group-container.active .view-line", { hasText: "A badge that shows" })
        .click({ position: { x: 40, y: 5 } });
      await page.keyboard.press("End");
      const bulb = page.locator(".editor-group-container.active .lightBulbWidget").first();
      try {
        await bulb.waitFor({ state: "visible", timeout: 30_000 });
        await bulb.click();
      } catch {
        const html = await page.evaluate(() => [...document.querySelectorAll(".lightBulbWidget, [class*=lightbulb], [class*=lightBulb]")].map((e) => e.outerHTML.slice(0, 300)));
        log(`no lightbulb on screen (${JSON.stringify(html)}); opening the refactor menu`);
        await runCommand(page, "Refactor...");
      }
      const action = page.locator(".action-widget .monaco-list-row", { hasText: "Generate widget from this comment" });
      await action.waitFor({ state: "visible", timeout: 30_000 });
      await page.screenshot({ path: path.join(artifacts, "03a-code-action-menu.png") });
      // Choose it with the keyboard (a pointer-block overlay covers the menu while it opens).
      for (let i = 0; i < 10 && !(await action.evaluate((row) => row.classList.contains("focused"))); i++) {
        await page.keyboard.press("ArrowDown");
      }
      await page.keyboard.press("Enter");
      await page.locator(".tab.active.dirty").waitFor({ state: "visible", timeout: 240_000 });
      await save();
      const after = fileText();
      const tail = after.slice(after.indexOf(comment) + comment.length);
      if (after.length <= before.length || tail.trim().length === 0) {
        throw new Error("choosing the code action did not insert code under the comment");
      }
      log(`the code action inserted ${after.length - before.length} characters under the comment`);
    }],

    ["status-bar", async () => {
      const text = await waitUntil(async () => {
        const value = await statusBarText(page);
        return /· (ready|idle)$/.test(value) ? value : "";
      }, "the status bar shows the model and 'ready'", 60_000);
      if (!text.includes(ctx.modelName)) {
        throw new Error(`status bar text "${text}" does not name the base model ${ctx.modelName}`);
      }
      log(`status bar: ${text}`);
      await page.locator('[id="flutter-tune.flutter-tune.flutterTune.status"]').click();
      await page.locator(".quick-input-list .monaco-list-row", { hasText: "Base model only" })
        .waitFor({ state: "visible", timeout: 30_000 });
    }],

    ["harvest", async () => {
      await page.keyboard.press("Escape");
      await runCommand(page, "Flutter Tune: Harvest Workspace into Dataset");
      const message = await waitUntil(async () => (await notificationTexts(page)).find((t) => t.includes("Harvested")),
        "a 'Harvested N samples' notification", 180_000);
      log(`notification: ${message}`);
      const train = path.join(ctx.dataHome, "dataset", "train.jsonl");
      if (!existsSync(train) || readFileSync(train, "utf8").trim().length === 0) {
        throw new Error(`harvest wrote no training samples to ${train}`);
      }
    }],

    ["train-progress-cancel", async () => {
      // Train on the harvested dataset: a notification with percent, step, loss and Cancel; the status bar
      // says "training N%"; the editor stays usable; Cancel stops the job.
      await runCommand(page, "Flutter Tune: Train Adapter");
      const toast = page.locator(".notification-toast", { hasText: "Flutter Tune: training" });
      const progressText = await waitUntil(async () => {
        const text = (await toast.allInnerTexts()).join(" ");
        return /\d+% · step \d+\/\d+ · loss \d/.test(text) ? text : "";
      }, "a training notification with percent, step and loss", 300_000);
      log(`training notification: ${progressText.replace(/\s+/g, " ").slice(0, 160)}`);
      const status = await waitUntil(async () => {
        const value = await statusBarText(page);
        return /training \d+%/.test(value) ? value : "";
      }, "the status bar says 'training N%'", 60_000);
      log(`status bar while training: ${status}`);
      await openFile(page, "main.dart"); // the editor stays usable while the server trains
      await page.screenshot({ path: path.join(artifacts, "06a-training.png") });
      await toast.locator(".monaco-button", { hasText: "Cancel" }).click();
      const message = await waitUntil(async () => (await notificationTexts(page)).find((t) => t.includes("Training cancelled")),
        "a 'Training cancelled' message", 180_000);
      log(`after Cancel: ${message}`);
      await waitUntil(async () => !/training/.test(await statusBarText(page)), "the status bar leaves 'training'", 60_000);
    }],

    ["restart-after-crash", async () => {
      const servers = descendants(ctx.codeServerPid).filter((p) => p.cmdline.includes("-m server serve"));
      if (servers.length !== 1) {
        throw new Error(`expected one language server process, found ${JSON.stringify(servers)}`);
      }
      process.kill(servers[0].pid, "SIGKILL");
      log(`killed the language server (pid ${servers[0].pid})`);
      await waitUntil(async () => (await notificationTexts(page)).find((t) => t.includes("stopped unexpectedly and was restarted")),
        "a notification that the server was restarted", 60_000);
      const text = await waitUntil(async () => {
        const value = await statusBarText(page);
        return value.includes(ctx.modelName) ? value : "";
      }, "the status bar shows the restarted server's model", 120_000);
      const again = descendants(ctx.codeServerPid).filter((p) => p.cmdline.includes("-m server serve"));
      if (again.length !== 1 || again[0].pid === servers[0].pid) {
        throw new Error(`the language server was not restarted: ${JSON.stringify(again)}`);
      }
      log(`restarted as pid ${again[0].pid}; status bar: ${text}`);
    }],

    ["missing-interpreter", async () => {
      // Change the interpreter in the Settings editor to one without Flutter Tune: the server restarts with
      // it and the user gets one clear message with a button to the setup guide.
      const broken = process.env.FLUTTER_TUNE_E2E_PLAIN_PYTHON ?? "/usr/bin/python3"; // no flutter-tune in it
      const setPythonPath = async (value) => {
        await runCommand(page, "Preferences: Open Settings (UI)");
        await page.locator(".settings-editor").waitFor({ state: "visible", timeout: 30_000 });
        await page.keyboard.press("Control+A");
        await page.keyboard.type("flutterTune.pythonPath");
        // pythonPath is machine-scoped: in code-server (a remote window) it lives under the "Remote" tab.
        await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).click();
        const input = page.locator(".settings-editor .setting-item-contents", { hasText: "Python interpreter" })
          .locator("input").first();
        await input.waitFor({ state: "visible", timeout: 30_000 });
        await input.fill(value);
        await input.press("Tab");
      };
      await setPythonPath(broken);
      const toast = page.locator(".notification-toast", { hasText: `Flutter Tune is not installed in ${broken}` });
      await toast.waitFor({ state: "visible", timeout: 90_000 });
      await waitUntil(async () => (await statusBarText(page)).includes("stopped"), "the status bar says stopped", 30_000);
      await page.screenshot({ path: path.join(artifacts, "07a-missing-interpreter-message.png") });
      await toast.locator(".monaco-button", { hasText: "Open Setup Guide" }).click();
      await page.locator(".tab", { hasText: /Preview readme\.md/i }).waitFor({ state: "visible", timeout: 30_000 });
      // The preview renders in a webview (two nested iframes): wait for the Setup heading.
      await page.frameLocator("iframe.webview.ready").frameLocator("iframe#active-frame")
        .locator("h2", { hasText: "Setup" }).waitFor({ state: "visible", timeout: 60_000 });
      await page.screenshot({ path: path.join(artifacts, "07b-setup-guide.png") });
      await setPythonPath(python);
      const text = await waitUntil(async () => {
        const value = await statusBarText(page);
        return value.includes(ctx.modelName) ? value : "";
      }, "the server comes back when the interpreter setting is fixed", 120_000);
      log(`setup guide opened; with the interpreter fixed the status bar says: ${text}`);
    }],
  ];
}

// Start and stop code-server for the end-to-end test: its own process group, data dirs and port.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Folders code-server writes to, all under `root`, and the environment that points there. */
export function codeServerDirs(root, extraEnv = {}) {
  const dirs = {
    userData: path.join(root, "user-data"),
    extensions: path.join(root, "extensions"),
    config: path.join(root, "config.yaml"),
    xdgConfig: path.join(root, "xdg-config"),
    xdgData: path.join(root, "xdg-data"),
    xdgCache: path.join(root, "xdg-cache"),
    log: path.join(root, "code-server.log"),
  };
  for (const dir of [dirs.userData, dirs.extensions, dirs.xdgConfig, dirs.xdgData, dirs.xdgCache]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(dirs.config, "auth: none\ncert: false\n");
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    ...extraEnv,
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  return { dirs, env };
}

function baseArgs(dirs) {
  return ["--config", dirs.config, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions];
}

/** Install a .vsix into the test's extensions folder. */
export function installExtension(entry, dirs, env, vsix) {
  const result = spawnSync(process.execPath, [entry, ...baseArgs(dirs), "--install-extension", vsix, "--force"], {
    env,
    encoding: "utf8",
    timeout: 180_000,
  });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Start code-server on `port` in its own process group; resolves once /healthz answers.
 * `trust`: keep VS Code's workspace trust on (the folder opens untrusted, with the trust prompt).
 */
export async function startCodeServer(entry, dirs, env, port, { trust = false, timeoutMs = 120_000 } = {}) {
  const log = openSync(dirs.log, "a");
  const child = spawn(
    process.execPath,
    [
      entry,
      ...baseArgs(dirs),
      "--auth", "none",
      "--bind-addr", `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      ...(trust ? [] : ["--disable-workspace-trust"]),
      "--disable-getting-started-override",
    ],
    { env, detached: true, stdio: ["ignore", log, log] },
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode}; see ${dirs.log}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) {
        return child;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stopProcessGroup(child);
  throw new Error(`code-server did not answer on port ${port} within ${timeoutMs / 1000}s; see ${dirs.log}`);
}

/** Stop a detached child and everything it started (its process group): TERM, then KILL. */
export async function stopProcessGroup(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, "SIGKILL"); // leftovers of an exited leader
    return;
  }
  const exited = new Promise((resolve) => child.once("exit", resolve));
  killGroup(child, "SIGTERM");
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs));
  await Promise.race([exited, timer]);
  killGroup(child, "SIGKILL");
}

function killGroup(child, signal) {
  if (!child?.pid) {
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Processes below `rootPid` (from /proc): [{pid, cmdline}]. Used to find the language server we started. */
export function descendants(rootPid) {
  const children = new Map();
  const cmdlines = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
      cmdlines.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim());
    } catch {
      // the process ended while we looked
    }
  }
  const found = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length) {
    const pid = queue.shift();
    found.push({ pid, cmdline: cmdlines.get(pid) ?? "" });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * Start, stop and restart of the language server, one at a time (no VS Code imports: unit-tested).
 *
 * vscode-languageclient cannot stop a client that is still starting ("Client is not running and can't
 * be stopped"), so a restart that overlapped a start used to leave the first server process running
 * beside the new one. Every lifecycle operation goes through one queue here, and restarts asked for
 * while others wait collapse into one: five restarts in quick succession end with one server.
 */

/** Runs async tasks strictly one after another, in the order they were queued. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** What the queue drives: the real ServerManager, or a fake in tests. */
export interface Lifecycle {
  /** Start if not running; false if the server could not be started. */
  startNow(): Promise<boolean>;
  /** Stop if running (waits until the process has gone). */
  stopNow(): Promise<void>;
}

/**
 * Serializes start/stop/restart. A restart that is still queued when a newer restart is asked for is
 * skipped (the newer one does the work and both callers get its answer).
 */
export class LifecycleQueue {
  private readonly queue = new SerialQueue();
  private pendingRestart: Promise<boolean> | undefined;

  constructor(private readonly target: Lifecycle) {}

  start(): Promise<boolean> {
    return this.queue.run(() => this.target.startNow());
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.target.stopNow());
  }

  restart(): Promise<boolean> {
    // A restart not yet begun covers this request too: it will read the settings when it runs.
    if (this.pendingRestart) {
      return this.pendingRestart;
    }
    const restart = this.queue.run(async () => {
      this.pendingRestart = undefined; // from here on, a new request needs a new restart
      await this.target.stopNow();
      return this.target.startNow();
    });
    this.pendingRestart = restart;
    return restart;
  }
}

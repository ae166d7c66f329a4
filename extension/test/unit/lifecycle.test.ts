import { describe, expect, it } from "vitest";
import { type Lifecycle, LifecycleQueue, SerialQueue } from "../../src/lifecycle";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fake server lifecycle with real concurrency hazards: starting takes time, and a stop that runs while
 * a start is still in flight cannot reach the process that start is about to create (as with
 * vscode-languageclient), which is how orphans happened.
 */
class FakeServers implements Lifecycle {
  alive = new Set<number>();
  private current: number | undefined;
  private next = 1;
  starts = 0;
  running = 0;
  maxConcurrent = 0;

  async startNow(): Promise<boolean> {
    this.enter();
    this.starts += 1;
    const pid = this.next++;
    await tick(5); // interpreter check
    this.alive.add(pid); // the process exists from here on
    await tick(10); // initialize
    this.current = pid;
    this.leave();
    return true;
  }

  async stopNow(): Promise<void> {
    this.enter();
    const pid = this.current;
    this.current = undefined;
    await tick(3);
    if (pid !== undefined) {
      this.alive.delete(pid);
    }
    this.leave();
  }

  private enter() {
    this.running += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
  }

  private leave() {
    this.running -= 1;
  }
}

describe("SerialQueue", () => {
  it("runs tasks one after another in order, also after a failure", async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    const a = queue.run(async () => {
      await tick(10);
      order.push("a");
    });
    const b = queue.run(async () => {
      order.push("b");
      throw new Error("b failed");
    });
    const c = queue.run(async () => {
      order.push("c");
      return 3;
    });
    await a;
    await expect(b).rejects.toThrow("b failed");
    expect(await c).toBe(3);
    expect(order).toEqual(["a", "b", "c"]);
  });
});

describe("LifecycleQueue", () => {
  it("five restarts in quick succession leave exactly one server", async () => {
    const servers = new FakeServers();
    const queue = new LifecycleQueue(servers);
    const first = queue.start();
    const restarts = [];
    for (let i = 0; i < 5; i++) {
      restarts.push(queue.restart());
      await tick(2); // faster than a start
    }
    expect(await Promise.all([first, ...restarts])).toEqual([true, true, true, true, true, true]);
    expect(servers.alive.size).toBe(1);
    expect(servers.maxConcurrent).toBe(1); // never a stop beside a start
  });

  it("collapses restarts that wait behind another into one", async () => {
    const servers = new FakeServers();
    const queue = new LifecycleQueue(servers);
    await queue.start();
    const running = queue.restart(); // begins at once
    await tick(1);
    const waiting = [queue.restart(), queue.restart(), queue.restart()]; // all wait behind it
    expect(waiting[0]).toBe(waiting[1]);
    await Promise.all([running, ...waiting]);
    expect(servers.starts).toBe(3); // the first start, the running restart, one for the three waiting
    expect(servers.alive.size).toBe(1);
  });

  it("a restart asked for after the previous began is not lost", async () => {
    const servers = new FakeServers();
    const queue = new LifecycleQueue(servers);
    const a = queue.restart();
    await tick(1); // a has begun (it reads the settings when it starts the server)
    const b = queue.restart();
    expect(b).not.toBe(a);
    await Promise.all([a, b]);
    expect(servers.starts).toBe(2);
    expect(servers.alive.size).toBe(1);
  });

  it("stop waits for a start in flight, then leaves nothing running", async () => {
    const servers = new FakeServers();
    const queue = new LifecycleQueue(servers);
    void queue.start();
    await queue.stop();
    expect(servers.alive.size).toBe(0);
  });
});

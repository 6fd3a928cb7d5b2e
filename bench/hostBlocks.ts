/**
 * How long the current thread is blocked at a stretch: a timer ticking every TICK_MS notes the gaps between ticks.
 * A gap's wall time counts everything that kept the timer from running (our code, other code on the thread, GC, and
 * the OS not scheduling the process); its thread CPU time (process.threadCpuUsage, node >= 23.9) counts only what ran
 * on this thread, so on a loaded machine the CPU figure is the one that says what the code costs.
 * Used by the benchmarks (bench/activation.ts, bench/hostThread.ts) and the real-VS-Code suite.
 */
const TICK_MS = 2;

type ThreadCpu = () => { user: number; system: number };

export interface BlockReport {
  /** Longest gap between ticks beyond the tick interval (ms of wall time). */
  longestWallMs: number;
  /** Most thread CPU time spent within one gap (ms); undefined when node cannot tell (before 23.9). */
  longestCpuMs: number | undefined;
  /** Gaps over the threshold given to stop(): by thread CPU time, or by wall time when node cannot tell CPU time. */
  overThreshold: number;
  ticks: number;
}

export class BlockMonitor {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastWall = 0;
  private lastCpu = 0;
  private longestWall = 0;
  private longestCpu = 0;
  private gaps: number[] = [];
  private ticks = 0;
  private readonly threadCpu: ThreadCpu | undefined = (process as unknown as { threadCpuUsage?: ThreadCpu }).threadCpuUsage?.bind(process);

  private cpuMs(): number {
    if (!this.threadCpu) return 0;
    const u = this.threadCpu();
    return (u.user + u.system) / 1000;
  }

  start(): this {
    this.lastWall = performance.now();
    this.lastCpu = this.cpuMs();
    this.timer = setInterval(() => {
      const wall = performance.now();
      const cpu = this.cpuMs();
      this.longestWall = Math.max(this.longestWall, wall - this.lastWall - TICK_MS);
      const gapCpu = cpu - this.lastCpu;
      this.longestCpu = Math.max(this.longestCpu, gapCpu);
      const gap = this.threadCpu ? gapCpu : wall - this.lastWall - TICK_MS;
      if (gap > 5) this.gaps.push(gap);
      this.lastWall = wall;
      this.lastCpu = this.cpuMs();
      this.ticks++;
    }, TICK_MS);
    return this;
  }

  stop(thresholdMs = 50): BlockReport {
    clearInterval(this.timer);
    return {
      longestWallMs: Math.max(0, this.longestWall),
      longestCpuMs: this.threadCpu ? this.longestCpu : undefined,
      overThreshold: this.gaps.filter((g) => g > thresholdMs).length,
      ticks: this.ticks,
    };
  }
}

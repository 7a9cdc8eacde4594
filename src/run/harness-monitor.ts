/** The harness's own CPU (% of one core, every thread of the process) and resident memory, sampled once a second. */
export class HarnessMonitor {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  /** CPU since the previous sample, and RSS now. */
  sample(): { cpuPercent: number; rssBytes: number } {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallUs = Math.max(1, (at - this.lastAt) * 1000);
    this.lastCpu = cpu;
    this.lastAt = at;
    return { cpuPercent: (usedUs / wallUs) * 100, rssBytes: process.memoryUsage.rss() };
  }
}

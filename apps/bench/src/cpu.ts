import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux everywhere that matters). */
const HZ = 100;

/** CPU seconds (user + system) a process used so far; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / HZ;
  } catch {
    return 0;
  }
}

/**
 * The backends serving one database: Postgres names each `postgres: <cluster>: <user> <db> <client> <state>`
 * in its command line, so other clients of the same server (other databases) are left out.
 */
function backendsOf(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('postgres:') && cmdline.split(/\s+/).includes(database)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds the whole machine was busy so far (every process, every core). */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: everything but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / HZ;
}

/** Pids per role; `{ postgres: database }` sums that database's backends, found at each reading. */
export type CpuRoles = Record<string, number[] | { postgres: string }>;

/**
 * Where CPU time goes during one measured interval, by role (worker, scheduler, bench + fakes,
 * postgres, redis), and `other`: whatever else kept the machine busy meanwhile (other users of a
 * shared machine), which says how far to trust the interval's figures.
 */
export class CpuMeter {
  private readonly start: Map<string, Map<number, number>>;
  private readonly machineStart = machineBusySeconds();

  constructor(private readonly roles: CpuRoles) {
    this.start = this.read();
  }

  /** CPU seconds per pid per role; per pid, so that a backend that exits meanwhile does not count negative. */
  private read(): Map<string, Map<number, number>> {
    const readings = new Map<string, Map<number, number>>();
    for (const [role, pids] of Object.entries(this.roles)) {
      const list = Array.isArray(pids) ? pids : backendsOf(pids.postgres);
      readings.set(role, new Map(list.map((pid) => [pid, cpuSeconds(pid)])));
    }
    return readings;
  }

  /** CPU seconds per role since the meter was made. */
  stop(): Record<string, number> {
    const used: Record<string, number> = {};
    for (const [role, now] of this.read()) {
      const before = this.start.get(role);
      let sum = 0;
      for (const [pid, seconds] of now) sum += seconds - (before?.get(pid) ?? 0);
      used[role] = round(sum, 2);
    }
    const ours = Object.values(used).reduce((a, b) => a + b, 0);
    used.other = round(Math.max(0, machineBusySeconds() - this.machineStart - ours), 2);
    return used;
  }
}

export const round = (n: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

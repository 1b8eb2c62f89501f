import { readdirSync, readFileSync } from 'node:fs';

/** CPU time used so far, in ms. */
export interface CpuSample {
  /** By this process: the benchmark, with Gallop's server and workers or a peer's, all in it. */
  readonly node: number;
  /** By every PostgreSQL process on this machine; undefined where none can be seen (another host, no /proc). */
  readonly postgres: number | undefined;
}

// Linux counts /proc/<pid>/stat times in clock ticks of 1/100 s (USER_HZ) on every common architecture.
const MS_PER_TICK = 10;

export function cpuNow(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1000, postgres: postgresCpu() };
}

/** What was used since `start`. */
export function cpuSince(start: CpuSample): CpuSample {
  const now = cpuNow();
  const postgres = now.postgres === undefined || start.postgres === undefined ? undefined : now.postgres - start.postgres;
  return { node: now.node - start.node, postgres };
}

/** Backends of PostgreSQL that exit between two samples take their time with them: a short undercount, not more. */
function postgresCpu(): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = false;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    if (!stat.includes(' (postgres) ')) continue;
    // After the command name in parentheses: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? ticks * MS_PER_TICK : undefined;
}

// CPU time of the local stack's processes, read from /proc (Linux), for "CPU ms per message" figures.
// Wall-clock throughput on a shared 2-core machine says little about cost; CPU time summed over every
// process that does the work (workerd, Postgres) is what a bill or a capacity plan follows.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second, the unit of /proc/<pid>/stat times. */
const TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime of the process itself (all its threads, live and exited). */
  selfMs: number;
  /** cutime + cstime: children it has already reaped, which no longer have a /proc entry. */
  reapedMs: number;
}

function parseStat(text: string, pid: number): ProcStat | undefined {
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < 0) return undefined;
  const f = text.slice(close + 2).split(" ");
  // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const ms = (i: number) => (Number(f[i - 3]) * 1000) / TICKS;
  return { pid, ppid: Number(f[1]), comm: text.slice(open + 1, close), selfMs: ms(14) + ms(15), reapedMs: ms(16) + ms(17) };
}

export function readStat(path: string, pid = 0): ProcStat | undefined {
  try {
    return parseStat(readFileSync(path, "utf8"), pid);
  } catch {
    return undefined; // gone between listing and reading
  }
}

function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(`/proc/${name}/stat`, Number(name));
    if (s) out.push(s);
  }
  return out;
}

/**
 * CPU ms of a process and all its descendants, grouped by command name. A descendant that has exited
 * is counted through its parent's reaped-children time, so every process's time appears exactly once.
 */
export function treeCpu(rootPid: number): Record<string, number> {
  const procs = allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const byName: Record<string, number> = {};
  const root = procs.find((p) => p.pid === rootPid);
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const p = stack.pop()!;
    byName[p.comm] = (byName[p.comm] ?? 0) + p.selfMs + p.reapedMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return byName;
}

/** CPU ms of this whole process (every thread, including worker threads that have exited). */
export function selfCpu(): number {
  return readStat("/proc/self/stat")?.selfMs ?? 0;
}

export const cpuAvailable = (() => {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
})();

// Runs a measurement against our pods, then against the peer processes (or other fleets: `kinds`), with the same
// world and load.
import { cpuMs, sleep } from './cluster.mjs';

export async function forBoth(bench, processes, measure, kinds = ['ours', 'peer']) {
  const results = {};
  for (const kind of kinds) {
    const procs = await bench.fleet(kind).ensure(processes);
    await sleep(500);
    results[kind] = await measure(kind, procs);
  }
  return results;
}

/** CPU milliseconds used by the processes so far (utime + stime). */
export const fleetCpuMs = (procs) => procs.reduce((sum, proc) => sum + cpuMs(proc.pid), 0);

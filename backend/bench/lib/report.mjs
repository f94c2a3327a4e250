// Result rows and the final markdown table: scenario | metric | ours | baseline | ratio | target | verdict.

const fmt = (value, unit) => {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (typeof value === 'string') return value;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${text} ${unit}` : text;
};

const ratioOf = (ours, base) => (typeof ours === 'number' && typeof base === 'number' && base > 0 ? ours / base : NaN);
const fmtRatio = (ratio) => (Number.isNaN(ratio) ? '–' : `${ratio.toFixed(2)}×`);
const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');
const known = (...values) => values.every((value) => typeof value === 'number' && !Number.isNaN(value));

export class Report {
  constructor() {
    this.rows = [];
  }

  add(row) {
    this.rows.push(row);
    console.log(`  => ${row.metric}: ours ${row.ours}, baseline ${row.baseline}, ratio ${row.ratio}, target ${row.target}: ${row.verdict}`);
  }

  /** ours/baseline must be at most max (or, with min, at least min). */
  ratio(scenario, metric, ours, base, unit, { max, min }) {
    const ratio = ratioOf(ours, base);
    const ok = Number.isNaN(ratio) ? null : max !== undefined ? ratio <= max : ratio >= min;
    const target = max !== undefined ? `≤ ${max}×` : `≥ ${min}×`;
    this.add({ scenario, metric, ours: fmt(ours, unit), baseline: fmt(base, unit), ratio: fmtRatio(ratio), target, verdict: verdict(ok) });
  }

  /** ours must be at most baseline + slack; `baseline` names it in the target. */
  slack(scenario, metric, ours, base, unit, slack, baseline = 'peer') {
    const ok = known(ours, base) ? ours <= base + slack : null;
    const target = slack ? `≤ ${baseline} + ${slack} ${unit}` : `≤ ${baseline}`;
    this.measured(scenario, metric, ours, base, unit, target, ok);
  }

  /** A row of figures with a target: ours, the baseline, their ratio and the verdict. */
  measured(scenario, metric, ours, base, unit, target, ok) {
    this.add({
      scenario,
      metric,
      ours: fmt(ours, unit),
      baseline: fmt(base, unit),
      ratio: fmtRatio(ratioOf(ours, base)),
      target,
      verdict: verdict(ok),
    });
  }

  /** An absolute target: ours ≤ max or ≥ min; the baseline is shown for comparison. */
  absolute(scenario, metric, ours, base, unit, { max, min }) {
    // A string (e.g. "> 60 s") means the value was not reached within the scenario's limit.
    const ok = known(ours) ? (max !== undefined ? ours <= max : ours >= min) : typeof ours === 'string' ? false : null;
    const target = max !== undefined ? `≤ ${fmt(max, unit)}` : `≥ ${fmt(min, unit)}`;
    this.measured(scenario, metric, ours, base, unit, target, ok);
  }

  /** A correctness check (e.g. nothing lost): FAIL, not MISS, and it makes the run exit non-zero. */
  check(scenario, metric, ours, base, ok, target = '0 lost') {
    this.add({ scenario, metric, ours: String(ours), baseline: String(base), ratio: '–', target, verdict: ok ? 'PASS' : 'FAIL' });
  }

  note(scenario, metric, ours, base, target = '–') {
    this.add({ scenario, metric, ours: fmt(ours), baseline: fmt(base), ratio: '–', target, verdict: 'n/a' });
  }

  get failed() {
    return this.rows.some((row) => row.verdict === 'FAIL');
  }

  table() {
    const head = ['scenario', 'metric', 'ours', 'baseline', 'ratio', 'target', 'verdict'];
    const keys = ['scenario', 'metric', 'ours', 'baseline', 'ratio', 'target', 'verdict'];
    const rows = this.rows.map((row) => keys.map((key) => String(row[key])));
    const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
    const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
    return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  }
}

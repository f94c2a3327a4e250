// 8. kafka: Kafka mode against direct mode. A broker of the bench's own (the test harness's set-up) and a second fleet
// of 2 of our pods with KAFKA_BROKERS on the same database; the direct-mode pods are the baseline. The throughput
// scenario's loads (closed loop, ack after commit, acked = stored) with the two fleets in alternating rounds, and the
// ack-latency scenario's one-sender probe on both fleets, interleaved send by send. The consumer lag the Kafka pods
// export (chat_kafka_consumer_lag: ingest records not yet stored, refreshed every 5 s) is sampled throughout.
// Targets: Kafka many-rooms throughput ≥ 1.5× direct, Kafka ack p50 ≤ direct + 10 ms.
import { metricValue, sleep } from '../lib/cluster.mjs';
import { percentile } from '../lib/load.mjs';
import { AckProbe } from './ack-latency.mjs';
import { availableParallelism } from 'node:os';
import { allowedPerSecond, cpuText, measureThroughput, storedCheck } from './throughput.mjs';

export const name = 'kafka';

const LAG = 'chat_kafka_consumer_lag';

/** Polls the summed consumer lag of a fleet's pods every 500 ms: the highest sum seen and the latest. */
class LagSampler {
  constructor(fleet) {
    this.fleet = fleet;
    this.max = null;
    this.last = null;
    this.errors = 0;
    this.timer = setInterval(() => void this.sample(), 500);
  }

  async sample() {
    try {
      const values = await Promise.all(this.fleet.procs.filter((proc) => !proc.exited).map((proc) => metricValue(proc.url, LAG)));
      // A pod has no series until its writer measured its partitions once.
      if (values.every((value) => value === null)) return;
      this.last = values.reduce((sum, value) => sum + (value ?? 0), 0);
      this.max = Math.max(this.max ?? 0, this.last);
    } catch (error) {
      this.errors += 1;
      if (this.errors <= 3) console.error(`  kafka: reading ${LAG} failed: ${error.message}`);
    }
  }

  stop() {
    clearInterval(this.timer);
  }
}

/** Both probes, one send each in turn, so that outside load hits both modes alike. */
async function ackLatencies(direct, kafka, samples) {
  await direct.warmUp();
  await kafka.warmUp();
  for (let i = 0; i < samples; i += 1) {
    await direct.sendOne();
    await kafka.sendOne();
    if (i % 100 === 99) console.log(`  kafka ack-latency: ${i + 1}/${samples} sends per mode`);
  }
}

export async function run({ bench, report, smoke }) {
  const fleet = await bench.kafkaFleet();
  const [directPods, kafkaPods] = [await bench.ours.ensure(2), await fleet.ensure(2)];
  const lag = new LagSampler(fleet);
  const direct = await AckProbe.start(bench, directPods, 'kafka ack-latency direct');
  const kafka = await AckProbe.start(bench, kafkaPods, 'kafka ack-latency kafka');
  let throughput;
  try {
    await ackLatencies(direct, kafka, smoke ? 100 : 500);
    throughput = await measureThroughput(bench, ['ours', 'kafka'], smoke);
    // The gauge is refreshed every 5 s: a reading after that shows what the writers left behind.
    await sleep(6000);
    await lag.sample();
  } finally {
    lag.stop();
    direct.close();
    kafka.close();
  }
  const { pairs, many, one } = throughput;
  const [directAcks, kafkaAcks] = [direct.acks(), kafka.acks()];
  // Columns: ours = Kafka mode, baseline = direct mode.
  report.ratio(name, `Kafka vs direct: acked msgs/s, ${pairs} rooms, 2 pods`, many.kafka.perSecond, many.ours.perSecond, '/s', {
    min: 1.5,
  });
  // Where each mode's CPU goes: on a saturated machine, throughput is its cores divided by the CPU per message.
  report.note(name, `CPU per acked message, ${pairs} rooms (all processes)`, cpuText(many.kafka.cpu), cpuText(many.ours.cpu));
  report.ratio(
    name,
    `Kafka vs direct: msgs/s ${availableParallelism()} cores allow at that CPU per message, ${pairs} rooms`,
    allowedPerSecond(many.kafka.cpu),
    allowedPerSecond(many.ours.cpu),
    '/s',
    { min: 1.5 },
  );
  report.measured(name, 'Kafka vs direct: acked msgs/s, 1 room, 2 pods', one.kafka.perSecond, one.ours.perSecond, '/s', '–', null);
  report.slack(name, 'Kafka vs direct: send→ack p50', percentile(kafkaAcks, 50), percentile(directAcks, 50), 'ms', 10, 'direct');
  report.measured(name, 'Kafka vs direct: send→ack p99', percentile(kafkaAcks, 99), percentile(directAcks, 99), 'ms', '–', null);
  report.note(name, 'Kafka consumer lag, max sum seen (records)', lag.max, '– (no consumer)');
  report.note(name, 'Kafka consumer lag 6 s after the loads (records)', lag.last, '– (no consumer)');
  const [kafkaStored, directStored] = [storedCheck([many.kafka, one.kafka]), storedCheck([many.ours, one.ours])];
  report.check(
    name,
    'every acked message stored',
    kafkaStored.text,
    directStored.text,
    kafkaStored.ok && directStored.ok,
    'acked = stored',
  );
  report.check(
    name,
    'ack probe: acked and delivered to both sockets',
    `${kafka.tracker.acked}/${kafka.tracker.sent}`,
    `${direct.tracker.acked}/${direct.tracker.sent}`,
    kafka.complete && direct.complete,
    'all',
  );
}

// Fetches the Kafka broker the test suites start (libs/test-harness/src/kafka.ts): the runtime class
// path of libs/test-harness/kafka/pom.xml, resolved from Maven Central by `mvn dependency:copy-dependencies`
// (downloads cached in ~/.m2) and copied to ~/.cache/chat-ci/kafka-<version>-<hash of the pom>/libs.
// Idempotent: when that directory exists it does nothing. Prints the libs directory on stdout (its only
// output there); progress goes to stderr. Needs Java 17+ and Maven (`mvn`) on the PATH.
//
//   node libs/test-harness/scripts/fetch-kafka.mjs
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const kafkaDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'kafka');
const pomPath = join(kafkaDir, 'pom.xml');

/** Where the jars of the pinned version go, and that version. */
export function kafkaLibs() {
  const pom = readFileSync(pomPath);
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom.toString('utf8'))?.[1];
  if (!version) throw new Error(`no <kafka.version> in ${pomPath}`);
  const hash = createHash('sha256').update(pom).digest('hex').slice(0, 8);
  const cacheRoot = process.env.CHAT_CI_CACHE || join(homedir(), '.cache', 'chat-ci');
  const home = join(cacheRoot, `kafka-${version}-${hash}`);
  return { version, home, libs: join(home, 'libs'), cacheRoot };
}

export function fetchKafka() {
  const { version, home, libs, cacheRoot } = kafkaLibs();
  if (existsSync(join(libs, `kafka_2.13-${version}.jar`))) return libs;

  const started = Date.now();
  process.stderr.write(`fetch-kafka: resolving Kafka ${version} from Maven Central into ${libs}\n`);
  mkdirSync(cacheRoot, { recursive: true });
  // A private work dir on the same file system: the copy appears under its final name at once
  // (rename), so a concurrent or interrupted fetch never leaves a half-filled libs directory behind.
  const work = mkdtempSync(join(cacheRoot, `.kafka-${version}-`));
  try {
    copyFileSync(pomPath, join(work, 'pom.xml'));
    const mvn = spawnSync(
      'mvn',
      [
        '-B',
        '-q',
        '-Dstyle.color=never',
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${join(work, 'libs')}`,
      ],
      { cwd: work, stdio: ['ignore', process.stderr, process.stderr] },
    );
    if (mvn.error) throw new Error(`cannot run mvn (Maven 3 and Java 17+ are needed): ${mvn.error.message}`);
    if (mvn.status !== 0) throw new Error(`mvn dependency:copy-dependencies exited with ${mvn.status ?? mvn.signal}`);
    if (!existsSync(join(work, 'libs', `kafka_2.13-${version}.jar`))) throw new Error(`mvn did not copy kafka_2.13-${version}.jar`);
    mkdirSync(home, { recursive: true });
    try {
      renameSync(join(work, 'libs'), libs);
    } catch (err) {
      // Another fetch finished first: its copy is as good as ours.
      if (!existsSync(join(libs, `kafka_2.13-${version}.jar`))) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stderr.write(`fetch-kafka: Kafka ${version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return libs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${fetchKafka()}\n`);
  } catch (err) {
    process.stderr.write(`fetch-kafka: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

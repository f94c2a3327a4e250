import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse, parseAllDocuments } from 'yaml';
import { EnvironmentVariables, validateEnvironment } from '../../src/config/environment';
import { BACKEND_MAIN, REPO_ROOT } from '@chat/test-harness';

// docker/ cannot run here (no Docker engine), so these checks keep it correct by construction.

const DOCKER = join(REPO_ROOT, 'docker');
const read = (path: string) => readFileSync(join(DOCKER, path), 'utf8');
type Labels = Record<string, string>;
type Doc = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Labels; annotations?: Labels };
  spec?: Record<string, unknown>;
  data?: Labels;
  stringData?: Labels;
};

/** Every variable the backend's configuration accepts (from its validation rules). */
const KNOWN_VARIABLES = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((rule) => rule.propertyName),
);
const POD_COMMAND = ['node', 'dist/backend/main.js'];

/** Files in docker/k8s that `kubectl apply -k` leaves out: the kustomization itself and optional extras. */
const NOT_IN_KUSTOMIZATION = ['kustomization.yaml', 'servicemonitor.yaml'];

function kustomizationResources(): string[] {
  return (parse(read('k8s/kustomization.yaml')) as { resources: string[] }).resources;
}

function parseManifests(file: string): Doc[] {
  return parseAllDocuments(read(`k8s/${file}`)).map((document) => {
    if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
    return document.toJS() as Doc;
  });
}

function manifests(): Doc[] {
  return kustomizationResources().flatMap(parseManifests);
}

function only(docs: Doc[], kind: string): Doc {
  const found = docs.filter((doc) => doc.kind === kind);
  expect(found.map((doc) => doc.kind)).toEqual([kind]);
  return found[0];
}

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: { command: string[] } } };
  resources?: { requests?: Labels; limits?: Labels };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
}
interface PodTemplate {
  metadata: { labels: Labels; annotations?: Labels };
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  };
}
interface ServicePort {
  name?: string;
  port: number;
  targetPort?: string | number;
}

function podTemplate(docs: Doc[]): PodTemplate {
  return (only(docs, 'Deployment').spec as { template: PodTemplate }).template;
}

function servicePorts(service: Doc): ServicePort[] {
  return (service.spec as { ports: ServicePort[] }).ports;
}

/** The preStop pause: the native sleep action, or `exec: sleep N` on clusters older than 1.30. */
function preStopSeconds(container: Container): number {
  const preStop = container.lifecycle?.preStop;
  const [command, seconds] = preStop?.exec?.command ?? [];
  return preStop?.sleep?.seconds ?? (command === 'sleep' ? Number(seconds) : NaN);
}

/** Problems of each document against its Kubernetes schema (see support/k8s-schema-check.mjs). */
function schemaProblems(docs: Doc[]): string[] {
  const output = execFileSync(process.execPath, [join(__dirname, '../support/k8s-schema-check.mjs')], {
    cwd: REPO_ROOT,
    input: JSON.stringify(docs),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[];
}

describe('docker/ and Kubernetes configuration', () => {
  it('the test pods, the image and the Deployment start the backend with the same command', () => {
    expect(relative(REPO_ROOT, BACKEND_MAIN)).toBe(POD_COMMAND[1]);
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(POD_COMMAND);
    const deployment = manifests().find((doc) => doc.kind === 'Deployment');
    const container = (deployment?.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers[0];
    expect(container.command).toEqual(POD_COMMAND);
  });

  it('the image runs as a non-root user', () => {
    expect(read('Dockerfile')).toMatch(/^USER node$/m);
  });

  it('compose passes only variables the backend accepts, and a valid scaled configuration', () => {
    const compose = parse(read('compose.yaml')) as {
      services: Record<string, { environment?: Record<string, string>; deploy?: { replicas: number }; profiles?: string[] }>;
    };
    const backend = compose.services['backend'];
    expect(backend.deploy?.replicas).toBe(3);
    const env = backend.environment ?? {};
    expect(Object.keys(env).filter((key) => !KNOWN_VARIABLES.has(key))).toEqual([]);
    // ${VAR:-default} as compose would expand it with nothing set.
    const expanded = Object.fromEntries(
      Object.entries(env).map(([key, value]) => [key, String(value).replace(/\$\{\w+:-([^}]*)\}/g, '$1')]),
    );
    expect(() => validateEnvironment(expanded)).not.toThrow();
    expect(Object.keys(compose.services).sort()).toEqual(['backend', 'kafka', 'nginx', 'postgres', 'redis']);
    // Kafka is optional: only with its profile (and KAFKA_BROKERS) does the stack use it.
    expect(compose.services['kafka']?.profiles).toEqual(['kafka']);
    expect(() => validateEnvironment({ ...expanded, KAFKA_BROKERS: 'kafka:9092' })).not.toThrow();
  });

  it('Kubernetes manifests parse and configure only variables the backend accepts', () => {
    const docs = manifests();
    expect(docs.map((doc) => doc.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Ingress', 'PodDisruptionBudget', 'Secret', 'Service'].sort(),
    );
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap')?.data ?? {};
    const secret = (docs.find((doc) => doc.kind === 'Secret') as { stringData: Record<string, string> }).stringData;
    const keys = [...Object.keys(configMap), ...Object.keys(secret), 'POD_ID'];
    expect(keys.filter((key) => !KNOWN_VARIABLES.has(key))).toEqual([]);
    expect(() => validateEnvironment({ ...configMap, ...secret, JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
  });

  it('every manifest in the kustomization matches the Kubernetes schema of its kind, with no unknown field', () => {
    const files = readdirSync(join(DOCKER, 'k8s')).filter((file) => !NOT_IN_KUSTOMIZATION.includes(file));
    expect(kustomizationResources().sort()).toEqual(files.sort());
    expect(schemaProblems(manifests())).toEqual([]);
  });

  it('the schema check catches an unknown field, a wrong type and an unknown kind', () => {
    const deployment = only(manifests(), 'Deployment');
    const misspelt = structuredClone(deployment);
    (misspelt.spec as Record<string, unknown>)['replica'] = 3;
    const badPort = structuredClone(deployment);
    const probe = (badPort.spec as { template: PodTemplate }).template.spec.containers[0].readinessProbe;
    if (probe?.httpGet) probe.httpGet.port = 3000.5;
    const widget = { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'chat' } };
    expect(schemaProblems([misspelt, badPort, widget])).toEqual([
      'Deployment/chat: unknown field /spec/replica',
      expect.stringMatching(/^Deployment\/chat: .*\/containers\/0\/readinessProbe\/httpGet\/port must be integer/),
      'Widget/chat: no Kubernetes schema for v1 Widget',
    ]);
  });

  it('the HorizontalPodAutoscaler owns the scale, and disruptions take one pod at a time', () => {
    const docs = manifests();
    const hpa = only(docs, 'HorizontalPodAutoscaler').spec as {
      scaleTargetRef: { apiVersion: string; kind: string; name: string };
      minReplicas: number;
    };
    const { apiVersion, kind, name } = hpa.scaleTargetRef;
    const target = docs.find((doc) => doc.apiVersion === apiVersion && doc.kind === kind && doc.metadata?.name === name);
    // A replicas field would reset the autoscaler's choice on every kubectl apply.
    expect(target?.spec).toBeDefined();
    expect(target?.spec).not.toHaveProperty('replicas');
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);

    const pdb = only(docs, 'PodDisruptionBudget').spec as {
      maxUnavailable?: number;
      minAvailable?: number;
      selector: { matchLabels: Labels };
    };
    expect(podTemplate(docs).metadata.labels).toMatchObject(pdb.selector.matchLabels);
    // Absolute numbers only: a percentage would need the scale to judge.
    if (pdb.minAvailable !== undefined) expect(pdb.minAvailable).toBeLessThan(hpa.minReplicas);
    else expect(pdb.maxUnavailable).toBe(1);
  });

  it('the Service, the Ingress, the probes and the environment refer to what exists', () => {
    const docs = manifests();
    const pod = podTemplate(docs);
    const [container] = pod.spec.containers;
    const containerPorts = (container.ports ?? []).map((port) => port.name);
    const service = only(docs, 'Service');
    expect(pod.metadata.labels).toMatchObject((service.spec as { selector: Labels }).selector);
    for (const port of servicePorts(service)) expect(containerPorts).toContain(port.targetPort);

    const backends = docs
      .filter((doc) => doc.kind === 'Ingress')
      .flatMap((doc) => (doc.spec as { rules: { http: { paths: { backend: unknown }[] } }[] }).rules)
      .flatMap((rule) => rule.http.paths.map((path) => path.backend as { service: { name: string; port: { name: string } } }));
    expect(backends.length).toBeGreaterThan(0);
    for (const backend of backends) {
      expect(backend.service.name).toBe(service.metadata?.name);
      expect(servicePorts(service).map((port) => port.name)).toContain(backend.service.port.name);
    }

    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(containerPorts).toContain('http');

    expect(container.envFrom).toEqual([
      { configMapRef: { name: only(docs, 'ConfigMap').metadata?.name } },
      { secretRef: { name: only(docs, 'Secret').metadata?.name } },
    ]);
  });

  it('the pod runs unprivileged, with requests and limits', () => {
    const pod = podTemplate(manifests());
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const container of pod.spec.containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('the Ingress uses no snippet and no affinity, and keeps /metrics private', () => {
    const ingresses = manifests().filter((doc) => doc.kind === 'Ingress');
    const annotations = ingresses.flatMap((doc) => Object.keys(doc.metadata?.annotations ?? {}));
    // Default ingress-nginx installs refuse snippets; affinity only serves the long-polling fallback.
    expect(annotations.filter((key) => /snippet|affinity|session-cookie/.test(key))).toEqual([]);
    const metrics = ingresses.filter((doc) =>
      (doc.spec as { rules: { http: { paths: { path: string; pathType: string }[] } }[] }).rules.some((rule) =>
        rule.http.paths.some((path) => path.path === '/metrics' && path.pathType === 'Exact'),
      ),
    );
    expect(metrics.map((doc) => doc.metadata?.annotations?.['nginx.ingress.kubernetes.io/denylist-source-range'])).toEqual([
      '0.0.0.0/0,::/0',
    ]);
  });

  it('with METRICS_TOKEN set, Prometheus scrapes through the optional ServiceMonitor, which sends the token', () => {
    const docs = manifests();
    const secret = only(docs, 'Secret');
    expect(secret.stringData).toHaveProperty('METRICS_TOKEN');
    // Annotation-based scraping cannot send a bearer token: it would only collect 401s.
    expect(podTemplate(docs).metadata.annotations ?? {}).not.toHaveProperty(['prometheus.io/scrape']);

    expect(kustomizationResources()).not.toContain('servicemonitor.yaml');
    const monitor = only(parseManifests('servicemonitor.yaml'), 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    const service = only(docs, 'Service');
    const spec = monitor.spec as {
      selector: { matchLabels: Labels };
      endpoints: { port: string; path: string; authorization?: { type: string; credentials: { name: string; key: string } } }[];
    };
    expect(service.metadata?.labels).toMatchObject(spec.selector.matchLabels);
    expect(spec.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of spec.endpoints) {
      expect(servicePorts(service).map((port) => port.name)).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
      expect(endpoint.authorization).toEqual({ type: 'Bearer', credentials: { name: secret.metadata?.name, key: 'METRICS_TOKEN' } });
    }
  });

  it('the pod drains within the grace period Kubernetes gives it', () => {
    const docs = manifests();
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap')?.data ?? {};
    const pod = podTemplate(docs).spec;
    // The kubelet runs preStop before SIGTERM, and the grace period counts from the deletion.
    const preStopMs = preStopSeconds(pod.containers[0]) * 1000;
    expect(preStopMs).toBeGreaterThan(0);
    const graceMs = Number(pod.terminationGracePeriodSeconds) * 1000;
    expect(preStopMs + Number(configMap['SHUTDOWN_GRACE_MS'])).toBeLessThan(graceMs);
  });
});

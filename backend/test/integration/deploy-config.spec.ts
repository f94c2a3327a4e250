import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse, parseAllDocuments } from 'yaml';
import { EnvironmentVariables, validateEnvironment } from '../../src/config/environment';
import { BACKEND_MAIN, REPO_ROOT } from '../support/env';

// docker/ cannot run here (no Docker engine), so these checks keep it correct by construction.

const DOCKER = join(REPO_ROOT, 'docker');
const read = (path: string) => readFileSync(join(DOCKER, path), 'utf8');
type Doc = Record<string, unknown> & { kind?: string; spec?: Record<string, unknown>; data?: Record<string, string> };

/** Every variable the backend's configuration accepts (from its validation rules). */
const KNOWN_VARIABLES = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((rule) => rule.propertyName),
);
const POD_COMMAND = ['node', 'dist/backend/main.js'];

function manifests(): Doc[] {
  const kustomization = parse(read('k8s/kustomization.yaml')) as { resources: string[] };
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(read(`k8s/${file}`)).map((document) => {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0].message}`);
      return document.toJS() as Doc;
    }),
  );
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
      services: Record<string, { environment?: Record<string, string>; deploy?: { replicas: number } }>;
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
    expect(Object.keys(compose.services).sort()).toEqual(['backend', 'nginx', 'postgres', 'redis']);
  });

  it('Kubernetes manifests parse and configure only variables the backend accepts', () => {
    const docs = manifests();
    expect(docs.map((doc) => doc.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'PodDisruptionBudget', 'Secret', 'Service'].sort(),
    );
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap')?.data ?? {};
    const secret = (docs.find((doc) => doc.kind === 'Secret') as { stringData: Record<string, string> }).stringData;
    const keys = [...Object.keys(configMap), ...Object.keys(secret), 'POD_ID'];
    expect(keys.filter((key) => !KNOWN_VARIABLES.has(key))).toEqual([]);
    expect(() => validateEnvironment({ ...configMap, ...secret, JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
  });

  it('the pod drains within the grace period Kubernetes gives it', () => {
    const docs = manifests();
    const configMap = docs.find((doc) => doc.kind === 'ConfigMap')?.data ?? {};
    const pod = (docs.find((doc) => doc.kind === 'Deployment')?.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    const preStopMs = 5000;
    const graceMs = Number(pod['terminationGracePeriodSeconds']) * 1000;
    expect(preStopMs + Number(configMap['SHUTDOWN_GRACE_MS'])).toBeLessThan(graceMs);
  });
});

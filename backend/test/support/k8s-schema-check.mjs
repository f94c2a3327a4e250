// Run by deploy-config.spec.ts (plain Node: kubernetes-models is ESM-only, which Jest's CommonJS
// runtime cannot load): checks each document (JSON on stdin) against the Kubernetes JSON schema of its apiVersion and
// kind from kubernetes-models, looked up generically (an unknown kind is a problem), and prints the problems
// as a JSON array. The Kubernetes schemas accept properties they do not define (`replica: 3` passes them)
// while `kubectl apply` rejects unknown fields, so once a document is valid every field is probed: a field
// is known when a value of the wrong type there makes validation fail at its path.
import { readFileSync } from 'node:fs';

const pointer = (path) => path.map((key) => '/' + String(key).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
const problems = [];
for (const doc of JSON.parse(readFileSync(0, 'utf8'))) {
  const name = doc.kind + '/' + doc.metadata?.name;
  const [group, version] = String(doc.apiVersion).includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  const models = await import('kubernetes-models/' + (group ? group + '/' : '') + version).catch(() => ({}));
  const Model = models[doc.kind];
  if (Model?.kind !== doc.kind || Model.apiVersion !== doc.apiVersion) {
    problems.push(name + ': no Kubernetes schema for ' + doc.apiVersion + ' ' + doc.kind);
    continue;
  }
  const errorsOf = (data) => {
    try {
      new Model(data).validate();
      return [];
    } catch (error) {
      if (!Array.isArray(error.errors)) throw error;
      return error.errors;
    }
  };
  const invalid = errorsOf(doc);
  if (invalid.length) {
    problems.push(name + ': ' + invalid.map((error) => error.instancePath + ' ' + error.message).join(', '));
    continue;
  }
  const probeFields = (value, path) => {
    if (Array.isArray(value)) return value.forEach((item, index) => probeFields(item, [...path, index]));
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const probe = structuredClone(doc);
      path.reduce((node, step) => node[step], probe)[key] = typeof child === 'boolean' ? 'not-a-boolean' : true;
      const at = pointer([...path, key]);
      if (errorsOf(probe).some((error) => error.instancePath === at)) probeFields(child, [...path, key]);
      else problems.push(name + ': unknown field ' + at);
    }
  };
  probeFields(doc, []);
}
process.stdout.write(JSON.stringify(problems));

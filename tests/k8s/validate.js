#!/usr/bin/env node
// Offline checks of rendered Kubernetes manifests and of Dockerfiles.
//
//   node validate.js [--require-hpa] [--min-replicas N] [--expect-config KEY=VALUE]...
//                    [--flows flows.json:OVERLAY] FILE...
//   node validate.js --dockerfile FILE...
//
// Manifests: every object is validated against the Kubernetes JSON schema of
// its apiVersion/kind (npm package kubernetes-models), then against the
// project rules below.  Prints one line per violation and exits 1 if there is
// any.  Needs kubernetes-models and yaml on NODE_PATH (validate.sh does it).
'use strict';

const fs = require('fs');
const path = require('path');

const errors = [];
function fail(where, msg) { errors.push(`${where}: ${msg}`); }

// ---------------------------------------------------------------- Dockerfiles
function checkDockerfile(file) {
  const lines = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ').split('\n');
  const stages = [];  // {name, from, user}
  const args = {};
  for (const raw of lines) {
    const line = raw.trim();
    let m;
    if ((m = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)/i.exec(line)) && stages.length === 0) {
      args[m[1]] = m[2];
    } else if ((m = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line))) {
      const image = m[1].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, a) => args[a] ?? `<unset ${a}>`);
      stages.push({ name: m[2], from: image, user: null });
    } else if ((m = /^USER\s+(\S+)/i.exec(line)) && stages.length) {
      stages[stages.length - 1].user = m[1];
    }
  }
  if (!stages.length) { fail(file, 'no FROM line'); return; }
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const s of stages) {
    if (names.has(s.from)) continue;  // FROM an earlier stage
    const why = imageTagProblem(s.from);
    if (why) fail(file, `base image ${s.from}: ${why}`);
  }
  const last = stages[stages.length - 1];
  const uid = last.user ? last.user.split(':')[0] : null;
  if (uid === null) fail(file, 'final stage has no USER (runs as root)');
  else if (!/^[0-9]+$/.test(uid)) fail(file, `final stage USER ${last.user} must be a numeric uid (runAsNonRoot cannot verify a name)`);
  else if (uid === '0') fail(file, 'final stage runs as root (USER 0)');
}

// ------------------------------------------------------------------- helpers
// Returns why an image reference is not pinned, or null when it is.
function imageTagProblem(image) {
  if (!image || image.includes('<unset')) return 'unresolved image reference';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return null;
  const last = image.split('/').pop();
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'untagged image (pin a version tag or digest)';
  const tag = last.slice(colon + 1);
  if (tag === '' || tag.toLowerCase() === 'latest') return `tag "${tag}" is not pinned (never use latest)`;
  return null;
}

function selectorMatches(selector, labels) {
  if (!selector) return false;
  labels = labels || {};
  const ml = selector.matchLabels || {};
  const exprs = selector.matchExpressions || [];
  if (!Object.keys(ml).length && !exprs.length) return true;  // {} selects all
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels[e.key];
    if (e.operator === 'In' && !(has && e.values.includes(val))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(val)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// Service.spec.selector is a plain label map.
function serviceSelects(svc, labels) {
  const sel = svc.spec && svc.spec.selector;
  if (!sel || !Object.keys(sel).length) return false;
  return Object.entries(sel).every(([k, v]) => (labels || {})[k] === v);
}

function loadModel(apiVersion, kind) {
  let mod;
  try {
    mod = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
  return mod[kind] || null;
}

function quantityPresent(q) { return q !== undefined && q !== null && String(q) !== ''; }

// ------------------------------------------------------------------ manifests
const WORKLOADS = {
  Deployment: (o) => o.spec && o.spec.template,
  StatefulSet: (o) => o.spec && o.spec.template,
  DaemonSet: (o) => o.spec && o.spec.template,
  ReplicaSet: (o) => o.spec && o.spec.template,
  Job: (o) => o.spec && o.spec.template,
  CronJob: (o) => o.spec && o.spec.jobTemplate && o.spec.jobTemplate.spec && o.spec.jobTemplate.spec.template,
  Pod: (o) => o,
};
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
const DEFAULT_DRAIN_SECONDS = 10;  // lib/server/flags.cc

function checkManifests(files, opts) {
  const YAML = require('yaml');
  const objects = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const docs = YAML.parseAllDocuments(text);
    for (const doc of docs) {
      if (doc.errors && doc.errors.length) { fail(file, `YAML: ${doc.errors[0].message}`); continue; }
      const o = doc.toJS();
      if (o === null || o === undefined) continue;
      if (o.kind && o.kind.endsWith('List') && Array.isArray(o.items)) objects.push(...o.items);
      else objects.push(o);
    }
  }
  if (!objects.length) { fail(files.join(' '), 'no objects rendered'); return; }

  const id = (o) => `${o.kind}/${(o.metadata && o.metadata.namespace) || '-'}/${(o.metadata && o.metadata.name) || '?'}`;
  const ns = (o) => (o.metadata && o.metadata.namespace) || 'default';
  const seen = new Set();

  // 1. Schema.
  for (const o of objects) {
    if (!o.apiVersion || !o.kind) { fail(JSON.stringify(o).slice(0, 80), 'object without apiVersion/kind'); continue; }
    if (!o.metadata || !o.metadata.name) { fail(id(o), 'object without metadata.name'); continue; }
    if (seen.has(id(o))) fail(id(o), 'defined twice');
    seen.add(id(o));
    const Model = loadModel(o.apiVersion, o.kind);
    if (!Model) { fail(id(o), `schema: unknown apiVersion/kind ${o.apiVersion} ${o.kind}`); continue; }
    try {
      new Model(JSON.parse(JSON.stringify(o))).validate();
    } catch (e) {
      fail(id(o), `schema: ${e.message}`);
    }
  }

  const byKind = (k) => objects.filter((o) => o.kind === k);
  const configMaps = new Map(byKind('ConfigMap').map((c) => [`${ns(c)}/${c.metadata.name}`, c]));
  const secrets = new Set(byKind('Secret').map((s) => `${ns(s)}/${s.metadata.name}`));
  const externalSecrets = new Set();

  // 2. Pod templates.
  for (const o of objects) {
    const get = WORKLOADS[o.kind];
    if (!get) continue;
    const where = id(o);
    const tpl = get(o);
    const pod = tpl && (o.kind === 'Pod' ? o.spec : tpl.spec);
    if (!pod) { fail(where, 'no pod template'); continue; }
    const podSec = pod.securityContext || {};
    const containers = pod.containers || [];
    const inits = pod.initContainers || [];
    let drainSeconds = null;
    for (const c of [...inits, ...containers]) {
      const cw = `${where}: container ${c.name}`;
      const isInit = inits.includes(c);
      const why = imageTagProblem(c.image);
      if (why) fail(cw, `image ${c.image}: ${why}`);
      // Resources.
      const r = c.resources || {};
      for (const kind of ['requests', 'limits']) {
        for (const res of ['cpu', 'memory']) {
          if (!r[kind] || !quantityPresent(r[kind][res])) fail(cw, `no resources.${kind}.${res}`);
        }
      }
      // Security.
      const sc = c.securityContext || {};
      const nonRoot = sc.runAsNonRoot ?? podSec.runAsNonRoot;
      const uid = sc.runAsUser ?? podSec.runAsUser;
      if (nonRoot !== true) fail(cw, 'must run non-root (runAsNonRoot: true)');
      if (uid === undefined || uid === 0) fail(cw, `must run non-root with an explicit non-zero runAsUser (got ${uid})`);
      if (sc.readOnlyRootFilesystem !== true) fail(cw, 'needs readOnlyRootFilesystem: true');
      if (sc.allowPrivilegeEscalation !== false) fail(cw, 'needs allowPrivilegeEscalation: false');
      if (sc.privileged === true) fail(cw, 'must not be privileged');
      const drop = (sc.capabilities && sc.capabilities.drop) || [];
      if (!drop.includes('ALL')) fail(cw, 'must drop ALL capabilities');
      if (sc.capabilities && sc.capabilities.add && sc.capabilities.add.length) fail(cw, 'must not add capabilities');
      const seccomp = (sc.seccompProfile || podSec.seccompProfile || {}).type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') fail(cw, 'needs seccompProfile RuntimeDefault');
      // Probes on long-running containers.
      if (LONG_RUNNING.has(o.kind) && !isInit) {
        if (!c.livenessProbe) fail(cw, 'has no livenessProbe');
        if (!c.readinessProbe) fail(cw, 'has no readinessProbe');
        const grpcPort = (c.ports || []).find((p) => p.name === 'grpc');
        if (grpcPort) {
          for (const p of ['livenessProbe', 'readinessProbe']) {
            if (c[p] && !c[p].grpc) fail(cw, `${p} must be a native grpc probe (the container serves gRPC)`);
          }
        }
      }
      // ConfigMap and Secret references.
      for (const ef of c.envFrom || []) {
        if (ef.configMapRef && !ef.configMapRef.optional) {
          const cm = configMaps.get(`${ns(o)}/${ef.configMapRef.name}`);
          if (!cm) fail(cw, `envFrom ConfigMap ${ef.configMapRef.name} is not defined`);
          else if (cm.data && cm.data.PELITA_DRAIN_SECONDS !== undefined) drainSeconds = Number(cm.data.PELITA_DRAIN_SECONDS);
        }
        if (ef.secretRef && !secrets.has(`${ns(o)}/${ef.secretRef.name}`)) externalSecrets.add(ef.secretRef.name);
      }
      for (const e of c.env || []) {
        if (e.name === 'PELITA_DRAIN_SECONDS' && e.value !== undefined) drainSeconds = Number(e.value);
        const ref = e.valueFrom && e.valueFrom.configMapKeyRef;
        if (ref && !ref.optional && !configMaps.has(`${ns(o)}/${ref.name}`)) fail(cw, `env ConfigMap ${ref.name} is not defined`);
      }
    }
    for (const v of pod.volumes || []) {
      if (v.configMap && !v.configMap.optional && !configMaps.has(`${ns(o)}/${v.configMap.name}`)) {
        fail(where, `volume ${v.name}: ConfigMap ${v.configMap.name} is not defined`);
      }
      if (v.secret && !secrets.has(`${ns(o)}/${v.secret.secretName}`)) externalSecrets.add(v.secret.secretName);
      for (const src of (v.projected && v.projected.sources) || []) {
        if (src.secret && !secrets.has(`${ns(o)}/${src.secret.name}`)) externalSecrets.add(src.secret.name);
        if (src.configMap && !src.configMap.optional && !configMaps.has(`${ns(o)}/${src.configMap.name}`)) {
          fail(where, `volume ${v.name}: ConfigMap ${src.configMap.name} is not defined`);
        }
      }
    }
    // Grace period longer than preStop + drain, for anything that drains.
    // (Every Deployment runs a Pelita binary, which drains on SIGTERM.)
    if (o.kind === 'Deployment') {
      const drain = drainSeconds ?? DEFAULT_DRAIN_SECONDS;
      let preStop = 0;
      for (const c of containers) {
        const cmd = c.lifecycle && c.lifecycle.preStop && c.lifecycle.preStop.exec && c.lifecycle.preStop.exec.command;
        if (cmd && cmd[0] === 'sleep' && /^[0-9]+$/.test(cmd[1])) preStop = Math.max(preStop, Number(cmd[1]));
      }
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      if (!(grace > drain + preStop)) {
        fail(where, `terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop}s + drain ${drain}s`);
      }
    }
  }

  // 3. Every Deployment/StatefulSet has a PDB and a Service selecting its pods.
  const pdbs = byKind('PodDisruptionBudget');
  const services = byKind('Service');
  const hpas = byKind('HorizontalPodAutoscaler');
  for (const o of objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
    const labels = (o.spec.template && o.spec.template.metadata && o.spec.template.metadata.labels) || {};
    if (!selectorMatches(o.spec.selector, labels)) fail(id(o), 'spec.selector does not match the pod template labels');
    if (!pdbs.some((p) => ns(p) === ns(o) && selectorMatches(p.spec && p.spec.selector, labels))) {
      fail(id(o), 'has no PodDisruptionBudget selecting its pods');
    }
    if (!services.some((s) => ns(s) === ns(o) && serviceSelects(s, labels))) {
      fail(id(o), 'has no Service selecting its pods');
    }
    if (o.kind === 'StatefulSet' && !services.some((s) => ns(s) === ns(o) && s.metadata.name === o.spec.serviceName)) {
      fail(id(o), `serviceName ${o.spec.serviceName} is not a Service`);
    }
    if (o.kind === 'Deployment' && opts.requireHpa) {
      const hpa = hpas.find((h) => ns(h) === ns(o) && h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === o.metadata.name);
      if (!hpa) fail(id(o), 'has no HorizontalPodAutoscaler (required in this overlay)');
    }
    if (o.kind === 'Deployment') {
      const hpa = hpas.find((h) => ns(h) === ns(o) && h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === o.metadata.name);
      if (hpa && o.spec.replicas !== undefined) {
        fail(id(o), 'sets spec.replicas although an HPA scales it (every apply would reset the count)');
      }
      const replicas = hpa ? (hpa.spec.minReplicas ?? 1) : (o.spec.replicas ?? 1);
      if (replicas < opts.minReplicas) fail(id(o), `runs ${replicas} replica(s) at minimum; this overlay needs ${opts.minReplicas}`);
    }
  }
  for (const h of hpas) {
    const t = h.spec.scaleTargetRef;
    if (!objects.some((o) => o.kind === t.kind && ns(o) === ns(h) && o.metadata.name === t.name)) {
      fail(id(h), `scaleTargetRef ${t.kind}/${t.name} does not exist`);
    }
  }

  // 4. A default-deny NetworkPolicy in every namespace that runs workloads.
  const workloadNamespaces = new Set(objects.filter((o) => WORKLOADS[o.kind]).map(ns));
  for (const n of workloadNamespaces) {
    const denyAll = byKind('NetworkPolicy').some((p) => ns(p) === n && p.spec &&
      Object.keys(p.spec.podSelector || {}).length === 0 &&
      ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes || []).includes(t)) &&
      !(p.spec.ingress || []).length && !(p.spec.egress || []).length);
    if (!denyAll) fail(`namespace ${n}`, 'has no default-deny NetworkPolicy (podSelector {}, Ingress+Egress, no rules)');
  }

  // 5. NetworkPolicy flows: evaluate every (source, destination, port) among
  // the workloads and three outside peers, and compare with the expected list.
  if (opts.flows) checkFlows(objects, opts.flows, ns, id);

  // 6. Expected configuration values.
  for (const kv of opts.expectConfig) {
    const eq = kv.indexOf('=');
    const key = kv.slice(0, eq);
    const value = kv.slice(eq + 1);
    if (!byKind('ConfigMap').some((c) => c.data && c.data[key] === value)) {
      fail('config', `no ConfigMap sets ${key}=${value}`);
    }
  }

  console.log(`checked ${objects.length} objects (${[...new Set(objects.map((o) => o.kind))].sort().join(', ')})`);
  if (externalSecrets.size) console.log(`secrets the operator must create: ${[...externalSecrets].sort().join(', ')}`);
}

// ------------------------------------------------------------ network flows
// Pods: one per workload (Deployment, StatefulSet, Job, CronJob, ...), named
// by the workload, plus @ingress (a pod of the ingress-nginx namespace),
// @monitoring (Prometheus in the monitoring namespace), @dns
// (kube-dns in kube-system) and @world (an address outside the cluster).
function checkFlows(objects, flowsArg, ns, id) {
  const [file, overlay] = flowsArg.split(':');
  const spec = JSON.parse(fs.readFileSync(file, 'utf8'))[overlay];
  if (!spec) { fail('flows', `no flows for overlay ${overlay} in ${file}`); return; }
  const nsLabels = {};
  for (const n of objects.filter((o) => o.kind === 'Namespace')) {
    nsLabels[n.metadata.name] = { ...(n.metadata.labels || {}), 'kubernetes.io/metadata.name': n.metadata.name };
  }
  const nsLabelsOf = (n) => nsLabels[n] || { 'kubernetes.io/metadata.name': n };
  const pods = [];
  for (const o of objects) {
    const get = WORKLOADS[o.kind];
    if (!get) continue;
    const tpl = get(o);
    if (!tpl) continue;
    const podSpec = o.kind === 'Pod' ? o.spec : tpl.spec;
    const labels = (o.kind === 'Pod' ? o.metadata.labels : tpl.metadata && tpl.metadata.labels) || {};
    const ports = [];
    for (const c of (podSpec && podSpec.containers) || []) {
      for (const p of c.ports || []) ports.push({ port: p.containerPort, protocol: p.protocol || 'TCP', name: p.name });
    }
    pods.push({ name: o.metadata.name, ns: ns(o), labels, ports });
  }
  const outside = [
    { name: '@ingress', ns: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [] },
    { name: '@monitoring', ns: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: [] },
    { name: '@dns', ns: 'kube-system', labels: { 'k8s-app': 'kube-dns' },
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
    // 8243: the HTTPS port of SIASN's API gateway (WSO2 APIM).
    { name: '@world', external: true, ns: '', labels: {}, ports: [{ port: 443, protocol: 'TCP' }, { port: 8243, protocol: 'TCP' }] },
  ];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');

  const peerMatches = (peer, policyNs, pod) => {
    if (peer.ipBlock) return !!pod.external;  // CIDRs are taken to mean "outside"
    if (pod.external) return false;
    const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, nsLabelsOf(pod.ns)) : pod.ns === policyNs;
    const podOk = peer.podSelector ? selectorMatches(peer.podSelector, pod.labels) : true;
    return nsOk && podOk;
  };
  const portMatches = (rulePorts, dst, port) => {
    if (!rulePorts || !rulePorts.length) return true;
    return rulePorts.some((rp) => {
      if ((rp.protocol || 'TCP') !== port.protocol) return false;
      if (rp.port === undefined) return true;
      if (typeof rp.port === 'string') return dst.ports.some((p) => p.name === rp.port && p.port === port.port);
      const end = rp.endPort || rp.port;
      return port.port >= rp.port && port.port <= end;
    });
  };
  // Is traffic in `dir` ("Ingress" at `self` from `peer`, or "Egress" from
  // `self` to `peer`) allowed by the policies of self's namespace?
  const allowed = (dir, self, peer, dst, port) => {
    if (self.external || !self.labels) return true;
    const mine = policies.filter((p) => ns(p) === self.ns && selectorMatches(p.spec.podSelector || {}, self.labels) &&
      (p.spec.policyTypes || (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'])).includes(dir));
    if (!mine.length) return true;  // not isolated in this direction
    return mine.some((p) => ((dir === 'Ingress' ? p.spec.ingress : p.spec.egress) || []).some((rule) => {
      const peers = dir === 'Ingress' ? rule.from : rule.to;
      const peerOk = !peers || !peers.length || peers.some((pr) => peerMatches(pr, ns(p), peer));
      return peerOk && portMatches(rule.ports, dst, port);
    }));
  };
  // Outside pods live in namespaces without policies of ours.
  const isolatedHere = (pod) => !pod.name.startsWith('@');

  const expected = new Set();
  const sources = [...pods, outside[0], outside[1], outside[3]];
  const dests = [...pods, outside[2], outside[3]];
  for (const line of spec) {
    const m = /^(\S+) -> (\S+):(\d+)(?:\/(TCP|UDP))?$/.exec(line);
    if (!m) { fail('flows', `bad line "${line}"`); continue; }
    const froms = m[1] === '*' ? pods.map((p) => p.name) : [m[1]];
    for (const f of froms) {
      for (const proto of m[4] ? [m[4]] : ['TCP', 'UDP']) expected.add(`${f} -> ${m[2]}:${m[3]}/${proto}`);
    }
  }
  let count = 0;
  for (const src of sources) {
    for (const dst of dests) {
      if (!isolatedHere(src) && !isolatedHere(dst)) continue;  // outside to outside: not ours
      for (const port of dst.ports) {
        const key = `${src.name} -> ${dst.name}:${port.port}/${port.protocol}`;
        const ok = (!isolatedHere(src) || allowed('Egress', src, dst, dst, port)) &&
                   (!isolatedHere(dst) || allowed('Ingress', dst, src, dst, port));
        const want = expected.has(key);
        count++;
        if (ok && !want) fail('flow', `${key} expected denied, is allowed`);
        if (!ok && want) fail('flow', `${key} expected allowed, is denied`);
      }
    }
  }
  for (const e of expected) {
    const [src, rest] = e.split(' -> ');
    const dstName = rest.split(':')[0];
    if (![...sources].some((p) => p.name === src) || !dests.some((p) => p.name === dstName)) {
      fail('flows', `expected flow ${e} names an unknown pod`);
    }
  }
  console.log(`checked ${count} network flows`);
}

// ---------------------------------------------------------------------- main
function main(argv) {
  const opts = { requireHpa: false, expectConfig: [], dockerfiles: false, minReplicas: 1, flows: null };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--require-hpa') opts.requireHpa = true;
    else if (a === '--expect-config') opts.expectConfig.push(argv[++i]);
    else if (a === '--min-replicas') opts.minReplicas = Number(argv[++i]);
    else if (a === '--flows') opts.flows = argv[++i];
    else if (a === '--dockerfile') opts.dockerfiles = true;
    else files.push(a);
  }
  if (!files.length) {
    console.error('usage: validate.js [--require-hpa] [--min-replicas N] [--expect-config K=V] FILE... | --dockerfile FILE...');
    return 2;
  }
  if (opts.dockerfiles) files.forEach(checkDockerfile);
  else checkManifests(files, opts);
  for (const e of errors) console.log(`VIOLATION ${e}`);
  console.log(errors.length ? `${errors.length} violation(s) in ${files.map((f) => path.basename(f)).join(' ')}` : 'ok');
  return errors.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));

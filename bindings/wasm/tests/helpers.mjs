// Shared by the Node and browser tests.
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const packageDir = path.resolve(here, "..");
export const repoRoot = path.resolve(packageDir, "../..");

/** The Node build of the package (pkg-node/, made by build.sh). */
export function loadPackage() {
  return createRequire(import.meta.url)(path.join(packageDir, "pkg-node", "kubeward.js"));
}

/** A demo chart whose only container runs privileged unless values say otherwise. */
export const CHART = {
  "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
  "values.yaml": "image: nginx:1.27\nprivileged: true\n",
  "templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-demo
spec:
  selector:
    matchLabels: {app: demo}
  template:
    metadata:
      labels: {app: demo}
    spec:
      containers:
        - name: app
          image: {{ .Values.image | quote }}
          securityContext:
            privileged: {{ .Values.privileged }}
`,
};
/** The line of `privileged:` in CHART's template. */
export const CHART_PRIVILEGED_LINE = 16;

/** A .tgz of `files` under the folder `root`, as `helm package` writes it (ustar + gzip). */
export function tgz(files, root = "demo") {
  const blocks = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(`${root}/${name}`, 0, 100, "utf8");
    header.write("0000644\0", 100);
    header.write("0000000\0", 108);
    header.write("0000000\0", 116);
    header.write(`${data.length.toString(8).padStart(11, "0")}\0`, 124);
    header.write("00000000000\0", 136);
    header.write("        ", 148);
    header.write("0", 156);
    header.write("ustar\0", 257);
    header.write("00", 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(gzipSync(Buffer.concat(blocks)));
}

/** About `bytes` of Deployments with findings: the input of the timing figures. */
export function bigManifest(bytes = 1 << 20) {
  const doc = (i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  namespace: shop
spec:
  selector:
    matchLabels: {app: web-${i}}
  template:
    metadata:
      labels: {app: web-${i}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          ports:
            - containerPort: 80
          securityContext:
            privileged: true
            runAsUser: 0
---
`;
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const d = doc(i);
    parts.push(d);
    size += d.length;
  }
  return parts.join("");
}

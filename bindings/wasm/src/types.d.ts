
/** Severities, most severe first. */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

/** Options of `scan` (and, with the chart options, of `scanChart`). */
export interface ScanOptions {
  /** The file name findings and errors name (default `manifest.yaml`, `chart` for charts). */
  filename?: string;
  /** Built-in packs (`pss-baseline`, `pss-restricted`, `hardening`, `all`, `none`…); default: the default pack. */
  packs?: string[];
  /** Extra policy files: texts (named `policy-1.yaml`…) or `{name: text}`. */
  policies?: string[] | Record<string, string>;
  /** Pod Security Standards version (`v1.25`, `latest`). */
  pssVersion?: string;
  /** Parameter overrides: `name` for every policy declaring it, `POLICY-ID.name` for one. */
  parameters?: Record<string, unknown>;
  /** Lowest severity that makes `report.exitCode` 1 (`never` for none); default `low`. */
  failOn?: Severity | "never";
  /** Resource limits by name (`{"max-input-bytes": 8388608}`; docs/limits.md lists them). An unknown name is an error. */
  limits?: Record<string, number>;
}

/** What `helm template` is told, plus the policy options of `scan`. */
export interface ChartOptions extends ScanOptions {
  /** Values files (`-f`): texts (named `values-1.yaml`…) or `{name: text}`, merged in order. */
  values?: string[] | Record<string, string>;
  set?: string[];
  setString?: string[];
  setJson?: string[];
  setLiteral?: string[];
  /** `--set-file key=path`, with the file's content: `{key: content}`. */
  setFile?: Record<string, string>;
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  showOnly?: string[];
  includeCrds?: boolean;
  skipTests?: boolean;
  isUpgrade?: boolean;
}

/** A chart: a `.tgz` archive, or its files by path relative to the chart folder. */
export type ChartFiles = Uint8Array | ArrayBuffer | Record<string, string | Uint8Array>;

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  document: number;
}

export interface Finding {
  policy: string;
  title: string;
  severity: Severity;
  message: string;
  aliases: string[];
  file: string;
  /** 1-based; where the blamed key (or list item) starts. */
  line: number;
  column: number;
  /** Just past the end of the value (exclusive). */
  endLine: number;
  endColumn: number;
  /** JSON pointer into the decoded document. */
  path: string;
  resource: ResourceRef;
  container?: string;
  /** For manifests rendered from a chart: the template line that produced the node. */
  template?: { chart: string; file: string; line: number };
}

export interface SuppressedFinding extends Finding {
  reason: string;
  suppressedBy: string;
}

export interface ErrorEntry {
  file: string;
  /** 1-based, 0 when the error concerns the whole file. */
  line: number;
  column: number;
  message: string;
}

/** The version-1 JSON report, exactly as `kubeward scan --format json` writes it. */
export interface Report {
  version: 1;
  tool: { name: "kubeward"; version: string };
  findings: Finding[];
  suppressed: SuppressedFinding[];
  errors: ErrorEntry[];
  summary: {
    files: number;
    resources: number;
    findings: number;
    bySeverity: Partial<Record<Severity, number>>;
  };
  /** Not enumerable (absent from JSON.stringify): 0, 1 (findings at or above `failOn`) or 2 (errors). */
  readonly exitCode: 0 | 1 | 2;
}

export interface PolicyInfo {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  /** Markdown. */
  description: string;
  /** Markdown. */
  fix: string;
  aliases: string[];
  packs: string[];
}

/** Thrown for invalid arguments, options and policy files; `errors` holds each location. */
export interface KubewardError extends Error {
  errors?: ErrorEntry[];
}

/** Scans manifests (YAML or JSON, any number of documents). Input errors are in `report.errors`. */
export function scan(text: string, options?: ScanOptions): Report;
/** Renders a chart and scans the output; findings carry `template`. Load and render errors are in `report.errors`. */
export function scanChart(files: ChartFiles, options?: ChartOptions): Report;
/** Renders a chart: what `helm template` prints. Throws when the chart cannot be loaded or rendered. */
export function renderChart(files: ChartFiles, options?: ChartOptions): string;
/** Decodes manifests exactly as Kubernetes does: one value per document, before list flattening. */
export function decode(text: string, filename?: string): unknown[];
/** Every built-in policy. */
export function policies(): PolicyInfo[];
/** The kubeward version. */
export function version(): string;

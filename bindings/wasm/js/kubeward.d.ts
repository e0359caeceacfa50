export type {
  ChartFiles,
  ChartOptions,
  ErrorEntry,
  Finding,
  KubewardError,
  PolicyInfo,
  Report,
  ResourceRef,
  ScanOptions,
  Severity,
  SuppressedFinding,
} from "./kubeward_wasm.js";
export { decode, policies, renderChart, scan, scanChart, version } from "./kubeward_wasm.js";

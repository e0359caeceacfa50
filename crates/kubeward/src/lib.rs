//! kubeward: find insecure Kubernetes workloads before they reach a cluster.
//!
//! Inputs are decoded exactly as Kubernetes decodes them ([`kubeward_yaml`]), turned into
//! [`Resource`]s with normalized views (the PodSpec of any workload, every container with
//! its effective security context), and evaluated against declarative policies (YAML
//! files; the built-in ones are embedded). Each [`Finding`] names the file, line and column
//! of the node to blame.
//!
//! Cargo feature `parallel` (off by default; the CLI and the Python module turn it on):
//! a scan uses several threads (rayon) for the documents of a large input and for
//! evaluating resources. Reports are the same with and without it.
#![forbid(unsafe_code)]

pub mod charts;
mod config;
pub mod docs;
mod engine;
mod eval;
pub mod inputs;
mod limits;
mod model;
pub mod openshift;
mod policy;
mod quantity;
mod report;
mod scanner;
mod scc_cond;
mod suppress;

pub use config::{Config, CONFIG_FILE};
pub use engine::{
    builtin_policies, Engine, EngineOptions, ExampleResult, Expectation, DEFAULT_PACK,
    PSS_VERSION_PARAMETER,
};
pub use kubeward_helm as helm;
pub use kubeward_yaml as yaml;
pub use limits::{LimitError, LimitInfo, Limits, LIMITS};
pub use model::{
    effective_fields, pod_spec_kinds, ContainerKind, ContainerView, Effective, Located, Origin,
    PodSpecView,
};
pub use model::{load, load_owned_with, load_with, Resource, Scan, SourceFile, TemplateMap};
pub use policy::{policy_schema, RuleInfo};
pub use report::{
    ErrorEntry, Finding, Region, Report, ResourceRef, Severity, Summary, Suppressed, TemplateRef,
    ValuesRef,
};
pub use report::{FailOn, Format, RenderOptions};
pub use scanner::{Scanned, Scanner, ScannerOptions, Source};
pub use suppress::{Date, Exemption, Pattern, Suppressions};

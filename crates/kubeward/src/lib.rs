//! kubeward: find insecure Kubernetes workloads before they reach a cluster.
//!
//! Inputs are decoded exactly as Kubernetes decodes them ([`kubeward_yaml`]), turned into
//! [`Resource`]s with normalized views (the PodSpec of any workload, every container with
//! its effective security context), and evaluated against declarative policies (YAML
//! files; the built-in ones are embedded). Each [`Finding`] names the file, line and column
//! of the node to blame.
#![forbid(unsafe_code)]

mod config;
mod engine;
mod eval;
mod model;
mod policy;
mod report;
mod suppress;

pub use kubeward_yaml as yaml;
pub use model::{load, Resource, Scan, SourceFile};
pub use report::{
    ErrorEntry, Finding, Region, Report, ResourceRef, Severity, Summary, Suppressed, TemplateRef,
};

//! Shared helpers for kubeward's conformance and end-to-end suites.

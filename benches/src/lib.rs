//! Benchmark support: a generator of realistic manifests.

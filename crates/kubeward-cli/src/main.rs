//! The `kubeward` command line.
fn main() {}

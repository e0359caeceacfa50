//! The version checks of chart loading (`Chart.yaml` `version` and `kubeVersion`,
//! dependency ranges), on the same Masterminds/semver v3 port as Sprig's `semver`
//! functions.

use crate::funcs::semver::Constraints;
pub(crate) use crate::funcs::semver::Version;

/// Masterminds' `NewConstraint(c).Check(v)`; an unparsable constraint or version is not
/// compatible (Helm's `chartutil.IsCompatibleRange`).
pub(crate) fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Constraints::parse(constraint), Version::parse(version)) {
        (Ok(c), Ok(v)) => c.check(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_helm_checks_them() {
        // Expected values: Masterminds/semver v3 as Helm 3.17.3 uses it.
        assert!(is_compatible_range(">=1.20.0-0", "v1.32.0"));
        assert!(!is_compatible_range(">=1.20.0-0", "1.19.0"));
        assert!(is_compatible_range("1.2 - 1.4", "1.3.9"));
        assert!(!is_compatible_range(">=1.0.0", "1.1.0-rc.1"));
        assert!(!is_compatible_range("not a range", "1.0.0"));
    }
}

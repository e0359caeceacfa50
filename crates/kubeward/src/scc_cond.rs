//! The `sccRefuses` condition: OpenShift SCC admission ([`crate::openshift`]) as a
//! condition of the policy language, with one witness per refused field.

use std::rc::Rc;

use serde_json::Value as Json;

use crate::eval::{descend, outcome, Ctx, Detail, Missing, Outcome, Resolved, Shown, Witness};
use crate::model::{ContainerKind, Located};
use crate::openshift::{self, Allocation, Base, SccSet, Step};
use crate::policy::path::Seg;

/// OpenShift's namespace annotations.
const UID_RANGE: &str = "openshift.io/sa.scc.uid-range";
const MCS: &str = "openshift.io/sa.scc.mcs";
const SUPPLEMENTAL_GROUPS: &str = "openshift.io/sa.scc.supplemental-groups";

/// A compiled `sccRefuses`.
#[derive(Debug, Clone)]
pub(crate) struct SccRefuses {
    scc: String,
    sccs: SccSet,
    uid_range: Option<String>,
    mcs: Option<String>,
    supplemental_groups: Option<String>,
    safe_sysctls: Vec<String>,
}

impl SccRefuses {
    /// Checks the operands (parameters already substituted).
    pub(crate) fn new(
        scc: &str,
        sccs: &Json,
        defaults: Option<&Json>,
        safe: Option<&Json>,
    ) -> Result<SccRefuses, String> {
        let sccs = SccSet::from_json(sccs).map_err(|e| format!("`sccRefuses.sccs`: {e}"))?;
        if sccs.get(scc).is_none() {
            return Err(format!("`sccRefuses.scc`: no SCC named `{scc}` in `sccs`"));
        }
        let text = |k: &str| -> Result<Option<String>, String> {
            match defaults.and_then(|d| d.get(k)) {
                None | Some(Json::Null) => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("`sccRefuses.namespaceDefaults.{k}` is a string")),
            }
        };
        if let Some(d) = defaults {
            let known = ["uidRange", "mcs", "supplementalGroups"];
            if let Some(k) = d
                .as_object()
                .ok_or("`sccRefuses.namespaceDefaults` is a map")?
                .keys()
                .find(|k| !known.contains(&k.as_str()))
            {
                return Err(format!(
                    "`sccRefuses.namespaceDefaults`: unknown key `{k}` (expected uidRange, mcs, supplementalGroups)"
                ));
            }
        }
        let safe_sysctls = match safe {
            None => Vec::new(),
            Some(list) => list
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|s| s.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or("`sccRefuses.safeSysctls` is a list of names")?,
        };
        Ok(SccRefuses {
            scc: scc.to_string(),
            sccs,
            uid_range: text("uidRange")?,
            mcs: text("mcs")?,
            supplemental_groups: text("supplementalGroups")?,
            safe_sysctls,
        })
    }

    /// The namespace's annotations when the Namespace is in the scan, the defaults for
    /// those it lacks.
    fn allocation(&self, ctx: &Ctx<'_, '_>) -> Allocation {
        let ns_name = ctx.resource.id.namespace.as_deref();
        let annotations = ns_name.and_then(|name| {
            ctx.world
                .namespaces(name)
                .into_iter()
                .find_map(|ns| ns.root.get("metadata").and_then(|m| m.get("annotations")))
        });
        let get = |k: &str| {
            annotations
                .and_then(|a| a.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let uid = get(UID_RANGE).or_else(|| self.uid_range.clone());
        let mcs = get(MCS).or_else(|| self.mcs.clone());
        // a namespace annotated with a UID range but no groups takes its groups from the
        // range, as OpenShift does
        let groups = get(SUPPLEMENTAL_GROUPS).or_else(|| {
            if get(UID_RANGE).is_some() {
                None
            } else {
                self.supplemental_groups.clone()
            }
        });
        Allocation::from_annotations(uid.as_deref(), mcs.as_deref(), groups.as_deref())
    }
}

fn segs(steps: &[Step]) -> Vec<Seg> {
    steps
        .iter()
        .map(|s| match s {
            Step::Key(k) => Seg::Key(k.clone()),
            Step::Index(i) => Seg::Index(*i),
        })
        .collect()
}

fn container_of(steps: &[Step]) -> Option<(ContainerKind, usize)> {
    match (steps.first(), steps.get(1)) {
        (Some(Step::Key(list)), Some(Step::Index(i))) => {
            let kind = match list.as_str() {
                "initContainers" => ContainerKind::Init,
                "containers" => ContainerKind::Regular,
                "ephemeralContainers" => ContainerKind::Ephemeral,
                _ => return None,
            };
            Some((kind, *i))
        }
        _ => None,
    }
}

/// The witness of a refused field: its node, or its nearest existing parent.
fn witness_at<'a, 'p>(start: Located<'a>, mut path: Vec<Seg>) -> Witness<'a, 'p> {
    let (at, found) = match descend(start, &path) {
        Resolved::Node(at) => (at, true),
        Resolved::Value { at, .. } | Resolved::Missing { at, .. } => (at, false),
    };
    if found {
        return Witness {
            value: Shown::Node(at.node),
            at,
            missing: None,
            container: None,
            detail: None,
        };
    }
    path.shrink_to_fit();
    Witness {
        at,
        value: Shown::Unset,
        missing: Some(Missing::Owned(path)),
        container: None,
        detail: None,
    }
}

/// A refused field as a message shows it: `containers[0].securityContext.runAsUser`,
/// `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`.
fn field_text(base: Base, steps: &[Step]) -> String {
    let mut out = String::from(match base {
        Base::Spec => "",
        Base::Metadata => "metadata",
    });
    for step in steps {
        match step {
            Step::Key(k) if k.contains(['.', '/']) => out.push_str(&format!("[{k:?}]")),
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Holds when the SCC refuses the pod; the witnesses are the refused fields.
pub(crate) fn eval<'a, 'p>(ctx: &Ctx<'_, 'a>, check: &'p SccRefuses) -> Outcome<'a, 'p> {
    let (Some(pod), Some(scc)) = (ctx.pod, check.sccs.get(&check.scc)) else {
        return outcome(false, Vec::new());
    };
    let spec = pod.spec.node.to_json();
    let meta = pod.metadata_or_parent();
    let meta_json = match &meta {
        Ok(m) => m.node.to_json(),
        Err(_) => Json::Null,
    };
    let ns = check.allocation(ctx);
    let refused = openshift::refusals(scc, &ns, &spec, &meta_json, &check.safe_sysctls);
    if refused.is_empty() {
        return outcome(false, Vec::new());
    }
    let admission = openshift::admission(&check.sccs, &ns, &spec, &meta_json, &check.safe_sysctls);
    let admitted_by = admission
        .least_privileged
        .unwrap_or_else(|| "none of the SCCs".to_string());
    let mut witnesses = Vec::new();
    for r in refused {
        let path = segs(&r.steps);
        let mut w = match r.base {
            Base::Spec => witness_at(pod.spec.clone(), path),
            Base::Metadata => match &meta {
                Ok(m) => witness_at(m.clone(), path),
                Err((parent, keys)) => {
                    let mut all: Vec<Seg> =
                        keys.iter().map(|k| Seg::Key((*k).to_string())).collect();
                    all.extend(path);
                    witness_at(parent.clone(), all)
                }
            },
        };
        if r.base == Base::Spec {
            w.container = container_of(&r.steps);
        }
        w.detail = Some(Rc::new(Detail {
            reason: format!("{}: {}", field_text(r.base, &r.steps), r.reason),
            scc: admitted_by.clone(),
        }));
        witnesses.push(w);
    }
    outcome(true, witnesses)
}

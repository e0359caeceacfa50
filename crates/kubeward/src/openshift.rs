//! OpenShift SecurityContextConstraints (SCC) admission, evaluated offline: which SCC of a
//! list admits a pod on CREATE, and what each SCC refuses.
//!
//! The model follows OpenShift's admission code (`openshift/apiserver-library-go`,
//! `pkg/securitycontextconstraints`): SCCs are defaulted as the API server stores them,
//! ordered by priority, then restriction points, then name; each SCC first fills the
//! pod's unset fields (user, groups, SELinux level, seccomp profile, capabilities,
//! privilege escalation) and then validates the result. Values that the SCC leaves to the
//! namespace (UID range, MCS level, groups) come from the namespace's
//! `openshift.io/sa.scc.*` annotations ([`Allocation`]). Who may use which SCC (users,
//! groups, RBAC) is not modelled: every SCC counts as usable.
//!
//! The policy language reaches this through the `sccRefuses` condition; the functions
//! here are public so that tests and tools can compare with OpenShift directly.

use std::collections::BTreeSet;

use serde_json::Value as Json;

/// A run-as-user strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UserStrategy {
    MustRunAs(i64),
    /// `None`: the namespace's UID range.
    Range(Option<(i64, i64)>),
    NonRoot,
    Any,
}

/// A group strategy (`fsGroup`, `supplementalGroups`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum GroupStrategy {
    Any,
    /// Empty: the namespace's groups.
    MustRunAs(Vec<(i64, i64)>),
}

/// The SELinux strategy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct SeLinux {
    must_run_as: bool,
    user: String,
    role: String,
    type_: String,
    level: String,
}

/// One SecurityContextConstraints object, defaulted as the API server stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scc {
    name: String,
    priority: i64,
    privileged: bool,
    host_network: bool,
    host_ports: bool,
    host_pid: bool,
    host_ipc: bool,
    read_only_root: bool,
    allow_escalation: bool,
    default_allow_escalation: Option<bool>,
    allowed_caps: Vec<String>,
    default_add: Vec<String>,
    required_drop: Vec<String>,
    run_as_user: UserStrategy,
    selinux: SeLinux,
    fs_group: GroupStrategy,
    supplemental: GroupStrategy,
    seccomp: Vec<String>,
    volumes: BTreeSet<String>,
    flex_drivers: Vec<String>,
    unsafe_sysctls: Vec<String>,
    forbidden_sysctls: Vec<String>,
    require_user_namespace: bool,
}

/// Every volume type an SCC can name (`*` stands for all of them but `hostPath` unless
/// `allowHostDirVolumePlugin`).
const ALL_VOLUME_TYPES: &[&str] = &[
    "hostPath",
    "azureFile",
    "flocker",
    "flexVolume",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephFS",
    "downwardAPI",
    "fc",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// A pod volume's source keys in the order Kubernetes' conversion picks the type, with the
/// SCC volume type each one is.
const VOLUME_SOURCES: &[(&str, &str)] = &[
    ("hostPath", "hostPath"),
    ("emptyDir", "emptyDir"),
    ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"),
    ("gitRepo", "gitRepo"),
    ("secret", "secret"),
    ("nfs", "nfs"),
    ("iscsi", "iscsi"),
    ("glusterfs", "glusterfs"),
    ("persistentVolumeClaim", "persistentVolumeClaim"),
    ("rbd", "rbd"),
    ("flexVolume", "flexVolume"),
    ("cinder", "cinder"),
    ("cephfs", "cephFS"),
    ("flocker", "flocker"),
    ("downwardAPI", "downwardAPI"),
    ("fc", "fc"),
    ("azureFile", "azureFile"),
    ("configMap", "configMap"),
    ("vsphereVolume", "vsphereVolume"),
    ("quobyte", "quobyte"),
    ("azureDisk", "azureDisk"),
    ("photonPersistentDisk", "photonPersistentDisk"),
    ("projected", "projected"),
    ("portworxVolume", "portworxVolume"),
    ("scaleIO", "scaleIO"),
    ("storageos", "storageos"),
    ("csi", "csi"),
    ("ephemeral", "ephemeral"),
    ("image", "image"),
];

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn flag(v: &Json, key: &str) -> bool {
    v.get(key).and_then(Json::as_bool).unwrap_or(false)
}

fn ranges(v: Option<&Json>) -> Result<Vec<(i64, i64)>, String> {
    let mut out = Vec::new();
    for r in v.and_then(Json::as_array).into_iter().flatten() {
        let min = r.get("min").and_then(Json::as_i64);
        let max = r.get("max").and_then(Json::as_i64);
        match (min, max) {
            (Some(a), Some(b)) => out.push((a, b)),
            _ => return Err("a range needs integer `min` and `max`".to_string()),
        }
    }
    Ok(out)
}

fn groups(v: Option<&Json>, what: &str) -> Result<GroupStrategy, String> {
    match v.and_then(|g| g.get("type")).and_then(Json::as_str) {
        None | Some("" | "RunAsAny") => Ok(GroupStrategy::Any),
        Some("MustRunAs") => Ok(GroupStrategy::MustRunAs(ranges(
            v.and_then(|g| g.get("ranges")),
        )?)),
        Some(other) => Err(format!("unknown {what} strategy `{other}`")),
    }
}

impl Scc {
    /// Reads one SCC (a `SecurityContextConstraints` object, as `oc get scc -o yaml` shows
    /// it) and applies the API server's defaults.
    ///
    /// # Errors
    /// A message when a strategy is unknown or a field has the wrong shape.
    pub fn from_json(v: &Json) -> Result<Scc, String> {
        let name = v
            .pointer("/metadata/name")
            .and_then(Json::as_str)
            .ok_or("an SCC needs `metadata.name`")?
            .to_string();
        let ctx = |e: String| format!("SCC {name}: {e}");
        let user = v.get("runAsUser");
        let run_as_user = match user.and_then(|u| u.get("type")).and_then(Json::as_str) {
            Some("MustRunAs") => UserStrategy::MustRunAs(
                user.and_then(|u| u.get("uid"))
                    .and_then(Json::as_i64)
                    .ok_or_else(|| ctx("MustRunAs needs `runAsUser.uid`".to_string()))?,
            ),
            Some("MustRunAsRange") => {
                let min = user
                    .and_then(|u| u.get("uidRangeMin"))
                    .and_then(Json::as_i64);
                let max = user
                    .and_then(|u| u.get("uidRangeMax"))
                    .and_then(Json::as_i64);
                match (min, max) {
                    (None, None) => UserStrategy::Range(None),
                    (Some(a), Some(b)) => UserStrategy::Range(Some((a, b))),
                    _ => {
                        return Err(ctx(
                            "MustRunAsRange needs both uidRangeMin and uidRangeMax, or neither"
                                .to_string(),
                        ))
                    }
                }
            }
            Some("MustRunAsNonRoot") => UserStrategy::NonRoot,
            Some("RunAsAny") => UserStrategy::Any,
            other => {
                return Err(ctx(format!(
                    "unknown runAsUser strategy `{}`",
                    other.unwrap_or_default()
                )))
            }
        };
        let se = v.get("seLinuxContext");
        let opts = se.and_then(|s| s.get("seLinuxOptions"));
        let text = |k: &str| {
            opts.and_then(|o| o.get(k))
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let selinux = match se.and_then(|s| s.get("type")).and_then(Json::as_str) {
            Some("MustRunAs") => SeLinux {
                must_run_as: true,
                user: text("user"),
                role: text("role"),
                type_: text("type"),
                level: text("level"),
            },
            Some("RunAsAny") => SeLinux::default(),
            other => {
                return Err(ctx(format!(
                    "unknown seLinuxContext strategy `{}`",
                    other.unwrap_or_default()
                )))
            }
        };
        let host_dir = flag(v, "allowHostDirVolumePlugin");
        // volumes: unset is `*`, empty is `none` (or hostPath); `*` and hostPath follow
        // allowHostDirVolumePlugin
        let mut volumes: BTreeSet<String> = match v.get("volumes").and_then(Json::as_array) {
            None => ["*".to_string()].into(),
            Some(a) if a.is_empty() => {
                if host_dir {
                    ["hostPath".to_string()].into()
                } else {
                    ["none".to_string()].into()
                }
            }
            Some(_) => strings(v.get("volumes")).into_iter().collect(),
        };
        if host_dir {
            if !volumes.contains("*") {
                volumes.insert("hostPath".to_string());
            }
        } else {
            let all = volumes.remove("*");
            volumes.remove("hostPath");
            if all {
                volumes.extend(
                    ALL_VOLUME_TYPES
                        .iter()
                        .filter(|t| **t != "hostPath")
                        .map(|t| (*t).to_string()),
                );
            }
        }
        let flex_drivers = v
            .get("allowedFlexVolumes")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.get("driver").and_then(Json::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Scc {
            priority: v.get("priority").and_then(Json::as_i64).unwrap_or(0),
            privileged: flag(v, "allowPrivilegedContainer"),
            host_network: flag(v, "allowHostNetwork"),
            host_ports: flag(v, "allowHostPorts"),
            host_pid: flag(v, "allowHostPID"),
            host_ipc: flag(v, "allowHostIPC"),
            read_only_root: flag(v, "readOnlyRootFilesystem"),
            allow_escalation: v
                .get("allowPrivilegeEscalation")
                .and_then(Json::as_bool)
                .unwrap_or(true),
            default_allow_escalation: v
                .get("defaultAllowPrivilegeEscalation")
                .and_then(Json::as_bool),
            allowed_caps: strings(v.get("allowedCapabilities")),
            default_add: strings(v.get("defaultAddCapabilities")),
            required_drop: strings(v.get("requiredDropCapabilities")),
            run_as_user,
            selinux,
            fs_group: groups(v.get("fsGroup"), "fsGroup").map_err(ctx)?,
            supplemental: groups(v.get("supplementalGroups"), "supplementalGroups").map_err(ctx)?,
            seccomp: strings(v.get("seccompProfiles")),
            volumes,
            flex_drivers,
            unsafe_sysctls: strings(v.get("allowedUnsafeSysctls")),
            forbidden_sysctls: strings(v.get("forbiddenSysctls")),
            require_user_namespace: v.get("userNamespaceLevel").and_then(Json::as_str)
                == Some("RequirePodLevel"),
            name,
        })
    }

    /// The SCC's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// OpenShift's restriction points: the lower, the more restrictive.
    #[must_use]
    pub fn points(&self) -> i64 {
        let mut total = 0;
        if self.privileged {
            total += 1_600_000;
        }
        let host_volume = self.volumes.iter().any(|v| v == "hostPath" || v == "*");
        let non_trivial = self.volumes.iter().any(|v| {
            !matches!(
                v.as_str(),
                "hostPath"
                    | "*"
                    | "secret"
                    | "configMap"
                    | "emptyDir"
                    | "downwardAPI"
                    | "projected"
                    | "none"
            )
        });
        if host_volume {
            total += 200_000;
        } else if non_trivial {
            total += 100_000;
        }
        if self.host_network {
            total += 400_000;
        }
        if self.host_ports {
            total += 800_000;
        }
        let has = |list: &[String], cap: &str| list.iter().any(|c| c.to_uppercase() == cap);
        let mut caps = 5000 + 300 * i64::try_from(self.default_add.len()).unwrap_or(0);
        if has(&self.allowed_caps, "*") || has(&self.allowed_caps, "ALL") {
            caps += 4000;
        } else {
            caps += 10 * i64::try_from(self.allowed_caps.len()).unwrap_or(0);
        }
        if has(&self.required_drop, "ALL") {
            caps -= 3000;
        } else {
            caps -= 50 * i64::try_from(self.required_drop.len()).unwrap_or(0);
        }
        total += caps.clamp(0, 9999);
        total += if self.selinux.must_run_as {
            10_000
        } else {
            40_000
        };
        total += match self.run_as_user {
            UserStrategy::Any => 40_000,
            UserStrategy::NonRoot => 30_000,
            UserStrategy::Range(_) => 20_000,
            UserStrategy::MustRunAs(_) => 10_000,
        };
        total
    }
}

/// A list of SCCs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SccSet {
    sccs: Vec<Scc>,
}

impl SccSet {
    /// Reads a list of SCC objects.
    ///
    /// # Errors
    /// A message naming the first SCC that cannot be read.
    pub fn from_json(list: &Json) -> Result<SccSet, String> {
        let items = list
            .as_array()
            .ok_or("the SCCs are a list of SecurityContextConstraints objects")?;
        let sccs = items
            .iter()
            .map(Scc::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SccSet { sccs })
    }

    /// The SCC named `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Scc> {
        self.sccs.iter().find(|s| s.name == name)
    }

    /// OpenShift's admission order: priority (highest first), restriction points (lowest
    /// first), name.
    #[must_use]
    pub fn admission_order(&self) -> Vec<&Scc> {
        let mut out: Vec<&Scc> = self.sccs.iter().collect();
        out.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then(a.points().cmp(&b.points()))
                .then(a.name.cmp(&b.name))
        });
        out
    }

    /// From the least privileged: the admission order without priorities.
    #[must_use]
    pub fn least_privileged_order(&self) -> Vec<&Scc> {
        let mut out: Vec<&Scc> = self.sccs.iter().collect();
        out.sort_by(|a, b| a.points().cmp(&b.points()).then(a.name.cmp(&b.name)));
        out
    }
}

/// What a namespace's `openshift.io/sa.scc.*` annotations give the SCCs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    uid_range: Result<(i64, i64), String>,
    mcs: Result<String, String>,
    groups: Result<Vec<(i64, i64)>, String>,
}

fn parse_block(text: &str) -> Result<(i64, i64), String> {
    let bad = || format!("`{text}` is not a block (`start/size` or `start-end`)");
    let num = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
    if let Some((a, b)) = text.split_once('/') {
        let (start, size) = (num(a)?, num(b)?);
        let end = i64::from(start) + i64::from(size) - 1;
        // Go computes the end in 32 bits
        Ok((i64::from(start), end.rem_euclid(1 << 32)))
    } else if let Some((a, b)) = text.split_once('-') {
        Ok((i64::from(num(a)?), i64::from(num(b)?)))
    } else {
        Err(bad())
    }
}

impl Allocation {
    /// From the annotation values (`None`: not annotated). Supplemental groups fall back to
    /// the UID range, as in OpenShift.
    #[must_use]
    pub fn from_annotations(
        uid_range: Option<&str>,
        mcs: Option<&str>,
        supplemental_groups: Option<&str>,
    ) -> Allocation {
        let uid = match uid_range {
            None => Err("the namespace has no openshift.io/sa.scc.uid-range".to_string()),
            Some("") => Err("openshift.io/sa.scc.uid-range is empty".to_string()),
            Some(t) => parse_block(t),
        };
        let mcs = match mcs {
            None => Err("the namespace has no openshift.io/sa.scc.mcs".to_string()),
            Some("") => Err("openshift.io/sa.scc.mcs is empty".to_string()),
            Some(t) => Ok(t.to_string()),
        };
        let groups = match supplemental_groups.or(uid_range) {
            None | Some("") => Err("the namespace has no supplemental groups".to_string()),
            Some(t) => t.split(',').map(parse_block).collect(),
        };
        Allocation {
            uid_range: uid,
            mcs,
            groups,
        }
    }
}

/// Where a refused field is: from the pod spec or from the pod's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The pod spec (`spec` of a Pod, `spec.template.spec` of a Deployment...).
    Spec,
    /// The pod's metadata (annotations).
    Metadata,
}

/// A step of a [`Refusal`]'s location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// Something an SCC refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The field as OpenShift's error names it, without the `provider <name>: ` prefix
    /// (`containers[0].runAsUser`, `spec.volumes[1]`).
    pub field: String,
    /// Why, as OpenShift says it.
    pub reason: String,
    /// Where the offending value is (or would be, when it is missing).
    pub base: Base,
    /// The steps from `base`.
    pub steps: Vec<Step>,
}

fn key(k: &str) -> Step {
    Step::Key(k.to_string())
}

/// A pod to admit: its spec and metadata as JSON (as Kubernetes decodes them).
struct Pod<'j> {
    spec: &'j Json,
    annotations: Option<&'j serde_json::Map<String, Json>>,
}

fn get<'j>(v: Option<&'j Json>, k: &str) -> Option<&'j Json> {
    v.and_then(|v| v.get(k)).filter(|v| !v.is_null())
}

fn int(v: Option<&Json>) -> Option<i64> {
    v.and_then(|v| {
        v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e18)
                .map(|f| {
                    #[allow(clippy::cast_possible_truncation)]
                    let i = f as i64;
                    i
                })
        })
    })
}

fn boolean(v: Option<&Json>) -> Option<bool> {
    v.and_then(Json::as_bool)
}

/// The annotation form of a `seccompProfile` field.
fn seccomp_annotation(profile: &Json) -> String {
    match profile.get("type").and_then(Json::as_str) {
        Some("Unconfined") => "unconfined".to_string(),
        Some("RuntimeDefault") => "runtime/default".to_string(),
        Some("Localhost") => match profile.get("localhostProfile").and_then(Json::as_str) {
            Some(p) => format!("localhost/{p}"),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// Whether the annotation form converts to a field (unknown values do not).
fn seccomp_converts(annotation: &str) -> bool {
    matches!(
        annotation,
        "unconfined" | "runtime/default" | "docker/default"
    ) || annotation
        .strip_prefix("localhost/")
        .is_some_and(|p| !p.is_empty())
}

fn pattern_matches(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => p == name,
    })
}

fn equal_levels(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    let (Some((es, ec)), Some((as_, ac))) = (expected.split_once(':'), actual.split_once(':'))
    else {
        return false;
    };
    let mut e: Vec<&str> = ec.split(',').collect();
    let mut a: Vec<&str> = ac.split(',').collect();
    e.sort_unstable();
    a.sort_unstable();
    es == as_ && e == a
}

/// The SCC with the namespace's values filled in, or why it cannot be.
struct Resolved<'s> {
    scc: &'s Scc,
    uid: Option<(i64, i64)>,
    level: String,
    fs_groups: Vec<(i64, i64)>,
    sup_groups: Vec<(i64, i64)>,
}

fn resolve<'s>(scc: &'s Scc, ns: &Allocation) -> Result<Resolved<'s>, String> {
    let uid = match &scc.run_as_user {
        UserStrategy::Range(None) => Some(ns.uid_range.clone()?),
        UserStrategy::Range(Some(r)) => Some(*r),
        _ => None,
    };
    let level = if scc.selinux.must_run_as && scc.selinux.level.is_empty() {
        ns.mcs.clone()?
    } else {
        scc.selinux.level.clone()
    };
    let fs_groups = match &scc.fs_group {
        GroupStrategy::MustRunAs(r) if r.is_empty() => {
            let blocks = ns.groups.clone()?;
            blocks
                .first()
                .map(|b| vec![(b.0, b.0)])
                .ok_or("no supplemental group block")?
        }
        GroupStrategy::MustRunAs(r) => r.clone(),
        GroupStrategy::Any => Vec::new(),
    };
    let sup_groups = match &scc.supplemental {
        GroupStrategy::MustRunAs(r) if r.is_empty() => ns.groups.clone()?,
        GroupStrategy::MustRunAs(r) => r.clone(),
        GroupStrategy::Any => Vec::new(),
    };
    Ok(Resolved {
        scc,
        uid,
        level,
        fs_groups,
        sup_groups,
    })
}

/// A container of the pod, with where it is.
struct Container<'j> {
    list: &'static str,
    index: usize,
    item: &'j Json,
}

fn containers(spec: &Json) -> Vec<Container<'_>> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (index, item) in spec
            .get(list)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            out.push(Container { list, index, item });
        }
    }
    out
}

/// The pod-level SELinux options after mutation: `None` when unset and not generated.
#[derive(Clone)]
struct Opts {
    user: String,
    role: String,
    type_: String,
    level: String,
}

fn opts_of(v: &Json) -> Opts {
    let s = |k: &str| {
        v.get(k)
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Opts {
        user: s("user"),
        role: s("role"),
        type_: s("type"),
        level: s("level"),
    }
}

/// What the SCC named by `scc` refuses in the pod (`spec`: the pod spec, `metadata`: its
/// metadata), after filling in what it fills in on CREATE; empty when it admits the pod.
/// `safe_sysctls` are the sysctls every SCC allows.
#[must_use]
pub fn refusals(
    scc: &Scc,
    ns: &Allocation,
    spec: &Json,
    metadata: &Json,
    safe_sysctls: &[String],
) -> Vec<Refusal> {
    let pod = Pod {
        spec,
        annotations: metadata.get("annotations").and_then(Json::as_object),
    };
    match resolve(scc, ns) {
        Ok(r) => admit(&r, &pod, safe_sysctls),
        Err(reason) => vec![Refusal {
            field: "namespace".to_string(),
            reason,
            base: Base::Metadata,
            steps: Vec::new(),
        }],
    }
}

#[allow(clippy::too_many_lines)]
fn admit(r: &Resolved<'_>, pod: &Pod<'_>, safe_sysctls: &[String]) -> Vec<Refusal> {
    let scc = r.scc;
    let mut out: Vec<Refusal> = Vec::new();
    let mut refuse = |field: String, reason: String, base: Base, steps: Vec<Step>| {
        out.push(Refusal {
            field,
            reason,
            base,
            steps,
        });
    };
    let spec = pod.spec;
    let psc = get(Some(spec), "securityContext");
    let psc_steps = |k: &str| vec![key("securityContext"), key(k)];

    // pod level: supplemental groups, fsGroup, SELinux, seccomp (filled when unset)
    let sup: Option<Vec<i64>> = match get(psc, "supplementalGroups") {
        Some(v) => Some(
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|g| int(Some(g)))
                .collect(),
        ),
        None => r.sup_groups.first().map(|g| vec![g.0]),
    };
    let fs_group: Option<i64> = match get(psc, "fsGroup") {
        Some(v) => int(Some(v)),
        None => r.fs_groups.first().map(|g| g.0),
    };
    let pod_selinux: Option<Opts> = match get(psc, "seLinuxOptions") {
        Some(v) => Some(opts_of(v)),
        None if scc.selinux.must_run_as => Some(Opts {
            user: scc.selinux.user.clone(),
            role: scc.selinux.role.clone(),
            type_: scc.selinux.type_.clone(),
            level: r.level.clone(),
        }),
        None => None,
    };
    let annotation = |k: &str| -> Option<&str> {
        pod.annotations
            .and_then(|a| a.get(k))
            .and_then(Json::as_str)
    };
    const POD_SECCOMP: &str = "seccomp.security.alpha.kubernetes.io/pod";
    let pod_field_profile = get(psc, "seccompProfile");
    let generated_profile: String = match annotation(POD_SECCOMP).filter(|a| !a.is_empty()) {
        Some(a) => a.to_string(),
        None => match pod_field_profile {
            Some(p) => seccomp_annotation(p),
            None => scc
                .seccomp
                .iter()
                .find(|p| *p != "*")
                .cloned()
                .unwrap_or_default(),
        },
    };
    // after mutation: the pod annotation and the pod field
    let pod_annotation: String = if generated_profile.is_empty() {
        annotation(POD_SECCOMP).unwrap_or_default().to_string()
    } else {
        generated_profile.clone()
    };
    let pod_field: Option<String> = if generated_profile.is_empty() {
        pod_field_profile.map(seccomp_annotation)
    } else if seccomp_converts(&generated_profile) {
        Some(if generated_profile == "docker/default" {
            "runtime/default".to_string()
        } else {
            generated_profile.clone()
        })
    } else {
        None
    };
    let seccomp_where = |container_annotation: Option<&str>| -> (Base, Vec<Step>) {
        if let Some(k) = container_annotation {
            return (Base::Metadata, vec![key("annotations"), key(k)]);
        }
        if annotation(POD_SECCOMP).is_some() {
            (Base::Metadata, vec![key("annotations"), key(POD_SECCOMP)])
        } else {
            (Base::Spec, psc_steps("seccompProfile"))
        }
    };

    // validate the pod
    let in_ranges = |g: i64, rs: &[(i64, i64)]| rs.iter().any(|(a, b)| g >= *a && g <= *b);
    if let GroupStrategy::MustRunAs(_) = scc.fs_group {
        let groups: Vec<i64> = fs_group.into_iter().collect();
        if groups.is_empty() {
            refuse(
                "spec.securityContext.fsGroup".into(),
                "unable to validate empty groups against required ranges".into(),
                Base::Spec,
                psc_steps("fsGroup"),
            );
        }
        for g in groups {
            if !in_ranges(g, &r.fs_groups) {
                refuse(
                    "spec.securityContext.fsGroup".into(),
                    format!("{g} is not an allowed group"),
                    Base::Spec,
                    psc_steps("fsGroup"),
                );
            }
        }
    }
    if let GroupStrategy::MustRunAs(_) = scc.supplemental {
        let groups = sup.clone().unwrap_or_default();
        if groups.is_empty() {
            refuse(
                "spec.securityContext.supplementalGroups".into(),
                "unable to validate empty groups against required ranges".into(),
                Base::Spec,
                psc_steps("supplementalGroups"),
            );
        }
        for g in groups {
            if !in_ranges(g, &r.sup_groups) {
                refuse(
                    "spec.securityContext.supplementalGroups".into(),
                    format!("{g} is not an allowed group"),
                    Base::Spec,
                    psc_steps("supplementalGroups"),
                );
            }
        }
    }
    let check_profile = |profile: &str| -> Option<String> {
        let any = scc.seccomp.iter().any(|p| p == "*");
        let allowed: Vec<&String> = scc.seccomp.iter().filter(|p| *p != "*").collect();
        if !any && allowed.is_empty() && !profile.is_empty() {
            return Some("seccomp may not be set".into());
        }
        if any || (allowed.is_empty() && profile.is_empty()) {
            return None;
        }
        let runtime_default = allowed
            .iter()
            .any(|p| *p == "runtime/default" || *p == "docker/default");
        let ok = allowed.iter().any(|p| *p == profile)
            || (runtime_default && (profile == "runtime/default" || profile == "docker/default"));
        if ok {
            None
        } else {
            Some(format!(
                "{profile} is not an allowed seccomp profile. Valid values are [{}]",
                allowed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ))
        }
    };
    let pod_profile = if pod_annotation.is_empty() {
        pod_field.clone().unwrap_or_default()
    } else {
        pod_annotation.clone()
    };
    if let Some(reason) = check_profile(&pod_profile) {
        let (base, steps) = seccomp_where(None);
        refuse(
            format!("pod.metadata.annotations[{POD_SECCOMP}]"),
            reason,
            base,
            steps,
        );
    }
    let selinux_check = |opts: Option<&Opts>, field: &str| -> Vec<(String, String, &'static str)> {
        if !scc.selinux.must_run_as {
            return Vec::new();
        }
        let Some(o) = opts else {
            return vec![(field.to_string(), "Required value".into(), "")];
        };
        let mut errs = Vec::new();
        if !equal_levels(&r.level, &o.level) {
            errs.push((
                format!("{field}.level"),
                format!("must be {}", r.level),
                "level",
            ));
        }
        if o.role != scc.selinux.role {
            errs.push((format!("{field}.role"), must_be(&scc.selinux.role), "role"));
        }
        if o.type_ != scc.selinux.type_ {
            errs.push((format!("{field}.type"), must_be(&scc.selinux.type_), "type"));
        }
        if o.user != scc.selinux.user {
            errs.push((format!("{field}.user"), must_be(&scc.selinux.user), "user"));
        }
        errs
    };
    for (field, reason, sub) in
        selinux_check(pod_selinux.as_ref(), "spec.securityContext.seLinuxOptions")
    {
        let mut steps = psc_steps("seLinuxOptions");
        if !sub.is_empty() {
            steps.push(key(sub));
        }
        refuse(field, reason, Base::Spec, steps);
    }
    let host_network = boolean(get(Some(spec), "hostNetwork")) == Some(true);
    let host_pid = boolean(get(Some(spec), "hostPID")) == Some(true);
    let host_ipc = boolean(get(Some(spec), "hostIPC")) == Some(true);
    let hosts = [
        (
            host_network,
            scc.host_network,
            "hostNetwork",
            "Host network",
        ),
        (host_pid, scc.host_pid, "hostPID", "Host PID"),
        (host_ipc, scc.host_ipc, "hostIPC", "Host IPC"),
    ];
    for (used, allowed, name, what) in hosts {
        if used && !allowed {
            refuse(
                format!("spec.securityContext.{name}"),
                format!("{what} is not allowed to be used"),
                Base::Spec,
                vec![key(name)],
            );
        }
    }
    if scc.require_user_namespace && boolean(get(Some(spec), "hostUsers")) != Some(false) {
        refuse(
            "spec.securityContext.hostUsers".into(),
            "Host Users must be set to false".into(),
            Base::Spec,
            vec![key("hostUsers")],
        );
    }
    for (i, s) in get(psc, "sysctls")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = s.get("name").and_then(Json::as_str).unwrap_or_default();
        let reason = if pattern_matches(&scc.forbidden_sysctls, name) {
            Some(format!("sysctl {name:?} is not allowed"))
        } else if safe_sysctls.iter().any(|x| x == name)
            || pattern_matches(&scc.unsafe_sysctls, name)
        {
            None
        } else {
            Some(format!("unsafe sysctl {name:?} is not allowed"))
        };
        if let Some(reason) = reason {
            refuse(
                format!("pod.spec.securityContext.sysctls[{i}]"),
                reason,
                Base::Spec,
                vec![key("securityContext"), key("sysctls"), Step::Index(i)],
            );
        }
    }
    let volumes: Vec<&Json> = get(Some(spec), "volumes")
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let volume_type = |v: &Json| -> (&'static str, &'static str) {
        VOLUME_SOURCES
            .iter()
            .find(|(k, _)| get(Some(v), k).is_some())
            .copied()
            // a volume without a source is an emptyDir (Kubernetes' default)
            .unwrap_or(("emptyDir", "emptyDir"))
    };
    if !volumes.is_empty() && !scc.volumes.contains("*") {
        for (i, v) in volumes.iter().enumerate() {
            let (source, fs) = volume_type(v);
            let token_only = fs == "projected"
                && scc.volumes.contains("secret")
                && only_token_sources(get(Some(v), "projected"));
            if !scc.volumes.contains(fs) && !token_only {
                let mut steps = vec![key("volumes"), Step::Index(i)];
                if get(Some(v), source).is_some() {
                    steps.push(key(source));
                }
                refuse(
                    format!("spec.volumes[{i}]"),
                    format!("{fs} volumes are not allowed to be used"),
                    Base::Spec,
                    steps,
                );
            }
        }
    }
    if !volumes.is_empty()
        && !scc.flex_drivers.is_empty()
        && (scc.volumes.contains("*") || scc.volumes.contains("flexVolume"))
    {
        for (i, v) in volumes.iter().enumerate() {
            let Some(flex) = get(Some(v), "flexVolume") else {
                continue;
            };
            let driver = flex
                .get("driver")
                .and_then(Json::as_str)
                .unwrap_or_default();
            if !scc.flex_drivers.iter().any(|d| d == driver) {
                refuse(
                    format!("spec.securityContext.volumes[{i}].driver"),
                    "Flexvolume driver is not allowed to be used".into(),
                    Base::Spec,
                    vec![
                        key("volumes"),
                        Step::Index(i),
                        key("flexVolume"),
                        key("driver"),
                    ],
                );
            }
        }
    }

    // containers: fill in, then validate
    let all = containers(spec);
    for c in &all {
        let cpath = format!("{}[{}]", c.list, c.index);
        let csteps = || vec![key(c.list), Step::Index(c.index)];
        let csc = get(Some(c.item), "securityContext");
        // where an effective field lives: the container's, else the pod's, else missing on
        // the container
        let eff_steps = |k: &str| -> Vec<Step> {
            if get(csc, k).is_some() || get(psc, k).is_none() {
                let mut s = csteps();
                s.push(key("securityContext"));
                s.push(key(k));
                s
            } else {
                psc_steps(k)
            }
        };
        let own_steps = |k: &[&str]| -> Vec<Step> {
            let mut s = csteps();
            s.push(key("securityContext"));
            s.extend(k.iter().map(|k| key(k)));
            s
        };
        let explicit_uid = get(csc, "runAsUser").or_else(|| get(psc, "runAsUser"));
        let run_as_user: Option<i64> = match explicit_uid {
            Some(v) => int(Some(v)),
            None => match &scc.run_as_user {
                UserStrategy::Range(_) => r.uid.map(|u| u.0),
                UserStrategy::MustRunAs(uid) => Some(*uid),
                _ => None,
            },
        };
        let non_root: Option<bool> =
            match boolean(get(csc, "runAsNonRoot")).or_else(|| boolean(get(psc, "runAsNonRoot"))) {
                Some(b) => Some(b),
                None => match run_as_user {
                    None if scc.run_as_user == UserStrategy::NonRoot => Some(true),
                    Some(u) if u > 0 => Some(true),
                    _ => None,
                },
            };
        let name = c
            .item
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or_default();
        // run as user
        match &scc.run_as_user {
            UserStrategy::Range(_) => match run_as_user {
                None => refuse(
                    format!("{cpath}.runAsUser"),
                    "Required value".into(),
                    Base::Spec,
                    eff_steps("runAsUser"),
                ),
                Some(u) => {
                    if let Some((a, b)) = r.uid {
                        if u < a || u > b {
                            refuse(
                                format!("{cpath}.runAsUser"),
                                format!("must be in the ranges: [{a}, {b}]"),
                                Base::Spec,
                                eff_steps("runAsUser"),
                            );
                        }
                    }
                }
            },
            UserStrategy::MustRunAs(uid) => match run_as_user {
                None => refuse(
                    format!("{cpath}.runAsUser"),
                    "Required value".into(),
                    Base::Spec,
                    eff_steps("runAsUser"),
                ),
                Some(u) if u != *uid => refuse(
                    format!("{cpath}.runAsUser"),
                    format!("must be: {uid}"),
                    Base::Spec,
                    eff_steps("runAsUser"),
                ),
                Some(_) => {}
            },
            UserStrategy::NonRoot => {
                // unset both ways, or explicitly false
                if (non_root.is_none() && run_as_user.is_none()) || non_root == Some(false) {
                    refuse(
                        format!("{cpath}.runAsNonRoot"),
                        "must be true".into(),
                        Base::Spec,
                        eff_steps("runAsNonRoot"),
                    );
                } else if run_as_user == Some(0) {
                    refuse(
                        format!("{cpath}.runAsUser"),
                        "running with the root UID is forbidden".into(),
                        Base::Spec,
                        eff_steps("runAsUser"),
                    );
                }
            }
            UserStrategy::Any => {}
        }
        // SELinux: the container's, else the pod's (as filled in), else generated
        let c_selinux: Option<Opts> = match get(csc, "seLinuxOptions") {
            Some(v) => Some(opts_of(v)),
            None => pod_selinux.clone().or_else(|| {
                scc.selinux.must_run_as.then(|| Opts {
                    user: scc.selinux.user.clone(),
                    role: scc.selinux.role.clone(),
                    type_: scc.selinux.type_.clone(),
                    level: r.level.clone(),
                })
            }),
        };
        for (field, reason, sub) in
            selinux_check(c_selinux.as_ref(), &format!("{cpath}.seLinuxOptions"))
        {
            let mut steps = eff_steps("seLinuxOptions");
            if !sub.is_empty() {
                steps.push(key(sub));
            }
            refuse(field, reason, Base::Spec, steps);
        }
        // seccomp
        let ckey = format!("container.seccomp.security.alpha.kubernetes.io/{name}");
        let c_annotation = annotation(&ckey);
        let c_field: Option<String> = match c_annotation {
            Some(a) => seccomp_converts(a).then(|| {
                if a == "docker/default" {
                    "runtime/default".to_string()
                } else {
                    a.to_string()
                }
            }),
            None => get(csc, "seccompProfile").map(seccomp_annotation),
        };
        let c_profile = match (&c_field, c_annotation) {
            (Some(f), _) => f.clone(),
            (None, Some(a)) => a.to_string(),
            (None, None) => match &pod_field {
                Some(f) => f.clone(),
                None => pod_annotation.clone(),
            },
        };
        if let Some(reason) = check_profile(&c_profile) {
            let (base, steps) = if c_annotation.is_some() {
                seccomp_where(Some(&ckey))
            } else if get(csc, "seccompProfile").is_some() {
                (Base::Spec, own_steps(&["seccompProfile"]))
            } else {
                seccomp_where(None)
            };
            refuse(
                format!("pod.metadata.annotations[{ckey}]"),
                reason,
                base,
                steps,
            );
        }
        // privileged
        let privileged = boolean(get(csc, "privileged")) == Some(true);
        if privileged && !scc.privileged {
            refuse(
                format!("{cpath}.privileged"),
                "Privileged containers are not allowed".into(),
                Base::Spec,
                own_steps(&["privileged"]),
            );
        }
        // capabilities: filled in, then validated
        let caps = get(csc, "capabilities");
        let c_add: BTreeSet<String> = strings(get(caps, "add")).into_iter().collect();
        let c_drop: BTreeSet<String> = strings(get(caps, "drop")).into_iter().collect();
        let default_add: BTreeSet<String> = scc
            .default_add
            .iter()
            .filter(|c| !c_drop.contains(*c))
            .cloned()
            .collect();
        let combined_add: BTreeSet<String> = default_add.union(&c_add).cloned().collect();
        let combined_drop: BTreeSet<String> = scc
            .required_drop
            .iter()
            .cloned()
            .chain(c_drop.iter().cloned())
            .collect();
        let unchanged = combined_add.len() == c_add.len() && combined_drop.len() == c_drop.len();
        // (add list as written, drop set); None: no capabilities at all
        let final_caps: Option<(Vec<String>, BTreeSet<String>)> = if unchanged {
            caps.map(|_| (strings(get(caps, "add")), c_drop.clone()))
        } else {
            Some((
                combined_add.iter().cloned().collect(),
                combined_drop.clone(),
            ))
        };
        match &final_caps {
            None => {
                if !scc.default_add.is_empty() || !scc.required_drop.is_empty() {
                    refuse(
                        format!("{cpath}.capabilities"),
                        "required capabilities are not set on the securityContext".into(),
                        Base::Spec,
                        own_steps(&["capabilities"]),
                    );
                }
            }
            Some((add, drop)) => {
                if !scc.allowed_caps.iter().any(|c| c == "*") {
                    for (j, cap) in add.iter().enumerate() {
                        if !scc.default_add.contains(cap) && !scc.allowed_caps.contains(cap) {
                            let pos = strings(get(caps, "add"))
                                .iter()
                                .position(|c| c == cap)
                                .unwrap_or(j);
                            refuse(
                                format!("{cpath}.capabilities.add"),
                                format!("{cap} may not be added"),
                                Base::Spec,
                                {
                                    let mut s = own_steps(&["capabilities", "add"]);
                                    s.push(Step::Index(pos));
                                    s
                                },
                            );
                        }
                    }
                    for d in &scc.required_drop {
                        if !drop.contains(d) {
                            refuse(
                                format!("{cpath}.capabilities.drop"),
                                format!("{d} is required to be dropped but was not found"),
                                Base::Spec,
                                own_steps(&["capabilities", "drop"]),
                            );
                        }
                    }
                }
            }
        }
        if host_network && !scc.host_network {
            refuse(
                format!("{cpath}.hostNetwork"),
                "Host network is not allowed to be used".into(),
                Base::Spec,
                vec![key("hostNetwork")],
            );
        }
        if !scc.host_ports {
            for other in &all {
                let ports = get(Some(other.item), "ports")
                    .and_then(Json::as_array)
                    .map(|a| a.iter().collect::<Vec<_>>())
                    .unwrap_or_default();
                for (pi, p) in ports.iter().enumerate() {
                    let explicit = int(get(Some(p), "hostPort")).filter(|h| *h != 0);
                    // under hostNetwork, Kubernetes defaults hostPort to containerPort
                    // (init and regular containers)
                    let defaulted = (host_network && other.list != "ephemeralContainers")
                        .then(|| int(get(Some(p), "containerPort")))
                        .flatten();
                    let port = explicit.or(defaulted);
                    if port.is_some_and(|h| h > 0) {
                        let mut steps = vec![key(other.list), Step::Index(other.index)];
                        steps.push(key("ports"));
                        steps.push(Step::Index(pi));
                        steps.push(key(if explicit.is_some() {
                            "hostPort"
                        } else {
                            "containerPort"
                        }));
                        refuse(
                            format!("{cpath}.{}[{}].hostPort", other.list, other.index),
                            if explicit.is_some() {
                                "Host ports are not allowed to be used".into()
                            } else {
                                "Host ports are not allowed to be used (under hostNetwork the \
                                 hostPort defaults to the containerPort)"
                                    .into()
                            },
                            Base::Spec,
                            steps,
                        );
                    }
                }
            }
        }
        if host_pid && !scc.host_pid {
            refuse(
                format!("{cpath}.hostPID"),
                "Host PID is not allowed to be used".into(),
                Base::Spec,
                vec![key("hostPID")],
            );
        }
        if host_ipc && !scc.host_ipc {
            refuse(
                format!("{cpath}.hostIPC"),
                "Host IPC is not allowed to be used".into(),
                Base::Spec,
                vec![key("hostIPC")],
            );
        }
        if scc.read_only_root && boolean(get(csc, "readOnlyRootFilesystem")) == Some(false) {
            refuse(
                format!("{cpath}.readOnlyRootFilesystem"),
                "ReadOnlyRootFilesystem must be set to true".into(),
                Base::Spec,
                own_steps(&["readOnlyRootFilesystem"]),
            );
        }
        // privilege escalation: the SCC's default fills an unset value unless the
        // container is privileged or adds CAP_SYS_ADMIN; an SCC that forbids escalation
        // fills in false
        let sys_admin = final_caps
            .as_ref()
            .is_some_and(|(add, _)| add.iter().any(|c| c == "CAP_SYS_ADMIN"));
        let mut escalation = boolean(get(csc, "allowPrivilegeEscalation"));
        if escalation.is_none() && !privileged && !sys_admin {
            escalation = scc.default_allow_escalation;
        }
        if escalation.is_none() && !scc.allow_escalation {
            escalation = Some(false);
        }
        if !scc.allow_escalation && escalation != Some(false) {
            refuse(
                format!("{cpath}.allowPrivilegeEscalation"),
                "Allowing privilege escalation for containers is not allowed".into(),
                Base::Spec,
                own_steps(&["allowPrivilegeEscalation"]),
            );
        }
    }
    out
}

/// "must be <value>", or "must be unset" for an empty value.
fn must_be(value: &str) -> String {
    if value.is_empty() {
        "must be unset".to_string()
    } else {
        format!("must be {value}")
    }
}

/// A projected volume whose sources are only those of a bound service account token.
fn only_token_sources(projected: Option<&Json>) -> bool {
    for s in get(projected, "sources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let token = get(Some(s), "serviceAccountToken");
        let cm = get(Some(s), "configMap");
        let down = get(Some(s), "downwardAPI");
        if token.is_none() && cm.is_none() && down.is_none() {
            return false;
        }
        if let Some(t) = token {
            let path = t.get("path").and_then(Json::as_str).unwrap_or_default();
            let aud = t.get("audience").and_then(Json::as_str).unwrap_or_default();
            if path != "token" || !aud.is_empty() {
                return false;
            }
        }
        if let Some(cm) = cm {
            let items = cm.get("items").and_then(Json::as_array);
            let one = |k: &str| {
                items.is_some_and(|i| {
                    i.len() == 1
                        && i.first().is_some_and(|x| {
                            x.get("key").and_then(Json::as_str) == Some(k)
                                && x.get("path").and_then(Json::as_str) == Some(k)
                        })
                })
            };
            let ok = match cm.get("name").and_then(Json::as_str) {
                Some("kube-root-ca.crt") => one("ca.crt"),
                Some("openshift-service-ca.crt") => one("service-ca.crt"),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        if let Some(d) = down {
            for item in d
                .get("items")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let fr = item.get("fieldRef");
                let version = fr
                    .and_then(|f| f.get("apiVersion"))
                    .and_then(Json::as_str)
                    .unwrap_or("v1");
                if item.get("path").and_then(Json::as_str) != Some("namespace")
                    || fr.is_none()
                    || version != "v1"
                    || fr.and_then(|f| f.get("fieldPath")).and_then(Json::as_str)
                        != Some("metadata.namespace")
                {
                    return false;
                }
            }
        }
    }
    true
}

/// The outcome of admitting a pod against a whole list of SCCs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    /// The SCCs that admit the pod, in admission order.
    pub admits: Vec<String>,
    /// The SCC OpenShift picks when the subject may use every SCC.
    pub first: Option<String>,
    /// The least privileged SCC that admits the pod (priorities ignored).
    pub least_privileged: Option<String>,
}

/// Admits a pod against every SCC of `sccs`.
#[must_use]
pub fn admission(
    sccs: &SccSet,
    ns: &Allocation,
    spec: &Json,
    metadata: &Json,
    safe_sysctls: &[String],
) -> Admission {
    let admits: Vec<String> = sccs
        .admission_order()
        .into_iter()
        .filter(|s| refusals(s, ns, spec, metadata, safe_sysctls).is_empty())
        .map(|s| s.name.clone())
        .collect();
    let least_privileged = sccs
        .least_privileged_order()
        .into_iter()
        .find(|s| admits.contains(&s.name))
        .map(|s| s.name.clone());
    Admission {
        first: admits.first().cloned(),
        admits,
        least_privileged,
    }
}

//! The built-in objects templates see as Go structs with fields and methods: `.Chart`,
//! `.Capabilities` (with `KubeVersion`, `APIVersions`, `HelmVersion`) and `.Files`.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use super::glob;
use super::metadata::{Dependency, Maintainer, Metadata};
use crate::funcs::{Sig, Ty};
use crate::value::{MapType, Object, Value};

/// `.Capabilities.APIVersions` of Helm 3.17.3 in client-only mode (`helm template`), in
/// its order: obtained by rendering `toYaml .Capabilities.APIVersions` with that release.
pub(crate) const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The default `.Capabilities.KubeVersion` of Helm 3.17.3's release build.
pub(crate) const DEFAULT_KUBE_VERSION: (&str, &str, &str) = ("v1.32.0", "1", "32");

/// Helm 3.17.3's `.Capabilities.HelmVersion`.
const HELM_VERSION: [&str; 4] = [
    "v3.17.3",
    "e4da49785aa6e6ee2b86efd5dd9e43400318262b",
    "clean",
    "go1.23.7",
];

static STRING_ARG: Sig = Sig::fixed(&[Ty::String]);

fn str_map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// `chartutil.KubeVersion`.
#[derive(Debug, Clone)]
pub(crate) struct KubeVersion {
    pub(crate) version: String,
    pub(crate) major: String,
    pub(crate) minor: String,
}

impl Object for KubeVersion {
    fn type_name(&self) -> String {
        "chartutil.KubeVersion".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::str(match name {
            "Version" | "String" | "GitVersion" => self.version.as_str(),
            "Major" => self.major.as_str(),
            "Minor" => self.minor.as_str(),
            _ => return None,
        }))
    }
    fn format(&self) -> String {
        // Printed through its String method (the field is addressable in a template).
        self.version.clone()
    }
    fn to_data(&self) -> Value {
        str_map(vec![
            ("Version", Value::str(self.version.as_str())),
            ("Major", Value::str(self.major.as_str())),
            ("Minor", Value::str(self.minor.as_str())),
        ])
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `chartutil.VersionSet` (`.Capabilities.APIVersions`).
#[derive(Debug, Clone)]
pub(crate) struct VersionSet(pub(crate) Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        "chartutil.VersionSet".into()
    }
    fn kind(&self) -> &'static str {
        "slice"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<&'static Sig> {
        (name == "Has").then_some(&STRING_ARG)
    }
    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        match (name, args.first()) {
            ("Has", Some(Value::String(s))) => {
                Ok(Value::Bool(self.0.iter().any(|x| x == s.as_str())))
            }
            _ => Err(format!("can't call method/function {name:?}")),
        }
    }
    fn format(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn to_data(&self) -> Value {
        Value::str_list(self.0.clone())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `version.BuildInfo` (`.Capabilities.HelmVersion`).
#[derive(Debug, Clone)]
pub(crate) struct HelmVersion;

impl Object for HelmVersion {
    fn type_name(&self) -> String {
        "version.BuildInfo".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        let i = ["Version", "GitCommit", "GitTreeState", "GoVersion"]
            .iter()
            .position(|n| *n == name)?;
        HELM_VERSION.get(i).map(|s| Value::str(*s))
    }
    fn format(&self) -> String {
        format!("{{{}}}", HELM_VERSION.join(" "))
    }
    fn to_data(&self) -> Value {
        let keys = ["version", "git_commit", "git_tree_state", "go_version"];
        str_map(
            keys.iter()
                .zip(HELM_VERSION.iter())
                .map(|(k, v)| (*k, Value::str(*v)))
                .collect(),
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `*chartutil.Capabilities`.
#[derive(Clone)]
pub(crate) struct Capabilities {
    pub(crate) kube: Rc<KubeVersion>,
    pub(crate) apis: Rc<VersionSet>,
}

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*chartutil.Capabilities".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(self.kube.clone())),
            "APIVersions" => Some(Value::Object(self.apis.clone())),
            "HelmVersion" => Some(Value::Object(Rc::new(HelmVersion))),
            _ => None,
        }
    }
    fn format(&self) -> String {
        format!(
            "&{{{{{} {} {}}} {} {}}}",
            self.kube.version,
            self.kube.major,
            self.kube.minor,
            self.apis.format(),
            HelmVersion.format()
        )
    }
    fn to_data(&self) -> Value {
        str_map(vec![
            ("KubeVersion", self.kube.to_data()),
            ("APIVersions", self.apis.to_data()),
            ("HelmVersion", HelmVersion.to_data()),
        ])
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `engine.files` (`.Files`): the chart's non-template files, with Helm's methods.
#[derive(Debug, Clone, Default)]
pub(crate) struct Files {
    files: Rc<BTreeMap<String, Arc<[u8]>>>,
    /// What `fmt.Sprint` prints, once computed: charts print whole `.Files` maps (the
    /// context `$` used as a `dict` key), often several times per render.
    printed: std::cell::OnceCell<Rc<str>>,
}

/// Standard base64 with padding (Go's `base64.StdEncoding`).
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(char::from(ALPHABET[idx]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Files {
    /// The files, by path relative to the chart root.
    pub(crate) fn new(files: BTreeMap<String, Arc<[u8]>>) -> Files {
        Files {
            files: Rc::new(files),
            printed: std::cell::OnceCell::new(),
        }
    }

    fn base_name_map(&self, f: impl Fn(&[u8]) -> String) -> Value {
        let mut m = BTreeMap::new();
        for (k, v) in self.files.iter() {
            let base = k.rsplit('/').next().unwrap_or(k);
            m.insert(base.to_string(), Value::str(f(v)));
        }
        Value::Map(crate::value::Map {
            entries: Rc::new(std::cell::RefCell::new(m)),
            ty: MapType::String,
        })
    }
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }
    fn kind(&self) -> &'static str {
        "map"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "AsConfig" => Some(Value::str(crate::funcs::serial::to_yaml(
                &self.base_name_map(|v| String::from_utf8_lossy(v).into_owned()),
            ))),
            "AsSecrets" => Some(Value::str(crate::funcs::serial::to_yaml(
                &self.base_name_map(base64),
            ))),
            _ => self.files.get(name).map(|v| Value::Bytes(Rc::from(&**v))),
        }
    }
    fn method(&self, name: &str) -> Option<&'static Sig> {
        matches!(name, "Get" | "GetBytes" | "Glob" | "Lines").then_some(&STRING_ARG)
    }
    fn call(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        let arg = args.first().and_then(Value::as_str).unwrap_or("");
        match name {
            "Get" => Ok(Value::str(
                self.files
                    .get(arg)
                    .map(|v| String::from_utf8_lossy(v).into_owned())
                    .unwrap_or_default(),
            )),
            "GetBytes" => Ok(Value::Bytes(
                self.files
                    .get(arg)
                    .map_or_else(|| Rc::from(&[][..]), |v| Rc::from(&**v)),
            )),
            "Glob" => {
                let re = glob::compile(arg);
                let m = self
                    .files
                    .iter()
                    .filter(|(k, _)| re.as_ref().is_none_or(|r| r.is_match(k)))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Ok(Value::Object(Rc::new(Files::new(m))))
            }
            "Lines" => {
                let Some(data) = self.files.get(arg) else {
                    return Ok(Value::str_list(Vec::new()));
                };
                if data.is_empty() {
                    // Helm indexes the last byte of an empty file (a recovered panic).
                    return Err("runtime error: index out of range [-1]".into());
                }
                let s = String::from_utf8_lossy(data);
                let s = s.strip_suffix('\n').unwrap_or(&s);
                Ok(Value::str_list(s.split('\n').map(str::to_string).collect()))
            }
            _ => Err(format!("can't call method/function {name:?}")),
        }
    }
    fn format(&self) -> String {
        let mut out = String::new();
        self.write_format(&mut out);
        out
    }
    fn write_format(&self, out: &mut String) {
        if let Some(printed) = self.printed.get() {
            // The traversal budget is spent as printing it again would spend it.
            let _ = crate::value::budget::spend_n(self.files.len() as u64);
            out.push_str(printed);
            return;
        }
        let mut text = String::with_capacity(
            5 + self
                .files
                .iter()
                .map(|(k, v)| k.len() + 3 + v.len() * 4)
                .sum::<usize>(),
        );
        text.push_str("map[");
        for (i, (k, v)) in self.files.iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(k);
            text.push(':');
            if crate::value::budget::spend() {
                crate::value::write_go_bytes(&mut text, v);
            }
        }
        text.push(']');
        out.push_str(&text);
        if !crate::value::budget::exhausted() {
            let _ = self.printed.set(Rc::from(text));
        }
    }
    fn to_data(&self) -> Value {
        Value::map(
            self.files
                .iter()
                .map(|(k, v)| (k.clone(), Value::Bytes(Rc::from(&**v))))
                .collect(),
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Chart`: Helm 3's `struct { chart.Metadata; IsRoot bool }`.
#[derive(Debug, Clone)]
pub(crate) struct ChartObject {
    pub(crate) meta: Rc<Metadata>,
    pub(crate) is_root: bool,
}

fn maintainer_value(m: Option<&Maintainer>) -> Value {
    Value::Object(Rc::new(MaintainerObject(m.cloned())))
}

fn dependency_value(d: Option<&Dependency>) -> Value {
    Value::Object(Rc::new(DependencyObject(d.cloned())))
}

fn go_struct(fields: &[String]) -> String {
    format!("{{{}}}", fields.join(" "))
}

impl ChartObject {
    fn metadata_format(&self) -> String {
        let m = &self.meta;
        let list = |v: &[String]| format!("[{}]", v.join(" "));
        let ann = Value::Map(crate::value::Map {
            entries: Rc::new(std::cell::RefCell::new(
                m.annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
                    .collect(),
            )),
            ty: MapType::String,
        });
        let maint: Vec<String> = m
            .maintainers
            .iter()
            .map(|x| maintainer_value(x.as_ref()).to_go_string())
            .collect();
        let deps: Vec<String> = m
            .dependencies
            .iter()
            .map(|x| dependency_value(x.as_ref()).to_go_string())
            .collect();
        go_struct(&[
            m.name.clone(),
            m.home.clone(),
            list(&m.sources),
            m.version.clone(),
            m.description.clone(),
            list(&m.keywords),
            format!("[{}]", maint.join(" ")),
            m.icon.clone(),
            m.api_version.clone(),
            m.condition.clone(),
            m.tags.clone(),
            m.app_version.clone(),
            m.deprecated.to_string(),
            ann.to_go_string(),
            m.kube_version.clone(),
            format!("[{}]", deps.join(" ")),
            m.chart_type.clone(),
        ])
    }
}

impl Object for ChartObject {
    fn type_name(&self) -> String {
        "struct { chart.Metadata; IsRoot bool }".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        let m = &self.meta;
        Some(match name {
            "Name" => Value::str(m.name.as_str()),
            "Home" => Value::str(m.home.as_str()),
            "Sources" => Value::str_list(m.sources.clone()),
            "Version" => Value::str(m.version.as_str()),
            "Description" => Value::str(m.description.as_str()),
            "Keywords" => Value::str_list(m.keywords.clone()),
            "Maintainers" => Value::list(
                m.maintainers
                    .iter()
                    .map(|x| maintainer_value(x.as_ref()))
                    .collect(),
            ),
            "Icon" => Value::str(m.icon.as_str()),
            "APIVersion" => Value::str(m.api_version.as_str()),
            "Condition" => Value::str(m.condition.as_str()),
            "Tags" => Value::str(m.tags.as_str()),
            "AppVersion" => Value::str(m.app_version.as_str()),
            "Deprecated" => Value::Bool(m.deprecated),
            "Annotations" => Value::Map(crate::value::Map {
                entries: Rc::new(std::cell::RefCell::new(
                    m.annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
                        .collect(),
                )),
                ty: MapType::String,
            }),
            "KubeVersion" => Value::str(m.kube_version.as_str()),
            "Dependencies" => Value::list(
                m.dependencies
                    .iter()
                    .map(|x| dependency_value(x.as_ref()))
                    .collect(),
            ),
            "Type" => Value::str(m.chart_type.as_str()),
            "IsRoot" => Value::Bool(self.is_root),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        format!("{{{} {}}}", self.metadata_format(), self.is_root)
    }
    fn to_data(&self) -> Value {
        let m = &self.meta;
        let mut out: Vec<(&str, Value)> = Vec::new();
        let mut s = |k: &'static str, v: &str| {
            if !v.is_empty() {
                out.push((k, Value::str(v)));
            }
        };
        s("name", &m.name);
        s("home", &m.home);
        s("version", &m.version);
        s("description", &m.description);
        s("icon", &m.icon);
        s("apiVersion", &m.api_version);
        s("condition", &m.condition);
        s("tags", &m.tags);
        s("appVersion", &m.app_version);
        s("kubeVersion", &m.kube_version);
        s("type", &m.chart_type);
        if !m.sources.is_empty() {
            out.push(("sources", Value::str_list(m.sources.clone())));
        }
        if !m.keywords.is_empty() {
            out.push(("keywords", Value::str_list(m.keywords.clone())));
        }
        if !m.maintainers.is_empty() {
            out.push((
                "maintainers",
                Value::list(
                    m.maintainers
                        .iter()
                        .map(|x| maintainer_value(x.as_ref()).to_data_value())
                        .collect(),
                ),
            ));
        }
        if m.deprecated {
            out.push(("deprecated", Value::Bool(true)));
        }
        if !m.annotations.is_empty() {
            out.push((
                "annotations",
                Value::map(
                    m.annotations
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
                        .collect(),
                ),
            ));
        }
        if !m.dependencies.is_empty() {
            out.push((
                "dependencies",
                Value::list(
                    m.dependencies
                        .iter()
                        .map(|x| dependency_value(x.as_ref()).to_data_value())
                        .collect(),
                ),
            ));
        }
        out.push(("IsRoot", Value::Bool(self.is_root)));
        str_map(out)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

trait ToData {
    fn to_data_value(&self) -> Value;
}

impl ToData for Value {
    fn to_data_value(&self) -> Value {
        match self {
            Value::Object(o) => o.to_data(),
            other => other.clone(),
        }
    }
}

/// `*chart.Maintainer`.
#[derive(Debug, Clone)]
struct MaintainerObject(Option<Maintainer>);

impl Object for MaintainerObject {
    fn type_name(&self) -> String {
        "*chart.Maintainer".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let m = self.0.as_ref()?;
        Some(Value::str(match name {
            "Name" => m.name.as_str(),
            "Email" => m.email.as_str(),
            "URL" => m.url.as_str(),
            _ => return None,
        }))
    }
    fn format(&self) -> String {
        match &self.0 {
            None => "<nil>".into(),
            Some(m) => format!(
                "&{}",
                go_struct(&[m.name.clone(), m.email.clone(), m.url.clone()])
            ),
        }
    }
    fn to_data(&self) -> Value {
        let Some(m) = &self.0 else {
            return Value::Nil;
        };
        let mut out = Vec::new();
        for (k, v) in [("name", &m.name), ("email", &m.email), ("url", &m.url)] {
            if !v.is_empty() {
                out.push((k, Value::str(v.as_str())));
            }
        }
        str_map(out)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn is_nil(&self) -> bool {
        self.0.is_none()
    }
}

/// `*chart.Dependency`.
#[derive(Debug, Clone)]
struct DependencyObject(Option<Dependency>);

impl Object for DependencyObject {
    fn type_name(&self) -> String {
        "*chart.Dependency".into()
    }
    fn kind(&self) -> &'static str {
        "ptr"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let d = self.0.as_ref()?;
        Some(match name {
            "Name" => Value::str(d.name.as_str()),
            "Version" => Value::str(d.version.as_str()),
            "Repository" => Value::str(d.repository.as_str()),
            "Condition" => Value::str(d.condition.as_str()),
            "Tags" => Value::str_list(d.tags.clone()),
            "Enabled" => Value::Bool(d.enabled),
            "ImportValues" => Value::list(d.import_values.clone()),
            "Alias" => Value::str(d.alias.as_str()),
            _ => return None,
        })
    }
    fn format(&self) -> String {
        match &self.0 {
            None => "<nil>".into(),
            Some(d) => format!(
                "&{}",
                go_struct(&[
                    d.name.clone(),
                    d.version.clone(),
                    d.repository.clone(),
                    d.condition.clone(),
                    format!("[{}]", d.tags.join(" ")),
                    d.enabled.to_string(),
                    Value::list(d.import_values.clone()).to_go_string(),
                    d.alias.clone(),
                ])
            ),
        }
    }
    fn to_data(&self) -> Value {
        let Some(d) = &self.0 else {
            return Value::Nil;
        };
        let mut out = vec![
            ("name", Value::str(d.name.as_str())),
            ("repository", Value::str(d.repository.as_str())),
        ];
        for (k, v) in [
            ("version", &d.version),
            ("condition", &d.condition),
            ("alias", &d.alias),
        ] {
            if !v.is_empty() {
                out.push((k, Value::str(v.as_str())));
            }
        }
        if !d.tags.is_empty() {
            out.push(("tags", Value::str_list(d.tags.clone())));
        }
        if d.enabled {
            out.push(("enabled", Value::Bool(true)));
        }
        if !d.import_values.is_empty() {
            out.push(("import-values", Value::list(d.import_values.clone())));
        }
        str_map(out)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn is_nil(&self) -> bool {
        self.0.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Files {
        Files::new(
            list.iter()
                .map(|(k, v)| (k.to_string(), Arc::from(v.as_bytes())))
                .collect(),
        )
    }

    #[test]
    fn files_methods() {
        let f = files(&[
            ("a.txt", "x\ny\n"),
            ("dir/b.txt", "b"),
            ("dir/sub/c.md", ""),
        ]);
        let s = |v: Result<Value, String>| v.map(|v| v.to_go_string());
        assert_eq!(
            s(f.call("Get", vec![Value::str("a.txt")])),
            Ok("x\ny\n".into())
        );
        assert_eq!(
            s(f.call("Get", vec![Value::str("nope")])),
            Ok(String::new())
        );
        assert_eq!(
            s(f.call("Lines", vec![Value::str("a.txt")])),
            Ok("[x y]".into())
        );
        assert_eq!(
            s(f.call("Lines", vec![Value::str("nope")])),
            Ok("[]".into())
        );
        assert_eq!(
            s(f.call("Glob", vec![Value::str("dir/*")])),
            Ok("map[dir/b.txt:[98]]".into())
        );
        assert_eq!(
            s(f.call("Glob", vec![Value::str("**.{md,txt}")])),
            Ok("map[a.txt:[120 10 121 10] dir/b.txt:[98] dir/sub/c.md:[]]".into())
        );
        // An invalid pattern matches everything, as Helm falls back to `**`.
        assert!(f
            .call("Glob", vec![Value::str("[")])
            .is_ok_and(|v| v.to_go_string().contains("dir/sub/c.md")));
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi!"), "aGkh");
    }

    #[test]
    fn capabilities_fields() {
        let caps = Capabilities {
            kube: Rc::new(KubeVersion {
                version: "v1.32.0".into(),
                major: "1".into(),
                minor: "32".into(),
            }),
            apis: Rc::new(VersionSet(vec!["v1".into(), "apps/v1".into()])),
        };
        assert_eq!(
            caps.field("KubeVersion").map(|v| v.to_go_string()),
            Some("v1.32.0".into())
        );
        let apis = caps.apis.call("Has", vec![Value::str("apps/v1")]);
        assert!(matches!(apis, Ok(Value::Bool(true))));
        assert!(caps.field("Nope").is_none());
    }
}

//! `Chart.yaml` (and `requirements.yaml` for `apiVersion: v1`): Helm's `chart.Metadata`,
//! read as `sigs.k8s.io/yaml.Unmarshal` fills a Go struct (numbers and booleans written for
//! string fields become strings, unknown keys are ignored, keys match case-insensitively),
//! then validated as `Metadata.Validate` does.

use std::collections::BTreeMap;

use kubeward_yaml::{Node, Value as Y};

use super::semver::Version;
use crate::value::{format_float32, Value};

/// A chart maintainer (`chart.Maintainer`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Maintainer {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `url`.
    pub url: String,
}

/// A dependency declared in `Chart.yaml` (`chart.Dependency`).
#[derive(Debug, Clone, Default)]
pub struct Dependency {
    /// `name` (replaced by the alias once dependencies are processed).
    pub name: String,
    /// `version`: a semver range.
    pub version: String,
    /// `repository`.
    pub repository: String,
    /// `condition`: comma-separated values paths.
    pub condition: String,
    /// `tags`.
    pub tags: Vec<String>,
    /// `enabled` (computed from tags and conditions).
    pub enabled: bool,
    /// `import-values`, as written (strings or `{child, parent}` maps).
    pub import_values: Vec<Value>,
    /// `alias`.
    pub alias: String,
}

/// `Chart.yaml` (`chart.Metadata`).
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// `name`.
    pub name: String,
    /// `home`.
    pub home: String,
    /// `sources`.
    pub sources: Vec<String>,
    /// `version`.
    pub version: String,
    /// `description`.
    pub description: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `maintainers` (`None` for a null entry, which validation rejects).
    pub maintainers: Vec<Option<Maintainer>>,
    /// `icon`.
    pub icon: String,
    /// `apiVersion` (`v1` when absent).
    pub api_version: String,
    /// `condition`.
    pub condition: String,
    /// `tags`.
    pub tags: String,
    /// `appVersion`.
    pub app_version: String,
    /// `deprecated`.
    pub deprecated: bool,
    /// `annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `kubeVersion`: a semver constraint on the cluster version.
    pub kube_version: String,
    /// `dependencies` (`None` for a null entry, which validation rejects).
    pub dependencies: Vec<Option<Dependency>>,
    /// `type`: `application`, `library` or empty.
    pub chart_type: String,
}

/// Where `encoding/json` failed: the message after `json: `.
fn type_error(got: &str, field: &str, go_type: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {got} into Go struct field {field} of type {go_type}"
    )
}

fn kind(node: &Node) -> &'static str {
    match &node.value {
        Y::Null => "null",
        Y::Bool(_) => "bool",
        Y::Int(_) | Y::UInt(_) | Y::Float(_) => "number",
        Y::String(_) => "string",
        Y::Seq(_) => "array",
        Y::Map(_) => "object",
    }
}

/// A string field: strings as is; numbers and booleans converted as `sigs.k8s.io/yaml`
/// converts them for a string target; null leaves the field unchanged.
fn string_field(node: &Node, field: &str, out: &mut String) -> Result<(), String> {
    match &node.value {
        Y::Null => {}
        Y::String(s) => s.clone_into(out),
        Y::Bool(b) => *out = b.to_string(),
        Y::Int(i) => *out = i.to_string(),
        Y::UInt(u) => *out = u.to_string(),
        Y::Float(f) => *out = format_float32(*f),
        _ => return Err(type_error(kind(node), field, "string")),
    }
    Ok(())
}

fn string_list(node: &Node, field: &str, out: &mut Vec<String>) -> Result<(), String> {
    match &node.value {
        Y::Null => out.clear(),
        Y::Seq(items) => {
            let mut v = Vec::new();
            for item in items {
                let mut s = String::new();
                string_field(item, field, &mut s)?;
                v.push(s);
            }
            *out = v;
        }
        _ => return Err(type_error(kind(node), field, "[]string")),
    }
    Ok(())
}

fn bool_field(node: &Node, field: &str, out: &mut bool) -> Result<(), String> {
    match &node.value {
        Y::Null => {}
        Y::Bool(b) => *out = *b,
        _ => return Err(type_error(kind(node), field, "bool")),
    }
    Ok(())
}

/// Go's `encoding/json` field matching: an exact key, else a case-insensitive one.
fn fields<'a>(entries: &'a kubeward_yaml::Mapping, names: &[&str]) -> Vec<(usize, &'a Node)> {
    let mut out = Vec::new();
    for e in entries.iter() {
        if let Some(i) = names
            .iter()
            .position(|n| *n == e.key)
            .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(&e.key)))
        {
            out.push((i, &e.value));
        }
    }
    out
}

const METADATA_FIELDS: &[&str] = &[
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "apiVersion",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

impl Metadata {
    /// Fills the metadata from a YAML document, as `yaml.Unmarshal(data, &metadata)` does
    /// (fields absent from the document keep their value).
    #[cfg(test)]
    pub(crate) fn apply_yaml(&mut self, data: &[u8]) -> Result<(), String> {
        match Self::decode(data)? {
            None => Ok(()),
            Some(node) => self.apply_node(&node),
        }
    }

    /// The YAML document of a `Chart.yaml` (`None` when the file holds no document).
    pub(crate) fn decode(data: &[u8]) -> Result<Option<Node>, String> {
        kubeward_yaml::decode_document(data)
            .map_err(|e| format!("error converting YAML to JSON: {}", e.message))
    }

    /// [`Metadata::apply_yaml`] on an already decoded document.
    pub(crate) fn apply_node(&mut self, node: &Node) -> Result<(), String> {
        let map = match &node.value {
            Y::Map(m) => m,
            Y::Null => return Ok(()),
            _ => {
                return Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type chart.Metadata",
                    kind(node)
                ))
            }
        };
        for (i, v) in fields(map, METADATA_FIELDS) {
            let f = |n: &str| format!("Metadata.{n}");
            match i {
                0 => string_field(v, &f("name"), &mut self.name)?,
                1 => string_field(v, &f("home"), &mut self.home)?,
                2 => string_list(v, &f("sources"), &mut self.sources)?,
                3 => string_field(v, &f("version"), &mut self.version)?,
                4 => string_field(v, &f("description"), &mut self.description)?,
                5 => string_list(v, &f("keywords"), &mut self.keywords)?,
                6 => self.maintainers = maintainers(v)?,
                7 => string_field(v, &f("icon"), &mut self.icon)?,
                8 => string_field(v, &f("apiVersion"), &mut self.api_version)?,
                9 => string_field(v, &f("condition"), &mut self.condition)?,
                10 => string_field(v, &f("tags"), &mut self.tags)?,
                11 => string_field(v, &f("appVersion"), &mut self.app_version)?,
                12 => bool_field(v, &f("deprecated"), &mut self.deprecated)?,
                13 => match &v.value {
                    Y::Null => self.annotations.clear(),
                    Y::Map(m) => {
                        for e in m.iter() {
                            let mut s = String::new();
                            string_field(&e.value, &f("annotations"), &mut s)?;
                            self.annotations.insert(e.key.clone(), s);
                        }
                    }
                    _ => return Err(type_error(kind(v), &f("annotations"), "map[string]string")),
                },
                14 => string_field(v, &f("kubeVersion"), &mut self.kube_version)?,
                15 => self.dependencies = dependencies(v)?,
                _ => string_field(v, &f("type"), &mut self.chart_type)?,
            }
        }
        Ok(())
    }

    /// `Metadata.Validate`: sanitises text fields and checks the required ones.
    pub(crate) fn validate(&mut self) -> Result<(), String> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        if self.api_version.is_empty() {
            return Err("validation: chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return Err("validation: chart.metadata.name is required".into());
        }
        if self.name != go_base(&self.name) {
            return Err(format!(
                "validation: chart.metadata.name {} is invalid",
                super::strvals::go_quote(&self.name)
            ));
        }
        if self.version.is_empty() {
            return Err("validation: chart.metadata.version is required".into());
        }
        if Version::parse(&self.version).is_err() {
            return Err(format!(
                "validation: chart.metadata.version {} is invalid",
                super::strvals::go_quote(&self.version)
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return Err("validation: chart.metadata.type must be application or library".into());
        }
        for m in &mut self.maintainers {
            let Some(m) = m else {
                return Err("validation: maintainers must not contain empty or null nodes".into());
            };
            for s in [&mut m.name, &mut m.email, &mut m.url] {
                *s = sanitize(s);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &mut self.dependencies {
            let Some(d) = d else {
                return Err("validation: dependencies must not contain empty or null nodes".into());
            };
            for s in [
                &mut d.name,
                &mut d.version,
                &mut d.repository,
                &mut d.condition,
            ] {
                *s = sanitize(s);
            }
            for t in &mut d.tags {
                *t = sanitize(t);
            }
            if !d.alias.is_empty()
                && !d
                    .alias
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                return Err(format!(
                    "validation: dependency {} has disallowed characters in the alias",
                    super::strvals::go_quote(&d.name)
                ));
            }
            let key = if d.alias.is_empty() {
                &d.name
            } else {
                &d.alias
            };
            if !seen.insert(key.clone()) {
                return Err(format!(
                    "validation: more than one dependency with name or alias {}",
                    super::strvals::go_quote(key)
                ));
            }
        }
        Ok(())
    }
}

/// Go's `filepath.Base` on `/` systems.
fn go_base(p: &str) -> &str {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { "." } else { "/" };
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// Helm's `sanitizeString`: white space becomes a space, non-printable characters go.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{feff}') {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

fn maintainers(node: &Node) -> Result<Vec<Option<Maintainer>>, String> {
    let items = match &node.value {
        Y::Null => return Ok(Vec::new()),
        Y::Seq(items) => items,
        _ => {
            return Err(type_error(
                kind(node),
                "Metadata.maintainers",
                "[]*chart.Maintainer",
            ))
        }
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Y::Null => out.push(None),
            Y::Map(m) => {
                let mut mt = Maintainer::default();
                for (i, v) in fields(m, &["name", "email", "url"]) {
                    let target = match i {
                        0 => &mut mt.name,
                        1 => &mut mt.email,
                        _ => &mut mt.url,
                    };
                    string_field(
                        v,
                        &format!(
                            "Metadata.maintainers.{}",
                            ["name", "email", "url"][i.min(2)]
                        ),
                        target,
                    )?;
                }
                out.push(Some(mt));
            }
            _ => {
                return Err(type_error(
                    kind(item),
                    "Metadata.maintainers",
                    "chart.Maintainer",
                ))
            }
        }
    }
    Ok(out)
}

const DEPENDENCY_FIELDS: &[&str] = &[
    "name",
    "version",
    "repository",
    "condition",
    "tags",
    "enabled",
    "import-values",
    "alias",
];

fn dependencies(node: &Node) -> Result<Vec<Option<Dependency>>, String> {
    let items = match &node.value {
        Y::Null => return Ok(Vec::new()),
        Y::Seq(items) => items,
        _ => {
            return Err(type_error(
                kind(node),
                "Metadata.dependencies",
                "[]*chart.Dependency",
            ))
        }
    };
    let mut out = Vec::new();
    for item in items {
        match &item.value {
            Y::Null => out.push(None),
            Y::Map(m) => {
                let mut d = Dependency::default();
                for (i, v) in fields(m, DEPENDENCY_FIELDS) {
                    let f = format!("Metadata.dependencies.{}", DEPENDENCY_FIELDS[i.min(7)]);
                    match i {
                        0 => string_field(v, &f, &mut d.name)?,
                        1 => string_field(v, &f, &mut d.version)?,
                        2 => string_field(v, &f, &mut d.repository)?,
                        3 => string_field(v, &f, &mut d.condition)?,
                        4 => string_list(v, &f, &mut d.tags)?,
                        5 => bool_field(v, &f, &mut d.enabled)?,
                        6 => match Value::from_yaml(v) {
                            Value::Nil => d.import_values.clear(),
                            Value::List(l) => d.import_values = l.items.borrow().clone(),
                            _ => return Err(type_error(kind(v), &f, "[]interface {}")),
                        },
                        _ => string_field(v, &f, &mut d.alias)?,
                    }
                }
                out.push(Some(d));
            }
            _ => {
                return Err(type_error(
                    kind(item),
                    "Metadata.dependencies",
                    "chart.Dependency",
                ))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_yaml_fields_convert_like_sigs_yaml() {
        let mut m = Metadata::default();
        let r = m.apply_yaml(
            b"apiVersion: v2\nname: x\nversion: 1.0\nappVersion: 1.10\nkeywords: [a, 1]\nAnnotations: {a: true}\ndeprecated: true\n",
        );
        assert_eq!(r, Ok(()));
        assert_eq!(m.version, "1");
        assert_eq!(m.app_version, "1.1");
        assert_eq!(m.keywords, vec!["a".to_string(), "1".to_string()]);
        assert_eq!(m.annotations.get("a").map(String::as_str), Some("true"));
        assert!(m.deprecated);
        assert!(m.validate().is_ok());
    }

    #[test]
    fn chart_yaml_errors() {
        let mut m = Metadata::default();
        assert_eq!(
            m.apply_yaml(b"home: [a]\n"),
            Err("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field Metadata.home of type string".into())
        );
        let mut m = Metadata {
            api_version: "v2".into(),
            name: "a/b".into(),
            version: "1.0.0".into(),
            ..Metadata::default()
        };
        assert_eq!(
            m.validate(),
            Err("validation: chart.metadata.name \"a/b\" is invalid".into())
        );
    }
}

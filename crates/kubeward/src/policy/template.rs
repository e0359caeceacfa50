//! Message templates: text with `{{variable}}` placeholders, checked when the policy loads.

use std::collections::BTreeMap;

/// A placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Var {
    ContainerName,
    ContainerType,
    ResourceKind,
    ResourceName,
    ResourceNamespace,
    ResourceApiVersion,
    /// Already resolved (parameters are fixed when the engine is built).
    Literal(String),
    Value,
    Path,
    Missing,
    Reason,
    Scc,
    DiagnosticMessage,
    DiagnosticKind,
}

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(Var),
}

/// What a template can say, for one finding.
#[derive(Debug, Default)]
pub(crate) struct Vars<'a> {
    pub container_name: Option<&'a str>,
    pub container_type: Option<&'a str>,
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: Option<&'a str>,
    pub api_version: &'a str,
    pub value: String,
    pub path: String,
    pub missing: String,
    /// What the condition says about the witness (`sccRefuses`: the refusal).
    pub reason: String,
    /// `sccRefuses`: the least privileged SCC that admits the pod.
    pub scc: String,
    pub diagnostic_message: &'a str,
    pub diagnostic_kind: &'a str,
}

/// Which placeholders a view offers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Allowed {
    pub container: bool,
    pub diagnostic: bool,
}

impl Template {
    /// Compiles `text`; `params` are the parameter values in force.
    pub(crate) fn parse(
        text: &str,
        params: &BTreeMap<String, serde_json::Value>,
        allowed: Allowed,
    ) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let (before, after) = rest.split_at(open);
            if !before.is_empty() {
                parts.push(Part::Text(before.to_string()));
            }
            let inner = after.get(2..).unwrap_or_default();
            let close = inner
                .find("}}")
                .ok_or_else(|| format!("`{{{{` without `}}}}` in message: {text:?}"))?;
            let name = inner.get(..close).unwrap_or_default().trim();
            parts.push(Part::Var(var(name, params, allowed)?));
            rest = inner.get(close + 2..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// Whether the template shows `{{missing}}`.
    pub(crate) fn mentions_missing(&self) -> bool {
        self.parts.contains(&Part::Var(Var::Missing))
    }

    /// Whether the template shows `{{value}}`.
    pub(crate) fn mentions_value(&self) -> bool {
        self.parts.contains(&Part::Var(Var::Value))
    }

    /// The message.
    pub(crate) fn render(&self, vars: &Vars<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => out.push_str(match v {
                    Var::ContainerName => vars.container_name.unwrap_or_default(),
                    Var::ContainerType => vars.container_type.unwrap_or_default(),
                    Var::ResourceKind => vars.kind,
                    Var::ResourceName => vars.name,
                    Var::ResourceNamespace => vars.namespace.unwrap_or_default(),
                    Var::ResourceApiVersion => vars.api_version,
                    Var::Literal(s) => s,
                    Var::Value => &vars.value,
                    Var::Path => &vars.path,
                    Var::Missing => &vars.missing,
                    Var::Reason => &vars.reason,
                    Var::Scc => &vars.scc,
                    Var::DiagnosticMessage => vars.diagnostic_message,
                    Var::DiagnosticKind => vars.diagnostic_kind,
                }),
            }
        }
        out
    }
}

/// Shows a JSON value in a message: strings bare, the rest as JSON.
pub(crate) fn show(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Shows a node in a message like [`show`], at any depth, cut after about `limit`
/// characters.
pub(crate) fn show_node(node: &kubeward_yaml::Node, limit: usize) -> String {
    match &node.value {
        kubeward_yaml::Value::String(s) => cut(s.clone(), limit),
        _ => cut(kubeward_yaml::to_json_prefix(node, limit), limit),
    }
}

fn cut(mut text: String, limit: usize) -> String {
    if text.chars().count() > limit {
        text = text.chars().take(limit).collect();
        text.push('…');
    }
    text
}

fn var(
    name: &str,
    params: &BTreeMap<String, serde_json::Value>,
    allowed: Allowed,
) -> Result<Var, String> {
    const KNOWN: &str = "container.name, container.type, resource.kind, resource.name, \
                         resource.namespace, resource.apiVersion, params.<name>, value, path, missing, reason, scc, \
                         diagnostic.message, diagnostic.kind";
    let v = match name {
        "container.name" | "container.type" if !allowed.container => {
            return Err(format!(
                "`{{{{{name}}}}}` is only available to container policies"
            ));
        }
        "diagnostic.message" | "diagnostic.kind" if !allowed.diagnostic => {
            return Err(format!(
                "`{{{{{name}}}}}` is only available to diagnostic policies"
            ));
        }
        "container.name" => Var::ContainerName,
        "container.type" => Var::ContainerType,
        "resource.kind" => Var::ResourceKind,
        "resource.name" => Var::ResourceName,
        "resource.namespace" => Var::ResourceNamespace,
        "resource.apiVersion" => Var::ResourceApiVersion,
        "value" => Var::Value,
        "path" => Var::Path,
        "missing" => Var::Missing,
        "reason" => Var::Reason,
        "scc" => Var::Scc,
        "diagnostic.message" => Var::DiagnosticMessage,
        "diagnostic.kind" => Var::DiagnosticKind,
        other => match other.strip_prefix("params.") {
            Some(param) => match params.get(param) {
                Some(value) => Var::Literal(show(value)),
                None => {
                    return Err(format!(
                        "`{{{{{other}}}}}`: the policy declares no parameter `{param}`"
                    ))
                }
            },
            None => {
                return Err(format!(
                    "unknown placeholder `{{{{{other}}}}}`: expected one of {KNOWN}"
                ))
            }
        },
    };
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Allowed = Allowed {
        container: true,
        diagnostic: false,
    };

    #[test]
    fn renders_placeholders() {
        let mut params = BTreeMap::new();
        params.insert("lowestPort".to_string(), serde_json::json!(1024));
        let t = Template::parse(
            "{{container.name}} in {{ resource.kind }} uses {{value}} < {{params.lowestPort}}",
            &params,
            ALL,
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let vars = Vars {
            container_name: Some("app"),
            kind: "Pod",
            value: "80".to_string(),
            ..Vars::default()
        };
        assert_eq!(t.render(&vars), "app in Pod uses 80 < 1024");
        assert!(!t.mentions_missing());
    }

    #[test]
    fn rejects_unknown_placeholders() {
        let params = BTreeMap::new();
        assert!(Template::parse("{{nope}}", &params, ALL).is_err());
        assert!(Template::parse("{{params.x}}", &params, ALL).is_err());
        assert!(Template::parse("{{value", &params, ALL).is_err());
        let no_container = Allowed {
            container: false,
            diagnostic: false,
        };
        assert!(Template::parse("{{container.name}}", &params, no_container).is_err());
    }
}

//! The flags `kubeward scan` and `kubeward render` share with `helm template`.

use std::path::PathBuf;

use clap::Args;
use kubeward::helm::chart::RenderOptions;

/// Values and release settings for charts, as `helm template` takes them.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct ChartArgs {
    /// Values file for charts (repeatable; later files win), as `helm template -f`
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    pub(crate) values: Vec<PathBuf>,

    /// Set chart values (`a.b=1,c[0]=x`; repeatable), as `helm template --set`
    #[arg(long, value_name = "KEY=VAL")]
    pub(crate) set: Vec<String>,

    /// Set chart values as strings (repeatable)
    #[arg(long, value_name = "KEY=VAL")]
    pub(crate) set_string: Vec<String>,

    /// Set a chart value to the content of a file (`key=path`; repeatable)
    #[arg(long, value_name = "KEY=PATH")]
    pub(crate) set_file: Vec<String>,

    /// Set chart values from JSON (`key=<json>`; repeatable)
    #[arg(long, value_name = "KEY=JSON")]
    pub(crate) set_json: Vec<String>,

    /// Set a chart value to a literal string (`key=text`, nothing escaped; repeatable)
    #[arg(long, value_name = "KEY=TEXT")]
    pub(crate) set_literal: Vec<String>,

    /// Release name given to charts [default: release-name]
    #[arg(long, value_name = "NAME")]
    pub(crate) release_name: Option<String>,

    /// Namespace given to charts (`.Release.Namespace`) [default: default]
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub(crate) namespace: Option<String>,

    /// Kubernetes version of the target cluster: what charts see in
    /// `.Capabilities.KubeVersion`, and the version removed API versions are checked
    /// against (e.g. v1.31.0)
    #[arg(long, value_name = "VERSION")]
    pub(crate) kube_version: Option<String>,

    /// Extra API versions charts see in `.Capabilities.APIVersions` (repeatable)
    #[arg(long, value_name = "VERSION")]
    pub(crate) api_versions: Vec<String>,
}

impl ChartArgs {
    /// The render options, with values files and `--set-file` files read; unreadable files
    /// are returned as messages.
    pub(crate) fn to_options(&self) -> Result<RenderOptions, String> {
        let mut opts = RenderOptions {
            release_name: self.release_name.clone(),
            namespace: self.namespace.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_json: self.set_json.clone(),
            set_literal: self.set_literal.clone(),
            kube_version: self.kube_version.clone(),
            api_versions: self.api_versions.clone(),
            ..RenderOptions::default()
        };
        for path in &self.values {
            let name = crate::inputs::display_name(path);
            let text = std::fs::read_to_string(path)
                .map_err(|e| crate::inputs::io_message(&format!("values file `{name}`"), &e))?;
            opts.values.push((name, text));
        }
        for arg in &self.set_file {
            for (key, path) in split_set_file(arg)? {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    crate::inputs::io_message(&format!("--set-file `{key}={path}`"), &e)
                })?;
                opts.set_file.push((key, text));
            }
        }
        Ok(opts)
    }
}

/// Splits a `--set-file` argument into `key=path` pairs at unescaped commas (Helm's
/// grammar: a backslash escapes the next character).
fn split_set_file(arg: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut current = String::new();
    let mut chars = arg.chars();
    let mut parts = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    for part in parts {
        let Some((key, path)) = split_unescaped_eq(&part) else {
            return Err(format!(
                "--set-file `{arg}`: expected key=path, as in `--set-file config=app.conf`"
            ));
        };
        pairs.push((key, path));
    }
    Ok(pairs)
}

fn split_unescaped_eq(part: &str) -> Option<(String, String)> {
    let bytes = part.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes.get(i) {
            Some(b'\\') => i += 2,
            Some(b'=') => {
                let key = part.get(..i)?.to_string();
                let path = part.get(i + 1..)?.to_string();
                return (!key.is_empty()).then_some((key, path));
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_file_pairs_split_on_unescaped_commas() {
        assert_eq!(
            split_set_file("a=x.txt,b\\,c=y.txt"),
            Ok(vec![
                ("a".to_string(), "x.txt".to_string()),
                ("b\\,c".to_string(), "y.txt".to_string())
            ])
        );
        assert!(split_set_file("novalue").is_err());
    }
}

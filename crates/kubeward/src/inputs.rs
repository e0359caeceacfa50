//! Finding inputs on the file system: files, folders (recursively), charts, standard input,
//! and policy files. Reading and scanning them is the caller's (the CLI reads in parallel
//! with a progress bar; the Python module through [`crate::Scanner`]).
//!
//! This module is the only part of the library that touches the file system, apart from
//! chart loading; evaluation never does.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::{ErrorEntry, SourceFile};

/// The name standard input gets in reports.
pub const STDIN_NAME: &str = "<stdin>";

/// One thing to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file, with the name reports use.
    File(PathBuf, String),
    /// Standard input.
    Stdin,
    /// A Helm chart: a folder with `Chart.yaml`, or a `.tgz` named on the command line.
    Chart(PathBuf, String),
    /// Something that cannot be read as a manifest, with the reason.
    Unreadable(String, String),
}

impl Input {
    /// The name reports use.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Input::File(_, name) | Input::Chart(_, name) | Input::Unreadable(name, _) => name,
            Input::Stdin => STDIN_NAME,
        }
    }
}

/// The name a path gets in reports: as given, without `./` parts, with `/` separators.
pub fn display_name(path: &Path) -> String {
    let clean: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if clean.as_os_str().is_empty() {
        ".".to_string()
    } else {
        clean.to_string_lossy().replace('\\', "/")
    }
}

/// An error about a whole file.
pub fn file_error(name: &str, message: String) -> ErrorEntry {
    ErrorEntry {
        file: name.to_string(),
        line: 0,
        column: 0,
        message,
    }
}

/// The message for an I/O error on `what`, with a hint.
#[must_use]
pub fn io_message(what: &str, err: &std::io::Error) -> String {
    let hint = match err.kind() {
        std::io::ErrorKind::NotFound => ": check the path",
        std::io::ErrorKind::PermissionDenied => ": check its permissions",
        _ => "",
    };
    format!("cannot read {what}: {err}{hint}")
}

/// Reads the file at `path` (`what` names it in messages: ``"`a.yaml`"``), refusing more than `max-input-bytes`
/// without reading past the limit (so `/dev/zero` or a huge file costs nothing).
///
/// # Errors
///
/// The file cannot be read, or is larger than the limit.
pub fn read_file(path: &Path, what: &str, limits: &crate::Limits) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| io_message(what, &e))?;
    // Sized from the file's length (when known) so that a large input is read into one
    // allocation of its size instead of a buffer doubled up to twice that.
    let expected = file.metadata().map_or(0, |m| m.len());
    read_bounded_sized(file, what, limits, expected)
}

/// Reads `reader` to its end, refusing more than `max-input-bytes` (standard input).
///
/// # Errors
///
/// The reader fails, or gives more than the limit.
pub fn read_bounded(
    reader: impl std::io::Read,
    what: &str,
    limits: &crate::Limits,
) -> Result<Vec<u8>, String> {
    read_bounded_sized(reader, what, limits, 0)
}

/// [`read_bounded`] into a buffer made for `expected` bytes (one more, so that reaching the
/// end does not grow it).
fn read_bounded_sized(
    reader: impl std::io::Read,
    what: &str,
    limits: &crate::Limits,
    expected: u64,
) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let max = limits.max_input_bytes();
    // At most 256 MiB up front: a file's reported length is a hint, not a promise.
    let capacity = usize::try_from(expected.min(max).min(256 << 20).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(what, &e))?;
    match limits.check_input_len(bytes.len() as u64) {
        Some(message) => Err(message.replace("input of ", "input of more than ")),
        None => Ok(bytes),
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// What to read for `paths`: files as given (any extension), folders searched recursively for
/// files with `extensions` in file-name order (hidden entries skipped), chart folders (with a
/// `Chart.yaml`) and `.tgz` files as charts, `-` as standard input. A file reached twice is
/// read once.
pub fn collect(paths: &[String], extensions: &[&str]) -> Vec<Input> {
    let mut walker = Walker {
        extensions,
        out: Vec::new(),
        seen: HashSet::new(),
    };
    for path in paths {
        if path == "-" {
            if !walker.out.contains(&Input::Stdin) {
                walker.out.push(Input::Stdin);
            }
            continue;
        }
        walker.visit(Path::new(path), true);
    }
    walker.out
}

struct Walker<'a> {
    extensions: &'a [&'a str],
    out: Vec<Input>,
    /// Canonical paths of files and folders already visited (duplicates, symlink loops).
    seen: HashSet<PathBuf>,
}

impl Walker<'_> {
    fn visit(&mut self, path: &Path, explicit: bool) {
        let name = display_name(path);
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                let message = io_message(&format!("`{name}`"), &err);
                self.out.push(Input::Unreadable(name, message));
                return;
            }
        };
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.seen.insert(canonical) {
            return;
        }
        if meta.is_dir() {
            if path.join("Chart.yaml").is_file() {
                self.out.push(Input::Chart(path.to_path_buf(), name));
                return;
            }
            let entries =
                match std::fs::read_dir(path).and_then(|d| d.collect::<Result<Vec<_>, _>>()) {
                    Ok(entries) => entries,
                    Err(err) => {
                        let message = io_message(&format!("folder `{name}`"), &err);
                        self.out.push(Input::Unreadable(name, message));
                        return;
                    }
                };
            let mut children: Vec<PathBuf> = entries.into_iter().map(|e| e.path()).collect();
            children.sort();
            for child in children.iter().filter(|c| !is_hidden(c)) {
                let is_dir = std::fs::metadata(child).map(|m| m.is_dir());
                // Broken links and unreadable entries are reported, never skipped.
                if matches!(is_dir, Ok(true) | Err(_)) || has_extension(child, self.extensions) {
                    self.visit(child, false);
                }
            }
        } else if explicit && (has_extension(path, &["tgz"]) || name.ends_with(".tar.gz")) {
            self.out.push(Input::Chart(path.to_path_buf(), name));
        } else {
            self.out.push(Input::File(path.to_path_buf(), name));
        }
    }
}

/// A source file that could not be read.
#[must_use]
pub fn unreadable(name: &str, message: String) -> SourceFile {
    SourceFile {
        name: name.to_string(),
        text: String::new(),
        diagnostics: Vec::new(),
        resources: Vec::new(),
        errors: vec![file_error(name, message)],
        template_map: None,
    }
}

fn is_peer_list(name: &str, text: &str) -> bool {
    name.ends_with("peers.yaml") && crate::docs::Peers::parse(name, text).is_ok()
}

/// Reads policy files (`.yaml`/`.yml`, folders recursively) as (name, text) pairs. The
/// peer-check list `peers.yaml` that sits among the built-in policies is not a policy and
/// is left out, so `--policy policies/` and `kubeward test policies/` both work.
pub fn read_policy_files(paths: &[PathBuf]) -> (Vec<(String, String)>, Vec<ErrorEntry>) {
    read_policy_files_with(paths, &crate::Limits::default())
}

/// [`read_policy_files`], refusing files larger than `max-input-bytes`.
#[must_use]
pub fn read_policy_files_with(
    paths: &[PathBuf],
    limits: &crate::Limits,
) -> (Vec<(String, String)>, Vec<ErrorEntry>) {
    let as_strings: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in collect(&as_strings, &["yaml", "yml"]) {
        match input {
            Input::File(path, name) => {
                match read_file(&path, &format!("policy `{name}`"), limits) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(text) if is_peer_list(&name, &text) => {}
                        Ok(text) => files.push((name, text)),
                        Err(_) => errors.push(file_error(
                            &name,
                            "policy file is not UTF-8 text".to_string(),
                        )),
                    },
                    Err(message) => errors.push(file_error(&name, message)),
                }
            }
            Input::Unreadable(name, message) => errors.push(file_error(&name, message)),
            Input::Chart(_, name) => errors.push(file_error(
                &name,
                "a Helm chart is not a policy file: give policy files or folders".to_string(),
            )),
            Input::Stdin => errors.push(file_error(
                STDIN_NAME,
                "policies cannot be read from standard input: give a file or folder".to_string(),
            )),
        }
    }
    (files, errors)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn display_names_drop_dot_parts() {
        assert_eq!(display_name(Path::new("./a/./b.yaml")), "a/b.yaml");
        assert_eq!(display_name(Path::new(".")), ".");
        assert_eq!(display_name(Path::new("../x.yaml")), "../x.yaml");
    }
}

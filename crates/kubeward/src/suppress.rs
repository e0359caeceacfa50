//! Suppressions: annotations, inline comments and config exemptions.
//!
//! A finding is silenced by, in this order:
//! 1. an annotation `ignore.kubeward.io/<policy-id>: <reason>` on the resource's metadata or on
//!    the metadata of its pod template (`spec.template`, `spec.jobTemplate.spec.template`);
//! 2. a comment `# kubeward:ignore <policy-id>[,<policy-id>...] <reason>` on the finding's line,
//!    or on a comment-only line of the block of comment lines right above it;
//! 3. a config exemption (by policy, resource kind/namespace/name and file, with globs), unless
//!    it has expired.
//!
//! A suppression without a reason is refused: it yields an [`ErrorEntry`] and the finding stays
//! active. Expired and unused config exemptions yield warnings.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use globset::{Glob, GlobBuilder, GlobMatcher};
use kubeward_yaml::{Node, Value};

use crate::model::{Resource, Scan, SourceFile};
use crate::report::{ErrorEntry, Finding, Suppressed};

/// The annotation prefix that silences a policy on a resource.
pub(crate) const ANNOTATION_PREFIX: &str = "ignore.kubeward.io/";

/// The directive of an inline suppression comment.
pub(crate) const COMMENT_DIRECTIVE: &str = "kubeward:ignore";

/// A calendar date (proleptic Gregorian), for exemption expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// The date, when `year`-`month`-`day` exists.
    #[must_use]
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (exactly that shape).
    #[must_use]
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return None;
        }
        let year = text[0..4].parse().ok()?;
        let month = text[5..7].parse().ok()?;
        let day = text[8..10].parse().ok()?;
        Date::new(year, month, day)
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    #[must_use]
    pub fn from_days_since_epoch(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }

    /// Days since 1970-01-01 (negative: before).
    #[must_use]
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Today in UTC, from the system clock. Not on `wasm32-unknown-unknown`, which has no
    /// clock: there, pass the date from JavaScript to [`Date::new`].
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    #[must_use]
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch(i64::try_from(secs / 86_400).unwrap_or(0))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A glob pattern (`*` stays within a path segment, `**` crosses them, `?`, `[a-z]`, `{a,b}`).
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    /// Compiles `text`; the error says what is wrong with it.
    ///
    /// # Errors
    /// When `text` is not a valid glob.
    pub fn new(text: &str) -> Result<Pattern, String> {
        let glob: Glob = GlobBuilder::new(text)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| format!("invalid glob `{text}`: {}", e.kind()))?;
        Ok(Pattern {
            text: text.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    /// The pattern as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `value` matches.
    #[must_use]
    pub fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// A config exemption: findings matching every given selector are suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemption {
    /// Policy id (glob).
    pub policy: Option<Pattern>,
    /// Resource kind (glob).
    pub kind: Option<Pattern>,
    /// Resource namespace (glob; a resource without namespace has the empty namespace).
    pub namespace: Option<Pattern>,
    /// Resource name (glob).
    pub name: Option<Pattern>,
    /// File name as reported (glob).
    pub file: Option<Pattern>,
    /// Why the findings are accepted.
    pub reason: String,
    /// Last day the exemption applies (inclusive).
    pub expires: Option<Date>,
    /// Where the exemption is written (config file name).
    pub source: String,
    /// Line of the exemption in `source`.
    pub line: u32,
}

impl Exemption {
    fn matches(&self, finding: &Finding) -> bool {
        let test = |pattern: &Option<Pattern>, value: &str| {
            pattern.as_ref().is_none_or(|p| p.matches(value))
        };
        test(&self.policy, &finding.policy)
            && test(&self.kind, &finding.resource.kind)
            && test(
                &self.namespace,
                finding.resource.namespace.as_deref().unwrap_or(""),
            )
            && test(&self.name, &finding.resource.name)
            && test(&self.file, &finding.file)
    }

    fn label(&self, index: usize) -> String {
        format!(
            "config exemption #{} ({}:{})",
            index + 1,
            self.source,
            self.line
        )
    }
}

/// The suppressions of a scan that do not live in the scanned files: config exemptions, and
/// the date against which their expiry is checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressions {
    exemptions: Vec<Exemption>,
    today: Date,
}

impl Default for Suppressions {
    /// No exemption (so no date is needed: this does not read the clock).
    fn default() -> Self {
        Suppressions::new(Vec::new(), Date::from_days_since_epoch(0))
    }
}

/// What applying suppressions to findings yields.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) active: Vec<Finding>,
    pub(crate) suppressed: Vec<Suppressed>,
    pub(crate) errors: Vec<ErrorEntry>,
    pub(crate) warnings: Vec<String>,
}

impl Suppressions {
    /// Config exemptions, checked for expiry against `today`.
    #[must_use]
    pub fn new(exemptions: Vec<Exemption>, today: Date) -> Self {
        Suppressions { exemptions, today }
    }

    /// The exemptions.
    #[must_use]
    pub fn exemptions(&self) -> &[Exemption] {
        &self.exemptions
    }

    /// Splits `findings` into active and suppressed ones; refused suppressions become errors,
    /// expired and unused exemptions warnings.
    pub(crate) fn apply(&self, scan: &Scan, findings: Vec<Finding>) -> Outcome {
        let mut out = Outcome::default();
        let files: HashMap<&str, usize> = scan
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.as_str(), i))
            .collect();
        let in_files: Vec<InFile> = scan.files.iter().map(InFile::new).collect();
        let mut refused: BTreeSet<ErrorEntry> = BTreeSet::new();
        for (file, source) in in_files.iter().zip(&scan.files) {
            let error = |line: u32, column: u32, message: &str| ErrorEntry {
                file: source.name.clone(),
                line,
                column,
                message: message.to_string(),
            };
            refused.extend(
                file.comments
                    .refused
                    .iter()
                    .map(|(l, c, m)| error(*l, *c, m)),
            );
            for annotation in file.annotations.iter().flatten() {
                if let Err(message) = &annotation.reason {
                    refused.insert(error(annotation.line, annotation.column, message));
                }
            }
        }
        let expired: Vec<bool> = self
            .exemptions
            .iter()
            .map(|e| e.expires.is_some_and(|d| d < self.today))
            .collect();
        let mut used = vec![false; self.exemptions.len()];

        for finding in findings {
            let source = files
                .get(finding.file.as_str())
                .map(|&i| (&scan.files[i], &in_files[i]));
            // (reason, where it was silenced)
            let mut silenced: Option<(String, String)> = source.and_then(|(file, found)| {
                let by_annotation = found.annotations_of(file, &finding).iter().find_map(|a| {
                    let reason = a
                        .reason
                        .as_ref()
                        .ok()
                        .filter(|_| a.policy == finding.policy)?;
                    let at = format!(
                        "annotation {ANNOTATION_PREFIX}{} at {}:{}",
                        a.policy, file.name, a.line
                    );
                    Some((reason.clone(), at))
                });
                by_annotation.or_else(|| {
                    let (line, reason) =
                        found.comments.find(finding.region.line, &finding.policy)?;
                    Some((
                        reason.to_string(),
                        format!("comment at {}:{line}", file.name),
                    ))
                })
            });
            for (i, exemption) in self.exemptions.iter().enumerate() {
                if expired[i] || !exemption.matches(&finding) {
                    continue;
                }
                used[i] = true;
                if silenced.is_none() {
                    silenced = Some((exemption.reason.clone(), exemption.label(i)));
                }
            }
            match silenced {
                Some((reason, suppressed_by)) => out.suppressed.push(Suppressed {
                    finding,
                    reason,
                    suppressed_by,
                }),
                None => out.active.push(finding),
            }
        }

        for (i, exemption) in self.exemptions.iter().enumerate() {
            if let (true, Some(date)) = (expired[i], exemption.expires) {
                out.warnings.push(format!(
                    "{} expired on {date}: it no longer applies; renew `expires` or remove it",
                    exemption.label(i)
                ));
            } else if !used[i] {
                out.warnings.push(format!(
                    "{} matched no finding: remove it",
                    exemption.label(i)
                ));
            }
        }
        out.errors = refused.into_iter().collect();
        out
    }
}

/// The suppressions written in one scanned file.
struct InFile {
    comments: FileComments,
    /// The `ignore.kubeward.io/*` annotations of each resource.
    annotations: Vec<Vec<Annotation>>,
    /// Document index → indexes of the resources of that document.
    by_document: HashMap<usize, Vec<usize>>,
}

impl InFile {
    fn new(file: &SourceFile) -> Self {
        let mut by_document: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, resource) in file.resources.iter().enumerate() {
            by_document.entry(resource.id.document).or_default().push(i);
        }
        InFile {
            comments: FileComments::new(file),
            annotations: file.resources.iter().map(annotations).collect(),
            by_document,
        }
    }

    /// The annotations of the resource a finding is about: same document, and the longest
    /// resource pointer that prefixes the finding's path (list items are resources of their
    /// own).
    fn annotations_of(&self, file: &SourceFile, finding: &Finding) -> &[Annotation] {
        let covers = |pointer: &str| {
            pointer.is_empty()
                || finding
                    .path
                    .strip_prefix(pointer)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        self.by_document
            .get(&finding.resource.document)
            .into_iter()
            .flatten()
            .filter(|&&i| covers(&file.resources[i].pointer))
            .max_by_key(|&&i| file.resources[i].pointer.len())
            .map_or(&[], |&i| self.annotations[i].as_slice())
    }
}

struct Annotation {
    policy: String,
    /// The reason, or why the annotation is refused.
    reason: Result<String, String>,
    line: u32,
    column: u32,
}

/// The `ignore.kubeward.io/*` annotations of a resource and of its pod template.
fn annotations(resource: &Resource) -> Vec<Annotation> {
    let mut out = Vec::new();
    for pointer in [
        "/metadata/annotations",
        "/spec/template/metadata/annotations",
        "/spec/jobTemplate/spec/template/metadata/annotations",
    ] {
        let Some(map) = resource.root.pointer(pointer).and_then(Node::as_map) else {
            continue;
        };
        for entry in map {
            let Some(policy) = entry.key.strip_prefix(ANNOTATION_PREFIX) else {
                continue;
            };
            let reason = match (&entry.value.value, policy.is_empty()) {
                (_, true) => Err(format!(
                    "annotation `{}` names no policy: write `{ANNOTATION_PREFIX}<policy-id>: <reason>`",
                    entry.key
                )),
                (Value::String(s), false) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                (Value::String(_), false) => Err(format!(
                    "annotation `{}` has no reason, so it is refused and {policy} stays reported: \
                     write why the finding is accepted as its value",
                    entry.key
                )),
                (_, false) => Err(format!(
                    "annotation `{}` is a {}, not a string: annotation values must be strings; \
                     quote the reason",
                    entry.key,
                    entry.value.type_name()
                )),
            };
            out.push(Annotation {
                policy: policy.to_string(),
                reason,
                line: entry.key_span.start.line,
                column: entry.key_span.start.column,
            });
        }
    }
    out
}

/// The inline suppression comments of one file.
#[derive(Default)]
struct FileComments {
    /// Accepted directives: line → (policy ids, reason).
    directives: BTreeMap<u32, (Vec<String>, String)>,
    /// Lines that hold nothing but a comment.
    comment_only: BTreeSet<u32>,
    /// Refused directives: (line, column, message).
    refused: Vec<(u32, u32, String)>,
}

impl FileComments {
    fn new(file: &SourceFile) -> FileComments {
        let mut out = FileComments::default();
        if !file.text.contains(COMMENT_DIRECTIVE) {
            return out;
        }
        let strings = string_spans(file);
        let mut offset = 0usize;
        for (index, line_text) in file.text.split_inclusive('\n').enumerate() {
            let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
            let start = offset;
            offset += line_text.len();
            let Some(hash) = comment_start(line_text, start, &strings) else {
                continue;
            };
            if line_text[..hash].trim().is_empty() {
                out.comment_only.insert(line);
            }
            let comment = line_text[hash + 1..].trim();
            let Some(rest) = comment.strip_prefix(COMMENT_DIRECTIVE) else {
                continue;
            };
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                continue; // `kubeward:ignored`, some other word
            }
            let column = u32::try_from(line_text[..hash].chars().count() + 1).unwrap_or(u32::MAX);
            let rest = rest.trim();
            let (ids, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let ids: Vec<String> = ids
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let reason = reason.trim();
            if ids.is_empty() {
                out.refused.push((
                    line,
                    column,
                    format!(
                        "`# {COMMENT_DIRECTIVE}` names no policy: write `# {COMMENT_DIRECTIVE} <policy-id> <reason>`"
                    ),
                ));
            } else if reason.is_empty() {
                out.refused.push((
                    line,
                    column,
                    format!(
                        "`# {COMMENT_DIRECTIVE} {}` has no reason, so it is refused and the finding stays \
                         reported: write why after the policy id",
                        ids.join(",")
                    ),
                ));
            } else {
                out.directives.insert(line, (ids, reason.to_string()));
            }
        }
        out
    }

    /// The directive silencing `policy` at `line`: on that line, or on the comment-only lines
    /// right above it. Returns the directive's line and reason.
    fn find(&self, line: u32, policy: &str) -> Option<(u32, &str)> {
        let hit = |l: u32| {
            self.directives
                .get(&l)
                .filter(|(ids, _)| ids.iter().any(|id| id == policy))
                .map(|(_, reason)| (l, reason.as_str()))
        };
        if let Some(found) = hit(line) {
            return Some(found);
        }
        let mut above = line.checked_sub(1)?;
        while above >= 1 && self.comment_only.contains(&above) {
            if let Some(found) = hit(above) {
                return Some(found);
            }
            above -= 1;
        }
        None
    }
}

/// Byte ranges of string scalars and keys, where a `#` is text, not a comment.
fn string_spans(file: &SourceFile) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut stack: Vec<&Node> = file.resources.iter().map(|r| &r.root).collect();
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::String(s) if s.contains('#') => {
                spans.push((node.span.start.offset, node.span.end.offset))
            }
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(map) => {
                for entry in map {
                    if entry.key.contains('#') {
                        spans.push((entry.key_span.start.offset, entry.key_span.end.offset));
                    }
                    stack.push(&entry.value);
                }
            }
            _ => {}
        }
    }
    spans
}

/// Byte index in `line` of the `#` that starts a comment: at the start of the line or after
/// whitespace (YAML's rule), and not inside a string scalar.
fn comment_start(line: &str, line_offset: usize, strings: &[(usize, usize)]) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len()).find(|&i| {
        bytes[i] == b'#'
            && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t')
            && !strings
                .iter()
                .any(|&(start, end)| start <= line_offset + i && line_offset + i < end)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::report::{Region, Severity};

    fn scan(files: &[(&str, &str)]) -> Scan {
        Scan {
            files: files
                .iter()
                .enumerate()
                .map(|(i, (name, text))| crate::model::load(name, text.as_bytes(), i))
                .collect(),
        }
    }

    /// A finding of `policy` at `line` of the first resource of `file`.
    fn finding(
        scan: &Scan,
        file: usize,
        resource: usize,
        policy: &str,
        line: u32,
        path: &str,
    ) -> Finding {
        let f = &scan.files[file];
        let r = &f.resources[resource];
        Finding {
            policy: policy.to_string(),
            title: "t".to_string(),
            severity: Severity::High,
            message: "m".to_string(),
            aliases: vec![],
            file: f.name.clone(),
            region: Region {
                line,
                column: 1,
                end_line: line,
                end_column: 2,
            },
            offsets: (0, 0),
            path: format!("{}{path}", r.pointer),
            resource: r.id.clone(),
            container: None,
            template: None,
        }
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: web
spec:
  hostNetwork: true
  containers:
  - name: app
    image: nginx
";

    #[test]
    fn dates_round_trip_and_validate() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(date("2000-03-01").days_since_epoch(), 11_017);
        for days in [-800_000, -1, 0, 59, 10_957, 11_016, 19_782, 2_932_896] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-1-01").is_none());
        assert!(Date::parse("2024-01-01 ").is_none());
        assert!(date("2024-01-31") < date("2024-02-01"));
    }

    #[test]
    fn annotation_on_resource_suppresses_with_its_reason() {
        let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    ignore.kubeward.io/KW-SEC-001: \"needs the host network\"
spec:
  hostNetwork: true
";
        let s = scan(&[("a.yaml", text)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 8, "/spec/hostNetwork");
        let g = finding(&s, 0, 0, "KW-SEC-002", 8, "/spec/hostNetwork");
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, vec![f, g]);
        assert_eq!(out.active.len(), 1);
        assert_eq!(out.active[0].policy, "KW-SEC-002");
        assert_eq!(out.suppressed.len(), 1);
        assert_eq!(out.suppressed[0].reason, "needs the host network");
        assert_eq!(
            out.suppressed[0].suppressed_by,
            "annotation ignore.kubeward.io/KW-SEC-001 at a.yaml:6"
        );
        assert!(out.errors.is_empty() && out.warnings.is_empty());
    }

    #[test]
    fn annotation_on_pod_template_suppresses() {
        let text = "apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
            ignore.kubeward.io/KW-SEC-001: debugging job
        spec:
          hostPID: true
";
        let s = scan(&[("c.yaml", text)]);
        let f = finding(
            &s,
            0,
            0,
            "KW-SEC-001",
            12,
            "/spec/jobTemplate/spec/template/spec/hostPID",
        );
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, vec![f]);
        assert!(out.active.is_empty());
        assert_eq!(
            out.suppressed[0].suppressed_by,
            "annotation ignore.kubeward.io/KW-SEC-001 at c.yaml:10"
        );
    }

    #[test]
    fn annotation_without_reason_is_refused() {
        let text = "kind: Pod
metadata:
  name: p
  annotations:
    ignore.kubeward.io/KW-SEC-001: \"  \"
    ignore.kubeward.io/KW-SEC-002: true
spec: {hostNetwork: true}
";
        let s = scan(&[("a.yaml", text)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 7, "/spec/hostNetwork");
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, vec![f]);
        assert_eq!(out.active.len(), 1, "the finding stays active");
        assert!(out.suppressed.is_empty());
        assert_eq!(out.errors.len(), 2);
        assert_eq!((out.errors[0].line, out.errors[0].column), (5, 5));
        assert!(
            out.errors[0].message.contains("has no reason"),
            "{}",
            out.errors[0].message
        );
        assert!(
            out.errors[1].message.contains("not a string"),
            "{}",
            out.errors[1].message
        );
    }

    #[test]
    fn list_items_have_their_own_annotations() {
        let text = "apiVersion: v1
kind: List
items:
- kind: Pod
  metadata: {name: a, annotations: {ignore.kubeward.io/KW-SEC-001: accepted}}
  spec: {hostNetwork: true}
- kind: Pod
  metadata: {name: b}
  spec: {hostNetwork: true}
";
        let s = scan(&[("l.yaml", text)]);
        let a = finding(&s, 0, 0, "KW-SEC-001", 6, "/spec/hostNetwork");
        let b = finding(&s, 0, 1, "KW-SEC-001", 9, "/spec/hostNetwork");
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, vec![a, b]);
        assert_eq!(out.suppressed.len(), 1);
        assert_eq!(out.suppressed[0].finding.resource.name, "a");
        assert_eq!(out.active[0].resource.name, "b");
    }

    #[test]
    fn comment_on_the_line_or_above_suppresses() {
        let text = "kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true # kubeward:ignore KW-SEC-001 the CNI agent needs it
  # kubeward:ignore KW-SEC-002,KW-SEC-003 shared PID for the debugger
  # another comment
  hostPID: true
  hostIPC: true
";
        let s = scan(&[("a.yaml", text)]);
        let findings = vec![
            finding(&s, 0, 0, "KW-SEC-001", 4, "/spec/hostNetwork"),
            finding(&s, 0, 0, "KW-SEC-003", 7, "/spec/hostPID"),
            finding(&s, 0, 0, "KW-SEC-002", 8, "/spec/hostIPC"),
            finding(&s, 0, 0, "KW-SEC-001", 5, "/spec/hostNetwork"),
        ];
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, findings);
        let by: Vec<(&str, u32, &str)> = out
            .suppressed
            .iter()
            .map(|x| {
                (
                    x.finding.policy.as_str(),
                    x.finding.region.line,
                    x.suppressed_by.as_str(),
                )
            })
            .collect();
        assert_eq!(
            by,
            vec![
                ("KW-SEC-001", 4, "comment at a.yaml:4"),
                ("KW-SEC-003", 7, "comment at a.yaml:5"),
            ]
        );
        assert_eq!(out.suppressed[0].reason, "the CNI agent needs it");
        // line 8 is not right below a comment line; line 5 is not below line 4's trailing comment
        // (line 4 holds a key, so it is not a comment-only line).
        assert_eq!(out.active.len(), 2);
    }

    #[test]
    fn comment_without_reason_is_refused() {
        let text = "kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true  # kubeward:ignore KW-SEC-001
  # kubeward:ignore
";
        let s = scan(&[("a.yaml", text)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 4, "/spec/hostNetwork");
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, vec![f]);
        assert_eq!(out.active.len(), 1);
        assert_eq!(out.errors.len(), 2);
        assert_eq!((out.errors[0].line, out.errors[0].column), (4, 22));
        assert!(out.errors[0].message.contains("no reason"));
        assert!(out.errors[1].message.contains("names no policy"));
    }

    #[test]
    fn directive_inside_a_string_is_not_a_comment() {
        let text = "kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    args: [\"echo # kubeward:ignore KW-SEC-001 sneaky\"]
    command:
    - |
      # kubeward:ignore KW-SEC-001 block scalar text
";
        let s = scan(&[("a.yaml", text)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 6, "/spec/containers/0/args");
        let g = finding(&s, 0, 0, "KW-SEC-001", 10, "/spec/containers/0");
        let out = Suppressions::new(vec![], date("2024-01-01")).apply(&s, vec![f, g]);
        assert_eq!(out.active.len(), 2, "{:?}", out.suppressed);
    }

    fn exemption(
        policy: Option<&str>,
        kind: Option<&str>,
        namespace: Option<&str>,
        file: Option<&str>,
    ) -> Exemption {
        let p = |s: Option<&str>| s.map(|s| Pattern::new(s).unwrap());
        Exemption {
            policy: p(policy),
            kind: p(kind),
            namespace: p(namespace),
            name: None,
            file: p(file),
            reason: "accepted risk".to_string(),
            expires: None,
            source: ".kubeward.yaml".to_string(),
            line: 3,
        }
    }

    #[test]
    fn config_exemptions_match_with_globs() {
        let s = scan(&[("deploy/web/a.yaml", POD), ("other.yaml", POD)]);
        let findings = vec![
            finding(&s, 0, 0, "KW-SEC-001", 7, "/spec/hostNetwork"),
            finding(&s, 1, 0, "KW-SEC-001", 7, "/spec/hostNetwork"),
            finding(&s, 0, 0, "KW-NET-004", 7, "/spec/hostNetwork"),
        ];
        let exemptions = vec![
            exemption(Some("KW-SEC-*"), Some("Pod"), Some("w*"), Some("deploy/**")),
            exemption(Some("KW-SEC-001"), Some("Deployment"), None, None),
        ];
        let out = Suppressions::new(exemptions, date("2024-01-01")).apply(&s, findings);
        assert_eq!(out.suppressed.len(), 1);
        assert_eq!(out.suppressed[0].finding.file, "deploy/web/a.yaml");
        assert_eq!(
            out.suppressed[0].suppressed_by,
            "config exemption #1 (.kubeward.yaml:3)"
        );
        assert_eq!(out.suppressed[0].reason, "accepted risk");
        assert_eq!(out.active.len(), 2);
        assert_eq!(
            out.warnings,
            vec![
                "config exemption #2 (.kubeward.yaml:3) matched no finding: remove it".to_string()
            ]
        );
    }

    #[test]
    fn file_glob_star_stays_in_one_folder() {
        let s = scan(&[("deploy/web/a.yaml", POD)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 7, "/spec/hostNetwork");
        let out = Suppressions::new(
            vec![exemption(None, None, None, Some("deploy/*.yaml"))],
            date("2024-01-01"),
        )
        .apply(&s, vec![f]);
        assert_eq!(out.active.len(), 1);
    }

    #[test]
    fn expired_exemptions_do_not_apply_and_are_warned_about() {
        let s = scan(&[("a.yaml", POD)]);
        let mut expired = exemption(Some("KW-SEC-001"), None, None, None);
        expired.expires = Some(date("2024-03-31"));
        let mut last_day = expired.clone();
        last_day.expires = Some(date("2024-04-01"));
        last_day.line = 9;

        let f = finding(&s, 0, 0, "KW-SEC-001", 7, "/spec/hostNetwork");
        let out =
            Suppressions::new(vec![expired.clone()], date("2024-04-01")).apply(&s, vec![f.clone()]);
        assert_eq!(out.active.len(), 1);
        assert_eq!(
            out.warnings,
            vec![
                "config exemption #1 (.kubeward.yaml:3) expired on 2024-03-31: it no longer applies; \
                 renew `expires` or remove it"
                    .to_string()
            ]
        );
        let out = Suppressions::new(vec![expired, last_day], date("2024-04-01")).apply(&s, vec![f]);
        assert_eq!(
            out.suppressed.len(),
            1,
            "an exemption applies through its expiry day"
        );
        assert_eq!(
            out.suppressed[0].suppressed_by,
            "config exemption #2 (.kubeward.yaml:9)"
        );
        assert_eq!(out.warnings.len(), 1);
    }

    #[test]
    fn exemption_also_covering_an_annotated_finding_counts_as_used() {
        let text = "kind: Pod
metadata: {name: p, annotations: {ignore.kubeward.io/KW-SEC-001: reason}}
spec: {hostNetwork: true}
";
        let s = scan(&[("a.yaml", text)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 3, "/spec/hostNetwork");
        let out = Suppressions::new(
            vec![exemption(Some("KW-SEC-001"), None, None, None)],
            date("2024-01-01"),
        )
        .apply(&s, vec![f]);
        assert!(out.suppressed[0].suppressed_by.starts_with("annotation"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn namespace_glob_matches_the_empty_namespace_only_with_star() {
        let text = "kind: Pod\nmetadata: {name: p}\nspec: {hostNetwork: true}\n";
        let s = scan(&[("a.yaml", text)]);
        let f = finding(&s, 0, 0, "KW-SEC-001", 3, "/spec/hostNetwork");
        let sup = |ns: &str| {
            Suppressions::new(
                vec![exemption(None, None, Some(ns), None)],
                date("2024-01-01"),
            )
            .apply(&s, vec![f.clone()])
            .suppressed
            .len()
        };
        assert_eq!(sup("*"), 1);
        assert_eq!(sup("default"), 0);
    }

    #[test]
    fn patterns_report_invalid_globs() {
        assert!(Pattern::new("a[")
            .unwrap_err()
            .contains("invalid glob `a[`"));
        let p = Pattern::new("KW-{SEC,NET}-00?").unwrap();
        assert!(p.matches("KW-NET-001") && !p.matches("KW-IMG-001"));
    }
}

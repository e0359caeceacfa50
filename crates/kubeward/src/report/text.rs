//! The `text` format: rustc-style code frames for people.
//!
//! ```text
//! critical[KW-SEC-001]: container app runs privileged
//!   --> deploy/app.yaml:11:7
//!    |
//! 11 |       privileged: true
//!    |       ^^^^^^^^^^^^^^^^
//!    |
//!    = help: set `privileged: false`
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{Finding, RenderOptions, Report, Severity};
use crate::model::SourceFile;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const GUTTER: &str = "\x1b[1;34m";
const ERROR: &str = "\x1b[1;31m";
const WARNING: &str = "\x1b[1;33m";

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => ERROR,
        Severity::Medium => WARNING,
        Severity::Low => "\x1b[1;36m",
        Severity::Info => "\x1b[1;32m",
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: &str, text: &str) -> String {
        if self.color {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// A source text split into lines once.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// Line `line` (1-based) without its line break.
    fn get(&self, line: u32) -> Option<&'a str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self
            .starts
            .get(index + 1)
            .map_or(self.text.len(), |&e| e - 1);
        let line = self.text.get(start..end)?;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// How many terminal cells `c` takes (tabs are shown as 4 spaces).
fn cell_width(c: char) -> usize {
    let u = u32::from(c);
    let zero = matches!(u, 0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x200B..=0x200F | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F
        | 0xE0100..=0xE01EF);
    let wide = matches!(u, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD);
    match c {
        '\t' => 4,
        _ if zero => 0,
        _ if wide => 2,
        _ => 1,
    }
}

/// Control characters would drive the terminal: show them as U+FFFD.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// The line as displayed (tabs expanded, controls replaced) and the underline under the
/// character columns `start..end` (1-based, end exclusive; at least one caret).
fn underline(line: &str, start: u32, end: u32) -> (String, String) {
    let mut shown = String::with_capacity(line.len());
    let mut lead = 0usize;
    let mut marked = 0usize;
    for (column, c) in (1u32..).zip(line.chars()) {
        let width = cell_width(c);
        if c == '\t' {
            shown.push_str("    ");
        } else if c.is_control() {
            shown.push('\u{FFFD}');
        } else {
            shown.push(c);
        }
        if column < start {
            lead += width;
        } else if column < end {
            marked += width;
        }
    }
    (
        shown,
        format!("{}{}", " ".repeat(lead), "^".repeat(marked.max(1))),
    )
}

struct Frame<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

fn frame(
    out: &mut String,
    p: &Painter,
    style: &str,
    source: Option<&Lines<'_>>,
    at: &Frame<'_>,
) -> usize {
    let source_line = (at.line > 0)
        .then(|| source.and_then(|s| s.get(at.line)))
        .flatten();
    let width = if source_line.is_some() {
        at.line.to_string().len()
    } else {
        1
    };
    let pad = " ".repeat(width);
    let location = if at.line > 0 {
        format!("{}:{}:{}", at.file, at.line, at.column)
    } else {
        at.file.to_string()
    };
    let _ = writeln!(
        out,
        "{pad}{} {}",
        p.paint(GUTTER, "-->"),
        sanitize(&location)
    );
    if let Some(text) = source_line {
        let end = if at.end_line == at.line {
            at.end_column
        } else {
            // The region goes on below: underline to the end of the line's content.
            u32::try_from(text.trim_end().chars().count() + 1).unwrap_or(u32::MAX)
        };
        let (shown, carets) = underline(text, at.column, end);
        let bar = p.paint(GUTTER, "|");
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(
            out,
            "{} {bar} {shown}",
            p.paint(GUTTER, &at.line.to_string())
        );
        let _ = writeln!(out, "{pad} {bar} {}", p.paint(style, &carets));
    }
    width
}

fn help_line(out: &mut String, p: &Painter, width: usize, label: &str, text: &str) {
    let pad = " ".repeat(width);
    let indent = " ".repeat(width + 5 + label.len());
    // Markdown code fences are noise in a terminal: the code stays, indented.
    let mut lines = text
        .trim_end()
        .lines()
        .filter(|l| !l.trim_start().starts_with("```"));
    let first = lines.next().unwrap_or_default();
    let _ = writeln!(
        out,
        "{pad} {} {first}",
        p.paint(BOLD, &format!("= {label}:"))
    );
    for line in lines {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn finding_block(
    out: &mut String,
    p: &Painter,
    finding: &Finding,
    fix: Option<&str>,
    source: Option<&Lines<'_>>,
) {
    let style = severity_style(finding.severity);
    let _ = writeln!(
        out,
        "{}{}",
        p.paint(
            style,
            &format!("{}[{}]", finding.severity.as_str(), finding.policy)
        ),
        p.paint(BOLD, &format!(": {}", sanitize(&finding.message)))
    );
    let width = frame(
        out,
        p,
        style,
        source,
        &Frame {
            file: &finding.file,
            line: finding.region.line,
            column: finding.region.column,
            end_line: finding.region.end_line,
            end_column: finding.region.end_column,
        },
    );
    let _ = writeln!(out, "{} {}", " ".repeat(width), p.paint(GUTTER, "|"));
    let r = &finding.resource;
    let mut note = match &r.namespace {
        Some(ns) => format!("{} {ns}/{}", r.kind, r.name),
        None => format!("{} {}", r.kind, r.name),
    };
    if let Some(container) = &finding.container {
        let _ = write!(note, ", container {container}");
    }
    if let Some(t) = &finding.template {
        let _ = write!(note, ", from {}:{} of chart {}", t.file, t.line, t.chart);
        if let Some(v) = &t.values {
            let _ = write!(note, ", value `{}`", v.path);
            if let (Some(file), Some(line)) = (&v.file, v.line) {
                let _ = write!(note, " set in {file}:{line}");
            }
        }
    }
    help_line(out, p, width, "note", &sanitize(&note));
    if let Some(fix) = fix.filter(|f| !f.trim().is_empty()) {
        help_line(out, p, width, "help", &sanitize(fix));
    }
    out.push('\n');
}

pub(super) fn render(report: &Report, options: &RenderOptions<'_>) -> String {
    let p = Painter {
        color: options.color,
    };
    let sources: HashMap<&str, Lines<'_>> = options
        .scan
        .map(|scan| {
            scan.files
                .iter()
                .map(|f: &SourceFile| (f.name.as_str(), Lines::new(&f.text)))
                .collect()
        })
        .unwrap_or_default();
    let fixes: HashMap<&str, &str> = options
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.fix.as_str()))
        .collect();
    let mut out = String::new();

    for error in &report.errors {
        let _ = writeln!(
            out,
            "{}{}",
            p.paint(ERROR, "error"),
            p.paint(BOLD, &format!(": {}", sanitize(&error.message)))
        );
        frame(
            &mut out,
            &p,
            ERROR,
            sources.get(error.file.as_str()),
            &Frame {
                file: &error.file,
                line: error.line,
                column: error.column,
                end_line: error.line,
                end_column: error.column,
            },
        );
        out.push('\n');
    }
    for finding in &report.findings {
        finding_block(
            &mut out,
            &p,
            finding,
            fixes.get(finding.policy.as_str()).copied(),
            sources.get(finding.file.as_str()),
        );
    }

    let s = &report.summary;
    let mut summary = if report.findings.is_empty() {
        "no findings".to_string()
    } else {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|sev| {
                s.by_severity
                    .get(sev.as_str())
                    .map(|n| format!("{n} {}", sev.as_str()))
            })
            .collect();
        format!(
            "{} ({})",
            plural(report.findings.len(), "finding"),
            counts.join(", ")
        )
    };
    if !report.errors.is_empty() {
        let _ = write!(summary, ", {}", plural(report.errors.len(), "error"));
    }
    let _ = write!(
        summary,
        " in {} ({})",
        plural(s.files, "file"),
        plural(s.resources, "resource")
    );
    if !report.suppressed.is_empty() {
        let _ = write!(summary, "; {} suppressed", report.suppressed.len());
    }
    let style = if !report.errors.is_empty() || !report.findings.is_empty() {
        ERROR
    } else {
        BOLD
    };
    let _ = writeln!(out, "{}", p.paint(style, &summary));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::report::tests::sample_report;
    use crate::report::Format;

    #[test]
    fn underline_counts_characters_not_bytes() {
        // `é` is 2 bytes, `日本` 2 wide characters: the caret must sit under column 13.
        let line = "  name: \"é\"  image: 日本/app";
        let (shown, carets) = underline(line, 14, 17);
        assert_eq!(shown, line);
        assert_eq!(carets, format!("{}^^^", " ".repeat(13)));
        let (_, carets) = underline(line, 21, 28);
        // 20 single-width characters before column 21; 日本 take 4 cells, `/app` 4.
        assert_eq!(carets, format!("{}{}", " ".repeat(20), "^".repeat(8)));
    }

    #[test]
    fn underline_expands_tabs_and_marks_empty_regions() {
        let (shown, carets) = underline("a:\tb", 4, 4);
        assert_eq!(shown, "a:    b");
        assert_eq!(carets, "      ^");
    }

    #[test]
    fn frame_shows_the_line_and_underlines_the_node() {
        let report = sample_report();
        let scan = crate::report::tests::sample_scan();
        let rules = crate::report::tests::sample_rules();
        let text = report.render(
            Format::Text,
            &RenderOptions {
                scan: Some(&scan),
                rules: &rules,
                ..RenderOptions::default()
            },
        );
        let expected = "\
critical[KW-SEC-001]: container app runs privileged
  --> deploy/app.yaml:11:7
   |
11 |       privileged: true # ünïcödé
   |       ^^^^^^^^^^^^^^^^
   |
   = note: Deployment web/app, container app
   = help: set `privileged: false`
           or remove the field

             privileged: false
";
        assert!(
            text.starts_with("error: did not find expected key\n --> bad.yaml:3:1\n"),
            "{text}"
        );
        assert!(text.contains(expected), "{text}");
        assert!(
            text.ends_with(
                "2 findings (1 critical, 1 low), 1 error in 2 files (1 resource); 1 suppressed\n"
            ),
            "{text}"
        );
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn colour_only_when_asked() {
        let report = sample_report();
        let text = report.render(
            Format::Text,
            &RenderOptions {
                color: true,
                ..RenderOptions::default()
            },
        );
        assert!(
            text.contains("\x1b[1;31mcritical[KW-SEC-001]\x1b[0m"),
            "{text}"
        );
    }

    #[test]
    fn control_characters_in_sources_are_neutralised() {
        let (shown, _) = underline("name: \x1b[31mred", 1, 2);
        assert_eq!(shown, "name: \u{FFFD}[31mred");
        assert_eq!(sanitize("a\x07b"), "a\u{FFFD}b");
    }
}

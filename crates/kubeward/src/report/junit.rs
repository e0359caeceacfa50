//! JUnit XML: a test suite per policy, a test case per resource and policy (failed, or skipped
//! when suppressed), and a suite of errors.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Finding, Report};

/// Escapes text for XML 1.0 content and attribute values; characters XML 1.0 cannot hold at
/// all (most control characters) become U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            _ => out.push(c),
        }
    }
    out
}

/// A test case: one resource under one policy.
#[derive(Default)]
struct Case<'a> {
    failures: Vec<&'a Finding>,
    /// Suppressed findings, with their reason and origin.
    skipped: Vec<(&'a Finding, &'a str, &'a str)>,
}

fn case_name(f: &Finding) -> String {
    let r = &f.resource;
    let who = match &r.namespace {
        Some(ns) => format!("{} {ns}/{}", r.kind, r.name),
        None => format!("{} {}", r.kind, r.name),
    };
    format!("{} {who} (document {})", f.file, r.document)
}

fn location(f: &Finding) -> String {
    let mut text = format!(
        "{}:{}:{} {}",
        f.file, f.region.line, f.region.column, f.path
    );
    if let Some(container) = &f.container {
        let _ = write!(text, " (container {container})");
    }
    text
}

pub(super) fn render(report: &Report) -> String {
    // policy → (title, case key → case)
    type Cases<'a> = BTreeMap<(String, String, usize), Case<'a>>;
    let mut suites: BTreeMap<&str, (&str, Cases<'_>)> = BTreeMap::new();
    let key = |f: &Finding| (f.file.clone(), case_name(f), f.resource.document);
    for f in &report.findings {
        let suite = suites
            .entry(&f.policy)
            .or_insert((&f.title, BTreeMap::new()));
        suite.1.entry(key(f)).or_default().failures.push(f);
    }
    for s in &report.suppressed {
        let f = &s.finding;
        let suite = suites
            .entry(&f.policy)
            .or_insert((&f.title, BTreeMap::new()));
        suite
            .1
            .entry(key(f))
            .or_default()
            .skipped
            .push((f, &s.reason, &s.suppressed_by));
    }

    let mut body = String::new();
    let (mut total_tests, mut total_failures, mut total_skipped) = (0usize, 0usize, 0usize);
    for (policy, (title, cases)) in &suites {
        let failures = cases.values().filter(|c| !c.failures.is_empty()).count();
        let skipped = cases.len() - failures;
        total_tests += cases.len();
        total_failures += failures;
        total_skipped += skipped;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            escape(&format!("{policy}: {title}")),
            cases.len(),
        );
        for ((file, name, _), case) in cases {
            let line = case
                .failures
                .first()
                .map(|f| f.region.line)
                .or_else(|| case.skipped.first().map(|s| s.0.region.line))
                .unwrap_or(0);
            let _ = write!(
                body,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
                escape(name),
                escape(policy),
                escape(file),
            );
            if let Some(first) = case.failures.first() {
                let details: Vec<String> = case
                    .failures
                    .iter()
                    .map(|f| format!("{}: {}", location(f), f.message))
                    .collect();
                let _ = writeln!(
                    body,
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    escape(&first.message),
                    first.severity.as_str(),
                    escape(&details.join("\n")),
                );
            } else if let Some((f, reason, by)) = case.skipped.first() {
                let _ = writeln!(
                    body,
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                    escape(&format!("suppressed by {by}: {reason} ({})", location(f))),
                );
            } else {
                body.push_str("/>\n");
            }
        }
        body.push_str("  </testsuite>\n");
    }
    if !report.errors.is_empty() {
        let _ = writeln!(
            body,
            "  <testsuite name=\"kubeward: errors\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">",
            n = report.errors.len()
        );
        for e in &report.errors {
            let place = e.location();
            let _ = writeln!(
                body,
                "    <testcase name=\"{}\" classname=\"kubeward\" file=\"{}\">\n      \
                 <error message=\"{}\" type=\"error\">{}</error>\n    </testcase>",
                escape(&place),
                escape(&e.file),
                escape(&e.message),
                escape(&format!("{place}: {}", e.message)),
            );
        }
        body.push_str("  </testsuite>\n");
        total_tests += report.errors.len();
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kubeward\" tests=\"{total_tests}\" \
         failures=\"{total_failures}\" errors=\"{}\" skipped=\"{total_skipped}\">\n{body}</testsuites>\n",
        report.errors.len()
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::report::tests::sample_report;
    use crate::report::{Format, RenderOptions};

    /// A small well-formedness check: tags balance, attributes are quoted, and no raw `<` or
    /// `&` appears in text (the CLI tests parse the output with a real XML parser).
    fn well_formed(xml: &str) -> Result<(), String> {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .ok_or("no XML declaration")?;
        let mut stack: Vec<String> = Vec::new();
        let mut rest = body;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            if text.contains('>')
                || text
                    .replace("&amp;", "")
                    .replace("&lt;", "")
                    .replace("&gt;", "")
                    .replace("&quot;", "")
                    .replace("&apos;", "")
                    .replace("&#10;", "")
                    .replace("&#9;", "")
                    .replace("&#13;", "")
                    .contains('&')
            {
                return Err(format!("bad text {text:?}"));
            }
            let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            if tag.matches('"').count() % 2 != 0 || tag[1..].contains('<') {
                return Err(format!("bad tag {tag:?}"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return Err(format!("mismatched </{name}>"));
                }
            } else if !tag.ends_with('/') {
                stack.push(
                    tag.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            rest = &rest[close + 1..];
        }
        if stack.is_empty() && rest.trim().is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    #[test]
    fn escapes_markup_and_illegal_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}&#10;"
        );
    }

    #[test]
    fn output_is_well_formed_with_hostile_text() {
        let mut report = sample_report();
        report.findings[0].message = "<script>&amp; \"quoted\" ]]> \u{7}".to_string();
        report.errors[0].message = "</testsuite><x>".to_string();
        let xml = report.render(Format::Junit, &RenderOptions::default());
        well_formed(&xml).unwrap();
        assert!(xml.contains("<testsuites name=\"kubeward\" tests=\"4\" failures=\"2\" errors=\"1\" skipped=\"1\">"), "{xml}");
        assert!(xml.contains("<testsuite name=\"KW-SEC-001: Container runs privileged\" tests=\"1\" failures=\"1\""), "{xml}");
        assert!(
            xml.contains("<skipped message=\"suppressed by comment at deploy/app.yaml:9: accepted"),
            "{xml}"
        );
        assert!(
            xml.contains("<error message=\"&lt;/testsuite&gt;&lt;x&gt;\""),
            "{xml}"
        );
    }
}

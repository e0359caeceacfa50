//! Large streams (whose documents the `parallel` feature decodes on several threads) decode
//! exactly as the same documents do in a small stream: same documents, indexes, errors and
//! diagnostics, positions shifted by the lines before them, and `max-documents` counted in
//! stream order.

use kubeward_yaml::{decode, decode_with, DecodeLimits, Decoded};

/// A small stream with one of each outcome: a document, an empty one, a duplicate key
/// (diagnostic), a YAML error, a bad separator, content after `...` (diagnostic).
const UNIT: &str = "\
# A comment to make the unit longer, so that few copies of it make a large input: \
0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890
kind: Pod
metadata: {name: a}
spec:
  hostNetwork: yes
---
---
kind: ConfigMap
data: {k: v, k: w}
---
kind: [unclosed
---extra
kind: Service
...
ignored: true
";

fn lines_of(text: &str) -> u32 {
    u32::try_from(text.matches('\n').count()).unwrap_or(u32::MAX)
}

/// What a decode says.
fn summary(decoded: &Decoded) -> Vec<String> {
    shifted(decoded, 0, 0, 0)
}

/// What a decode says, as if it were copy number `copy` of a stream of `unit_lines` lines
/// and `unit_docs` indexed documents: lines and document indexes moved on by as many.
fn shifted(unit: &Decoded, copy: u32, unit_lines: u32, unit_docs: usize) -> Vec<String> {
    let shift_doc = |i: usize| i + unit_docs * copy as usize;
    let shift_line = |l: u32| l + unit_lines * copy;
    let mut out = Vec::new();
    for d in &unit.documents {
        out.push(format!(
            "doc {} at {}:{} {}",
            shift_doc(d.index),
            shift_line(d.root.span.start.line),
            d.root.span.start.column,
            kubeward_yaml::to_json_string(&d.root)
        ));
    }
    for e in &unit.errors {
        out.push(format!(
            "error {:?} at {}:{} {}",
            e.document.map(shift_doc),
            shift_line(e.pos.line),
            e.pos.column,
            e.message
        ));
    }
    for d in &unit.diagnostics {
        out.push(format!(
            "diagnostic {} at {}:{} {:?}",
            shift_doc(d.document),
            shift_line(d.span.start.line),
            d.span.start.column,
            d.kind
        ));
    }
    out
}

/// Sorted, since a decode lists documents, errors and diagnostics each in stream order.
fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_large_stream_decodes_as_its_documents_do_alone() {
    // The unit ends with a document, so repeating it needs a separator in between.
    let unit_text = format!("{UNIT}---\n");
    let unit = decode(unit_text.as_bytes());
    // Documents that take an index in one unit: those kept plus those with an error.
    let unit_docs = unit.documents.len() + unit.errors.len();
    assert_eq!(unit.documents.len(), 3, "{:?}", summary(&unit));
    assert_eq!(unit.errors.len(), 2, "{:?}", summary(&unit));
    assert_eq!(unit.diagnostics.len(), 2, "{:?}", summary(&unit));

    // 1,000 copies: about 330 KB (above the size decoded in parallel) and 5,000 documents
    // (within the default `max-documents`).
    let copies = 1_000u32;
    let big: String = unit_text.repeat(copies as usize);
    assert!(big.len() > 256 * 1024);
    let decoded = decode(big.as_bytes());
    let mut expected = Vec::new();
    for copy in 0..copies {
        expected.extend(shifted(&unit, copy, lines_of(&unit_text), unit_docs));
    }
    let (got, expected) = (sorted(summary(&decoded)), sorted(expected));
    let first_difference = got.iter().zip(&expected).find(|(g, e)| g != e);
    assert_eq!(first_difference, None);
    assert_eq!(got.len(), expected.len());
    // And in stream order.
    assert!(decoded
        .documents
        .windows(2)
        .all(|w| w[0].index < w[1].index));
}

#[test]
fn max_documents_is_counted_in_stream_order_in_large_streams() {
    let doc = format!(
        "kind: ConfigMap\ndata: {{k: \"{}\"}}\n---\n",
        "v".repeat(200)
    );
    let big = doc.repeat(2_000);
    assert!(big.len() > 256 * 1024);
    let limits = DecodeLimits {
        max_documents: 1_500,
        ..DecodeLimits::default()
    };
    let decoded = decode_with(big.as_bytes(), &limits);
    assert_eq!(decoded.documents.len(), 1_500);
    assert_eq!(decoded.documents.last().map(|d| d.index), Some(1_499));
    assert_eq!(decoded.errors.len(), 1, "{:?}", decoded.errors);
    let error = &decoded.errors[0];
    assert!(
        error.message.contains("(limit max-documents=1500)"),
        "{}",
        error.message
    );
    // The 1,501st document starts on line 3 × 1,500 + 1.
    assert_eq!(error.pos.line, 4_501);
}

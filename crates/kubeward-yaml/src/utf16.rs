//! Single YAML documents in UTF-16 (`sigs.k8s.io/yaml.Unmarshal`, which Helm uses for
//! values files, `Chart.yaml` and `fromYaml`): go-yaml v2 reads UTF-16 when the input
//! starts with its byte order mark (`yaml_parser_determine_encoding` in `readerc.go`).
//! libyaml-safer 0.3.0's UTF-16 reader miscounts the bytes it consumes (it consumes one
//! byte per UTF-16 code unit) and trips a debug assertion on an unpaired surrogate, so
//! such input is transcoded to UTF-8 here first, with go-yaml's errors for broken UTF-16.
//!
//! Streams (`kubectl apply -f`) never get here: Kubernetes' line splitting breaks UTF-16
//! apart, and the stream decoder rejects it.

/// The outcome of [`transcode`] for input that starts with a UTF-16 byte order mark.
pub(crate) enum Transcoded {
    /// The text as UTF-8, without the byte order mark.
    Text(String),
    /// Broken UTF-16: go-yaml's message, and the text decoded before the problem.
    Error(&'static str, String),
}

/// `None` when `input` does not start with a UTF-16 byte order mark (`FF FE` little
/// endian, `FE FF` big endian).
pub(crate) fn transcode(input: &[u8]) -> Option<Transcoded> {
    let big_endian = match input {
        [0xFF, 0xFE, ..] => false,
        [0xFE, 0xFF, ..] => true,
        _ => return None,
    };
    let body = input.get(2..).unwrap_or_default();
    let mut out = String::with_capacity(body.len() / 2);
    let unit = |i: usize| -> Option<u16> {
        let pair = [*body.get(i)?, *body.get(i + 1)?];
        Some(if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        })
    };
    let mut i = 0;
    while i < body.len() {
        let Some(first) = unit(i) else {
            return Some(Transcoded::Error("incomplete UTF-16 character", out));
        };
        let c = match first {
            0xDC00..=0xDFFF => {
                return Some(Transcoded::Error("unexpected low surrogate area", out));
            }
            0xD800..=0xDBFF => {
                let Some(second) = unit(i + 2) else {
                    return Some(Transcoded::Error("incomplete UTF-16 surrogate pair", out));
                };
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Some(Transcoded::Error("expected low surrogate area", out));
                }
                i += 4;
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            _ => {
                i += 2;
                u32::from(first)
            }
        };
        match char::from_u32(c) {
            Some(c) => out.push(c),
            // Unreachable: every surrogate was paired above.
            None => return Some(Transcoded::Error("invalid UTF-16", out)),
        }
    }
    Some(Transcoded::Text(out))
}

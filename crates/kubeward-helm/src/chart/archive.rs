//! Chart archives (`.tgz`), read in memory as Helm's `loader.LoadArchiveFiles` reads them:
//! the first path segment (the chart folder) is dropped, absolute paths and `..` are
//! rejected, and the decompressed size is bounded.

use std::io::Read;

use super::{ChartError, LoadLimits};

/// Reads the files of a gzipped tar archive, as (path inside the chart, bytes), in archive
/// order.
pub(crate) fn read_archive(
    bytes: &[u8],
    limits: &LoadLimits,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        // What Go's gzip.NewReader reports (gzip.ErrHeader).
        return Err(ChartError::msg("gzip: invalid header"));
    }
    let gz = flate2::read::GzDecoder::new(bytes);
    // Bound what the decompressor may produce overall, headers included.
    let total_cap = limits.max_total_bytes.saturating_add(64 << 20);
    let mut archive = tar::Archive::new(gz.take(total_cap));
    let entries = archive
        .entries()
        .map_err(|e| ChartError::msg(format!("archive/tar: {e}")))?;
    let mut files = Vec::new();
    let mut remaining = limits.max_total_bytes;
    for entry in entries {
        let mut entry = entry.map_err(|e| archive_error(&e))?;
        let header = entry.header();
        let kind = header.entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if kind.is_gnu_longname() || kind.is_gnu_longlink() {
            continue;
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delimiter).collect();
        let joined = parts.get(1..).unwrap_or(&[]).join("/");
        if joined.starts_with('/') {
            return Err(ChartError::msg("chart illegally contains absolute paths"));
        }
        let name = clean_path(&joined);
        if name == "." {
            return Err(ChartError::msg(format!(
                "chart illegally contains content outside the base directory: {raw_name:?}"
            )));
        }
        if name.starts_with("..") {
            return Err(ChartError::msg(
                "chart illegally references parent directory",
            ));
        }
        let b = name.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err(ChartError::msg("chart contains illegally named files"));
        }
        if parts.first() == Some(&"Chart.yaml") {
            return Err(ChartError::msg("chart yaml not in base directory"));
        }
        let size = entry.size();
        if size > remaining {
            return Err(too_large(limits));
        }
        if size > limits.max_file_bytes {
            return Err(ChartError::msg(format!(
                "decompressed chart file {raw_name:?} is larger than the maximum file size {0} (limit max-chart-file-bytes={0})",
                limits.max_file_bytes
            )));
        }
        if files.len() >= limits.max_files {
            return Err(ChartError::msg(format!(
                "chart archive has more than {} files (limit max-chart-files={0})",
                limits.max_files
            )));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(remaining)
            .read_to_end(&mut data)
            .map_err(|e| archive_error(&e))?;
        let written = data.len() as u64;
        remaining = remaining.saturating_sub(written);
        if written < size || remaining == 0 {
            return Err(too_large(limits));
        }
        if data.starts_with(&[0xEF, 0xBB, 0xBF]) {
            data.drain(..3);
        }
        files.push((name, data));
    }
    if files.is_empty() {
        return Err(ChartError::msg("no files in chart archive"));
    }
    Ok(files)
}

fn too_large(limits: &LoadLimits) -> ChartError {
    ChartError::msg(format!(
        "decompressed chart is larger than the maximum file size {0} (limit max-chart-bytes={0})",
        limits.max_total_bytes
    ))
}

fn archive_error(e: &std::io::Error) -> ChartError {
    let text = e.to_string();
    if text.contains("invalid gzip header") || text.contains("corrupt deflate") {
        return ChartError::msg(format!("gzip: invalid header ({text})"));
    }
    ChartError::msg(format!("archive/tar: {text}"))
}

/// Go's `path.Clean` for a relative path.
pub(crate) fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(clean_path("a/../../x"), "../x");
        assert_eq!(clean_path(""), ".");
    }
}

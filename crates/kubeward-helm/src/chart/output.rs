//! Output assembly (owned by the output helper; this is a placeholder with the agreed
//! signature so the chart layer compiles on its own branch).

use super::{ChartError, RenderOptions, Rendered};
use crate::value::Origin;

/// One rendered template file.
#[allow(dead_code)]
pub(crate) struct RenderedFile {
    /// The template path (`mychart/templates/deploy.yaml`).
    pub(crate) path: String,
    /// The rendered text, `<no value>` removed.
    pub(crate) text: String,
    /// The origin of each line of `text`.
    pub(crate) origins: Vec<Option<Origin>>,
}

/// Splits, sorts and prints the rendered files as `helm template` does.
pub(crate) fn assemble(
    files: Vec<RenderedFile>,
    crds: Vec<(String, String)>,
    opts: &RenderOptions,
) -> Result<Rendered, ChartError> {
    let _ = (files, crds, opts);
    Err(ChartError::msg("output assembly not built yet"))
}

//! Reading inputs for the CLI: in parallel, with a progress bar; finding them is the
//! library's ([`kubeward::inputs`]).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use kubeward::helm::chart::RenderOptions as ChartOptions;
use kubeward::SourceFile;
use rayon::prelude::*;

pub(crate) use kubeward::inputs::{
    collect, display_name, file_error, io_message, read_policy_files, read_policy_files_with,
    unreadable, Input, STDIN_NAME,
};
use kubeward::Limits;

/// More inputs than this get a progress bar (when stderr is a terminal).
const PROGRESS_THRESHOLD: usize = 50;

/// Reads standard input, up to `max-input-bytes`.
fn read_stdin_bounded(limits: &Limits) -> Result<Vec<u8>, String> {
    kubeward::inputs::read_bounded(std::io::stdin().lock(), "standard input", limits)
}

/// Whether standard input is piped (so that no PATH means "read stdin").
pub(crate) fn stdin_is_piped() -> bool {
    !std::io::stdin().is_terminal()
}

/// Reads every input and hands its bytes (or why it could not be read) to `f`, in parallel;
/// results come back in input order. Shows a progress bar on a terminal for many inputs.
/// Charts are not read here: `f` gets no bytes for them and loads them itself.
pub(crate) fn par_read<T, F>(inputs: &[Input], limits: &Limits, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, &Input, Result<Vec<u8>, String>) -> T + Sync,
{
    let stdin = inputs
        .contains(&Input::Stdin)
        .then(|| read_stdin_bounded(limits));
    let progress =
        (inputs.len() > PROGRESS_THRESHOLD && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(inputs.len() as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} reading {pos}/{len} files {wide_bar} {eta}")
            {
                bar.set_style(style);
            }
            bar
        });
    let out = inputs
        .par_iter()
        .enumerate()
        .map(|(index, input)| {
            let name = input.name();
            let bytes = match input {
                Input::File(path, _) => {
                    kubeward::inputs::read_file(path, &format!("`{name}`"), limits)
                }
                Input::Stdin => stdin.clone().unwrap_or_else(|| Ok(Vec::new())),
                Input::Chart(..) => Ok(Vec::new()),
                Input::Unreadable(_, message) => Err(message.clone()),
            };
            let value = f(index, input, bytes);
            if let Some(bar) = &progress {
                bar.inc(1);
            }
            value
        })
        .collect();
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    out
}

/// Reads and decodes every input in parallel, in order; what could not be read is a source
/// file with an error (the index of each input is its index in the scan).
/// Charts are rendered with `chart_options`.
pub(crate) fn load_all(
    inputs: &[Input],
    chart_options: &ChartOptions,
    limits: &Limits,
) -> Vec<SourceFile> {
    par_read(inputs, limits, |index, input, bytes| match (input, bytes) {
        (Input::Chart(path, name), _) => {
            kubeward::charts::load_chart_path_with(path, name, chart_options, index, limits)
        }
        (_, Ok(bytes)) => kubeward::load_owned_with(input.name(), bytes, index, limits),
        (_, Err(message)) => unreadable(input.name(), message),
    })
}

//! [`Scanner`]: policies compiled once, then any number of scans. The CLI, the Python
//! module and the WebAssembly package all scan through it, so they give the same report
//! for the same input.

use kubeward_helm::chart::{Chart, RenderOptions as ChartOptions};

use crate::inputs::{self, Input};
use crate::{
    load_with, Date, Engine, EngineOptions, ErrorEntry, Exemption, FailOn, Format, Limits,
    RenderOptions, Report, RuleInfo, Scan, SourceFile, Suppressions,
};

/// How to build a [`Scanner`].
#[derive(Debug, Clone, Default)]
pub struct ScannerOptions {
    /// Policies: packs, extra policy files, Pod Security version, parameters.
    pub engine: EngineOptions,
    /// Exemptions (from a config file), applied as suppressions.
    pub exemptions: Vec<Exemption>,
    /// Lowest severity that makes [`Scanned::exit_code`] 1.
    pub fail_on: FailOn,
}

/// One input given as bytes.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name reports use (a path, or a name chosen by the caller).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Compiled policies and settings; scans many inputs. Shareable between threads.
#[derive(Debug, Clone)]
pub struct Scanner {
    engine: Engine,
    /// The options the engine was compiled with (to recompile with other limits).
    engine_options: EngineOptions,
    limits: Limits,
    rules: Vec<RuleInfo>,
    exemptions: Vec<Exemption>,
    fail_on: FailOn,
    today: Option<Date>,
}

/// The result of one scan: the report and the decoded inputs it refers to (the text and
/// SARIF formats quote source lines from them).
#[derive(Debug, Clone)]
pub struct Scanned {
    /// The report.
    pub report: Report,
    /// The decoded inputs.
    pub scan: Scan,
    fail_on: FailOn,
}

impl Scanner {
    /// Compiles the policies.
    ///
    /// # Errors
    ///
    /// Invalid policy files or options, each with its location.
    pub fn new(options: ScannerOptions) -> Result<Scanner, Vec<ErrorEntry>> {
        let limits = options.engine.limits.clone();
        let engine = Engine::new(options.engine.clone())?;
        let rules = engine.rules();
        Ok(Scanner {
            engine,
            engine_options: options.engine,
            limits,
            rules,
            exemptions: options.exemptions,
            fail_on: options.fail_on,
            today: None,
        })
    }

    /// Uses `today` to decide which exemptions have expired, instead of the system clock.
    /// `wasm32-unknown-unknown` has no clock: there, without a date given here, every
    /// exemption with an expiry date counts as not expired.
    #[must_use]
    pub fn with_today(mut self, today: Date) -> Scanner {
        self.today = Some(today);
        self
    }

    /// Applies `limits` to everything this scanner does: reading and decoding inputs,
    /// loading and rendering charts, compiling policy regexes, evaluating relations.
    ///
    /// # Errors
    ///
    /// A policy regex breaks the new regex limits.
    pub fn with_limits(mut self, limits: Limits) -> Result<Scanner, Vec<ErrorEntry>> {
        if limits.max_regex_bytes() != self.limits.max_regex_bytes()
            || limits.max_regex_size() != self.limits.max_regex_size()
            || limits.max_relation_checks() != self.limits.max_relation_checks()
        {
            self.engine_options.limits = limits.clone();
            self.engine = Engine::new(self.engine_options.clone())?;
        }
        self.limits = limits;
        Ok(self)
    }

    /// The limits this scanner applies.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The date exemptions expire against.
    fn today(&self) -> Date {
        self.today.unwrap_or_else(clock_today)
    }

    /// The compiled policies.
    #[must_use]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// What each active policy is (id, title, severity, packs…).
    #[must_use]
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// Scans one text.
    #[must_use]
    pub fn scan_text(&self, name: &str, text: &str) -> Scanned {
        self.scan_files(vec![load_with(name, text.as_bytes(), 0, &self.limits)])
    }

    /// Scans inputs given as bytes, in order.
    #[must_use]
    pub fn scan_sources(&self, sources: &[Source]) -> Scanned {
        let files = sources
            .iter()
            .enumerate()
            .map(|(index, s)| load_with(&s.name, &s.bytes, index, &self.limits))
            .collect();
        self.scan_files(files)
    }

    /// Scans files and folders (recursively, for `*.yaml`, `*.yml` and `*.json`), chart
    /// folders and `.tgz` charts (rendered with `charts`), as `kubeward scan PATH...` does.
    /// Paths that cannot be read are errors in the report.
    #[must_use]
    pub fn scan_paths(&self, paths: &[String], charts: &ChartOptions) -> Scanned {
        let found = inputs::collect(paths, &["yaml", "yml", "json"]);
        self.scan_files(read_all(&found, charts, &self.limits))
    }

    /// Renders a chart and scans its output.
    #[must_use]
    pub fn scan_chart(&self, name: &str, chart: &Chart, options: &ChartOptions) -> Scanned {
        self.scan_files(vec![crate::charts::chart_file_with(
            name,
            chart,
            options,
            0,
            &self.limits,
        )])
    }

    /// Evaluates decoded files and builds the report.
    #[must_use]
    pub fn scan_files(&self, files: Vec<SourceFile>) -> Scanned {
        let scan = Scan { files };
        let (findings, errors) = self.engine.evaluate_checked(&scan);
        let mut report = Report::build(
            &scan,
            findings,
            &Suppressions::new(self.exemptions.clone(), self.today()),
        );
        if !errors.is_empty() {
            report.add_errors(errors);
        }
        Scanned {
            report,
            scan,
            fail_on: self.fail_on,
        }
    }

    /// Renders a scan's report in `format` (no colours, paths as given).
    #[must_use]
    pub fn render(&self, scanned: &Scanned, format: Format) -> String {
        scanned.report.render(
            format,
            &RenderOptions {
                scan: Some(&scanned.scan),
                rules: &self.rules,
                color: false,
                root_dir: None,
            },
        )
    }
}

impl Scanned {
    /// The exit status the CLI would give: 0, 1 (findings at or above the scanner's
    /// `fail_on`) or 2 (errors).
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        self.report.exit_code(self.fail_on)
    }
}

/// Reads and decodes `found` in order, on as many threads as the machine has (as the CLI
/// does), so that scanning folders from the Python module is as fast as from the CLI.
/// Where threads cannot be started (WebAssembly), reads on the calling thread.
fn read_all(found: &[Input], charts: &ChartOptions, limits: &Limits) -> Vec<SourceFile> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(found.len());
    let sequential = || {
        found
            .iter()
            .enumerate()
            .map(|(index, input)| read_input(input, index, charts, limits))
            .collect()
    };
    if threads <= 1 {
        return sequential();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(input) = found.get(index) else {
                return done;
            };
            done.push((index, read_input(input, index, charts, limits)));
        }
    };
    let mut slots: Vec<Option<SourceFile>> = vec![None; found.len()];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok())
            .collect();
        if handles.is_empty() {
            // No thread could start: this one does the work.
            place(&mut slots, work());
        }
        for handle in handles {
            // A reader that panicked leaves its inputs unfilled: they become errors below.
            place(&mut slots, handle.join().unwrap_or_default());
        }
    });
    slots
        .into_iter()
        .zip(found)
        .map(|(slot, input)| {
            slot.unwrap_or_else(|| {
                inputs::unreadable(
                    input.name(),
                    "internal error while reading this input: please report it".to_string(),
                )
            })
        })
        .collect()
}

/// Puts inputs read by one thread in their places.
fn place(slots: &mut [Option<SourceFile>], done: Vec<(usize, SourceFile)>) {
    for (index, file) in done {
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some(file);
        }
    }
}

/// Today, from the system clock.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn clock_today() -> Date {
    Date::today_utc()
}

/// No clock on `wasm32-unknown-unknown`: 1970-01-01, before any expiry date.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn clock_today() -> Date {
    Date::from_days_since_epoch(0)
}

/// Reads and decodes one input found by [`inputs::collect`].
fn read_input(input: &Input, index: usize, charts: &ChartOptions, limits: &Limits) -> SourceFile {
    let name = input.name();
    match input {
        Input::File(path, _) => match inputs::read_file(path, &format!("`{name}`"), limits) {
            Ok(bytes) => crate::load_owned_with(name, bytes, index, limits),
            Err(message) => inputs::unreadable(name, message),
        },
        Input::Stdin => inputs::unreadable(
            name,
            "standard input cannot be scanned from here: read it and scan the text".to_string(),
        ),
        Input::Chart(path, _) => {
            crate::charts::load_chart_path_with(path, name, charts, index, limits)
        }
        Input::Unreadable(_, message) => inputs::unreadable(name, message.clone()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn assert_shareable<T: Send + Sync>() {}

    #[test]
    fn scanners_and_results_cross_threads() {
        assert_shareable::<Scanner>();
        assert_shareable::<Scanned>();
    }

    #[test]
    fn scan_paths_reads_on_threads_and_keeps_the_input_order() {
        let dir = std::env::temp_dir().join(format!("kubeward-scan-paths-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut paths = Vec::new();
        for i in 0..40 {
            let path = dir.join(format!("{i:02}.yaml"));
            let text = if i == 17 {
                "kind: [\n".to_string()
            } else {
                format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n  - {{name: c, image: nginx, securityContext: {{privileged: true}}}}\n")
            };
            std::fs::write(&path, text).unwrap();
            paths.push(path.to_string_lossy().into_owned());
        }
        paths.push(dir.join("missing.yaml").to_string_lossy().into_owned());
        let scanner = Scanner::new(ScannerOptions::default()).unwrap();
        let scanned = scanner.scan_paths(&paths, &ChartOptions::default());
        std::fs::remove_dir_all(&dir).unwrap();
        let names: Vec<&str> = scanned.scan.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, paths.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(scanned.report.summary.resources, 39);
        assert_eq!(
            scanned.report.errors.len(),
            2,
            "{:?}",
            scanned.report.errors
        );
        assert_eq!(scanned.exit_code(), 2);
    }

    #[test]
    fn scan_text_finds_a_privileged_container() {
        let scanner = Scanner::new(ScannerOptions::default()).unwrap();
        let scanned = scanner.scan_text(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n",
        );
        let privileged: Vec<_> = scanned
            .report
            .findings
            .iter()
            .filter(|f| f.aliases.iter().any(|a| a == "pss:privileged"))
            .collect();
        assert_eq!(privileged.len(), 1, "{:?}", scanned.report.findings);
        assert_eq!(privileged[0].region.line, 8);
        assert_eq!(scanned.exit_code(), 1);
    }

    #[test]
    fn exemptions_expire_against_the_date_given() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n";
        let scanner = |today: Date| {
            Scanner::new(ScannerOptions {
                exemptions: vec![Exemption {
                    policy: Some(crate::Pattern::new("KW-SEC-001").unwrap()),
                    kind: None,
                    namespace: None,
                    name: None,
                    file: None,
                    reason: "agent".into(),
                    expires: Date::new(2030, 1, 1),
                    source: ".kubeward.yaml".into(),
                    line: 1,
                }],
                ..ScannerOptions::default()
            })
            .unwrap()
            .with_today(today)
        };
        let silenced = |today| {
            scanner(today)
                .scan_text("pod.yaml", pod)
                .report
                .suppressed
                .iter()
                .any(|s| s.finding.policy == "KW-SEC-001")
        };
        assert!(silenced(Date::new(2029, 12, 31).unwrap()));
        assert!(!silenced(Date::new(2030, 1, 2).unwrap()));
    }
}

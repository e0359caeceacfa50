//! Narrowing a relation's candidates with an index instead of evaluating its `where` on
//! every resource of the namespace.
//!
//! Some tests of a relation's `where` can hold only for candidates that hold a given value
//! at a path: a selector of the target selects a candidate's labels, a candidate's
//! selector selects the target's labels, a candidate's field (or the field of an item of
//! one of its lists, under `some`) equals a string of the target or a constant. For
//! those, [`narrowed`] looks the candidates up in an index of the scan built once per
//! path, and combines the lookups through `all` (the smallest), `any` (the union) and
//! `some`. The result is a superset (in scan order) of the candidates the `where` holds
//! on; the whole `where` is still evaluated on each of them, so the findings are those of
//! evaluating it on every candidate, in time that no longer grows with the number of
//! candidates for each target.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError};

use serde_json::Value as Json;

use super::{items, resolve, Ctx, Resolved, World, V};
use crate::policy::compile::{Cond, Op, Operand, Subject};
use crate::policy::path::{Path, Root};

/// What an index of the scan maps entries by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum IndexKind {
    /// Every `(key, string value)` pair of the map at the path (labels).
    Pairs,
    /// The string at the path.
    Text,
    /// One required pair of the `LabelSelector` at the path (`labelSelectorSelects`).
    LabelSelectors,
    /// One required pair of the equality selector at the path (`mapSelects`).
    MapSelectors,
}

/// Which index: its kind and where it looks, by the addresses of the compiled paths (the
/// policies outlive the [`World`], so an address stands for one path while it exists; two
/// equal paths of different policies get an index each).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct IndexKey {
    kind: IndexKind,
    lists: Vec<usize>,
    path: usize,
}

/// Entries of [`World::entries`] by key, in scan order within each list (an entry once).
#[derive(Debug, Default)]
pub(crate) struct CandidateIndex {
    keyed: HashMap<Key, Vec<usize>>,
    /// Selectors that require no pair (`{}`, only `matchExpressions`): they are candidates
    /// whatever the labels.
    open: Vec<usize>,
}

#[derive(Debug, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, String),
    Text(String),
}

impl CandidateIndex {
    fn get(&self, key: &Key) -> &[usize] {
        self.keyed.get(key).map_or(&[], Vec::as_slice)
    }

    fn pair(&self, k: &str, v: &str) -> &[usize] {
        self.get(&Key::Pair(k.to_string(), v.to_string()))
    }
}

/// The label pairs a selector requires, as far as an index can use them.
enum Needs<'x> {
    /// The selector selects nothing (not a map, a malformed `matchLabels`, a value that
    /// is not a string; an empty equality selector).
    Nothing,
    /// Every one of these pairs (and possibly more conditions).
    Pairs(Vec<(&'x str, &'x str)>),
    /// No pair: only its expressions decide (a label selector without `matchLabels`).
    Open,
}

/// Mirrors `label_selector_selects` and `map_selects` (super): whenever they hold, the
/// labels hold every pair of `Needs::Pairs`, and they never hold on `Needs::Nothing`.
fn needs(selector: V<'_>, label_selector: bool) -> Needs<'_> {
    if !label_selector {
        return match pairs_of(selector) {
            Some(pairs) if !pairs.is_empty() => Needs::Pairs(pairs),
            _ => Needs::Nothing,
        };
    }
    if selector.entries().is_none() {
        return Needs::Nothing;
    }
    match selector.get("matchLabels").filter(|v| !v.is_null()) {
        None => Needs::Open,
        Some(ml) => match pairs_of(ml) {
            None => Needs::Nothing,
            Some(pairs) if pairs.is_empty() => Needs::Open,
            Some(pairs) => Needs::Pairs(pairs),
        },
    }
}

/// The pairs of a map whose values are all strings.
fn pairs_of(map: V<'_>) -> Option<Vec<(&str, &str)>> {
    map.entries()?
        .into_iter()
        .map(|(k, v)| v.as_str().map(|v| (k, v)))
        .collect()
}

impl World<'_> {
    /// The index of `kind` at `path`, relative to each entry or, with `lists`, to each
    /// item of those (nested) lists of each entry as `some` visits them; built on first
    /// use.
    fn index(&self, kind: IndexKind, lists: &[&Path], path: &Path) -> Arc<CandidateIndex> {
        let key = IndexKey {
            kind,
            lists: lists
                .iter()
                .map(|l| std::ptr::from_ref(*l) as usize)
                .collect(),
            path: std::ptr::from_ref(path) as usize,
        };
        if let Some(index) = self
            .indexes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Arc::clone(index);
        }
        let mut index = CandidateIndex::default();
        for (i, (_, res, pod)) in self.entries.iter().enumerate() {
            let mut level = vec![Ctx::at_resource(res, pod.as_ref(), None, self)];
            for &list in lists {
                let mut next = Vec::new();
                for ctx in &level {
                    if let Resolved::Node(at) = resolve(ctx, list) {
                        for (item, key) in items(&at) {
                            next.push(ctx.with_current(item, key));
                        }
                    }
                }
                level = next;
            }
            for ctx in &level {
                index.add(kind, i, resolve(ctx, path).value());
            }
        }
        let index = Arc::new(index);
        self.indexes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&index));
        index
    }
}

impl CandidateIndex {
    /// Files entry `i` under what it holds (`value`).
    fn add(&mut self, kind: IndexKind, i: usize, value: V<'_>) {
        let mut keys = Vec::new();
        match kind {
            IndexKind::Pairs => {
                for (k, v) in value.entries().unwrap_or_default() {
                    if let Some(v) = v.as_str() {
                        keys.push(Key::Pair(k.to_string(), v.to_string()));
                    }
                }
            }
            IndexKind::Text => {
                if let Some(text) = value.as_str() {
                    keys.push(Key::Text(text.to_string()));
                }
            }
            IndexKind::LabelSelectors | IndexKind::MapSelectors => {
                match needs(value, kind == IndexKind::LabelSelectors) {
                    Needs::Nothing => {}
                    Needs::Open => push_once(&mut self.open, i),
                    // Every pair is required: any one of them finds the selector.
                    Needs::Pairs(pairs) => {
                        if let Some((k, v)) = pairs.first() {
                            keys.push(Key::Pair((*k).to_string(), (*v).to_string()));
                        }
                    }
                }
            }
        }
        for key in keys {
            push_once(self.keyed.entry(key).or_default(), i);
        }
    }
}

/// Entries are filed in increasing order: a repeat is the last one.
fn push_once(list: &mut Vec<usize>, i: usize) {
    if list.last() != Some(&i) {
        list.push(i);
    }
}

/// The candidates (indexes into [`World::entries`], sorted) that a relation's `where`
/// can hold on; `None` when the indexes cannot tell (every candidate is then evaluated).
pub(super) fn narrowed(ctx: &Ctx<'_, '_>, cond: &Cond) -> Option<Vec<usize>> {
    narrow(ctx, cond, &mut Vec::new())
}

/// [`narrowed`] for `cond` evaluated on the items of `lists` (the `some` quantifiers
/// entered so far) of each candidate.
fn narrow<'p>(ctx: &Ctx<'_, '_>, cond: &'p Cond, lists: &mut Vec<&'p Path>) -> Option<Vec<usize>> {
    match cond {
        // Every conjunct must hold: the smallest of their candidate sets will do.
        Cond::All(children) => children
            .iter()
            .filter_map(|c| narrow(ctx, c, lists))
            .min_by_key(Vec::len),
        // One alternative must hold: the union of theirs, if each has one.
        Cond::Any(children) | Cond::Union(children) => {
            let mut out = Vec::new();
            for child in children {
                out.extend(narrow(ctx, child, lists)?);
            }
            out.sort_unstable();
            out.dedup();
            Some(out)
        }
        // An item of the candidate's list must hold.
        Cond::Some { list, cond } if list.hops == 0 && list.root != Root::Containers => {
            lists.push(list);
            let out = narrow(ctx, cond, lists);
            lists.pop();
            out
        }
        Cond::Test {
            subject: Subject::Path(subject),
            op,
        } => narrow_test(ctx, subject, op, lists),
        _ => None,
    }
}

/// A path of the target seen from inside the relation (`$self.x`), as a path where the
/// relation is evaluated.
fn outside(path: &Path) -> Option<Path> {
    Some(Path {
        hops: path.hops.checked_sub(1)?,
        root: path.root,
        segs: path.segs.clone(),
    })
}

fn narrow_test(ctx: &Ctx<'_, '_>, subject: &Path, op: &Op, lists: &[&Path]) -> Option<Vec<usize>> {
    let world = ctx.world;
    match op {
        Op::MapSelects(Operand::Path(labels)) | Op::LabelSelectorSelects(Operand::Path(labels)) => {
            let label_selector = matches!(op, Op::LabelSelectorSelects(_));
            match (subject.hops, labels.hops) {
                // The target's selector, the candidates' labels: candidates labelled with
                // the selector's rarest pair.
                (1, 0) => {
                    let at = outside(subject)?;
                    let selector = resolve(ctx, &at);
                    match needs(selector.value(), label_selector) {
                        Needs::Nothing => Some(Vec::new()),
                        Needs::Open => None,
                        Needs::Pairs(pairs) => {
                            let index = world.index(IndexKind::Pairs, lists, labels);
                            let rarest = pairs
                                .iter()
                                .map(|(k, v)| index.pair(k, v))
                                .min_by_key(|list| list.len())?;
                            Some(rarest.to_vec())
                        }
                    }
                }
                // The candidates' selectors, the target's labels: selectors requiring one
                // of the labels, and those requiring none.
                (0, 1) => {
                    let at = outside(labels)?;
                    let own_labels = resolve(ctx, &at);
                    let kind = if label_selector {
                        IndexKind::LabelSelectors
                    } else {
                        IndexKind::MapSelectors
                    };
                    let index = world.index(kind, lists, subject);
                    let mut out = index.open.clone();
                    for (k, v) in own_labels.value().entries().unwrap_or_default() {
                        if let Some(v) = v.as_str() {
                            out.extend_from_slice(index.pair(k, v));
                        }
                    }
                    out.sort_unstable();
                    out.dedup();
                    Some(out)
                }
                _ => None,
            }
        }
        // A candidate's string equal to a string of the target, or to a constant.
        Op::Equals(Operand::Path(other)) => {
            let (theirs, mine) = match (subject.hops, other.hops) {
                (0, 1) => (subject, other),
                (1, 0) => (other, subject),
                _ => return None,
            };
            let at = outside(mine)?;
            let resolved = resolve(ctx, &at);
            let text = resolved.value().as_str()?.to_string();
            let index = world.index(IndexKind::Text, lists, theirs);
            Some(index.get(&Key::Text(text)).to_vec())
        }
        Op::Equals(Operand::Value(Json::String(text))) if subject.hops == 0 => {
            let index = world.index(IndexKind::Text, lists, subject);
            Some(index.get(&Key::Text(text.clone())).to_vec())
        }
        _ => None,
    }
}

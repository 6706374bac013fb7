//! Linking again after an edit: what [`link`](super::link) would make of the
//! edited archive, made from the last links and what the edit touched.
//!
//! The edited documents' own links are resolved again and the links into them
//! checked; their mentions, citations and backlinks are spliced into the
//! indexes in place of the old ones (every index is in document order, so a
//! document's entries are one run); the timeline takes their new entries; and
//! `related::update` scores again the paragraphs whose passages can change.

use std::collections::{BTreeMap, BTreeSet};

use super::{Anchors, Backlink, Linked, Target, entities, links_out, related, timeline};
use crate::diagnostics::Diagnostic;
use crate::load::Archive;
use crate::parse::{CrossLink, Document, Parsed};

impl Linked {
    /// Brings the links up to date after the documents of `before` (each index
    /// with its old version) changed, in any way but their slugs and front
    /// matter, to what `parsed` holds now: the same as [`link`](super::link) would make of
    /// `parsed`, made only from what the edit touched. Returns the documents
    /// whose related passages changed; or `None`, with nothing changed, when a
    /// link would report a problem (call [`link`](super::link) for the report).
    pub fn relink(
        &mut self,
        archive: &Archive,
        parsed: &Parsed,
        before: &[(usize, &Document)],
    ) -> Option<BTreeSet<usize>> {
        let documents = &parsed.documents;
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        let edited: BTreeSet<usize> = before.iter().map(|&(d, _)| d).collect();
        let targets = resolve(archive, parsed, &edited)?;
        for (d, targets) in targets {
            self.relink_out(d, &documents[d], targets);
        }
        for &(d, old) in before {
            let doc = &documents[d];
            entities::update(&mut self.entities, d, old, doc);
            self.recite(d, old, doc);
        }
        let changed = crate::timings::time("link related", || {
            related::update(&mut self.scoring, &mut self.related, documents, before)
        });
        timeline::update(&mut self.timeline, documents, &edited);
        self.diagnostics = entities::unmentioned(&archive.entities, &self.entities);
        Some(changed)
    }

    /// Takes `targets` as document `d`'s links, and its backlinks in the
    /// documents they reach (before or now) again.
    fn relink_out(&mut self, d: usize, doc: &Document, targets: Vec<Option<Target>>) {
        let old = std::mem::replace(&mut self.document_links[d], targets);
        let mut out: BTreeMap<usize, Vec<Backlink>> = BTreeMap::new();
        for (to, link) in links_out(d, doc, &self.document_links[d]) {
            out.entry(to).or_default().push(link);
        }
        let was = old.iter().flatten().map(|t| t.document);
        let reached: BTreeSet<usize> = was.chain(out.keys().copied()).collect();
        for to in reached.into_iter().filter(|&to| to != d) {
            let new = out.remove(&to).unwrap_or_default();
            crate::sorted::replace_run(&mut self.backlinks[to], |b| b.document, d, new);
        }
    }

    /// Takes document `d`'s citations as `doc` has them in place of `before`'s.
    fn recite(&mut self, d: usize, before: &Document, doc: &Document) {
        let cited: BTreeSet<usize> = before
            .text
            .citations
            .iter()
            .chain(&doc.text.citations)
            .map(|c| c.source)
            .collect();
        for s in cited {
            let new = doc.text.citations.iter().enumerate();
            let new = new.filter(|(_, c)| c.source == s).map(|(i, _)| (d, i));
            crate::sorted::replace_run(&mut self.citations[s], |&(c, _)| c, d, new);
        }
    }
}

/// The targets of the links of the documents `edited`, if every link of them
/// and every link into them lands.
fn resolve(
    archive: &Archive,
    parsed: &Parsed,
    edited: &BTreeSet<usize>,
) -> Option<Vec<(usize, Vec<Option<Target>>)>> {
    let documents = &parsed.documents;
    let slugs: BTreeSet<&str> = edited
        .iter()
        .map(|&d| documents[d].source.slug.as_str())
        .collect();
    let wanted: BTreeSet<&str> = edited
        .iter()
        .flat_map(|&d| {
            let here = documents[d].source.slug.as_str();
            documents[d]
                .text
                .links
                .iter()
                .map(move |l| l.slug.as_deref().unwrap_or(here))
        })
        .chain(slugs.iter().copied())
        .collect();
    let anchors = Anchors::of(documents, |slug| wanted.contains(slug));
    let mut problems = Vec::new();
    let targets: Vec<(usize, Vec<Option<Target>>)> = edited
        .iter()
        .map(|&d| {
            let doc = &documents[d];
            let here = Some(doc.source.slug.as_str());
            let (file, links) = (&doc.source.file, &doc.text.links);
            (
                d,
                anchors.resolve(file, here, links, archive, &mut problems),
            )
        })
        .collect();
    // Links into an edited document must still land.
    let into = |link: &&CrossLink| link.slug.as_deref().is_some_and(|s| slugs.contains(s));
    let others = documents
        .iter()
        .enumerate()
        .filter(|(d, _)| !edited.contains(d))
        .flat_map(|(_, doc)| &doc.text.links)
        .chain(parsed.entities.iter().flat_map(|text| &text.links))
        .chain(parsed.sources.iter().flatten().flat_map(|text| &text.links));
    if !problems.is_empty() || !others.filter(into).all(|l| anchors.lands(l)) {
        return None;
    }
    Some(targets)
}

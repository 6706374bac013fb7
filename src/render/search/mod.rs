//! The search index: built here, at build time, and split into small gzipped
//! files under `search/` that the page script fetches as a query needs them, so
//! search works on any static host, under any sub-path, with no server code, and
//! a query in a large archive fetches a few hundred kilobytes, not the archive.
//!
//! 1. `records`: what is searched. Every citable block and footnote of every
//!    document (its URL lands on the paragraph), every entity and every source,
//!    numbered in that order, each with the entities and sources it names.
//! 2. `words`: how text becomes words (folded as the script folds a query).
//! 3. `index`: for every word, the records holding it, with how often it
//!    stands in each one's text and heading; entities and sources as `#e<i>` and
//!    `#s<i>` entries, for the filters. Built on all cores.
//! 4. `files`: the index as files, compressed on all cores.
//!
//! The files, relative to `search/` (every `.gz` file is gzip; the script checks
//! for gzip's magic bytes, so a host that decompresses them on the way does no harm):
//!
//! - `meta.json.gz`: the layout's `format` (`files::FORMAT`), the index's `version`
//!   (a hash, appended to the other files' URLs so a browser never mixes files of
//!   two builds), the number of `records`, `chunk` (records per record file), the
//!   records' `average` length in words, each term file's first word (`terms`),
//!   the document titles (`documents`), how many records each document has, in
//!   order (`counts`: document `d`'s records follow those of `0..d`), and the
//!   filters' choices (`entities`, `sources`: `[index, name]`, sorted by name).
//! - `terms/<i>.bin.gz`: the words from `terms[i]` up to `terms[i + 1]`, each with
//!   its records (see `files::terms`). Words are in code point order, so the
//!   words a prefix begins are together, in one file or two.
//! - `records/<i>.json.gz`: records `i * chunk` onwards (see `files::Shown`):
//!   kind, place (document and id, or page), number, heading, and an entity's or
//!   source's words. A document's words are on its page, which a result fetches
//!   to show them.
//! - `lengths.bin.gz`: every record's length, for ranking (see `files::lengths`).
//!
//! Every URL is relative to the site root; the script prefixes the way back to
//! the root from the page it runs on.

mod files;
mod index;
mod records;
mod words;

use std::path::PathBuf;

use serde::Serialize;

use super::{Catalog, Site};

/// The index's files, each relative to the output root.
pub fn files(site: &Site, catalog: &Catalog) -> Vec<(PathBuf, Vec<u8>)> {
    // Records are made, indexed and written a window at a time: held all at
    // once, they were a sixth of a build's peak memory.
    let mut builder = index::Builder::default();
    let mut record_files = Vec::new();
    let starts = records::windows(site, catalog, index::WINDOW, |window| {
        let first = builder.records();
        let ((), files) = rayon::join(
            || builder.add(window),
            || files::record_files(window, first),
        );
        record_files.extend(files);
    });
    let index = builder.finish();
    let written = files::write(record_files, &index);
    let meta = Meta {
        format: files::FORMAT,
        version: &written.version,
        records: index.lengths.len(),
        chunk: files::CHUNK,
        average: written.average,
        terms: written.first.iter().map(String::as_str).collect(),
        documents: site
            .parsed
            .documents
            .iter()
            .map(|d| d.source.meta.title.as_deref().unwrap_or(&d.incipit))
            .collect(),
        counts: starts.windows(2).map(|w| w[1] - w[0]).collect(),
        entities: choices(
            catalog
                .entities
                .iter()
                .enumerate()
                .filter(|(i, _)| !site.linked.entities[*i].mentions.is_empty())
                .map(|(i, e)| (i, e.name)),
        ),
        sources: choices(
            catalog
                .sources
                .iter()
                .enumerate()
                .filter(|(i, _)| !site.linked.citations[*i].is_empty())
                .map(|(i, s)| (i, s.label.as_str())),
        ),
    };
    let meta = serde_json::to_vec(&meta).expect("the meta file serialises");
    let mut out = vec![(
        PathBuf::from("search/meta.json.gz"),
        files::gzip(&meta, files::BEST),
    )];
    out.extend(
        written
            .files
            .into_iter()
            .map(|(name, bytes)| (PathBuf::from("search").join(name), bytes)),
    );
    out
}

/// What `meta.json.gz` holds (see the module's documentation).
#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    version: &'a str,
    records: usize,
    chunk: usize,
    average: f64,
    terms: Vec<&'a str>,
    documents: Vec<&'a str>,
    counts: Vec<usize>,
    entities: Vec<(usize, &'a str)>,
    sources: Vec<(usize, &'a str)>,
}

/// A filter's choices, by name, ignoring case.
fn choices<'a>(choices: impl Iterator<Item = (usize, &'a str)>) -> Vec<(usize, &'a str)> {
    let mut choices: Vec<(usize, &str)> = choices.collect();
    choices.sort_by_cached_key(|(i, name)| (name.to_lowercase(), *i));
    choices
}

//! The search index as the page script reads it: this archive's built `search/`
//! files, decompressed and decoded here as `static/lectern.js` decodes them, must
//! find a paragraph's words at that paragraph, list exactly the records that name
//! an entity or cite a source, keep each document's records together, come out the
//! same from every build, and stay in small files.

mod common;

use std::collections::BTreeSet;
use std::io::Read;

use common::{Archive, Site, text_of};
use serde_json::Value;

/// A built site's index, read as the script reads it.
struct Index<'a> {
    site: &'a Site,
    meta: Value,
    /// Each term file's first word.
    first: Vec<String>,
}

/// A word's entry in a term file.
#[derive(Debug, Clone)]
struct Entry {
    word: String,
    records: Vec<usize>,
    /// Count codes: `text << 2 | min(heading, 3)`; empty for the filters' entries.
    codes: Vec<u32>,
}

impl<'a> Index<'a> {
    fn read(site: &'a Site) -> Index<'a> {
        let meta: Value = serde_json::from_slice(&gunzip(&site.bytes("search/meta.json.gz")))
            .expect("the meta file is JSON");
        assert_eq!(meta["format"], 1);
        let first = meta["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        Index { site, meta, first }
    }

    fn records(&self) -> usize {
        self.meta["records"].as_u64().unwrap() as usize
    }

    /// The term file that holds `word`, if any does: the last whose first word is
    /// not after it.
    fn file_of(&self, word: &str) -> usize {
        self.first
            .iter()
            .rposition(|first| first.as_str() <= word)
            .unwrap_or(0)
    }

    fn term_file(&self, i: usize) -> Vec<Entry> {
        let data = gunzip(&self.site.bytes(&format!("search/terms/{i}.bin.gz")));
        assert_eq!(data[0], 1, "the term file's format");
        let mut at = 1;
        let count = varint(&data, &mut at);
        let heads: Vec<(String, u32, u32)> = (0..count)
            .map(|_| {
                let length = varint(&data, &mut at) as usize;
                let word = String::from_utf8(data[at..at + length].to_vec()).unwrap();
                at += length;
                (word, varint(&data, &mut at), varint(&data, &mut at))
            })
            .collect();
        let entries = heads
            .into_iter()
            .map(|(word, count, size)| {
                let end = at + size as usize;
                let mut record = -1i64;
                let records = (0..count)
                    .map(|_| {
                        record += i64::from(varint(&data, &mut at)) + 1;
                        record as usize
                    })
                    .collect();
                let mut codes = Vec::new();
                if !word.starts_with('#') {
                    while codes.len() < count as usize {
                        let run = varint(&data, &mut at);
                        codes.extend(std::iter::repeat_n(4, run as usize));
                        if codes.len() < count as usize {
                            codes.push(varint(&data, &mut at));
                        }
                    }
                }
                assert_eq!(at, end, "{word}: its lists fill exactly the bytes it says");
                Entry {
                    word,
                    records,
                    codes,
                }
            })
            .collect();
        assert_eq!(at, data.len(), "term file {i} ends with its last list");
        entries
    }

    fn entry(&self, word: &str) -> Option<Entry> {
        self.term_file(self.file_of(word))
            .into_iter()
            .find(|e| e.word == word)
    }

    /// What a result shows of record `id`, its heading and URL filled in as the
    /// script fills them.
    fn record(&self, id: usize) -> Value {
        let chunk = self.meta["chunk"].as_u64().unwrap() as usize;
        let file = gunzip(
            &self
                .site
                .bytes(&format!("search/records/{}.json.gz", id / chunk)),
        );
        let file: Value = serde_json::from_slice(&file).expect("a record file is JSON");
        let slugs: std::collections::BTreeMap<u64, &str> = file["slugs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|pair| (pair[0].as_u64().unwrap(), pair[1].as_str().unwrap()))
            .collect();
        let mut heading = Value::from("");
        let mut records = file["records"].as_array().unwrap().clone();
        for record in &mut records {
            match record.get("h") {
                Some(h) => heading = h.clone(),
                None => record["h"] = heading.clone(),
            }
            if let Some(a) = record.get("a").and_then(Value::as_str) {
                let slug = slugs[&record["d"].as_u64().unwrap()];
                record["u"] = Value::from(format!("{slug}/#{a}"));
            }
        }
        records[id % chunk].clone()
    }

    fn url(&self, id: usize) -> String {
        self.record(id)["u"].as_str().unwrap().to_string()
    }

    /// The index of the entity or source whose name begins with `name` among the
    /// filter's choices.
    fn choice(&self, filter: &str, name: &str) -> usize {
        self.meta[filter]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[1].as_str().is_some_and(|n| n.starts_with(name)))
            .unwrap_or_else(|| panic!("{name} is not among the {filter} to filter by"))[0]
            .as_u64()
            .unwrap() as usize
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], [0x1f, 0x8b], "gzip");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn varint(data: &[u8], at: &mut usize) -> u32 {
    let (mut n, mut shift) = (0u32, 0);
    loop {
        let b = data[*at];
        *at += 1;
        n |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return n;
        }
        shift += 7;
    }
}

/// The id of the one block or note of `page` whose words hold `words`.
fn block_holding(site: &Site, page: &str, words: &str) -> String {
    let page = site.page(page);
    let found: Vec<String> = page
        .select(".doc-body [id]")
        .into_iter()
        .filter(|e| matches!(e.value().name(), "p" | "li" | "h2" | "h3" | "blockquote"))
        .filter(|e| text_of(*e).contains(words))
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect();
    assert_eq!(found.len(), 1, "{words:?} stands in one block: {found:?}");
    found[0].clone()
}

#[test]
fn a_word_of_a_paragraph_finds_that_paragraph() {
    let site = common::repository_site();
    let index = Index::read(site);
    let slug = "cia-and-isi-a-failed-marriage";
    let id = block_holding(
        site,
        &format!("{slug}/index.html"),
        "came back empty handed",
    );
    let want = format!("{slug}/#{id}");
    for word in ["came", "back", "empty", "handed", "afghanistan"] {
        let entry = index
            .entry(word)
            .unwrap_or_else(|| panic!("{word} is indexed"));
        let at = entry
            .records
            .iter()
            .position(|&r| index.url(r) == want)
            .unwrap_or_else(|| panic!("{word} lists {want}"));
        assert!(entry.codes[at] >> 2 >= 1, "{word} stands in its text");
    }
    // Its length, for ranking: `round(2 · log2(1 + words))`.
    let lengths = gunzip(&site.bytes("search/lengths.bin.gz"));
    assert_eq!(lengths.len(), index.records() + 1);
    let r = index.entry("handed").unwrap().records[0];
    let page = site.page(&format!("{slug}/index.html"));
    let text = text_of(page.one(&format!("[id='{id}']")));
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count();
    let want = (2.0 * (1.0 + words as f64).log2()).round() as i32;
    assert!(
        (i32::from(lengths[r + 1]) - want).abs() <= 1,
        "{} for {words} words",
        lengths[r + 1]
    );
    let record = index.record(r);
    assert_eq!(record["k"], "p");
    assert!(record["n"].as_u64().is_some(), "a paragraph has its number");
    assert!(
        record.get("t").is_none(),
        "a document's words are read from its page, not copied into the index"
    );
    assert!(index.entry("xylophone").is_none());
}

#[test]
fn words_are_folded_as_the_script_folds_them() {
    let site = common::repository_site();
    let index = Index::read(site);
    // "Guantánamo" in the text, "CIA" in capitals.
    assert!(index.entry("guantanamo").is_some());
    assert!(index.entry("guantánamo").is_none());
    assert!(index.entry("cia").is_some());
    let mut previous = String::new();
    for i in 0..index.first.len() {
        for entry in index.term_file(i) {
            assert_eq!(entry.word, entry.word.to_lowercase());
            assert!(
                entry.word.starts_with('#') || entry.word.chars().all(char::is_alphanumeric),
                "{:?} is a word",
                entry.word
            );
            assert!(
                entry.word > previous,
                "words are in order: {previous} < {}",
                entry.word
            );
            assert_eq!(
                index.file_of(&entry.word),
                i,
                "{} is where lookup looks",
                entry.word
            );
            assert!(entry.records.windows(2).all(|w| w[0] < w[1]));
            assert!(entry.records.iter().all(|&r| r < index.records()));
            previous = entry.word;
        }
    }
}

#[test]
fn headings_and_footnotes_are_records_too() {
    let site = common::repository_site();
    let index = Index::read(site);
    // A section's heading is a record, and the paragraphs under it are found by
    // its words too, as their heading.
    let slug = "al-qaeda-and-the-afghan-taliban";
    let id = block_holding(site, &format!("{slug}/index.html"), "Much in Common");
    let common = index.entry("common").unwrap();
    let heading = common
        .records
        .iter()
        .position(|&r| index.url(r) == format!("{slug}/#{id}"))
        .expect("the heading is a record");
    let record = index.record(common.records[heading]);
    assert_eq!((record["h"].as_str(), record.get("n")), (Some(""), None));
    assert!(
        common.codes[heading] >> 2 >= 1,
        "its own words are its text"
    );
    let under: Vec<Value> = common
        .records
        .iter()
        .zip(&common.codes)
        .filter(|(_, code)| *code & 3 >= 1)
        .map(|(&r, _)| index.record(r))
        .filter(|r| r["u"].as_str().unwrap().starts_with(slug))
        .collect();
    assert!(under.len() > 2, "{under:?}");
    assert!(
        under
            .iter()
            .all(|r| r["h"] == "Much in Common" && r["n"].is_u64())
    );

    // An entity is found by its name, as a heading.
    let omar = index.entry("omar").unwrap();
    let entity = omar
        .records
        .iter()
        .zip(&omar.codes)
        .find(|(r, _)| index.url(**r) == "entities/mullah-omar/")
        .expect("Mullah Omar's entity page is a record");
    assert!(entity.1 & 3 >= 1, "the name counts as its heading");
    let record = index.record(*entity.0);
    assert_eq!(record["k"], "entity");
    assert!(
        record["t"].as_str().unwrap().contains("Omar"),
        "with its summary"
    );
    // A footnote of the CIA and ISI document.
    let notes: Vec<Value> = (0..index.records())
        .map(|r| index.record(r))
        .filter(|r| r["k"] == "note")
        .collect();
    assert!(!notes.is_empty());
    let page = site.page("cia-and-isi-a-failed-marriage/index.html");
    let note = notes
        .iter()
        .find(|n| {
            n["u"]
                .as_str()
                .unwrap()
                .starts_with("cia-and-isi-a-failed-marriage/")
        })
        .unwrap();
    let id = note["u"].as_str().unwrap().split('#').nth(1).unwrap();
    page.has(&format!("[id='{id}']"));
}

/// Records whose block or note, on its page, links to `href` with an element
/// matching `css`; entity and source records are left out.
fn records_linking(site: &Site, index: &Index, css: &str) -> BTreeSet<usize> {
    (0..index.records())
        .filter(|&r| {
            let url = index.url(r);
            let Some((page, id)) = url.split_once('#') else {
                return false;
            };
            let page = site.page(&format!("{page}index.html"));
            let block = page.one(&format!("[id='{id}']"));
            block.select(&common::selector(css)).next().is_some()
        })
        .collect()
}

#[test]
fn filters_list_exactly_the_records_that_name_an_entity_or_cite_a_source() {
    let site = common::repository_site();
    let index = Index::read(site);

    let e = index.choice("entities", "Mahmud Ahmed");
    let listed: BTreeSet<usize> = index
        .entry(&format!("#e{e}"))
        .unwrap()
        .records
        .into_iter()
        .collect();
    let own: BTreeSet<usize> = listed
        .iter()
        .copied()
        .filter(|&r| index.url(r) == "entities/mahmud-ahmed/")
        .collect();
    assert_eq!(own.len(), 1, "the entity's own record");
    let pages = records_linking(site, &index, "a.mention[href$='entities/mahmud-ahmed/']");
    assert!(pages.len() > 3, "{pages:?}");
    assert_eq!(
        listed.difference(&own).copied().collect::<BTreeSet<_>>(),
        pages
    );

    let s = index.choice("sources", "Directorate S");
    let listed: BTreeSet<usize> = index
        .entry(&format!("#s{s}"))
        .unwrap()
        .records
        .into_iter()
        .filter(|&r| index.url(r).contains('#'))
        .collect();
    let pages = records_linking(site, &index, "a[href*='sources/coll-directorate-s/']");
    assert!(!pages.is_empty());
    assert_eq!(listed, pages);
}

#[test]
fn each_document_is_one_run_of_records() {
    let site = common::repository_site();
    let index = Index::read(site);
    let counts: Vec<usize> = index.meta["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap() as usize)
        .collect();
    let titles = index.meta["documents"].as_array().unwrap();
    assert_eq!(counts.len(), 5);
    assert_eq!(
        titles[1],
        "The Taliban Story: CIA and ISI-A Failed Marriage"
    );
    let home = site.page("index.html");
    let mut start = 0;
    for (d, count) in counts.iter().enumerate() {
        let slugs: BTreeSet<String> = (start..start + count)
            .map(|r| {
                let record = index.record(r);
                assert_eq!(record["d"], d);
                index.url(r).split('/').next().unwrap().to_string()
            })
            .collect();
        assert_eq!(slugs.len(), 1, "document {d} is one run: {slugs:?}");
        let slug = slugs.first().unwrap();
        home.has(&format!("a[href='{slug}/']"));
        start += count;
    }
    // Then every entity, then every source.
    let entities = site
        .files()
        .iter()
        .filter(|f| f.starts_with("entities/") && f.ends_with("/index.html"))
        .count()
        - 1;
    let sources = site
        .files()
        .iter()
        .filter(|f| f.starts_with("sources/") && f.ends_with("/index.html"))
        .count()
        - 1;
    assert_eq!(start + entities + sources, index.records());
    assert_eq!(index.record(start)["k"], "entity");
    assert_eq!(index.record(index.records() - 1)["k"], "source");
}

#[test]
fn the_filters_choices_are_sorted_and_named_by_the_archive() {
    let site = common::repository_site();
    let index = Index::read(site);
    for filter in ["entities", "sources"] {
        let names: Vec<String> = index.meta[filter]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c[1].as_str().unwrap().to_lowercase())
            .collect();
        assert!(names.len() >= 10, "{filter}: {names:?}");
        assert!(names.is_sorted(), "{filter} by name: {names:?}");
    }
    // The page itself lists none: they come with the index.
    let page = site.page("search/index.html");
    page.count("#search-document option", 1)
        .count("#search-entity option", 1)
        .has("form[data-index='../search/']");
}

#[test]
fn the_index_is_small_files_and_no_whole_file() {
    let site = common::repository_site();
    assert!(!site.exists("search.json"));
    assert!(!site.exists("minisearch.min.js"));
    let files: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("search/") && f != "search/index.html")
        .collect();
    assert!(files.iter().all(|f| f.ends_with(".gz")), "{files:?}");
    for file in &files {
        let size = site.bytes(file).len();
        assert!(size < 64 * 1024, "{file} is {size} bytes");
    }
}

#[test]
fn two_builds_write_the_same_index() {
    let archive = Archive::repository();
    let first = archive.build().snapshot();
    let second = archive.build_to(&archive.scratch("again")).snapshot();
    let index = |s: &std::collections::BTreeMap<String, Vec<u8>>| {
        s.iter()
            .filter(|(f, _)| f.starts_with("search/"))
            .map(|(f, b)| (f.clone(), b.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let (a, b) = (index(&first), index(&second));
    assert!(a.len() > 3);
    common::assert_same_files(&a, &b);
}

/// A word made from a number: `w` and base-26 letters.
fn word(mut n: usize) -> String {
    let mut w = String::from("w");
    loop {
        w.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return w;
        }
    }
}

#[test]
fn a_larger_archive_spreads_its_words_over_files_a_lookup_finds() {
    let mut archive = Archive::with_site();
    let (documents, paragraphs, words) = (150, 8, 60);
    for d in 0..documents {
        let text: Vec<String> = (0..paragraphs)
            .map(|p| {
                let words: Vec<String> = (0..words)
                    .map(|i| word((d * 7 + p * 131 + i * 17) % 4000))
                    .collect();
                format!("{}.", words.join(" "))
            })
            .collect();
        archive = archive.document(
            &format!("doc-{d:03}"),
            &format!(
                "+++\ntitle = \"Document {d}\"\n+++\n{}\n",
                text.join("\n\n")
            ),
        );
    }
    let site = archive.build();
    let index = Index::read(&site);
    assert!(index.first.len() > 2, "{} term files", index.first.len());
    let mut seen = 0;
    for d in (0..documents).step_by(17) {
        for p in 0..paragraphs {
            for i in [0, 13, words - 1] {
                let w = word((d * 7 + p * 131 + i * 17) % 4000);
                let entry = index.entry(&w).unwrap_or_else(|| panic!("{w} is found"));
                let urls: Vec<String> = entry.records.iter().map(|&r| index.url(r)).collect();
                assert!(
                    urls.iter().any(|u| u.starts_with(&format!("doc-{d:03}/#"))),
                    "{w} lists document {d}: {urls:?}"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 100);

    // The words a prefix begins are in the files between the prefix's and the
    // file of the prefix followed by the last code point, as the script looks.
    let files: Vec<Vec<String>> = (0..index.first.len())
        .map(|i| index.term_file(i).into_iter().map(|e| e.word).collect())
        .collect();
    for first in &index.first[1..] {
        for prefix in [&first[..2], &first[..3]] {
            let range = index.file_of(prefix)..=index.file_of(&format!("{prefix}\u{10FFFF}"));
            for (i, words) in files.iter().enumerate() {
                if words.iter().any(|w| w.starts_with(prefix)) {
                    assert!(
                        range.contains(&i),
                        "{prefix}: file {i} is outside {range:?}"
                    );
                }
            }
        }
    }
}

//! Random edits of a generated archive, each checked against a build from
//! scratch: the links the session keeps equal a full link's, and the files it
//! serves a fresh session's. The archive is large enough for the thresholds of
//! related passages: one name is in about as many paragraphs as `COMMON`, one
//! year too, others are about as rare as `RARE`, and the counted size moves
//! at a step now and then.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::Session;
use crate::link;

const DOCUMENTS: usize = 50;
const NAMES: [&str; 8] = [
    "Zara Holt",
    "Arlo Vance",
    "Bram Keller",
    "Cato Rusk",
    "Dina Marsh",
    "Elio Prang",
    "Fenna Quist",
    "Gus Tamber",
];

/// A tiny generator, so the archive is the same in every case.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A document as paragraphs and footnotes, written out whole after each edit.
#[derive(Clone)]
struct Doc {
    paragraphs: Vec<String>,
    notes: Vec<String>,
}

impl Doc {
    fn text(&self, d: usize) -> String {
        let mut text = format!("+++\ntitle = \"Document {d}\"\n+++\n\n");
        for p in &self.paragraphs {
            text.push_str(p);
            text.push_str("\n\n");
        }
        // A note whose reference went with its paragraph goes too.
        for (i, note) in self.notes.iter().enumerate() {
            let label = format!("[^n{i}]");
            if self.paragraphs.iter().any(|p| p.contains(&label)) {
                text.push_str(&format!("{label}: {note}\n\n"));
            }
        }
        text
    }
}

/// A paragraph naming what `dice` picks; `n` makes its words its own.
fn paragraph(dice: &mut Dice, n: usize) -> String {
    let mut words = vec![format!("Passage {n} tells")];
    // The common name and year sit near the threshold.
    if dice.roll(100) < 80 {
        words.push(format!("of {}", NAMES[0]));
    }
    if dice.roll(100) < 80 {
        words.push("in 2001".into());
    }
    for name in &NAMES[1..] {
        if dice.roll(100) < 6 {
            words.push(format!("and {name}"));
        }
    }
    if dice.roll(100) < 30 {
        words.push(format!("since {}", 1990 + dice.roll(8)));
    }
    format!("{}.", words.join(" "))
}

fn archive(root: &Path) -> Vec<Doc> {
    super::tests::copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-archive"),
        root,
    );
    for (i, name) in NAMES.iter().enumerate() {
        std::fs::write(
            root.join(format!("content/entities/e{i}.md")),
            format!("+++\nname = \"{name}\"\nkind = \"person\"\n+++\nSomeone.\n"),
        )
        .unwrap();
    }
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let mut docs: Vec<Doc> = (0..DOCUMENTS)
        .map(|d| Doc {
            paragraphs: (0..10).map(|p| paragraph(&mut dice, d * 100 + p)).collect(),
            notes: Vec::new(),
        })
        .collect();
    // One paragraph more or less naming the common name or year crosses
    // `COMMON`, and one described paragraph more crosses a step of the count.
    for (words, most) in [(format!(" of {}", NAMES[0]), 401), (" in 2001".into(), 401)] {
        let mut count = 0;
        for p in docs.iter_mut().flat_map(|doc| &mut doc.paragraphs) {
            if p.contains(&words) {
                count += 1;
                if count > most {
                    *p = p.replace(&words, "");
                }
            }
        }
    }
    let described = |docs: &[Doc]| {
        let paragraphs = docs.iter().flat_map(|doc| &doc.paragraphs);
        paragraphs
            .filter(|p| {
                p.contains(" of ")
                    || p.contains(" in ")
                    || p.contains(" and ")
                    || p.contains(" since ")
            })
            .count()
    };
    // The fixture's own documents describe three more.
    while described(&docs) < 497 {
        let n = docs[0].paragraphs.len();
        docs[0]
            .paragraphs
            .push(format!("Passage {n} tells since 1993."));
    }
    for (d, doc) in docs.iter().enumerate() {
        std::fs::write(path(root, d), doc.text(d)).unwrap();
    }
    docs
}

fn path(root: &Path, d: usize) -> PathBuf {
    root.join(format!("content/documents/doc-{d:02}.md"))
}

/// One edit: what to do, to which document, where, and with what.
#[derive(Debug, Clone)]
struct Edit {
    kind: u8,
    document: usize,
    at: usize,
    seed: u64,
}

fn apply(doc: &mut Doc, edit: &Edit, fresh: usize) {
    let mut dice = Dice(edit.seed | 1);
    let n = doc.paragraphs.len();
    let at = edit.at % n.max(1);
    match edit.kind % 9 {
        0 => doc
            .paragraphs
            .insert(edit.at % (n + 1), paragraph(&mut dice, fresh)),
        1 if n > 1 => {
            doc.paragraphs.remove(at);
        }
        2 if n > 0 => {
            let name = NAMES[dice.roll(NAMES.len())];
            doc.paragraphs[at].push_str(&format!(" So did {name}."));
        }
        3 if n > 0 => {
            let name = NAMES[dice.roll(NAMES.len())];
            doc.paragraphs[at] = doc.paragraphs[at].replace(name, "someone");
        }
        4 if n > 0 => {
            let label = doc.notes.len();
            doc.notes
                .push(format!("A note on {}.", NAMES[dice.roll(NAMES.len())]));
            doc.paragraphs[at].push_str(&format!("[^n{label}]"));
        }
        5 if n > 0 => {
            let other = dice.roll(DOCUMENTS);
            doc.paragraphs[at].push_str(&format!(" [See {other}](doc-{other:02}.md)."));
        }
        6 if n > 1 => doc.paragraphs.swap(at, (at + 1) % n),
        7 if n > 1 => {
            // A name moves to the next paragraph: as many paragraphs name it.
            let named = NAMES
                .iter()
                .rev()
                .find(|name| doc.paragraphs[at].contains(*name));
            if let Some(name) = named {
                doc.paragraphs[at] = doc.paragraphs[at].replace(name, "someone");
                doc.paragraphs[(at + 1) % n].push_str(&format!(" So did {name}."));
            }
        }
        _ if n > 0 => doc.paragraphs[at].push_str(" Words."),
        _ => {}
    }
}

fn edits() -> impl Strategy<Value = Vec<Vec<Edit>>> {
    let edit =
        (0u8..9, 0..DOCUMENTS, 0usize..12, any::<u64>()).prop_map(|(kind, document, at, seed)| {
            Edit {
                kind,
                document,
                at,
                seed,
            }
        });
    // Mostly one document a save, now and then two.
    prop::collection::vec(prop::collection::vec(edit, 1..3), 1..10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_link_and_serve_as_a_full_build_would(saves in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        let mut docs = archive(&root);
        let mut session = Session::new(&root);
        session.rebuild(&[]).unwrap();
        for (round, save) in saves.iter().enumerate() {
            let mut changed = Vec::new();
            for (i, edit) in save.iter().enumerate() {
                let d = edit.document;
                apply(&mut docs[d], edit, 10_000 + round * 10 + i);
                std::fs::write(path(&root, d), docs[d].text(d)).unwrap();
                changed.push(std::fs::canonicalize(path(&root, d)).unwrap());
            }
            session.rebuild(&changed).unwrap();
            let last = session.last.as_ref().unwrap();
            let full = link::link(&last.checked.archive, &last.checked.parsed);
            prop_assert!(last.checked.linked == full, "round {round}: {save:?}");
        }
        session.save_lock().unwrap();
        let after = super::tests::served(&mut session);
        let mut fresh = Session::new(&root);
        fresh.rebuild(&[]).unwrap();
        let full = super::tests::served(&mut fresh);
        prop_assert_eq!(after.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
        for (path, bytes) in &full {
            prop_assert!(after[path] == *bytes, "{} differs", path);
        }
    }
}

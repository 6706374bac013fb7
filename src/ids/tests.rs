use super::minting::ID_LEN;
use super::normalise::{TEXT_LIMIT, fnv1a, mix, normalise, truncate};
use super::similarity::{SHORT_WORDS, bigrams, shared};
use super::*;
use proptest::prelude::*;

const P1: &str = "In the spring of 1999 the foreign ministry in Kabul received a delegation \
    from Islamabad, and the talks, which lasted three days, turned on the question of the \
    training camps near Khost and on who was paying for them.";
const P2: &str = "Khaksar said that he had warned the Americans twice, once through an \
    intermediary in Peshawar and once directly, but that nobody in Washington seemed to \
    take the warnings seriously at the time.";
const P3: &str = "The camps were not a secret. Journalists had visited them, photographs had \
    been published, and the local commanders spoke openly about the foreign fighters who \
    came and went through the passes.";
const P4: &str = "By the autumn the situation had changed. The embassy reported a sharp rise \
    in the number of arrivals, most of them young men from the Gulf, travelling on forged \
    or borrowed documents.";
const P5: &str = "Nobody could say with certainty how much the intelligence services knew, or \
    when they knew it; the archives that might settle the question remain closed.";

fn keys<'a>(texts: &[&'a str]) -> Vec<BlockKey<'a>> {
    texts
        .iter()
        .map(|&text| BlockKey {
            text,
            explicit: None,
        })
        .collect()
}

fn build(previous: &DocLock, texts: &[&str]) -> (Vec<String>, DocLock) {
    assign(previous, &keys(texts))
}

fn to_of<'a>(lock: &'a DocLock, id: &str) -> Option<&'a str> {
    lock.retired
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.to.as_str())
}

/// `normalise` as first written, a character at a time: the lock format.
fn normalised_slowly(text: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2019}' | '\u{02bc}') || is_combining(c) {
            continue;
        }
        if !c.is_alphanumeric() || (c.is_ascii() && !c.is_ascii_alphanumeric()) {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase().filter(|l| !is_combining(*l)));
        }
    }
    out
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

proptest! {
    #[test]
    fn normalise_is_the_character_at_a_time_definition(
        text in "[a-zA-Z0-9 '’,.\t\u{e9}\u{c9}\u{130}\u{304}\u{1f00}\u{3000}-]{0,40}",
    ) {
        prop_assert_eq!(normalise(&text), normalised_slowly(&text));
    }
}

#[test]
fn normalise_lowercases_drops_punctuation_and_collapses_space() {
    assert_eq!(
        normalise("  Mullah  Omar's\tforces—in KABUL, (1996)!  "),
        "mullah omars forces in kabul 1996"
    );
    assert_eq!(normalise("ÉCOLE Ἀθῆναι İstanbul"), "école ἀθῆναι istanbul");
    // A decomposed accent is dropped rather than splitting the word.
    assert_eq!(normalise("Pesha\u{0304}war"), "peshawar");
    assert_eq!(normalise("al-Qa’ida"), "al qaida");
    assert_eq!(normalise(" .,;— "), "");
}

#[test]
fn fnv1a_matches_the_reference_vectors() {
    assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
}

#[test]
fn truncate_keeps_whole_words_and_a_prefix() {
    let long = normalise(&[P1, P2, P3].join(" "));
    let cut = truncate(&long);
    assert!(cut.len() <= TEXT_LIMIT && long.starts_with(cut));
    assert_eq!(long.as_bytes()[cut.len()], b' ');
    assert_eq!(truncate("short text"), "short text");
    let wide = "ā".repeat(300);
    assert!(truncate(&wide).len() <= TEXT_LIMIT);
}

#[test]
fn repeated_phrases_count_as_often_as_they_occur() {
    let once = bigrams("the war the end");
    let twice = bigrams("the war the war the end");
    assert_eq!(once.len(), 5);
    assert_eq!(twice.len(), 7);
    assert_eq!(shared(&once, &twice), 5);
}

#[test]
fn minted_ids_are_pinned() {
    // These must never change: they are published URLs. A change here means the
    // normalisation or the hash changed, which needs a lock format migration.
    let (ids, _) = build(&DocLock::default(), &[P1, "April 1999", ""]);
    assert_eq!(ids, ["quamd", "p5u3s", "b2kak"]);
}

#[test]
fn minted_ids_are_short_css_friendly_and_depend_only_on_the_text() {
    let (a, _) = build(&DocLock::default(), &[P1, P2, "Notes"]);
    let (b, _) = build(&DocLock::default(), &["Notes", P3, P1]);
    assert_eq!((&a[0], &a[2]), (&b[2], &b[0]));
    for id in a.iter().chain(&b) {
        assert_eq!(id.len(), ID_LEN);
        assert!(id.starts_with(|c: char| c.is_ascii_lowercase()));
        assert!(id.bytes().all(|c| matches!(c, b'a'..=b'z' | b'2'..=b'7')));
    }
}

#[test]
fn identical_and_empty_blocks_get_distinct_ids_lengthened_on_collision() {
    let (ids, lock) = build(&DocLock::default(), &["Notes", "", "notes.", ""]);
    assert_eq!(ids[2].len(), ID_LEN + 1);
    assert!(ids[2].starts_with(&ids[0]));
    assert!(ids[3].starts_with(&ids[1]));
    let (again, _) = assign(&lock, &keys(&["Notes", "", "notes.", ""]));
    assert_eq!(again, ids);
}

#[test]
fn many_identical_blocks_walk_one_chain_of_ids_once() {
    let texts = vec!["Notes"; 40];
    let (ids, _) = build(&DocLock::default(), &texts);
    // The first eight are the lengthenings of one id; then the hash is re-mixed.
    for (n, id) in ids[..8].iter().enumerate() {
        assert_eq!(id.len(), ID_LEN + n);
        assert!(id.starts_with(&ids[0]));
    }
    assert_eq!(ids[8].len(), ID_LEN);
    assert_eq!(ids[9].len(), ID_LEN + 1);
    assert!(ids[9].starts_with(&ids[8]));
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 40);
}

#[test]
fn an_inserted_duplicate_does_not_shift_the_others() {
    let (ids, lock) = build(&DocLock::default(), &["", P1, "", P2]);
    let (after, _) = build(&lock, &["", "", P1, "", P2]);
    assert_eq!(
        [&after[0], &after[2], &after[3], &after[4]],
        [&ids[0], &ids[1], &ids[2], &ids[3]]
    );
}

#[test]
fn rebuilding_unchanged_text_is_a_fixed_point() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3]);
    let (again, relock) = build(&lock, &[P1, P2, P3]);
    assert_eq!((again, relock), (ids, lock));
}

#[test]
fn inserting_deleting_and_reordering_others_keeps_ids() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4]);
    let (moved, lock) = build(&lock, &[P4, P5, P2, P1]);
    assert_eq!(
        [&moved[0], &moved[2], &moved[3]],
        [&ids[3], &ids[1], &ids[0]]
    );
    assert!(!ids.contains(&moved[1]));
    // P3 is gone: its following neighbour, P4, now comes first.
    assert_eq!(to_of(&lock, &ids[2]), Some(ids[3].as_str()));
}

#[test]
fn moderate_edits_keep_the_id() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4, P5]);
    let typo = P2.replace("seriously", "seriosly");
    let word = P1.replace("three days", "four days");
    let sentence = format!("{P5} Some of them may open in 2030, when the embargo ends.");
    let before = format!("The camps were no secret at all. {P3}");
    let edited = [word.as_str(), &typo, &before, P4, &sentence];
    let (after, lock) = build(&lock, &edited);
    assert_eq!(after, ids);
    assert!(lock.retired.is_empty());
}

#[test]
fn a_short_heading_keeps_its_id_through_a_typo_fix() {
    let (ids, lock) = build(&DocLock::default(), &["Chapter Oen", P1, "Mullar Omar", P2]);
    let (after, _) = build(&lock, &["Chapter One", P1, "Mullah Omar", P2]);
    assert_eq!(after, ids);
}

#[test]
fn a_short_block_is_not_taken_over_by_a_look_alike_of_another_length() {
    let (ids, lock) = build(&DocLock::default(), &[P1, "His commander", P2]);
    let (after, _) = build(&lock, &[P1, "Commanders", P2]);
    assert!(!ids.contains(&after[1]));
}

#[test]
fn a_different_block_in_the_same_place_gets_a_new_id() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, "April 1999", P3]);
    let (after, lock) = build(&lock, &[P1, P4, "May 2000", P3]);
    assert!(!ids.contains(&after[1]) && !ids.contains(&after[2]));
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[3].as_str()));
    assert_eq!(to_of(&lock, &ids[2]), Some(ids[3].as_str()));
}

#[test]
fn look_alike_siblings_keep_their_own_ids() {
    let a = "On 12 May the commander of the northern front reported that his men had \
             taken the bridge at Pul-i-Khumri after a short fight.";
    let b = "On 14 May the commander of the northern front reported that his men had \
             lost the bridge at Pul-i-Khumri after a long fight.";
    let (ids, lock) = build(&DocLock::default(), &[P1, a, b, P2]);
    let a2 = a.replace("12 May", "13 May");
    let b2 = b.replace("long fight", "long and bloody fight");
    let (after, _) = build(&lock, &[P1, &a2, &b2, P2]);
    assert_eq!(after, ids);
    // With the first one gone, the second must not slide onto its id.
    let (after, _) = build(&lock, &[P1, &b2, P2]);
    assert_eq!(after[1], ids[2]);
}

#[test]
fn a_block_moved_and_edited_keeps_its_id() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4, P5]);
    let typo = P1.replace("delegation", "deleggation");
    let (after, _) = build(&lock, &[P2, P3, P4, &typo, P5]);
    assert_eq!(after[3], ids[0]);
}

#[test]
fn an_edited_block_whose_neighbour_moved_keeps_its_id() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4]);
    let grown = format!("{P2} It was not the last time.");
    let (after, _) = build(&lock, &[P3, &grown, P1, P4]);
    assert_eq!(after, [ids[2].as_str(), &ids[1], &ids[0], &ids[3]]);
}

#[test]
fn a_long_block_given_a_new_first_sentence_keeps_its_id_among_moved_blocks() {
    // Longer than the lock keeps, so the new sentence shifts the stored window.
    let long = format!("{P1} {P4} {P3}");
    assert!(normalise(&long).len() > TEXT_LIMIT);
    let old = [long.as_str(), P2, P5, "Notes", "Sources", "Chapter One"];
    let (ids, lock) = build(&DocLock::default(), &old);
    let opening = "This account was written down in Kandahar many years later by a clerk of \
                   the ministry, who had kept his own notes of every meeting he attended.";
    let grown = format!("{opening} {long}");
    // Its neighbours moved too: only the match-anywhere pass can find it.
    let new = ["Notes", &grown, "Sources", "Chapter One", P2, P5];
    let (after, _) = build(&lock, &new);
    assert_eq!(after[1], ids[0]);
}

#[test]
fn deleted_ids_point_to_the_following_then_the_preceding_block() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3]);
    let (_, lock) = build(&lock, &[P1, P3]);
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[2].as_str()));
    let (_, lock) = build(&lock, &[P1]);
    assert_eq!(to_of(&lock, &ids[2]), Some(ids[0].as_str()));
    // The earlier redirect follows its target to where that went.
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
    let (_, lock) = build(&lock, &[]);
    assert!(lock.retired.iter().all(|r| r.to.is_empty()));
    assert_eq!(lock.retired.len(), 3);
}

#[test]
fn a_merge_keeps_one_id_and_points_the_other_at_it() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2, P3, P4]);
    let merged = format!("{P2} {P3}");
    let (after, lock) = build(&lock, &[P1, &merged, P4]);
    // Either part's id may go on: the two are about as alike to the merged text,
    // and the lock's sketch of each only estimates how alike.
    let (kept, gone) = if after[1] == ids[1] { (1, 2) } else { (2, 1) };
    assert_eq!(after, [ids[0].as_str(), &ids[kept], &ids[3]]);
    assert_eq!(to_of(&lock, &ids[gone]), Some(ids[kept].as_str()));
}

#[test]
fn a_merge_across_deleted_blocks_still_points_at_the_merged_block() {
    let old = [P1, P2, P3, P4, "Chapter One", P5, "Sources"];
    let (ids, lock) = build(&DocLock::default(), &old);
    let merged = format!("{P1} {P5}");
    let (after, lock) = build(&lock, &[&merged, "Sources"]);
    assert_eq!(after, [ids[0].as_str(), &ids[6]]);
    assert_eq!(to_of(&lock, &ids[5]), Some(ids[0].as_str()));
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[6].as_str()));
}

#[test]
fn a_merged_word_points_at_the_block_that_gained_it() {
    let old = [P1, "But", "But nobody listened to him.", P2];
    let (ids, lock) = build(&DocLock::default(), &old);
    // Both neighbours changed and both hold "but"; only the first gained it.
    let merged = format!("{P1} But");
    let new = [merged.as_str(), "But nobody listened to him at all.", P2];
    let (after, lock) = build(&lock, &new);
    assert_eq!(after, [ids[0].as_str(), &ids[2], &ids[3]]);
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
}

#[test]
fn a_merged_word_is_not_claimed_by_a_neighbour_that_never_held_it() {
    // A one-word block has two word pairs, and a 12-bit fingerprint of one of
    // them matches one of the split paragraph's pairs. The merged block was
    // edited too, so it is not just the two texts joined: only the word itself
    // (kept in the lock, as for every short block) tells who took in "was".
    let a = "Autumn their fighters with ÉMIGRÉ talks Omar 1998 Khaksar. Tribal.";
    let b = "Believed sources warned telegram war of many September spring ÉMIGRÉ.";
    let head = "and which talks commander ISI. Told agreed ambassador embassy attack but. \
                September Islamabad received strike refused report province 2001 province \
                crossed his Kandahar camps training report. ÉMIGRÉ the by said refused were.";
    let tail = "With were with months warned convoy tribal reported. Of secret two al-Qaeda \
                days 1996.";
    let rest = format!("{head} {tail}");
    let (ids, lock) = build(&DocLock::default(), &[a, b, "Was", &rest]);
    let merged = format!("{} Was", b.replace("many", "several"));
    let (after, lock) = build(&lock, &[a, &merged, head, tail]);
    assert_eq!(after[1], ids[1]);
    assert_eq!(to_of(&lock, &ids[2]), Some(ids[1].as_str()));
}

#[test]
fn a_merged_word_points_at_the_block_it_was_joined_to() {
    // The next paragraph, edited too, already ended with the merged word; the
    // sketch of a long block cannot say so, but the hashes show which block is
    // its old text with the word added.
    let b = "Many secret memo strike sources. Earlier autumn Khost attack from and years \
             agencies. By denied 1998 from Taliban money pass to few 2001 at. ÉMIGRÉ warning \
             CIA agency warning had 2000 his defector. Openly pressure ÉMIGRÉ crossed and \
             agency Mullah Laden al-Qaeda was ÉMIGRÉ for he spring April bin.";
    let c = "memo had meeting attacks convoy commanders pass and warnings said as 1999 for \
             Mullah which Peshawar. Fighters later Kabul officer province deputy the. Kandahar \
             with in they returned the military he deputy chief wrote on. Kandahar two 2001 \
             O'Neill it Pakistani from border. Was foreign province.";
    let (ids, lock) = build(&DocLock::default(), &[P1, b, "Province", c]);
    let merged = format!("{b} Province");
    let edited = c.replacen("memo", "the", 1);
    let (after, lock) = build(&lock, &[P1, &merged, &edited]);
    assert_eq!(after, [ids[0].as_str(), &ids[1], &ids[3]]);
    assert_eq!(to_of(&lock, &ids[2]), Some(ids[1].as_str()));
}

#[test]
fn a_split_keeps_the_id_on_the_larger_part() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P4, P5]);
    let (head, tail) = P4.split_at(P4.find(" The embassy").unwrap());
    let (after, lock) = build(&lock, &[P1, head, tail, P5]);
    assert_eq!(
        [&after[0], &after[2], &after[3]],
        [&ids[0], &ids[1], &ids[2]]
    );
    assert!(!ids.contains(&after[1]));
    assert!(lock.retired.is_empty());
}

#[test]
fn a_retired_id_is_never_minted_again() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
    let (_, lock) = build(&lock, &[P1]);
    let (back, lock) = build(&lock, &[P1, P2]);
    assert_ne!(back[1], ids[1]);
    assert!(back[1].starts_with(&ids[1]), "lengthened, not reused");
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
}

#[test]
fn an_explicit_id_wins_and_the_old_id_points_to_it() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
    let blocks = [
        BlockKey {
            text: P1,
            explicit: None,
        },
        BlockKey {
            text: P2,
            explicit: Some("warnings"),
        },
    ];
    let (after, lock) = assign(&lock, &blocks);
    assert_eq!(after, [ids[0].as_str(), "warnings"]);
    assert_eq!(to_of(&lock, &ids[1]), Some("warnings"));
    // Dropping the `{#warnings}` later keeps the id: the lock remembers it.
    let (after, _) = build(&lock, &[P1, P2]);
    assert_eq!(after[1], "warnings");
}

#[test]
fn an_explicit_id_takes_over_a_minted_one() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
    let blocks = [
        BlockKey {
            text: P1,
            explicit: None,
        },
        BlockKey {
            text: P2,
            explicit: Some(&ids[0]),
        },
    ];
    let (after, lock) = assign(&lock, &blocks);
    assert_eq!(after[1], ids[0]);
    assert!(!after[0].is_empty() && after[0] != ids[0] && after[0] != ids[1]);
    assert_eq!(to_of(&lock, &ids[1]), Some(ids[0].as_str()));
}

#[test]
fn a_minted_id_never_equals_an_explicit_one() {
    let (alone, _) = build(&DocLock::default(), &[P1]);
    let blocks = [
        BlockKey {
            text: P1,
            explicit: None,
        },
        BlockKey {
            text: P2,
            explicit: Some(&alone[0]),
        },
    ];
    let (ids, _) = assign(&DocLock::default(), &blocks);
    assert_eq!(ids[1], alone[0]);
    assert!(ids[0].starts_with(&alone[0]) && ids[0].len() == ID_LEN + 1);
}

#[test]
fn an_explicit_id_brings_a_retired_one_back() {
    let (ids, lock) = build(&DocLock::default(), &[P1, P2]);
    let (_, lock) = build(&lock, &[P1]);
    assert!(to_of(&lock, &ids[1]).is_some());
    let blocks = [
        BlockKey {
            text: P1,
            explicit: None,
        },
        BlockKey {
            text: P3,
            explicit: Some(&ids[1]),
        },
    ];
    let (after, lock) = assign(&lock, &blocks);
    assert_eq!(after[1], ids[1]);
    assert!(lock.retired.is_empty());
}

#[test]
fn a_repeated_explicit_id_goes_to_the_first_block_only() {
    let blocks = [
        BlockKey {
            text: P1,
            explicit: Some("intro"),
        },
        BlockKey {
            text: P2,
            explicit: Some("intro"),
        },
    ];
    let (ids, _) = assign(&DocLock::default(), &blocks);
    assert_eq!(ids[0], "intro");
    assert_ne!(ids[1], "intro");
}

#[test]
fn a_malformed_lock_still_gives_unique_ids() {
    let entry = |id: &str, hash: &str, text: &str| LockedBlock {
        id: id.into(),
        hash: hash.into(),
        text: text.into(),
        sketch: None,
    };
    let previous = DocLock {
        blocks: vec![
            entry("same", "not hex", &normalise(P1)),
            entry("same", "0000000000000000", &normalise(P2)),
            entry("", "", ""),
        ],
        retired: vec![Retired {
            id: "same".into(),
            to: "nowhere".into(),
        }],
    };
    let (ids, lock) = build(&previous, &[P1, P2, P3]);
    assert_eq!(ids[0], "same");
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 3);
    assert!(lock.retired.is_empty());
}

/// A lock of the first format, as lectern wrote it before sketches.
const LOCK_V1: &str = "\
# Paragraph ids, kept by lectern: commit this file with the content.
# `lectern build` updates it; edit it by hand only to repair it.

[[documents.khaksar-timeline.blocks]]
id = \"quamd\"
hash = \"0123456789abcdef\"
text = \"april 1999\"

[[documents.khaksar-timeline.blocks]]
id = \"long\"
hash = \"1111111111111111\"
text = \"khaksar said that he had warned the americans twice once through an intermediary\"

[[documents.khaksar-timeline.retired]]
id = \"b2cde\"
to = \"quamd\"

[[documents.\"other doc\".blocks]]
id = \"intro\"
hash = \"fedcba9876543210\"
text = 'he said \"no\"'
";

/// The same lock in format 2.
const LOCK_V2: &str = "\
# Paragraph ids, kept by lectern: commit this file with the content.
# `lectern build` updates it; edit it by hand only to repair it.
# Per document: `[slug]`, then a line per block in order (id, hash of its text,
# and `= text` or a sketch that re-finds it after an edit), then `id -> id` for
# each retired id and the block its URL now lands on.
format 2

[khaksar-timeline]
quamd 0123456789abcdef = april 1999
long 1111111111111111 14+:
b2cde -> quamd

[\"other doc\"]
intro fedcba9876543210 = he said \"no\"
";

#[test]
fn the_lock_file_format_is_pinned_and_round_trips() {
    let lock = Lock::parse(LOCK_V1).unwrap();
    let long = &lock.documents["khaksar-timeline"].blocks[1];
    let expected = Sketch::of(
        &bigrams(
            "khaksar said that he had warned the americans twice once through an intermediary",
        ),
        true,
    );
    assert_eq!(long.sketch.as_ref(), Some(&expected));
    assert_eq!(long.text, "");
    let text = lock.to_text();
    let sample = expected.encode();
    assert_eq!(text, LOCK_V2.replace("14+:", &format!("14+:{sample}")));
    assert_eq!(Lock::parse(&text), Ok(lock.clone()));
    assert_eq!(lock.documents["other doc"].blocks[0].text, "he said \"no\"");
    assert_eq!(lock.documents["khaksar-timeline"].retired[0].to, "quamd");
    assert_eq!(Lock::parse("").unwrap(), Lock::default());
}

#[test]
fn a_first_format_lock_reads_as_what_assign_records() {
    // Unchanged text against a lock of either format: the same ids, and the same
    // lock, so `--locked` passes and nothing is rewritten.
    let texts = [P1, "April 1999", P2, &[P3, P4, P5].join(" ")];
    let (ids, lock) = build(&DocLock::default(), &texts);
    let mut v1 = String::new();
    for b in &lock.blocks {
        let text = texts
            .iter()
            .map(|t| normalise(t))
            .find(|t| format!("{:016x}", fnv1a(t.as_bytes())) == b.hash)
            .unwrap();
        v1.push_str(&format!(
            "[[documents.d.blocks]]\nid = \"{}\"\nhash = \"{}\"\ntext = \"{}\"\n\n",
            b.id,
            b.hash,
            truncate(&text)
        ));
    }
    let read = Lock::parse(&v1).unwrap();
    assert_eq!(read.documents["d"], lock);
    assert_eq!(build(&read.documents["d"], &texts), (ids, lock));
}

#[test]
fn a_line_per_block_so_an_edit_changes_only_its_document() {
    let doc = |texts: &[&str]| build(&DocLock::default(), texts).1;
    let mut lock = Lock::default();
    lock.documents.insert("a".into(), doc(&[P1, P2]));
    lock.documents
        .insert("b".into(), doc(&[P3, "A heading", P4]));
    let before = lock.to_text();
    let edited = P4.replace("sharp rise", "sharp and sudden rise");
    let (_, b) = build(&lock.documents["b"], &[P3, "A heading", &edited]);
    lock.documents.insert("b".into(), b);
    let after = lock.to_text();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(x, y)| x != y)
        .collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 1, "{changed:?}");
    // A sketch is at most 32 characters: a block's line stays short.
    assert!(after.lines().all(|l| l.len() < 80), "{after}");
}

#[test]
fn odd_slugs_ids_and_texts_are_quoted() {
    let block = |id: &str, text: &str| LockedBlock {
        id: id.into(),
        hash: "0123456789abcdef".into(),
        text: text.into(),
        sketch: None,
    };
    let mut lock = Lock::default();
    lock.documents.insert(
        "a \"b\" [c]".into(),
        DocLock {
            blocks: vec![
                block("x y", " lead"),
                block("-", "trail "),
                block("#", "\"q\"\nr"),
            ],
            retired: vec![Retired {
                id: "=".into(),
                to: "x y".into(),
            }],
        },
    );
    assert_eq!(Lock::parse(&lock.to_text()), Ok(lock));
}

#[test]
fn lock_errors_say_what_is_wrong() {
    let err = Lock::parse("[documents.a\nblocks = 1").unwrap_err();
    assert!(err.contains("line 1, column 13"), "{err}");
    let err =
        Lock::parse("[[documents.a.blocks]]\nid = \"x\"\nhash = \"0\"\ntxt = \"\"\n").unwrap_err();
    assert!(err.contains("unknown field `txt`"), "{err}");
    let dup = "[[documents.a.blocks]]\nid = \"x\"\nhash = \"0123456789abcdef\"\ntext = \"\"\n\
               [[documents.a.retired]]\nid = \"x\"\nto = \"\"\n";
    let err = Lock::parse(dup).unwrap_err();
    assert!(
        err.contains("document `a`: id `x` is listed twice"),
        "{err}"
    );
    let bad = "[[documents.a.blocks]]\nid = \"x\"\nhash = \"12\"\ntext = \"\"\n";
    let err = Lock::parse(bad).unwrap_err();
    assert!(err.contains("hash `12`, expected 16 hex digits"), "{err}");
    // Format 2.
    let v2 = |body: &str| Lock::parse(&format!("# c\nformat 2\n{body}")).unwrap_err();
    assert_eq!(
        v2("x 0123456789abcdef = a\n"),
        "line 3: a block before any `[document]` line"
    );
    let err = v2("[a]\nx 0123456789abcdef 20:AB\n");
    assert!(
        err.starts_with("line 4: block `x`: a sketch of 20"),
        "{err}"
    );
    let err = v2("[a]\nx 0123456789abcdef = a\nx -> \n");
    assert_eq!(
        err,
        "document `a`: id `x` is listed twice (live or retired)"
    );
    assert_eq!(v2("[a]\n[a]\n"), "line 4: document `a` appears twice");
    let err = Lock::parse("format 3\n").unwrap_err();
    assert!(err.contains("update lectern"), "{err}");
}

mod properties {
    use super::*;
    use proptest::sample::Index;
    use std::sync::LazyLock;

    /// Words for realistic paragraphs: function words repeat, as in prose.
    const VOCABULARY: &str = "the the the the of of of and and and to to in in a a \
        that was was he his it for on with as by had were from at not but they which \
        their Taliban Kabul Kandahar Peshawar Islamabad Khost Mullah Omar ISI CIA \
        al-Qaeda bin Laden Haqqani Khaksar embassy ministry cable report officer \
        officers station chief camps training fighters commander commanders border \
        tribal agency agencies intelligence Pakistani Afghan American Saudi foreign \
        military political secret warning warnings meeting talks delegation envoy \
        defector source sources archive documents telegram memo ambassador minister \
        deputy region province valley pass road convoy weapons money funds support \
        pressure policy war peace attack attacks strike said told wrote warned \
        reported denied claimed believed refused agreed visited met sent received \
        crossed returned spring summer autumn winter 1996 1998 1999 2000 2001 \
        September April three several many few two months years days later earlier \
        openly quietly never again Peshāwar Muḥammad naïve ÉMIGRÉ d’Estaing O'Neill";

    static WORDS: LazyLock<Vec<&str>> = LazyLock::new(|| VOCABULARY.split_whitespace().collect());

    fn sentence_from(words: &[usize]) -> String {
        let text = words
            .iter()
            .map(|&w| WORDS[w])
            .collect::<Vec<_>>()
            .join(" ");
        let mut chars = text.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        format!("{}{}.", first.unwrap_or_default(), chars.as_str())
    }

    fn sentence() -> impl Strategy<Value = String> {
        prop::collection::vec(0..WORDS.len(), 4..=20).prop_map(|w| sentence_from(&w))
    }

    /// 10–120 words of prose in sentences of 5–17 words, drawn from a seed so
    /// that shrinking keeps the text realistic (shrinking word choices one by
    /// one ends at "the the the"); the length goes into the seed too, or shrunk
    /// paragraphs would be prefixes of one another.
    fn paragraph() -> impl Strategy<Value = String> {
        (any::<u64>(), 10..=120usize).prop_map(|(seed, len)| {
            let mut state = seed ^ mix(len as u64);
            let mut next = |n: usize| {
                state = mix(state);
                (state % n as u64) as usize
            };
            let words: Vec<usize> = (0..len).map(|_| next(WORDS.len())).collect();
            let mut out = Vec::new();
            let mut rest = &words[..];
            while !rest.is_empty() {
                let cut = (5 + next(13)).min(rest.len());
                out.push(sentence_from(&rest[..cut]));
                rest = &rest[cut..];
            }
            out.join(" ")
        })
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert(Index, String),
        Delete(Index),
        Move(Index, Index),
        Typo(Index, Index, Index),
        Word(Index, Index, usize),
        Sentence(Index, Index, String),
        Merge(Index),
        Split(Index, Index),
        /// Only in `explicit_ids_win`: give a block an explicit id, picked from a
        /// few names and every id seen so far (live or retired).
        Explicit(Index, Index),
    }

    fn op() -> impl Strategy<Value = Op> {
        let i = any::<Index>;
        prop_oneof![
            (i(), paragraph()).prop_map(|(a, t)| Op::Insert(a, t)),
            i().prop_map(Op::Delete),
            (i(), i()).prop_map(|(a, b)| Op::Move(a, b)),
            (i(), i(), i()).prop_map(|(a, b, c)| Op::Typo(a, b, c)),
            (i(), i(), 0..WORDS.len()).prop_map(|(a, b, w)| Op::Word(a, b, w)),
            (i(), i(), sentence()).prop_map(|(a, b, s)| Op::Sentence(a, b, s)),
            i().prop_map(Op::Merge),
            (i(), i()).prop_map(|(a, b)| Op::Split(a, b)),
        ]
    }

    fn op_or_explicit() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => op(),
            1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Op::Explicit(a, b)),
        ]
    }

    #[derive(Clone, Debug)]
    struct Item {
        ident: u32,
        text: String,
        explicit: Option<String>,
    }

    /// What one op did, for checking the ids afterwards. Blocks not named here
    /// must keep their ids; blocks new since the last build must get fresh ones.
    enum Effect {
        /// Moved, edited in place, inserted, or given an explicit id.
        Plain,
        /// A text edit of a block too short for the guarantee: its id is kept or
        /// fresh, never another block's.
        Loose(u32),
        Deleted {
            id: String,
            next: Option<u32>,
            prev: Option<u32>,
        },
        Merged {
            a: String,
            b: String,
            into: u32,
        },
        Split {
            id: String,
            parts: [u32; 2],
        },
    }

    fn words(text: &str) -> usize {
        text.split(' ').count()
    }

    /// The document, the lock, and everything seen so far.
    struct Sim {
        doc: Vec<Item>,
        lock: DocLock,
        id_of: BTreeMap<u32, String>,
        ever: BTreeSet<String>,
        /// Every normalised text the document has had: an inserted paragraph is
        /// new, not one that comes back (the shrinker likes to reuse texts, and
        /// to the matcher a returning text is an old block edited).
        texts: BTreeSet<String>,
        next: u32,
    }

    impl Sim {
        fn new(texts: Vec<String>) -> Sim {
            let mut sim = Sim {
                doc: Vec::new(),
                lock: DocLock::default(),
                id_of: BTreeMap::new(),
                ever: BTreeSet::new(),
                texts: texts.iter().map(|t| normalise(t)).collect(),
                next: 0,
            };
            for text in texts {
                let ident = sim.ident();
                sim.doc.push(Item {
                    ident,
                    text,
                    explicit: None,
                });
            }
            sim
        }

        fn ident(&mut self) -> u32 {
            self.next += 1;
            self.next
        }

        /// Applies `op` unless it touches an identity in `touched` or would make
        /// two texts identical; then says what to expect.
        fn apply(&mut self, op: &Op, touched: &mut BTreeSet<u32>) -> Option<Effect> {
            let before = self.doc.clone();
            let effect = self.try_apply(op, touched);
            let mut texts: Vec<String> = self.doc.iter().map(|i| normalise(&i.text)).collect();
            texts.sort();
            if effect.is_none() || texts.windows(2).any(|w| w[0] == w[1]) {
                self.doc = before;
                return None;
            }
            effect
        }

        fn try_apply(&mut self, op: &Op, touched: &mut BTreeSet<u32>) -> Option<Effect> {
            let len = self.doc.len();
            let pick = |i: &Index, touched: &mut BTreeSet<u32>, doc: &[Item]| {
                let at = (!doc.is_empty()).then(|| i.index(doc.len()))?;
                touched.insert(doc[at].ident).then_some(at)
            };
            match op {
                Op::Insert(at, text) => {
                    if self.texts.contains(&normalise(text)) {
                        return None;
                    }
                    let ident = self.ident();
                    touched.insert(ident);
                    let item = Item {
                        ident,
                        text: text.clone(),
                        explicit: None,
                    };
                    self.doc.insert(at.index(len + 1), item);
                    Some(Effect::Plain)
                }
                Op::Delete(at) => {
                    let at = pick(at, touched, &self.doc)?;
                    let item = self.doc.remove(at);
                    Some(Effect::Deleted {
                        id: self.id_of[&item.ident].clone(),
                        next: self.doc.get(at).map(|i| i.ident),
                        prev: at.checked_sub(1).map(|p| self.doc[p].ident),
                    })
                }
                Op::Move(from, to) => {
                    let from = pick(from, touched, &self.doc)?;
                    let item = self.doc.remove(from);
                    self.doc.insert(to.index(len), item);
                    Some(Effect::Plain)
                }
                Op::Typo(at, word, pos) => {
                    let at = pick(at, touched, &self.doc)?;
                    let mut ws: Vec<String> =
                        self.doc[at].text.split(' ').map(str::to_owned).collect();
                    let w = word.index(ws.len());
                    let chars: Vec<char> = ws[w].chars().collect();
                    let p = pos.index(chars.len());
                    let with = if chars[p] == 'q' { 'z' } else { 'q' };
                    ws[w] = chars
                        .iter()
                        .enumerate()
                        .map(|(i, &c)| if i == p { with } else { c })
                        .collect();
                    self.edit(at, ws.join(" "), 5)
                }
                Op::Word(at, word, with) => {
                    let at = pick(at, touched, &self.doc)?;
                    let mut ws: Vec<&str> = self.doc[at].text.split(' ').collect();
                    let w = word.index(ws.len());
                    ws[w] = WORDS[*with];
                    let text = ws.join(" ");
                    self.edit(at, text, 5)
                }
                Op::Sentence(at, pos, sentence) => {
                    let at = pick(at, touched, &self.doc)?;
                    let mut ws: Vec<&str> = self.doc[at].text.split(' ').collect();
                    ws.insert(pos.index(ws.len() + 1), sentence);
                    let text = ws.join(" ");
                    self.edit(at, text, 10)
                }
                Op::Merge(at) => {
                    let at = (len >= 2).then(|| at.index(len - 1))?;
                    let (first, second) = (&self.doc[at], &self.doc[at + 1]);
                    let (a, b) = (first.ident, second.ident);
                    let text = format!("{} {}", first.text, second.text);
                    let explicit = first.explicit.is_some() || second.explicit.is_some();
                    if words(&text) <= SHORT_WORDS
                        || explicit
                        || !touched.insert(a)
                        || !touched.insert(b)
                    {
                        return None;
                    }
                    let into = self.ident();
                    touched.insert(into);
                    self.doc.remove(at + 1);
                    self.doc[at] = Item {
                        ident: into,
                        text,
                        explicit: None,
                    };
                    let (a, b) = (self.id_of[&a].clone(), self.id_of[&b].clone());
                    Some(Effect::Merged { a, b, into })
                }
                Op::Split(at, pos) => {
                    let at = pick(at, touched, &self.doc)?;
                    let item = &self.doc[at];
                    let ws: Vec<&str> = item.text.split(' ').collect();
                    if ws.len() <= SHORT_WORDS || item.explicit.is_some() {
                        return None;
                    }
                    let cut = 1 + pos.index(ws.len() - 1);
                    let (head, tail) = (ws[..cut].join(" "), ws[cut..].join(" "));
                    let id = self.id_of[&item.ident].clone();
                    let parts = [self.ident(), self.ident()];
                    touched.extend(parts);
                    self.doc[at] = Item {
                        ident: parts[0],
                        text: head,
                        explicit: None,
                    };
                    let tail = Item {
                        ident: parts[1],
                        text: tail,
                        explicit: None,
                    };
                    self.doc.insert(at + 1, tail);
                    Some(Effect::Split { id, parts })
                }
                Op::Explicit(at, choice) => {
                    let at = pick(at, touched, &self.doc)?;
                    let mut pool: Vec<String> = ["intro", "notes", "april-1999", "k3x9q"]
                        .map(String::from)
                        .into();
                    pool.extend(self.ever.iter().cloned());
                    let id = pool.swap_remove(choice.index(pool.len()));
                    if self.doc.iter().any(|i| i.explicit.as_deref() == Some(&id)) {
                        return None;
                    }
                    self.doc[at].explicit = Some(id);
                    Some(Effect::Plain)
                }
            }
        }

        /// Replaces a block's text; the id guarantee covers blocks of at least
        /// `min_words` words.
        fn edit(&mut self, at: usize, text: String, min_words: usize) -> Option<Effect> {
            let item = &mut self.doc[at];
            let strict = words(&item.text) >= min_words;
            item.text = text;
            Some(if strict {
                Effect::Plain
            } else {
                Effect::Loose(item.ident)
            })
        }

        /// Builds, checks every guarantee against what the ops did, and keeps the
        /// new lock. `precise`: also check where each deleted id now points.
        fn build(&mut self, effects: &[Effect], precise: bool) -> Result<(), TestCaseError> {
            let keys: Vec<BlockKey> = self
                .doc
                .iter()
                .map(|i| BlockKey {
                    text: &i.text,
                    explicit: i.explicit.as_deref(),
                })
                .collect();
            let (ids, lock) = assign(&self.lock, &keys);
            check_invariants(&self.lock, &keys, &ids, &lock)?;
            // 5. Deterministic, and a fixed point once built.
            prop_assert_eq!(&assign(&self.lock, &keys), &(ids.clone(), lock.clone()));
            prop_assert_eq!(&assign(&lock, &keys), &(ids.clone(), lock.clone()));
            let file = Lock {
                documents: BTreeMap::from([("doc".to_owned(), lock.clone())]),
            };
            prop_assert_eq!(Lock::parse(&file.to_text()), Ok(file));

            let now: BTreeMap<u32, &str> = self
                .doc
                .iter()
                .zip(&ids)
                .map(|(i, id)| (i.ident, id.as_str()))
                .collect();
            let explicit: BTreeSet<&str> = self
                .doc
                .iter()
                .filter_map(|i| i.explicit.as_deref())
                .collect();
            let fresh = |id: &str| !self.ever.contains(id);
            let exempt: BTreeSet<u32> = effects
                .iter()
                .flat_map(|e| match e {
                    Effect::Loose(i) => vec![*i],
                    Effect::Merged { into, .. } => vec![*into],
                    Effect::Split { parts, .. } => parts.to_vec(),
                    _ => vec![],
                })
                .collect();
            for item in &self.doc {
                let id = now[&item.ident];
                if item.explicit.is_some() || exempt.contains(&item.ident) {
                    continue;
                }
                match self.id_of.get(&item.ident) {
                    // 4. An explicit id elsewhere may take this block's id.
                    Some(old) if explicit.contains(old.as_str()) => prop_assert_ne!(old, id),
                    // 1 and 2. Others' edits and moderate edits keep the id.
                    Some(old) => prop_assert_eq!(old, id, "block {} lost its id", item.ident),
                    // 3. New blocks never get an id that was used before.
                    None => prop_assert!(fresh(id), "{} reused for a new block", id),
                }
            }
            let to = |id: &str| {
                lock.retired
                    .iter()
                    .find(|r| r.id == id)
                    .map(|r| r.to.as_str())
            };
            for effect in effects {
                match effect {
                    Effect::Loose(ident) => {
                        let id = now[ident];
                        prop_assert!(id == self.id_of[ident] || fresh(id));
                    }
                    Effect::Deleted { id, next, prev } if precise => {
                        let near = next.or(*prev).map_or("", |n| now[&n]);
                        prop_assert_eq!(to(id), Some(near), "deleted {}", id);
                    }
                    Effect::Merged { a, b, into } => {
                        let id = now[into];
                        prop_assert!(id == a || id == b, "merged block got {}", id);
                        let other = if id == a { b } else { a };
                        prop_assert_eq!(to(other), Some(id));
                    }
                    Effect::Split { id, parts } => {
                        let got = parts.map(|p| now[&p]);
                        prop_assert!(got.contains(&id.as_str()), "split lost {}", id);
                        prop_assert!(got.iter().any(|g| fresh(g)));
                    }
                    _ => {}
                }
            }
            self.ever.extend(ids.iter().cloned());
            self.texts
                .extend(self.doc.iter().map(|i| normalise(&i.text)));
            self.id_of = now.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
            self.lock = lock;
            Ok(())
        }
    }

    /// What holds after every build, whatever the input.
    fn check_invariants(
        previous: &DocLock,
        keys: &[BlockKey],
        ids: &[String],
        lock: &DocLock,
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(ids.len(), keys.len());
        let locked: Vec<&String> = lock.blocks.iter().map(|b| &b.id).collect();
        prop_assert_eq!(locked, ids.iter().collect::<Vec<_>>());
        let live: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        prop_assert_eq!(live.len(), ids.len(), "ids are unique: {:?}", ids);
        prop_assert!(!live.contains(""));
        // 4. The first block naming an explicit id gets it; no other block does.
        let explicit: BTreeSet<&str> = keys
            .iter()
            .filter_map(|k| k.explicit)
            .filter(|e| !e.is_empty())
            .collect();
        let mut seen = BTreeSet::new();
        for (key, id) in keys.iter().zip(ids) {
            match key.explicit.filter(|e| !e.is_empty() && seen.insert(*e)) {
                Some(e) => prop_assert_eq!(id, e),
                None => prop_assert!(!explicit.contains(id.as_str())),
            }
        }
        // 3. Every id that existed still resolves, to a live block or to nothing…
        prop_assert!(lock.retired.windows(2).all(|w| w[0].id < w[1].id));
        let retired: BTreeSet<&str> = lock.retired.iter().map(|r| r.id.as_str()).collect();
        for r in &lock.retired {
            prop_assert!(
                !live.contains(r.id.as_str()),
                "{} is live and retired",
                r.id
            );
            prop_assert!(r.to.is_empty() || live.contains(r.to.as_str()));
        }
        let was_live: BTreeSet<&str> = previous.blocks.iter().map(|b| b.id.as_str()).collect();
        let existed = previous
            .retired
            .iter()
            .map(|r| r.id.as_str())
            .chain(was_live.iter().copied());
        for id in existed {
            let resolves = id.is_empty() || live.contains(id) || retired.contains(id);
            prop_assert!(resolves, "{} vanished", id);
        }
        // …and a retired id comes back only as an explicit id.
        for r in &previous.retired {
            if live.contains(r.id.as_str()) && !was_live.contains(r.id.as_str()) {
                prop_assert!(explicit.contains(r.id.as_str()), "{} minted again", r.id);
            }
        }
        for (key, block) in keys.iter().zip(&lock.blocks) {
            let text = normalise(key.text);
            let window = truncate(&text);
            let short = window.split(' ').filter(|w| !w.is_empty()).count() <= SHORT_WORDS;
            if short {
                prop_assert_eq!(&block.text, window);
                prop_assert!(block.sketch.is_none());
            } else {
                prop_assert_eq!(&block.text, "");
                let cut = window.len() < text.len();
                prop_assert_eq!(
                    block.sketch.as_ref(),
                    Some(&Sketch::of(&bigrams(window), cut))
                );
            }
            prop_assert_eq!(&block.hash, &format!("{:016x}", fnv1a(text.as_bytes())));
        }
        Ok(())
    }

    fn documents() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(paragraph(), 1..12).prop_filter("distinct texts", |texts| {
            let set: BTreeSet<String> = texts.iter().map(|t| normalise(t)).collect();
            set.len() == texts.len()
        })
    }

    proptest! {
        /// One edit per build: every guarantee, including where retired ids land.
        #[test]
        fn each_edit_keeps_the_guarantees(
            start in documents(),
            ops in prop::collection::vec(op(), 1..25),
        ) {
            let mut sim = Sim::new(start);
            sim.build(&[], true)?;
            for op in &ops {
                if let Some(effect) = sim.apply(op, &mut BTreeSet::new()) {
                    sim.build(&[effect], true)?;
                }
            }
        }

        /// Several edits per build, each on a different block.
        #[test]
        fn batched_edits_keep_the_guarantees(
            start in documents(),
            steps in prop::collection::vec(prop::collection::vec(op(), 1..6), 1..8),
        ) {
            let mut sim = Sim::new(start);
            sim.build(&[], false)?;
            for step in &steps {
                let mut touched = BTreeSet::new();
                let effects: Vec<Effect> =
                    step.iter().filter_map(|op| sim.apply(op, &mut touched)).collect();
                sim.build(&effects, false)?;
            }
        }

        /// Explicit ids, including ones equal to minted or retired ids, always win.
        #[test]
        fn explicit_ids_win(
            start in documents(),
            ops in prop::collection::vec(op_or_explicit(), 1..25),
        ) {
            let mut sim = Sim::new(start);
            sim.build(&[], true)?;
            for op in &ops {
                if let Some(effect) = sim.apply(op, &mut BTreeSet::new()) {
                    sim.build(&[effect], false)?;
                }
            }
        }

        /// Any text, any explicit ids, any (even malformed) lock: no panic, and the
        /// invariants hold.
        #[test]
        fn any_input_gives_sound_ids(
            texts in prop::collection::vec(
                ("\\PC{0,40}|[ab .]{0,3}", prop::option::of("[ab]{0,2}|abcde")),
                0..12,
            ),
            old in prop::collection::vec(("[a-e]{0,5}", "[0-9a-f]{16}|x", "\\PC{0,40}"), 0..12),
            retired in prop::collection::vec(("[a-e]{1,5}", "[a-e]{0,5}"), 0..4),
        ) {
            let previous = DocLock {
                blocks: old
                    .into_iter()
                    .map(|(id, hash, text)| LockedBlock { id, hash, text, sketch: None })
                    .collect(),
                retired: retired.into_iter().map(|(id, to)| Retired { id, to }).collect(),
            };
            let keys: Vec<BlockKey> = texts
                .iter()
                .map(|(t, e)| BlockKey { text: t, explicit: e.as_deref() })
                .collect();
            let (ids, lock) = assign(&previous, &keys);
            check_invariants(&previous, &keys, &ids, &lock)?;
            prop_assert_eq!(&assign(&lock, &keys), &(ids, lock.clone()));
            prop_assert!(lock.validate().is_ok());
        }

        #[test]
        fn normalising_twice_changes_nothing(text in "\\PC{0,80}") {
            let once = normalise(&text);
            prop_assert_eq!(normalise(&once), once.clone());
            prop_assert_eq!(truncate(truncate(&once)), truncate(&once));
        }

        #[test]
        fn any_valid_lock_round_trips(
            docs in prop::collection::btree_map(
                "\\PC{1,12}",
                (
                    prop::collection::vec(("\\PC{0,30}", any::<u64>()), 0..5),
                    prop::collection::vec("\\PC{0,8}", 0..3),
                ),
                0..4,
            ),
        ) {
            let documents = docs
                .into_iter()
                .map(|(slug, (blocks, retired))| {
                    let blocks = blocks
                        .into_iter()
                        .enumerate()
                        .map(|(i, (text, h))| LockedBlock {
                            id: format!("b{i}"),
                            hash: format!("{h:016x}"),
                            text: if h % 3 == 0 { String::new() } else { text },
                            sketch: (h % 3 == 0).then(|| Sketch::of(
                                &bigrams(&format!("w{h} x y z")),
                                h % 2 == 0,
                            )),
                        })
                        .collect();
                    let retired = retired
                        .into_iter()
                        .enumerate()
                        .map(|(i, to)| Retired { id: format!("r{i}"), to })
                        .collect();
                    (slug, DocLock { blocks, retired })
                })
                .collect();
            let lock = Lock { documents };
            prop_assert_eq!(Lock::parse(&lock.to_text()), Ok(lock));
        }
    }
}

#[test]
fn this_archives_lock_keeps_every_id_in_format_2() {
    let text = include_str!("../../lectern.lock");
    let lock = Lock::parse(text).unwrap();
    let ids = |lock: &Lock| -> Vec<(String, Vec<String>, Vec<Retired>)> {
        lock.documents
            .iter()
            .map(|(slug, d)| {
                let live = d.blocks.iter().map(|b| b.id.clone()).collect();
                (slug.clone(), live, d.retired.clone())
            })
            .collect()
    };
    let again = Lock::parse(&lock.to_text()).unwrap();
    assert_eq!(again, lock);
    assert_eq!(ids(&again), ids(&lock));
    assert!(
        ids(&lock)
            .iter()
            .map(|(_, live, _)| live.len())
            .sum::<usize>()
            > 50
    );
    assert!(lock.to_text().len() * 3 < text.len() || !text.contains("[[documents."));
}

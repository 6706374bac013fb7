//! The lock file's text: reading both formats, writing the second.
//!
//! Format 2, written since lectern kept sketches instead of text:
//!
//! ```text
//! # comments
//! format 2
//!
//! [khaksar-timeline]
//! quamd 0123456789abcdef = april 1999
//! k3x9q 9495b22b976ab7ff 66+:AbCd…
//! b2cde -> quamd
//! ```
//!
//! A `[slug]` line opens each document; then one line per block in document
//! order — its id, its hash, and either `= text` (a short block's normalised
//! text) or its sketch (`pairs`, `+` when the window is only the start of the
//! text, `:`, the sample) — and one line per retired id (`id -> to`, or `id ->`
//! when no block survived), sorted. Documents come in slug order, a blank line
//! apart, so editing one document changes only its own lines. A slug, id or
//! text that is not plain (spaces, quotes, control characters…) is written as a
//! JSON string.
//!
//! Format 1 (TOML: `[[documents.<slug>.blocks]]` tables of `id`, `hash` and
//! `text`, the first ~400 bytes of the block's normalised text) is still read:
//! every id is kept, and a longer block's text becomes the sketch `assign` would
//! record for it, so an unchanged archive reads as unchanged (`--locked` passes)
//! and is written in format 2 the first time its ids change.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Deserialize;

use super::similarity::kept;
use super::{DocLock, Lock, LockedBlock, Retired, Sketch};

const HEADER: &str = "\
# Paragraph ids, kept by lectern: commit this file with the content.
# `lectern build` updates it; edit it by hand only to repair it.
# Per document: `[slug]`, then a line per block in order (id, hash of its text,
# and `= text` or a sketch that re-finds it after an edit), then `id -> id` for
# each retired id and the block its URL now lands on.
";
const FORMAT: &str = "format 2";

pub(super) fn write(lock: &Lock) -> String {
    let blocks: usize = lock.documents.values().map(|d| d.blocks.len()).sum();
    let mut out = String::with_capacity(HEADER.len() + 64 * blocks);
    out.push_str(HEADER);
    out.push_str(FORMAT);
    out.push('\n');
    for (slug, doc) in &lock.documents {
        out.push_str("\n[");
        token(&mut out, slug);
        out.push_str("]\n");
        for block in &doc.blocks {
            token(&mut out, &block.id);
            out.push(' ');
            token(&mut out, &block.hash);
            match &block.sketch {
                Some(sketch) => {
                    let cut = if sketch.cut { "+" } else { "" };
                    let _ = write!(out, " {}{cut}:{}", sketch.pairs, sketch.encode());
                }
                None => {
                    out.push_str(" = ");
                    if plain_text(&block.text) {
                        out.push_str(&block.text);
                    } else {
                        out.push_str(&json(&block.text));
                    }
                }
            }
            out.push('\n');
        }
        for retired in &doc.retired {
            token(&mut out, &retired.id);
            out.push_str(" ->");
            if !retired.to.is_empty() {
                out.push(' ');
                token(&mut out, &retired.to);
            }
            out.push('\n');
        }
    }
    out
}

/// Reads either format: format 2 when its first line that is not a comment says
/// so, else format 1's TOML.
pub(super) fn read(text: &str) -> Result<Lock, String> {
    let first = text
        .lines()
        .map(str::trim_end)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    match first {
        None => Ok(Lock::default()),
        Some(FORMAT) => read_v2(text),
        Some(line) if line.starts_with("format ") => Err(format!(
            "this lock file is in `{line}`, which this lectern does not know; update lectern"
        )),
        Some(_) => read_v1(text),
    }
}

fn read_v2(text: &str) -> Result<Lock, String> {
    // Documents are independent: cut the text before each `[slug]` line and read
    // the pieces on all cores, each knowing the number of its first line.
    let mut starts = vec![0];
    starts.extend(text.match_indices("\n[").map(|(at, _)| at + 1));
    let mut pieces = Vec::with_capacity(starts.len());
    let mut line = 1;
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        pieces.push((line, &text[start..end]));
        line += text.as_bytes()[start..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
    }
    let (head, documents) = pieces.split_first().expect("there is always a first piece");
    read_head(head.1, head.0)?;
    let read: Vec<(String, DocLock)> = documents
        .par_iter()
        .map(|&(line, piece)| read_document(piece, line))
        .collect::<Result<_, _>>()?;
    let mut lock = Lock::default();
    for ((slug, doc), (line, _)) in read.into_iter().zip(documents) {
        if lock.documents.contains_key(&slug) {
            return Err(format!("line {line}: document `{slug}` appears twice"));
        }
        lock.documents.insert(slug, doc);
    }
    Ok(lock)
}

/// What comes before the first document: comments and the format line.
fn read_head(text: &str, first: usize) -> Result<(), String> {
    let mut format_seen = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if format_seen {
            return Err(format!(
                "line {}: a block before any `[document]` line",
                first + n
            ));
        }
        format_seen = true; // `read` checked that this is the format line
    }
    Ok(())
}

/// One document: its `[slug]` line, its blocks and its retired ids.
fn read_document(text: &str, first: usize) -> Result<(String, DocLock), String> {
    let mut lines = text.lines().enumerate();
    let (_, header) = lines.next().unwrap_or((0, ""));
    let at = |n: usize, e: String| format!("line {}: {e}", first + n);
    let inner = header
        .trim_end()
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or_else(|| at(0, format!("expected `[slug]`, found `{header}`")))?;
    let slug = whole_token(inner).map_err(|e| at(0, e))?;
    let mut doc = DocLock::default();
    for (n, line) in lines {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        entry(line, &mut doc).map_err(|e| at(n, e))?;
    }
    Ok((slug, doc))
}

/// One block or retired line, added to `doc`.
fn entry(line: &str, doc: &mut DocLock) -> Result<(), String> {
    let mut rest = line;
    let id = next_token(&mut rest)?;
    let second = next_token(&mut rest)?;
    if second == "->" {
        let to = if rest.is_empty() {
            String::new()
        } else {
            next_token(&mut rest)?
        };
        if !rest.is_empty() {
            return Err(format!("unexpected `{rest}` after a retired id"));
        }
        doc.retired.push(Retired { id, to });
        return Ok(());
    }
    let hash = second;
    let (text, sketch) = if let Some(text) = rest.strip_prefix("= ").or(rest.strip_prefix('=')) {
        let text = if text.starts_with('"') {
            whole_token(text)?
        } else {
            text.to_owned()
        };
        (text, None)
    } else {
        let field = next_token(&mut rest)?;
        if !rest.is_empty() {
            return Err(format!("unexpected `{rest}` after block `{id}`"));
        }
        (
            String::new(),
            Some(sketch(&field).map_err(|e| format!("block `{id}`: {e}"))?),
        )
    };
    doc.blocks.push(LockedBlock {
        id,
        hash,
        text,
        sketch,
    });
    Ok(())
}

/// `66+:AbCd…`: the number of pairs, `+` when cut, and the sample.
fn sketch(field: &str) -> Result<Sketch, String> {
    let (count, sample) = field
        .split_once(':')
        .ok_or_else(|| format!("expected `= text` or a sketch like `12:AbCd`, found `{field}`"))?;
    let (count, cut) = match count.strip_suffix('+') {
        Some(count) => (count, true),
        None => (count, false),
    };
    let pairs = count
        .parse()
        .map_err(|_| format!("`{count}` is not a number of word pairs"))?;
    Sketch::decode(pairs, cut, sample)
}

/// Writes a slug, id or hash: as it is when plain, else as a JSON string.
fn token(out: &mut String, s: &str) {
    let plain = !s.is_empty()
        && !s.starts_with(['"', '#', '[', '-', '='])
        && !s.chars().any(|c| c.is_whitespace() || c.is_control());
    if plain {
        out.push_str(s);
    } else {
        out.push_str(&json(s));
    }
}

fn plain_text(s: &str) -> bool {
    !s.starts_with(['"', ' '])
        && !s.ends_with(char::is_whitespace)
        && !s.chars().any(char::is_control)
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string always encodes as JSON")
}

/// Takes the next space-separated token (a JSON string when it starts with `"`)
/// off the front of `rest`.
fn next_token(rest: &mut &str) -> Result<String, String> {
    if rest.starts_with('"') {
        let mut strings = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let value = strings
            .next()
            .ok_or("a quoted string ends too soon")?
            .map_err(|e| format!("a quoted string is damaged: {e}"))?;
        let used = strings.byte_offset();
        *rest = rest[used..].strip_prefix(' ').unwrap_or(&rest[used..]);
        return Ok(value);
    }
    if rest.is_empty() {
        return Err("the line ends too soon".into());
    }
    let (token, after) = rest.split_once(' ').unwrap_or((rest, ""));
    *rest = after;
    Ok(token.to_owned())
}

/// All of `text` as one token.
fn whole_token(text: &str) -> Result<String, String> {
    if !text.starts_with('"') {
        return Ok(text.to_owned());
    }
    let mut rest = text;
    let value = next_token(&mut rest)?;
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(format!("unexpected `{rest}` after a quoted string"))
    }
}

/// Format 1, as lectern wrote it before sketches.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct V1 {
    documents: BTreeMap<String, V1Doc>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct V1Doc {
    blocks: Vec<V1Block>,
    retired: Vec<V1Retired>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Block {
    id: String,
    hash: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct V1Retired {
    id: String,
    to: String,
}

fn read_v1(text: &str) -> Result<Lock, String> {
    let v1: V1 = toml::from_str(text).map_err(|e| e.to_string())?;
    let documents = v1
        .documents
        .into_iter()
        .map(|(slug, doc)| {
            let blocks = doc
                .blocks
                .into_iter()
                .map(|b| {
                    let (text, sketch) = kept(&b.text, &b.hash);
                    LockedBlock {
                        id: b.id,
                        hash: b.hash,
                        text,
                        sketch,
                    }
                })
                .collect();
            let retired = doc
                .retired
                .into_iter()
                .map(|r| Retired { id: r.id, to: r.to })
                .collect();
            (slug, DocLock { blocks, retired })
        })
        .collect();
    Ok(Lock { documents })
}

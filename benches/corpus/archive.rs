//! The archive as data, before any tool's syntax: entities, sources and documents
//! made of spans (words, mentions, citations, notes…) that each writer renders in
//! its own dialect.

use super::words::{MONTHS, Namer, Rng, Words, capitalise, slug};

pub struct Entity {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    /// Every spelling but the name; unique across the archive.
    pub aliases: Vec<String>,
    pub annotation: Vec<Vec<Span>>,
}

impl Entity {
    /// The spelling a mention uses: mostly the name, sometimes an alias.
    pub fn spelling(&self, rng: &mut Rng) -> &str {
        if self.aliases.is_empty() || rng.chance(0.6) {
            &self.name
        } else {
            rng.pick(&self.aliases).as_str()
        }
    }
}

pub struct Source {
    pub key: String,
    pub author_last: String,
    pub author_first: String,
    pub title: String,
    pub year: u32,
    pub publisher: String,
}

impl Source {
    /// How lectern labels it ("Author, year"), which the peers print as link text.
    pub fn label(&self) -> String {
        format!("{}, {}", self.author_last, self.year)
    }
}

/// A piece of running text.
pub enum Span {
    Text(String),
    Mention {
        entity: usize,
        shown: String,
    },
    Cite {
        source: usize,
        locator: String,
    },
    FootnoteRef(usize),
    /// An editor's note (CriticMarkup for lectern).
    Note(String),
    /// A cross-reference to a timeline entry: (document slug, entry id, shown text).
    See {
        slug: String,
        id: String,
        shown: String,
    },
}

pub enum Block {
    Heading {
        level: u8,
        text: String,
        id: Option<String>,
        date: Option<String>,
    },
    Paragraph(Vec<Span>),
    Quote(Vec<Span>),
    List(Vec<Vec<Span>>),
    Code {
        lang: &'static str,
        code: String,
    },
}

pub struct Document {
    pub slug: String,
    pub title: String,
    pub author: String,
    pub date: String,
    pub timeline: bool,
    pub summary: String,
    pub blocks: Vec<Block>,
    /// Footnote definitions, numbered from 1.
    pub footnotes: Vec<Vec<Span>>,
    /// Entity and source indexes the text links to (for Hugo's taxonomies).
    pub entities: Vec<usize>,
    pub sources: Vec<usize>,
}

pub struct Archive {
    pub entities: Vec<Entity>,
    pub sources: Vec<Source>,
}

/// The shape of the corpus.
pub struct Shape {
    pub documents: usize,
    pub entities: usize,
    pub sources: usize,
}

impl Shape {
    pub fn for_documents(n: usize) -> Shape {
        Shape {
            documents: n,
            entities: (n / 5).max(200),
            sources: (n / 10).max(20),
        }
    }
}

pub fn archive(shape: &Shape, words: &Words, seed: &Rng) -> Archive {
    let mut namer = Namer::new(words);
    let mut rng = seed.fork(u64::MAX);
    let mut entities: Vec<Entity> = (0..shape.entities)
        .map(|_| entity(&mut rng, &mut namer))
        .collect();
    // Annotations mention other entities, by name.
    let names: Vec<String> = entities.iter().map(|e| e.name.clone()).collect();
    let n = entities.len();
    for (i, e) in entities.iter_mut().enumerate() {
        let mut r = seed.fork(1 << 40 | i as u64);
        let other = (i + 1 + r.below(n - 1)) % n;
        let mut p = sentence(&mut r, words, 10, 24);
        p.push(Span::Text(" It is linked with ".into()));
        p.push(Span::Mention {
            entity: other,
            shown: names[other].clone(),
        });
        p.push(Span::Text(".".into()));
        e.annotation = vec![p, sentence(&mut r, words, 12, 30)];
    }
    let sources = (0..shape.sources)
        .map(|i| {
            let last = namer.word(&mut rng, 3);
            let first = namer.given(&mut rng, 2);
            let year = 1975 + rng.below(45) as u32;
            let title = title(&mut rng, words, 3, 6);
            Source {
                key: format!("{}-{year}-{i}", last.to_lowercase()),
                author_last: last,
                author_first: first,
                title,
                year,
                publisher: format!("{} Press", namer.given(&mut rng, 2)),
            }
        })
        .collect();
    Archive { entities, sources }
}

fn entity(rng: &mut Rng, namer: &mut Namer) -> Entity {
    let roll = rng.below(10);
    let (name, kind, aliases) = if roll < 6 {
        let first = namer.given(rng, 2);
        let last = namer.word(rng, 3);
        let title = Namer::title(rng);
        let aliases = vec![
            format!("{title} {last}"),
            format!("{first} {} {last}", namer.given(rng, 2)),
        ];
        (format!("{first} {last}"), "person", aliases)
    } else if roll < 8 {
        let core = namer.word(rng, 3);
        let name = format!("{core} {}", Namer::org_suffix(rng));
        (name, "organization", vec![format!("the {core}s")])
    } else {
        let name = format!("{}{}", namer.word(rng, 3), Namer::place_suffix(rng));
        (name, "place", Vec::new())
    };
    Entity {
        id: slug(&name),
        name,
        kind,
        aliases,
        annotation: Vec::new(),
    }
}

/// One sentence of filler, `lo..=hi` words, capitalised and ended with a full stop.
fn sentence(rng: &mut Rng, words: &Words, lo: usize, hi: usize) -> Vec<Span> {
    let mut s = String::new();
    let n = rng.range(lo, hi);
    words_into(&mut s, rng, words, n);
    vec![Span::Text(format!("{}.", capitalise(&s)))]
}

fn words_into(s: &mut String, rng: &mut Rng, words: &Words, n: usize) {
    for i in 0..n {
        if i > 0 {
            s.push(if rng.chance(0.06) { ',' } else { ' ' });
            if s.ends_with(',') {
                s.push(' ');
            }
        }
        s.push_str(rng.pick::<&str>(&words.filler));
    }
}

fn title(rng: &mut Rng, words: &Words, lo: usize, hi: usize) -> String {
    let n = rng.range(lo, hi);
    let mut t: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let w = if i % 2 == 1 && rng.chance(0.5) {
            rng.pick::<&str>(&["of", "and", "in", "for"])
        } else {
            rng.pick(&words.title)
        };
        t.push(if i == 0 || w.len() > 3 {
            capitalise(w)
        } else {
            w.to_string()
        });
    }
    t.join(" ")
}

const LANGS: &[(&str, &str)] = &[
    (
        "rust",
        "fn f{i}(x: u32) -> u32 {{ x.wrapping_mul({i}) + 1 }}",
    ),
    ("python", "def f{i}(x):\n    return x * {i} + 1"),
    ("toml", "[entry{i}]\nvalue = {i}\nname = \"item {i}\""),
];

/// Document `d` (0-based) of the archive.
pub fn document(d: usize, archive: &Archive, words: &Words, seed: &Rng) -> Document {
    let mut rng = seed.fork(d as u64);
    let timeline = d % 100 == 99;
    let year = 1979 + rng.below(40);
    let month = rng.below(12);
    let day = rng.range(1, 28);
    let slug = if timeline {
        format!("timeline-{:04}", d / 100 + 1)
    } else {
        format!("doc-{:06}", d + 1)
    };
    let mut doc = Document {
        slug,
        title: title(&mut rng, words, 4, 8),
        author: {
            let e = &archive.entities[rng.below(archive.entities.len())];
            e.name.clone()
        },
        date: format!("{year:04}-{:02}-{day:02}", month + 1),
        timeline,
        summary: match &sentence(&mut rng, words, 12, 24)[0] {
            Span::Text(t) => t.clone(),
            _ => unreachable!(),
        },
        blocks: Vec::new(),
        footnotes: Vec::new(),
        entities: Vec::new(),
        sources: Vec::new(),
    };
    // The entities this document is about: a handful, mentioned again and again.
    // The first is document `d`'s own, so that every entity is mentioned somewhere.
    let n = archive.entities.len();
    let cast: Vec<usize> = std::iter::once(d % n)
        .chain((1..rng.range(6, 10)).map(|_| rng.skewed(n)))
        .collect();
    let paragraphs = rng.range(12, 20);
    let footnotes = rng.range(4, 8);
    let mentions = rng.range(16, 24);
    let citations = rng.range(1, 3);
    let mut writer = Writer {
        rng: &mut rng,
        words,
        archive,
        cast,
        doc: &mut doc,
    };
    // Which paragraph gets each mention, footnote and inline citation.
    let mut plan = vec![Plan::default(); paragraphs];
    for _ in 0..mentions {
        plan[writer.rng.below(paragraphs)].mentions += 1;
    }
    for _ in 0..footnotes {
        plan[writer.rng.below(paragraphs)].footnotes += 1;
    }
    for _ in 0..citations {
        plan[writer.rng.below(paragraphs)].citations += 1;
    }
    let see = (!timeline && d >= 99).then(|| {
        let t = (d / 100).max(1) - 1;
        let entry = writer.rng.below(ENTRIES);
        (
            format!("timeline-{:04}", t + 1),
            format!("t{:04}-e{entry:02}", t + 1),
        )
    });
    let code = !timeline && writer.rng.chance(0.25);
    let words_per = 1500 / paragraphs;
    for (p, plan) in plan.iter().enumerate() {
        if timeline && p < ENTRIES {
            let entry_day = 1 + (p * 2) % 28;
            let id = format!("t{:04}-e{p:02}", d / 100 + 1);
            let y = year + p / 4;
            let m = (month + p) % 12;
            let heading = format!(
                "{} {entry_day}, {y}: {}",
                MONTHS[m],
                title(writer.rng, words, 2, 5)
            );
            writer.doc.blocks.push(Block::Heading {
                level: 2,
                text: heading,
                id: Some(id),
                date: Some(format!("{y:04}-{:02}-{entry_day:02}", m + 1)),
            });
        } else if !timeline && p > 0 && p % 5 == 0 {
            let text = title(writer.rng, words, 2, 5);
            writer.doc.blocks.push(Block::Heading {
                level: 2,
                text,
                id: None,
                date: None,
            });
        }
        let spans = writer.paragraph(words_per, plan);
        let block = if writer.rng.chance(0.05) {
            Block::Quote(spans)
        } else {
            Block::Paragraph(spans)
        };
        writer.doc.blocks.push(block);
        if p == 2
            && let Some((slug, id)) = &see
        {
            let mut spans = writer.sentence_spans(8, 16);
            spans.push(Span::Text(" (".into()));
            spans.push(Span::See {
                slug: slug.clone(),
                id: id.clone(),
                shown: "see the timeline".into(),
            });
            spans.push(Span::Text(").".into()));
            writer.doc.blocks.push(Block::Paragraph(spans));
        }
        if p == 6 && writer.rng.chance(0.3) {
            let items = (0..writer.rng.range(3, 5))
                .map(|_| writer.sentence_spans(5, 12))
                .collect();
            writer.doc.blocks.push(Block::List(items));
        }
        if p == 8 && code {
            let (lang, template) = *writer.rng.pick(LANGS);
            let lines = writer.rng.range(4, 10);
            let code = (0..lines)
                .map(|i| {
                    template
                        .replace("{i}", &(i + 1).to_string())
                        .replace("{{", "{")
                        .replace("}}", "}")
                })
                .collect::<Vec<_>>()
                .join("\n");
            writer.doc.blocks.push(Block::Code { lang, code });
        }
    }
    doc.entities.sort_unstable();
    doc.entities.dedup();
    doc.sources.sort_unstable();
    doc.sources.dedup();
    doc
}

/// Timeline entries per timeline document.
pub const ENTRIES: usize = 12;

#[derive(Clone, Default)]
struct Plan {
    mentions: usize,
    footnotes: usize,
    citations: usize,
}

struct Writer<'a> {
    rng: &'a mut Rng,
    words: &'a Words,
    archive: &'a Archive,
    cast: Vec<usize>,
    doc: &'a mut Document,
}

impl Writer<'_> {
    fn sentence_spans(&mut self, lo: usize, hi: usize) -> Vec<Span> {
        sentence(self.rng, self.words, lo, hi)
    }

    /// About `n` words in sentences, with the planned mentions, footnote
    /// references and citations at sentence boundaries or inside sentences.
    fn paragraph(&mut self, n: usize, plan: &Plan) -> Vec<Span> {
        let mut spans = Vec::new();
        let mut extras: Vec<u8> = std::iter::repeat_n(b'm', plan.mentions)
            .chain(std::iter::repeat_n(b'f', plan.footnotes))
            .chain(std::iter::repeat_n(b'c', plan.citations))
            .collect();
        // Shuffle so that footnotes do not all come last.
        for i in (1..extras.len()).rev() {
            let j = self.rng.below(i + 1);
            extras.swap(i, j);
        }
        let sentences = (n / 16).max(2);
        let mut written = 0;
        for s in 0..sentences {
            let len = self.rng.range(8, 24).min(n.saturating_sub(written).max(6));
            written += len;
            let mut text = String::new();
            if s > 0 {
                text.push(' ');
            }
            let take = if s + 1 == sentences {
                extras.len()
            } else {
                extras.len().div_ceil(sentences - s).min(extras.len())
            };
            let mine: Vec<u8> = extras.drain(..take).collect();
            let mentions = mine.iter().filter(|&&x| x == b'm').count();
            if mentions == 0 {
                let mut body = String::new();
                words_into(&mut body, self.rng, self.words, len);
                text.push_str(&capitalise(&body));
            } else {
                // "<words> Name <words> Name <words>".
                let mut first = true;
                let chunk = (len / (mentions + 1)).max(2);
                for _ in 0..mentions {
                    let mut body = String::new();
                    words_into(&mut body, self.rng, self.words, chunk);
                    text.push_str(&if first { capitalise(&body) } else { body });
                    text.push(' ');
                    first = false;
                    spans.push(Span::Text(std::mem::take(&mut text)));
                    let entity = *self.rng.pick(&self.cast);
                    let shown = self.archive.entities[entity].spelling(self.rng).to_string();
                    self.doc.entities.push(entity);
                    spans.push(Span::Mention { entity, shown });
                    text.push(' ');
                }
                words_into(&mut text, self.rng, self.words, chunk);
            }
            text.push('.');
            for &x in &mine {
                match x {
                    b'f' => {
                        spans.push(Span::Text(std::mem::take(&mut text)));
                        let n = self.footnote();
                        spans.push(Span::FootnoteRef(n));
                    }
                    b'c' => {
                        text.push(' ');
                        spans.push(Span::Text(std::mem::take(&mut text)));
                        let source = self.rng.below(self.archive.sources.len());
                        self.doc.sources.push(source);
                        let locator = format!("p. {}", self.rng.range(1, 400));
                        spans.push(Span::Cite { source, locator });
                    }
                    _ => {}
                }
            }
            spans.push(Span::Text(text));
        }
        if self.rng.chance(0.08) {
            spans.push(Span::Text(" ".into()));
            let note = sentence(self.rng, self.words, 6, 14);
            if let Some(Span::Text(t)) = note.into_iter().next() {
                spans.push(Span::Note(t));
            }
        }
        spans
    }

    /// A footnote citing a source; returns its number.
    fn footnote(&mut self) -> usize {
        let source = self.rng.below(self.archive.sources.len());
        self.doc.sources.push(source);
        let mut spans = sentence(self.rng, self.words, 4, 12);
        spans.push(Span::Text(" ".into()));
        spans.push(Span::Cite {
            source,
            locator: format!(
                "pp. {}-{}",
                self.rng.range(1, 200),
                self.rng.range(201, 400)
            ),
        });
        self.doc.footnotes.push(spans);
        self.doc.footnotes.len()
    }
}

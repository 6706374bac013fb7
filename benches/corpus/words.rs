//! The raw material: a seeded PRNG, English filler words, and invented names that
//! never collide with the filler (so every capitalised name is a real mention).

use std::collections::BTreeSet;

/// SplitMix64: small, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for item `n` (a document, an entity): generating
    /// item `n` never depends on how many numbers item `n - 1` drew.
    pub fn fork(&self, n: u64) -> Rng {
        let mut r = Rng(self.0 ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Index in `0..n`, skewed towards 0: a few entities are mentioned everywhere,
    /// most only now and then, as in a real archive.
    pub fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powf(1.6)) * n as f64) as usize % n
    }
}

/// Filler prose: function words repeat as they do in English.
const FILLER: &str = "the the the the the the of of of of and and and and to to to a a a \
    in in in that that was was was he his it it for on with as as by had were from at \
    not but they which their this is be have been would could said after before when \
    who also there more than into over about between its only during while where two \
    three years months later officials government ministry embassy intelligence report \
    reports cable cables meeting meetings talks agreement border city province capital \
    forces army militia commander commanders leader leaders minister ministers deputy \
    office service services agency agents informant informants network networks camp \
    camps training money weapons support supply supplies route routes valley pass \
    mountains river village villages town towns district districts region regions war \
    conflict campaign offensive attack attacks strike strikes ceasefire negotiations \
    envoy envoys delegation delegations visit visited met spoke warned told asked \
    offered refused rejected accepted confirmed denied claimed wrote recalled believed \
    feared knew wanted sought planned ordered sent returned arrived left fled crossed \
    captured arrested released killed wounded seized controlled held lost won gained \
    secret open public private local foreign regional national senior junior former \
    new old young early late long short heavy light sharp steady slow quick careful \
    uncertain clear difficult important significant serious major minor final first \
    second third last next whole half several many few most some any every each other \
    same different own certain possible likely unlikely true false direct indirect \
    according however although because since until unless whether though despite \
    among against across through toward within without along beyond behind beneath \
    letter letters message messages document documents archive archives record records \
    account accounts witness witnesses interview interviews source sources evidence \
    question questions answer answers problem problems decision decisions policy \
    policies position positions interest interests pressure influence control power \
    trust doubt warning warnings promise promises threat threats demand demands offer \
    offers request requests response responses plan plans effort efforts attempt \
    morning evening night day days week weeks spring summer autumn winter season \
    journalist journalists diplomat diplomats analyst analysts historian historians \
    soldier soldiers fighter fighters volunteer volunteers refugee refugees family \
    families tribe tribes elder elders council councils court courts prison prisons";

/// Words for titles and headings, capitalised when used.
const TITLE_WORDS: &str = "war peace border secret mission envoy promise warning \
    alliance betrayal bargain marriage mistake winter spring road valley mountain \
    river city frontier camp network money arms talks letter cable witness archive \
    silence ambush retreat siege exile return rise fall defection rivalry truce";

/// Syllables for invented names: capitalised, two or three of them, never an
/// English word of the filler.
const SYLLABLES: &[&str] = &[
    "ka", "ra", "mi", "dos", "ta", "ni", "bar", "zu", "hel", "qa", "sim", "or", "vel", "an", "tur",
    "gho", "lan", "ze", "ish", "mar", "kon", "da", "bel", "ru", "sha", "pir", "yel", "nus", "ko",
    "fa", "dri", "hal", "wen", "sor", "ul", "jan", "tek", "bo", "im", "ras", "ven", "lo", "gur",
    "mek", "sa", "thi", "or", "nak", "ez",
];

const TITLES: &[&str] = &[
    "General",
    "Mullah",
    "Colonel",
    "Minister",
    "Commander",
    "Doctor",
];
const ORG_SUFFIXES: &[&str] = &[
    "Front",
    "Council",
    "Brigade",
    "Directorate",
    "Movement",
    "Party",
];
const PLACE_SUFFIXES: &[&str] = &["abad", "kot", "stan", "pur", "gar"];

pub struct Words {
    pub filler: Vec<&'static str>,
    pub title: Vec<&'static str>,
}

impl Words {
    pub fn new() -> Words {
        Words {
            filler: FILLER.split_whitespace().collect(),
            title: TITLE_WORDS.split_whitespace().collect(),
        }
    }
}

/// Makes unique capitalised words from syllables.
pub struct Namer {
    used: BTreeSet<String>,
    filler: BTreeSet<String>,
}

impl Namer {
    pub fn new(words: &Words) -> Namer {
        Namer {
            used: BTreeSet::new(),
            filler: words
                .filler
                .iter()
                .chain(&words.title)
                .map(|w| w.to_string())
                .collect(),
        }
    }

    /// A capitalised word of `syllables` syllables that no earlier call returned
    /// (one more syllable when those run short): surnames, places, organisations.
    pub fn word(&mut self, rng: &mut Rng, syllables: usize) -> String {
        for tries in 0.. {
            let w = self.given(rng, syllables + tries / 64).to_lowercase();
            if self.used.insert(w.clone()) {
                return capitalise(&w);
            }
        }
        unreachable!()
    }

    /// A capitalised word of `syllables` syllables, not a filler word, perhaps
    /// returned before: given names, publishers.
    pub fn given(&self, rng: &mut Rng, syllables: usize) -> String {
        loop {
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(rng.pick::<&str>(SYLLABLES));
            }
            if !self.filler.contains(&w) {
                return capitalise(&w);
            }
        }
    }

    pub fn title(rng: &mut Rng) -> &'static str {
        rng.pick::<&str>(TITLES)
    }

    pub fn org_suffix(rng: &mut Rng) -> &'static str {
        rng.pick::<&str>(ORG_SUFFIXES)
    }

    pub fn place_suffix(rng: &mut Rng) -> &'static str {
        rng.pick::<&str>(PLACE_SUFFIXES)
    }
}

pub fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A URL slug: lowercase words joined by hyphens.
pub fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

//! Every page's address, and links between them: the one place the site's URL
//! layout is written down.
//!
//! Links are relative to the page being written (`root` is the way back to the
//! site root from it), so one build works at a domain root and under a sub-path.
//! Only the 404 page, which a host serves at any depth, links from `base_url`'s
//! path instead. Canonical URLs are absolute, from `base_url`.

use std::path::PathBuf;

use crate::config::SiteConfig;

/// A page of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page<'a> {
    Home,
    /// Page `n` (from 2) of the home page's list of documents.
    HomeList(usize),
    NotFound,
    Document(&'a str),
    Entities,
    Entity(&'a str),
    Sources,
    Source(&'a str),
    Annotations,
    /// Page `n` (from 2) of the editor's notes.
    AnnotationsList(usize),
    Timeline,
    Search,
}

impl Page<'_> {
    /// The page's folder relative to the site root, `""` or ending in `/`.
    pub fn dir(&self) -> String {
        let mut dir = String::new();
        self.push_dir(&mut dir);
        dir
    }

    /// Appends the page's folder to `out`: links are made by the hundred
    /// thousand, and a `format!` per folder was most of their cost.
    fn push_dir(&self, out: &mut String) {
        let (folder, name) = match self {
            Page::Home | Page::NotFound => return,
            Page::HomeList(n) => return push_later_page(out, "", *n),
            Page::AnnotationsList(n) => return push_later_page(out, "annotations/", *n),
            Page::Document(slug) => ("", *slug),
            Page::Entities => ("", "entities"),
            Page::Entity(id) => ("entities/", *id),
            Page::Sources => ("", "sources"),
            Page::Source(key) => ("sources/", *key),
            Page::Annotations => ("", "annotations"),
            Page::Timeline => ("", "timeline"),
            Page::Search => ("", "search"),
        };
        out.push_str(folder);
        out.push_str(name);
        out.push('/');
    }

    /// The file written for the page, relative to the output folder.
    pub fn file(&self) -> PathBuf {
        match self {
            Page::NotFound => PathBuf::from("404.html"),
            page => PathBuf::from(format!("{}index.html", page.dir())),
        }
    }
}

/// Appends the folder of page `n` of the list at `list`: `{list}page/{n}/`.
fn push_later_page(out: &mut String, list: &str, n: usize) {
    use std::fmt::Write;
    let _ = write!(out, "{list}page/{n}/");
}

/// The page being written, and how it links to others.
#[derive(Debug, Clone)]
pub struct Here<'a> {
    pub page: Page<'a>,
    /// From this page back to the site root: `""`, `"../"`, `"../../"`, or for the
    /// 404 page the path of `base_url`.
    pub root: String,
    /// The page's absolute URL.
    pub canonical: String,
    /// The page's folder (`Page::dir`), which every link from it starts from.
    dir: String,
}

impl<'a> Here<'a> {
    pub fn new(page: Page<'a>, config: &SiteConfig) -> Here<'a> {
        let dir = page.dir();
        let root = match page {
            Page::NotFound => config.base_path().to_string(),
            _ => "../".repeat(dir.matches('/').count()),
        };
        Here {
            page,
            root,
            canonical: format!("{}{dir}", config.base_url),
            dir,
        }
    }

    /// A link from here to `page`, at `fragment` when given: up only as far as
    /// the folder both pages are in (`../y/` between two entity pages).
    pub fn to(&self, page: Page, fragment: Option<&str>) -> String {
        let mut target = String::with_capacity(48);
        page.push_dir(&mut target);
        let mut link = String::with_capacity(64);
        let shared = match self.page {
            Page::NotFound => {
                link.push_str(&self.root);
                0
            }
            _ => {
                let shared = common_folders(&self.dir, &target);
                for _ in self.dir[shared..].matches('/') {
                    link.push_str("../");
                }
                shared
            }
        };
        link.push_str(&target[shared..]);
        if link.is_empty() && fragment.is_none() {
            link.push_str("./");
        }
        if let Some(f) = fragment {
            link.push('#');
            link.push_str(f);
        }
        link
    }
}

/// The length of the folders two page folders (`""` or ending in `/`) begin with.
fn common_folders(a: &str, b: &str) -> usize {
    // Bytes, not characters: `/` is never part of another character's bytes.
    let mut shared = 0;
    for (i, (x, y)) in a.bytes().zip(b.bytes()).enumerate() {
        if x != y {
            break;
        }
        if x == b'/' {
            shared = i + 1;
        }
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig::parse(
            std::path::Path::new("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.org/archive/\"\n",
        )
        .unwrap()
    }

    #[test]
    fn links_are_relative_to_the_page_written() {
        let config = config();
        let doc = Here::new(Page::Document("a"), &config);
        assert_eq!(doc.to(Page::Entity("x"), None), "../entities/x/");
        assert_eq!(doc.to(Page::Document("a"), Some("p1")), "#p1");
        assert_eq!(doc.to(Page::Document("b"), Some("p1")), "../b/#p1");
        let entity = Here::new(Page::Entity("x"), &config);
        assert_eq!(entity.to(Page::Document("a"), Some("p1")), "../../a/#p1");
        assert_eq!(entity.to(Page::Entity("y"), None), "../y/");
        assert_eq!(entity.to(Page::Entity("x"), Some("f")), "#f");
        assert_eq!(entity.to(Page::Entities, None), "../");
        assert_eq!(entity.to(Page::Source("k"), None), "../../sources/k/");
        // A folder name that begins another's is not a shared folder.
        let long = Here::new(Page::Entity("xy"), &config);
        assert_eq!(long.to(Page::Entity("x"), None), "../x/");
        let entities = Here::new(Page::Entities, &config);
        assert_eq!(entities.to(Page::Entity("y"), Some("f")), "y/#f");
        assert_eq!(entities.to(Page::Home, None), "../");
        assert_eq!(entity.canonical, "https://example.org/archive/entities/x/");
        let home = Here::new(Page::Home, &config);
        assert_eq!(home.to(Page::Source("k"), None), "sources/k/");
        assert_eq!(home.to(Page::HomeList(2), None), "page/2/");
        let second = Here::new(Page::HomeList(2), &config);
        assert_eq!(second.root, "../../");
        assert_eq!(second.to(Page::Home, None), "../../");
        assert_eq!(second.to(Page::HomeList(3), None), "../3/");
        assert_eq!(second.canonical, "https://example.org/archive/page/2/");
        let notes = Here::new(Page::AnnotationsList(2), &config);
        assert_eq!(notes.to(Page::Annotations, None), "../../");
        assert_eq!(notes.to(Page::AnnotationsList(3), None), "../3/");
        assert_eq!(notes.to(Page::Document("a"), Some("p1")), "../../../a/#p1");
        let missing = Here::new(Page::NotFound, &config);
        assert_eq!(missing.to(Page::Timeline, None), "/archive/timeline/");
        assert_eq!(
            Page::Entity("x").file(),
            PathBuf::from("entities/x/index.html")
        );
        assert_eq!(Page::NotFound.file(), PathBuf::from("404.html"));
    }
}

//! Hosting: one build works at a domain root, under a sub-path and on a custom
//! domain; sitemap, robots and feed are well-formed and absolute under `base_url`.

mod common;

use common::Archive;

const SUB_PATH: &str = "https://user.github.io/archive/";

/// This archive built with another `base_url` and, optionally, more settings.
fn built(base_url: &str, more: &str) -> (Archive, common::Site) {
    let repository = std::fs::read_to_string(common::repository_root().join("site.toml")).unwrap();
    let site_toml: String = repository
        .lines()
        .map(|line| {
            if line.starts_with("base_url") {
                format!("base_url = \"{base_url}\"\n{more}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let archive = Archive::repository().file("site.toml", site_toml);
    let site = archive.build();
    (archive, site)
}

/// The file a URL under `base_url` is served from.
fn file_for(url: &str, base_url: &str) -> String {
    let path = url
        .strip_prefix(base_url)
        .unwrap_or_else(|| panic!("{url} is not under {base_url}"));
    let path = path.split('#').next().unwrap();
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

#[test]
fn a_sub_path_build_crawls_clean_with_sitemap_robots_and_feed() {
    let (_archive, site) = built(SUB_PATH, "");
    let base_url = SUB_PATH;
    lectern::check_site(site.out(), "/archive/").unwrap();

    let sitemap = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap is well-formed XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let pages = site
        .files()
        .iter()
        .filter(|f| f.ends_with("index.html"))
        .count();
    assert_eq!(
        locs.len(),
        pages,
        "every page but 404.html is in the sitemap"
    );
    for loc in &locs {
        assert!(site.exists(&file_for(loc, base_url)), "{loc}");
    }

    let robots = site.read("robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {base_url}sitemap.xml")),
        "{robots}"
    );

    let feed = site.read("atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("the feed is well-formed XML");
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    let entries: Vec<roxmltree::Node> = root
        .children()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 5, "one entry per document");
    for entry in &entries {
        let link = entry
            .children()
            .find(|n| n.has_tag_name("link"))
            .and_then(|n| n.attribute("href"))
            .unwrap();
        assert!(site.exists(&file_for(link, base_url)), "{link}");
        for required in ["title", "id", "updated"] {
            assert!(
                entry.children().any(|n| n.has_tag_name(required)),
                "{required}"
            );
        }
    }
    // Pages announce the feed, relatively.
    let home = site.page("index.html");
    assert_eq!(
        home.one("link[rel=alternate]").value().attr("href"),
        Some("atom.xml")
    );
    assert!(site.exists(".nojekyll"));
    assert!(!site.exists("CNAME"));
}

#[test]
fn the_404_page_works_from_any_depth_under_the_sub_path() {
    let (_archive, site) = built(SUB_PATH, "");
    let page = site.page("404.html");
    let mut checked = 0;
    for element in page.select("[href], [src]") {
        let url = element
            .value()
            .attr("href")
            .or(element.value().attr("src"))
            .unwrap();
        if url.starts_with("https://") || url.starts_with('#') {
            continue;
        }
        let path = url
            .strip_prefix("/archive/")
            .unwrap_or_else(|| panic!("{url} starts from the base path"));
        let file = file_for(&format!("x/{path}"), "x/");
        assert!(site.exists(&file), "{url} → {file}");
        checked += 1;
    }
    assert!(
        checked >= 5,
        "the 404 page links home, its styles and the indexes"
    );
}

#[test]
fn a_custom_domain_gets_a_cname_and_the_root_build_crawls_clean() {
    let (_archive, site) = built(
        "https://archive.example.org/",
        "cname = \"archive.example.org\"",
    );
    assert_eq!(site.read("CNAME"), "archive.example.org\n");
    lectern::check_site(site.out(), "/").unwrap();
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://archive.example.org/timeline/</loc>")
    );
}

#[test]
fn the_pages_workflow_builds_locked_and_deploys_with_the_official_actions() {
    let workflow =
        std::fs::read_to_string(common::repository_root().join(".github/workflows/pages.yml"))
            .unwrap();
    for needle in [
        "lectern build --locked",
        "lectern check --site public",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
        "actions/cache",
    ] {
        assert!(workflow.contains(needle), "{needle}");
    }
}

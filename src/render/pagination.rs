//! Long lists cut into pages: the home page's documents and the editor's notes
//! go on at `page/2/`, `page/3/`…, so no page grows with the archive.

use std::ops::Range;

use serde::Serialize;

use super::paths::{Here, Page};
use crate::config::SiteConfig;

/// Where one page of a list stands among the others.
#[derive(Serialize)]
pub struct Pagination {
    /// This page's number, from 1.
    pub number: usize,
    pub count: usize,
    /// Links to the pages before and after it, relative to it.
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// A list of `len` items cut into pages of `per_page` (all on the first when
/// it is 0; one empty page when there are none): each page's place, where it
/// stands, and the range of items it lists. The list starts at `first` and
/// goes on at `later(2)`, `later(3)`…
pub fn paged<'a>(
    len: usize,
    per_page: usize,
    config: &'a SiteConfig,
    first: Page<'static>,
    later: fn(usize) -> Page<'static>,
) -> impl Iterator<Item = (Here<'static>, Range<usize>, Pagination)> + 'a {
    let size = page_size(len, per_page);
    let count = count(len, per_page);
    let page = move |n| if n == 1 { first } else { later(n) };
    (1..=count).map(move |n| {
        let here = Here::new(page(n), config);
        let pagination = Pagination {
            number: n,
            count,
            previous: (n > 1).then(|| here.to(page(n - 1), None)),
            next: (n < count).then(|| here.to(page(n + 1), None)),
        };
        let items = ((n - 1) * size).min(len)..(n * size).min(len);
        (here, items, pagination)
    })
}

/// How many pages `paged` cuts a list of `len` items into.
pub fn count(len: usize, per_page: usize) -> usize {
    len.div_ceil(page_size(len, per_page)).max(1)
}

/// How many items a page lists: `per_page`, or all of them when it is 0.
fn page_size(len: usize, per_page: usize) -> usize {
    if per_page == 0 { len.max(1) } else { per_page }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(items: usize, per_page: usize) -> Vec<(String, usize, Pagination)> {
        let config = SiteConfig::parse(
            std::path::Path::new("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        )
        .unwrap();
        paged(items, per_page, &config, Page::Home, Page::HomeList)
            .map(|(here, items, pagination)| (here.page.dir(), items.len(), pagination))
            .collect()
    }

    #[test]
    fn lists_are_cut_into_full_pages_and_a_last_one() {
        let got = pages(5, 2);
        let shape: Vec<_> = got.iter().map(|(dir, n, _)| (dir.as_str(), *n)).collect();
        assert_eq!(shape, [("", 2), ("page/2/", 2), ("page/3/", 1)]);
        let (_, _, second) = &got[1];
        assert_eq!((second.number, second.count), (2, 3));
        assert_eq!(second.previous.as_deref(), Some("../../"));
        assert_eq!(second.next.as_deref(), Some("../3/"));
        assert_eq!(got[0].2.previous, None);
        assert_eq!(got[2].2.next, None);
    }

    #[test]
    fn a_short_list_an_empty_one_and_no_limit_are_one_page() {
        for (items, per_page) in [(2, 2), (0, 2), (7, 0), (0, 0)] {
            let got = pages(items, per_page);
            assert_eq!(got.len(), 1, "{items} items, {per_page} a page");
            assert_eq!(got[0].1, items);
            assert_eq!(
                (got[0].2.previous.as_ref(), got[0].2.next.as_ref()),
                (None, None)
            );
        }
    }
}

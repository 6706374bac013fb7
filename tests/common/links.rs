//! A site's links: listed for tests, and checked by the library's site check.

use super::Site;

impl Site {
    /// Every `href` and `src` on every page, as `(page, element, attribute value)`.
    pub fn links(&self) -> Vec<(String, String, String)> {
        let mut links = Vec::new();
        for page in self.pages() {
            for element in page.select("[href], [src]") {
                for attr in ["href", "src"] {
                    if let Some(value) = element.value().attr(attr) {
                        links.push((page.path.clone(), element.html(), value.to_string()));
                    }
                }
            }
        }
        links
    }

    /// Every internal link or anchor that does not land on an existing file and id,
    /// and every id used twice on a page, described: the library's own site check,
    /// which `lectern check` runs too. Links starting with `/` are read from
    /// `base_path` (the path part of `base_url`).
    pub fn broken_links(&self, base_path: &str) -> Vec<String> {
        lectern::check::site::Output::read(&self.out)
            .unwrap_or_else(|e| panic!("read the built site: {e}"))
            .problems(base_path)
    }
}

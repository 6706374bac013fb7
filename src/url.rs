//! Which URLs may become links: `http(s)`, `mailto` and relative ones. Any other
//! scheme (`javascript:`, `data:`, `vbscript:`…) could run code or smuggle content
//! when a reader follows it, so content that uses one is refused where it is read.

/// Whether `url` may be written into an `href` or `src`.
pub fn is_safe(url: &str) -> bool {
    // Browsers ignore white space and control characters inside a scheme
    // (`java\tscript:`), so they are ignored here too.
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(16)
        .collect();
    match scheme(&compact) {
        None => true,
        Some(scheme) => ["http", "https", "mailto"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(scheme)),
    }
}

/// The scheme of an absolute URL: letters, digits, `+`, `-`, `.` before the first `:`,
/// starting with a letter, and before any `/`, `?` or `#`.
fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let candidate = &url[..colon];
    let is_scheme = candidate
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some(candidate)
}

/// The help line for a refused URL.
pub const HELP: &str = "only http(s), mailto and relative URLs become links; remove the link or use an https:// address";

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn only_web_mail_and_relative_urls_are_safe() {
        for ok in [
            "https://example.org/a",
            "HTTP://x",
            "mailto:a@b.org",
            "other.md#x",
            "../x/",
            "#frag",
            "/abs/path",
            "?q=a:b",
            "a/b:c",
        ] {
            assert!(is_safe(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " java\tscript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "file:///etc/passwd",
        ] {
            assert!(!is_safe(bad), "{bad}");
        }
    }
}

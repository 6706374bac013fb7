//! Escaping text for HTML, the one place it is done.

/// `s` with `<`, `>`, `&`, `"` and `'` escaped, safe in text and in quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// JSON that cannot end the `<script>` element it is embedded in, whatever the
/// content's strings hold.
pub fn script_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

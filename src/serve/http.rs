//! Answering HTTP requests from a site held in memory (`lectern serve`) or from a
//! folder on disk (tests), with tiny_http: GET and HEAD, folder index pages, the
//! site's 404 page, and nothing outside the site.
//!
//! The site is mounted at `base_url`'s path, as it will be published, so the 404
//! page's links (which start from that path) work here too; `/` redirects there.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Request, Response, StatusCode};

/// A site held in memory, whose files may be made only when asked for.
pub trait Memory: Send + Sync {
    /// The file at `path` (`/`-separated, relative to the site).
    fn get(&self, path: &str) -> Option<Arc<Vec<u8>>>;
    /// Whether the site has a file below the folder `prefix` (ending in `/`).
    fn has_below(&self, prefix: &str) -> bool;
}

impl Memory for BTreeMap<String, Arc<Vec<u8>>> {
    fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        BTreeMap::get(self, path).cloned()
    }

    fn has_below(&self, prefix: &str) -> bool {
        self.range(prefix.to_string()..)
            .next()
            .is_some_and(|(path, _)| path.starts_with(prefix))
    }
}

/// Where a server finds its files.
pub enum Files {
    Memory(Arc<dyn Memory>),
    Folder(PathBuf),
}

impl Files {
    fn get(&self, path: &str) -> Option<Vec<u8>> {
        match self {
            Files::Memory(site) => site.get(path).map(|bytes| bytes.to_vec()),
            Files::Folder(dir) => std::fs::read(dir.join(path)).ok(),
        }
    }

    fn is_dir(&self, path: &str) -> bool {
        match self {
            Files::Memory(site) => site.has_below(&format!("{}/", path.trim_end_matches('/'))),
            Files::Folder(dir) => dir.join(path).is_dir(),
        }
    }
}

/// What a request asks for, once its path is read.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// A folder asked for without its trailing slash (relative links need it), or
    /// the server's root when the site lives under a sub-path.
    Redirect(String),
    NotFound,
}

/// Resolves the request `target` against `files` mounted at `base` (`/`, or a
/// sub-path such as `/archive/`).
pub fn resolve(files: &Files, base: &str, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Some(decoded) = percent_decode(path) else {
        return Resolved::NotFound;
    };
    let Some(inside) = decoded.strip_prefix(base) else {
        if format!("{decoded}/") == base || decoded == "/" {
            return Resolved::Redirect(base.to_string());
        }
        return Resolved::NotFound;
    };
    let safe = Path::new(inside)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Resolved::NotFound;
    }
    if inside.is_empty() || inside.ends_with('/') {
        return Resolved::File(format!("{inside}index.html"));
    }
    if files.is_dir(inside) {
        return Resolved::Redirect(format!("{path}/"));
    }
    Resolved::File(inside.to_string())
}

/// Answers one request; `inject` is added before `</body>` of every HTML page.
pub fn respond(files: &Files, base: &str, request: Request, inject: &str) {
    let head = *request.method() == tiny_http::Method::Head;
    let allowed = head || *request.method() == tiny_http::Method::Get;
    let (status, kind, body) = if !allowed {
        (
            405,
            "text/plain; charset=utf-8",
            b"Only GET and HEAD".to_vec(),
        )
    } else {
        match resolve(files, base, request.url()) {
            Resolved::Redirect(location) => {
                let response =
                    Response::empty(StatusCode(301)).with_header(header("Location", &location));
                let _ = request.respond(response);
                return;
            }
            Resolved::File(path) => match files.get(&path) {
                Some(body) => (200, content_type(&path), body),
                None => not_found(files),
            },
            Resolved::NotFound => not_found(files),
        }
    };
    let body = if kind.starts_with("text/html") && !inject.is_empty() {
        injected(body, inject)
    } else {
        body
    };
    let length = body.len();
    let body = if head { Vec::new() } else { body };
    let response = Response::new(
        StatusCode(status),
        vec![
            header("Content-Type", kind),
            header("Cache-Control", "no-store"),
        ],
        Cursor::new(body),
        Some(length),
        None,
    );
    // A client that hangs up mid-answer is not an error worth reporting.
    let _ = request.respond(response);
}

fn not_found(files: &Files) -> (u16, &'static str, Vec<u8>) {
    let body = files
        .get("404.html")
        .unwrap_or_else(|| b"Not found".to_vec());
    (404, "text/html; charset=utf-8", body)
}

fn injected(body: Vec<u8>, inject: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body);
    match text.rfind("</body>") {
        Some(at) => format!("{}{inject}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{inject}").into_bytes(),
    }
}

pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        let mut files = BTreeMap::new();
        files.insert("index.html".to_string(), Arc::new(b"home".to_vec()));
        files.insert("doc/index.html".to_string(), Arc::new(b"doc".to_vec()));
        Files::Memory(Arc::new(files))
    }

    #[test]
    fn resolves_inside_the_site_only() {
        let files = site();
        let r = |t: &str| resolve(&files, "/", t);
        assert_eq!(r("/doc/"), Resolved::File("doc/index.html".into()));
        assert_eq!(r("/doc"), Resolved::Redirect("/doc/".into()));
        assert_eq!(r("/doc/?q=1#x"), Resolved::File("doc/index.html".into()));
        assert_eq!(r("/../etc/passwd"), Resolved::NotFound);
        assert_eq!(r("/%2e%2e/etc/passwd"), Resolved::NotFound);
        assert_eq!(r("/missing"), Resolved::File("missing".into()));
    }

    #[test]
    fn a_sub_path_site_is_mounted_there() {
        let files = site();
        let r = |t: &str| resolve(&files, "/archive/", t);
        assert_eq!(r("/"), Resolved::Redirect("/archive/".into()));
        assert_eq!(r("/archive"), Resolved::Redirect("/archive/".into()));
        assert_eq!(r("/archive/doc/"), Resolved::File("doc/index.html".into()));
        assert_eq!(r("/doc/"), Resolved::NotFound);
    }

    #[test]
    fn the_live_script_goes_before_the_end_of_body() {
        let page = injected(
            b"<body><p>x</p></body></html>".to_vec(),
            "<script></script>",
        );
        assert_eq!(page, b"<body><p>x</p><script></script></body></html>");
    }
}

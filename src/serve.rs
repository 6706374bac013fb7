//! `lectern serve`: a small static file server for reading the built site locally.
//!
//! Serves only files inside the output folder, on loopback. It knows just enough
//! HTTP for a browser: GET and HEAD, directory index pages, the site's 404 page.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Diagnostic, Failure};

/// Serves `dir` on 127.0.0.1 from `port`, or the next free port, until interrupted.
pub fn serve(dir: &Path, port: u16) -> Result<(), Failure> {
    let listener = bind(port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::io(dir, "serve", e))?;
    println!(
        "Serving {} at http://{address}/ (Ctrl+C to stop)",
        dir.display()
    );
    run(listener, dir);
    Ok(())
}

/// Answers requests on `listener` with files from `dir`, one thread per connection.
pub fn run(listener: TcpListener, dir: &Path) {
    let dir = dir.to_path_buf();
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            // A client that hangs up mid-request is not an error worth reporting.
            let _ = respond(&dir, stream);
        });
    }
}

/// Binds 127.0.0.1 at `port` or one of the next 19 (port 0: any free port).
pub fn bind(port: u16) -> Result<TcpListener, Failure> {
    let mut last = None;
    for candidate in port..=port.saturating_add(19) {
        match TcpListener::bind(("127.0.0.1", candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    let error = last.map(|e| e.to_string()).unwrap_or_default();
    Err(
        Diagnostic::error("serve", format!("no free port from {port}: {error}"))
            .help("pass another port with --port")
            .into(),
    )
}

fn respond(dir: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return write_response(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"",
            method == "HEAD",
        );
    }
    match resolve(dir, target) {
        Some(Resolved::File(path)) => {
            let body = std::fs::read(&path)?;
            write_response(
                &mut stream,
                "200 OK",
                content_type(&path),
                &body,
                method == "HEAD",
            )
        }
        Some(Resolved::Redirect(location)) => {
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes())
        }
        None => {
            let body =
                std::fs::read(dir.join("404.html")).unwrap_or_else(|_| b"Not found".to_vec());
            write_response(
                &mut stream,
                "404 Not Found",
                "text/html; charset=utf-8",
                &body,
                method == "HEAD",
            )
        }
    }
}

enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative links need it.
    Redirect(String),
}

fn resolve(dir: &Path, target: &str) -> Option<Resolved> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let full = dir.join(relative);
    if full.is_dir() {
        if !path.ends_with('/') {
            return Some(Resolved::Redirect(format!("{path}/")));
        }
        let index = full.join("index.html");
        return index.is_file().then_some(Resolved::File(index));
    }
    full.is_file().then_some(Resolved::File(full))
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

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn write_response(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_the_folder_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("doc")).unwrap();
        std::fs::write(dir.path().join("doc/index.html"), "x").unwrap();
        assert!(matches!(
            resolve(dir.path(), "/doc/"),
            Some(Resolved::File(_))
        ));
        assert!(matches!(resolve(dir.path(), "/doc"), Some(Resolved::Redirect(l)) if l == "/doc/"));
        assert!(resolve(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve(dir.path(), "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(dir.path(), "/missing").is_none());
    }
}

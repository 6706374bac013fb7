//! Following a site's links as a browser would, to find the ones that go nowhere.

use std::collections::BTreeMap;

use super::Site;

/// Where a link points, once resolved against the page it is on.
enum Target {
    /// Outside the site: another scheme or host.
    External,
    /// A file of the output and an optional fragment.
    Local { file: String, fragment: String },
    /// A path that climbs out of the output folder.
    Escapes,
}

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
    /// described. Links starting with `/` are read from `base_path` (the path part of
    /// `base_url`), as a browser would at the published address.
    pub fn broken_links(&self, base_path: &str) -> Vec<String> {
        let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut broken = Vec::new();
        for (page, element, value) in self.links() {
            let target = resolve(&page, &value, base_path);
            let (file, fragment) = match target {
                Target::External => continue,
                Target::Escapes => {
                    broken.push(format!("{page}: {value:?} leaves the site ({element})"));
                    continue;
                }
                Target::Local { file, fragment } => (file, fragment),
            };
            let folder = file.is_empty() || file.ends_with('/') || self.out.join(&file).is_dir();
            let file = match file.trim_end_matches('/') {
                "" if folder => "index.html".to_string(),
                dir if folder => format!("{dir}/index.html"),
                _ => file,
            };
            if !self.out.join(&file).is_file() {
                broken.push(format!("{page}: {value:?} → {file}, which does not exist"));
                continue;
            }
            if fragment.is_empty() || !file.ends_with(".html") {
                continue;
            }
            let known = ids
                .entry(file.clone())
                .or_insert_with(|| self.page(&file).ids());
            if !known.contains(&fragment) {
                broken.push(format!("{page}: {value:?} → no id `{fragment}` in {file}"));
            }
        }
        broken
    }
}

fn resolve(page: &str, value: &str, base_path: &str) -> Target {
    let lower = value.to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/') && !s.contains('#'));
    if scheme || value.starts_with("//") {
        return Target::External;
    }
    let (rest, fragment) = value.split_once('#').unwrap_or((value, ""));
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let mut parts: Vec<&str> = Vec::new();
    let relative = if let Some(absolute) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        match absolute.strip_prefix(base) {
            Some(inside) => inside,
            None if absolute.trim_end_matches('/') == base.trim_end_matches('/') => "",
            None => return Target::Escapes,
        }
    } else if path.is_empty() {
        return Target::Local {
            file: page.to_string(),
            fragment: fragment.to_string(),
        };
    } else {
        parts.extend(page.split('/'));
        parts.pop(); // the page's own file name
        path
    };
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::Escapes;
                }
            }
            s => parts.push(s),
        }
    }
    let mut file = parts.join("/");
    if relative.ends_with('/') && !file.is_empty() {
        file.push('/');
    }
    Target::Local {
        file,
        fragment: fragment.to_string(),
    }
}

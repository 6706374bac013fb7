//! Live reload: a small script injected into served pages listens on a stream of
//! server-sent events, reloads after a good build and shows a failed build's
//! report over the page until the next good one.

use std::io::Write;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};

/// The event stream's path, under the site's base path.
pub const EVENTS: &str = "__lectern/events";

pub enum Event {
    Reload,
    Failed(String),
}

/// Every open page's stream.
#[derive(Default)]
pub struct Clients(Mutex<Vec<Sender<String>>>);

impl Clients {
    /// Sends `event` to every open page, forgetting pages that have gone.
    pub fn send(&self, event: Event) {
        let message = match event {
            Event::Reload => "event: reload\ndata: {}\n\n".to_string(),
            Event::Failed(report) => format!(
                "event: problem\ndata: {}\n\n",
                serde_json::to_string(&report).unwrap_or_default()
            ),
        };
        if let Ok(mut clients) = self.0.lock() {
            clients.retain(|client| client.send(message.clone()).is_ok());
        }
    }

    /// Holds `request` open as an event stream until the page goes away; a page
    /// that opens while the last build failed is told so at once.
    pub fn attach(&self, request: tiny_http::Request, failure: Option<String>) {
        let (sender, receiver) = mpsc::channel();
        if let Some(report) = failure {
            let _ = sender.send(format!(
                "event: problem\ndata: {}\n\n",
                serde_json::to_string(&report).unwrap_or_default()
            ));
        }
        if let Ok(mut clients) = self.0.lock() {
            clients.push(sender);
        }
        stream(request.into_writer(), receiver);
    }
}

fn stream(mut writer: Box<dyn Write + Send>, receiver: Receiver<String>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: lectern\n\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    // A comment every few seconds finds pages that have gone away.
    loop {
        let message = match receiver.recv_timeout(std::time::Duration::from_secs(15)) {
            Ok(message) => message,
            Err(mpsc::RecvTimeoutError::Timeout) => ": still here\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(message.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

/// The script added before `</body>` of every served page.
pub fn snippet(base: &str) -> String {
    format!(
        "<script>{}</script>",
        SCRIPT.replace("__EVENTS__", &format!("{base}{EVENTS}"))
    )
}

const SCRIPT: &str = r#"(() => {
  const events = new EventSource("__EVENTS__");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problem", (e) => {
    let box = document.getElementById("lectern-problem");
    if (!box) {
      box = document.createElement("div");
      box.id = "lectern-problem";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;margin:0;padding:1rem 1.25rem;background:#2b0b0b;color:#ffe9e9;font:14px/1.45 ui-monospace,monospace;border-top:4px solid #e5484d";
      document.body.appendChild(box);
    }
    const title = document.createElement("strong");
    title.textContent = "lectern: the last save does not build (this page is the last good build)";
    const report = document.createElement("pre");
    report.style.cssText = "white-space:pre-wrap;margin:.5rem 0 0";
    report.textContent = JSON.parse(e.data);
    box.replaceChildren(title, report);
  });
})();"#;

//! OPML subscription lists: lenient import and clean export.
//!
//! Import reads what real exporters write, not what the spec says: attributes go missing or change
//! case (`xmlUrl`, `xmlurl`, `url`), folders nest (each becomes a group path), the same feed appears
//! in several folders (kept once, in the first), `&` goes unescaped and closing tags are lost. It
//! uses the [`crate::markup`] scanner, so broken XML is read as far as it makes sense.
//! Export writes OPML 2.0 with one folder level per group path element.

use serde::{Deserialize, Serialize};

use crate::markup::scan_tags;

/// One subscription from an OPML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpmlFeed {
    /// The feed URL (`xmlUrl`).
    pub url: String,
    /// Its title (`title`, else `text`).
    pub title: Option<String>,
    /// The site's home page (`htmlUrl`).
    pub site_url: Option<String>,
    /// Folder names from the outermost in; empty at the top level.
    pub folders: Vec<String>,
    /// What the source is, when known (written as the outline's `type`).
    #[serde(default)]
    pub kind: Option<crate::sources::SourceKind>,
}

impl OpmlFeed {
    /// The group name: the folder path joined with ` / `, or `None` at the top level.
    pub fn group(&self) -> Option<String> {
        (!self.folders.is_empty()).then(|| self.folders.join(" / "))
    }

    /// A subscription in the group `group` (a folder path joined with ` / `, as
    /// [`OpmlFeed::group`] writes it), for export.
    pub fn in_group(url: String, title: Option<String>, group: Option<&str>) -> Self {
        Self {
            url,
            title,
            site_url: None,
            folders: group
                .map(|g| g.split(" / ").map(str::to_string).collect())
                .unwrap_or_default(),
            kind: None,
        }
    }

    /// The same subscription, known to be of `kind`.
    pub fn of_kind(mut self, kind: Option<crate::sources::SourceKind>) -> Self {
        self.kind = kind;
        self
    }

    /// The outline `type` written for it: `rss` for feeds (and sources not polled yet),
    /// `sitemap` for sitemaps, `link` for a page followed as a source.
    pub fn outline_type(&self) -> &'static str {
        use crate::sources::SourceKind;
        match self.kind {
            Some(SourceKind::NewsSitemap | SourceKind::Sitemap | SourceKind::SitemapIndex) => {
                "sitemap"
            }
            Some(SourceKind::Page) => "link",
            _ => "rss",
        }
    }
}

/// An imported subscription list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpmlDocument {
    /// The `<head><title>`, if any.
    pub title: Option<String>,
    /// Subscriptions in document order, duplicates removed.
    pub feeds: Vec<OpmlFeed>,
    /// Outlines skipped, with the reason (e.g. a URL that is not http or https).
    pub skipped: Vec<String>,
}

/// Why a file could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpmlError {
    /// Neither an `<opml>` element nor any feed outline was found.
    #[error("not an OPML document: no <opml> element and no feed outlines")]
    NotOpml,
}

enum Open {
    Folder,
    Feed,
}

/// Imports an OPML document leniently.
pub fn import_opml(text: &str) -> Result<OpmlDocument, OpmlError> {
    let mut doc = OpmlDocument::default();
    let mut seen_opml = false;
    let mut stack: Vec<Open> = Vec::new();
    let mut folders: Vec<String> = Vec::new();
    let mut seen_urls: Vec<String> = Vec::new();
    let mut title_start = None;
    let mut closed = false;
    for tag in scan_tags(text) {
        match (tag.name.as_str(), tag.closing) {
            ("opml", false) => seen_opml = true,
            ("title", false) if doc.title.is_none() && stack.is_empty() => {
                title_start = text[tag.offset..].find('>').map(|e| tag.offset + e + 1);
            }
            ("title", true) => {
                if let Some(start) = title_start.take()
                    && start <= tag.offset
                {
                    doc.title = crate::sources::text::plain_text(&text[start..tag.offset]);
                }
            }
            ("outline", false) => {
                let label = tag
                    .attr("title")
                    .or_else(|| tag.attr("text"))
                    .map(crate::sources::text::collapse_whitespace)
                    .filter(|t| !t.is_empty());
                let kind = tag.attr("type").unwrap_or_default().to_ascii_lowercase();
                let feed_url = tag
                    .attr("xmlurl")
                    .or_else(|| tag.attr("xml_url"))
                    .or_else(|| tag.attr("feedurl"))
                    .or_else(|| {
                        tag.attr("url")
                            .filter(|_| !matches!(kind.as_str(), "link" | "include"))
                    })
                    .map(str::trim)
                    .filter(|u| !u.is_empty());
                match feed_url {
                    Some(raw) => {
                        match normalise_feed_url(raw) {
                            Some(url) => {
                                let key = dedup_key(&url);
                                if !seen_urls.contains(&key) {
                                    seen_urls.push(key);
                                    doc.feeds.push(OpmlFeed {
                                        url,
                                        title: label,
                                        site_url: tag
                                            .attr("htmlurl")
                                            .map(str::trim)
                                            .filter(|u| !u.is_empty())
                                            .map(str::to_string),
                                        folders: folders.clone(),
                                        kind: None,
                                    });
                                }
                            }
                            None => doc.skipped.push(format!("`{raw}`: not an http(s) URL")),
                        }
                        if !tag.self_closing {
                            stack.push(Open::Feed);
                        }
                    }
                    None if !tag.self_closing => {
                        stack.push(Open::Folder);
                        folders.push(label.unwrap_or_else(|| "Untitled".to_string()));
                    }
                    None => doc.skipped.push(format!(
                        "{}: no feed address (xmlUrl)",
                        label
                            .as_deref()
                            .or_else(|| tag.attr("htmlurl"))
                            .map_or_else(|| "an outline".to_string(), |l| format!("`{l}`"))
                    )),
                }
            }
            ("outline", true) => match stack.pop() {
                Some(Open::Folder) => {
                    folders.pop();
                }
                Some(Open::Feed) | None => {}
            },
            ("body", true) => {
                stack.clear();
                folders.clear();
            }
            ("opml", true) => closed = true,
            _ => {}
        }
    }
    if !seen_opml && doc.feeds.is_empty() {
        return Err(OpmlError::NotOpml);
    }
    if seen_opml && !closed {
        doc.skipped.push(
            "the file ends before </opml>: it may be cut short; what was there is read".into(),
        );
    }
    Ok(doc)
}

/// `feed://host/x` and `feed:https://host/x` become http(s) URLs; anything that is not http(s)
/// after that is refused.
fn normalise_feed_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let candidate = if let Some(rest) = raw.strip_prefix("feed:") {
        if rest.starts_with("//") {
            format!("http:{rest}")
        } else {
            rest.to_string()
        }
    } else {
        raw.to_string()
    };
    let url = url::Url::parse(&candidate).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

/// Two subscriptions are the same feed when they differ only in scheme, a `www.` prefix or a
/// trailing slash.
fn dedup_key(url: &str) -> String {
    let without_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let without_www = without_scheme
        .strip_prefix("www.")
        .unwrap_or(without_scheme);
    without_www.trim_end_matches('/').to_ascii_lowercase()
}

/// Writes an OPML 2.0 document; feeds are grouped into nested folders by their folder path.
pub fn export_opml(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head>\n    <title>{}</title>\n  </head>\n  <body>\n",
        escape(title)
    ));
    let mut open: Vec<String> = Vec::new();
    let mut ordered: Vec<&OpmlFeed> = feeds.iter().collect();
    // Stable sort keeps the caller's order within a folder.
    ordered.sort_by(|a, b| a.folders.cmp(&b.folders));
    for feed in ordered {
        let common = open
            .iter()
            .zip(&feed.folders)
            .take_while(|(a, b)| a == b)
            .count();
        while open.len() > common {
            open.pop();
            out.push_str(&"  ".repeat(open.len() + 2));
            out.push_str("</outline>\n");
        }
        for folder in &feed.folders[common..] {
            out.push_str(&"  ".repeat(open.len() + 2));
            out.push_str(&format!(
                "<outline text=\"{0}\" title=\"{0}\">\n",
                escape(folder)
            ));
            open.push(folder.clone());
        }
        let name = feed.title.as_deref().unwrap_or(&feed.url);
        out.push_str(&"  ".repeat(open.len() + 2));
        out.push_str(&format!(
            "<outline type=\"{2}\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"",
            escape(name),
            escape(&feed.url),
            feed.outline_type()
        ));
        if let Some(site) = &feed.site_url {
            out.push_str(&format!(" htmlUrl=\"{}\"", escape(site)));
        }
        out.push_str("/>\n");
    }
    while open.pop().is_some() {
        out.push_str(&"  ".repeat(open.len() + 2));
        out.push_str("</outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_world_opml_is_read_leniently() {
        let opml = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
  <outline text="Tech">
    <outline text="AI" title="AI">
      <outline type="rss" text="MiniMax Blog" xmlUrl="https://minimax.example/feed?a=1&b=2" htmlUrl="https://minimax.example/"/>
    </outline>
    <outline title="Ars" xmlurl="http://feeds.arstechnica.example/arstechnica/index"/>
  </outline>
  <outline url="https://news.example/rss" />
  <outline text="dup" xmlUrl="https://www.minimax.example/feed?a=1&amp;b=2/"/>
  <outline text="Home page" type="link" url="https://blog.example/"/>
  <outline text="bad" xmlUrl="javascript:alert(1)"/>
  <outline text="Podcasts"><outline text="Pod" xmlUrl="feed://pod.example/rss">
</body></opml>"#;
        let doc = import_opml(opml).expect("imports");
        assert_eq!(doc.title.as_deref(), Some("My feeds"));
        let urls: Vec<&str> = doc.feeds.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://minimax.example/feed?a=1&b=2",
                "http://feeds.arstechnica.example/arstechnica/index",
                "https://news.example/rss",
                "http://pod.example/rss",
            ]
        );
        assert_eq!(doc.feeds[0].group().as_deref(), Some("Tech / AI"));
        assert_eq!(doc.feeds[0].title.as_deref(), Some("MiniMax Blog"));
        assert_eq!(
            doc.feeds[0].site_url.as_deref(),
            Some("https://minimax.example/")
        );
        assert_eq!(doc.feeds[1].group().as_deref(), Some("Tech"));
        assert_eq!(doc.feeds[1].title.as_deref(), Some("Ars"));
        assert_eq!(doc.feeds[2].group(), None);
        assert_eq!(doc.feeds[2].title, None);
        assert_eq!(doc.feeds[3].group().as_deref(), Some("Podcasts"));
        assert_eq!(
            doc.skipped,
            [
                "`Home page`: no feed address (xmlUrl)",
                "`javascript:alert(1)`: not an http(s) URL"
            ]
        );
    }

    #[test]
    fn sources_are_exported_with_their_kind_and_read_back() {
        use crate::sources::SourceKind;
        let feeds = [
            OpmlFeed::in_group("https://a.example/feed".into(), None, None)
                .of_kind(Some(SourceKind::Atom)),
            OpmlFeed::in_group("https://b.example/news-sitemap.xml".into(), None, None)
                .of_kind(Some(SourceKind::NewsSitemap)),
            OpmlFeed::in_group("https://c.example/latest".into(), None, None)
                .of_kind(Some(SourceKind::Page)),
            OpmlFeed::in_group("https://d.example/rss".into(), None, None),
        ];
        let text = export_opml("t", &feeds);
        for (kind, url) in [
            ("rss", "https://a.example/feed"),
            ("sitemap", "https://b.example/news-sitemap.xml"),
            ("link", "https://c.example/latest"),
            ("rss", "https://d.example/rss"),
        ] {
            assert!(
                text.contains(&format!("type=\"{kind}\" text=\"{url}\"")),
                "{kind} {url}: {text}"
            );
        }
        let back = import_opml(&text).unwrap();
        assert_eq!(
            back.feeds.len(),
            4,
            "every kind is read back: {:?}",
            back.skipped
        );
    }

    #[test]
    fn a_cut_short_file_is_read_and_said_to_be_cut() {
        let opml = r#"<opml version="2.0"><body><outline text="A &#8211; B" xmlUrl="https://a.example/feed"/><outline text="Gr"><outline text="C" xmlUrl="https://c.example/rss"/>"#;
        let doc = import_opml(opml).expect("imports");
        assert_eq!(doc.feeds.len(), 2);
        assert_eq!(doc.feeds[0].title.as_deref(), Some("A – B"));
        assert_eq!(doc.skipped.len(), 1);
        assert!(doc.skipped[0].contains("cut short"), "{:?}", doc.skipped);
    }

    #[test]
    fn export_then_import_round_trips() {
        let feeds = vec![
            OpmlFeed {
                url: "https://a.example/feed".to_string(),
                title: Some("A & \"B\"".to_string()),
                site_url: Some("https://a.example/".to_string()),
                folders: vec!["News".to_string(), "World".to_string()],
                kind: None,
            },
            OpmlFeed {
                url: "https://b.example/rss?x=1&y=2".to_string(),
                title: None,
                site_url: None,
                folders: vec![],
                kind: None,
            },
            OpmlFeed {
                url: "https://c.example/atom".to_string(),
                title: Some("C".to_string()),
                site_url: None,
                folders: vec!["News".to_string()],
                kind: None,
            },
        ];
        let text = export_opml("storyline", &feeds);
        let doc = import_opml(&text).expect("own export imports");
        assert_eq!(doc.title.as_deref(), Some("storyline"));
        assert_eq!(doc.feeds.len(), 3);
        for feed in &feeds {
            let back = doc
                .feeds
                .iter()
                .find(|f| f.url == feed.url)
                .expect("feed survives");
            assert_eq!(back.folders, feed.folders);
            assert_eq!(back.site_url, feed.site_url);
            assert_eq!(
                back.title.as_deref(),
                Some(feed.title.as_deref().unwrap_or(&feed.url))
            );
        }
    }

    #[test]
    fn non_opml_is_refused_and_garbage_does_not_panic() {
        assert_eq!(import_opml("hello world"), Err(OpmlError::NotOpml));
        // Every character up to U+0BB7: no <opml> element, no outline, so no OPML.
        let garbage: String = (0u32..3000).filter_map(char::from_u32).collect();
        assert_eq!(import_opml(&garbage), Err(OpmlError::NotOpml));
        let deep = format!("<opml>{}", "<outline text='x'>".repeat(20_000));
        assert!(import_opml(&deep).is_ok_and(|d| d.feeds.is_empty()));
    }
}

//! OPML for the admin's source list: reading an uploaded outline leniently (any `outline`
//! element with an `xmlUrl`, nested groups become the source's group) and writing the list back
//! out as OPML 2.0.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::feeds::escape_html;

/// A feed listed in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineFeed {
    pub url: String,
    pub title: Option<String>,
    pub group: Option<String>,
}

/// Most feeds read from one upload.
const MAX_FEEDS: usize = 5_000;
/// Deepest outline nesting followed.
const MAX_DEPTH: usize = 64;

/// Reads the feeds of an OPML document; broken XML after some feeds keeps those feeds.
pub fn read(text: &str) -> Result<Vec<OutlineFeed>, String> {
    let mut reader = Reader::from_str(text);
    let mut groups: Vec<Option<String>> = Vec::new();
    let mut feeds = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"outline" => {
                let attrs = attributes(&e);
                if let Some(url) = find(&attrs, "xmlUrl") {
                    push(&mut feeds, url, &attrs, &groups);
                }
                if groups.len() < MAX_DEPTH {
                    groups.push(find(&attrs, "text").or_else(|| find(&attrs, "title")));
                }
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == b"outline" => {
                let attrs = attributes(&e);
                if let Some(url) = find(&attrs, "xmlUrl") {
                    push(&mut feeds, url, &attrs, &groups);
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"outline" => {
                groups.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                if feeds.is_empty() {
                    return Err(format!("not OPML: {e}"));
                }
                break;
            }
        }
        if feeds.len() >= MAX_FEEDS {
            break;
        }
    }
    Ok(feeds)
}

fn push(
    feeds: &mut Vec<OutlineFeed>,
    url: String,
    attrs: &[(String, String)],
    groups: &[Option<String>],
) {
    let url = url.trim().to_string();
    if url.is_empty() {
        return;
    }
    feeds.push(OutlineFeed {
        url,
        title: find(attrs, "title").or_else(|| find(attrs, "text")),
        group: groups.iter().rev().flatten().next().cloned(),
    });
}

fn attributes(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .filter_map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a.unescape_value().ok()?.into_owned();
            Some((key, value))
        })
        .collect()
}

fn find(attrs: &[(String, String)], key: &str) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.clone())
        .filter(|v| !v.trim().is_empty())
}

/// Writes sources as OPML 2.0, grouped by their group.
pub fn write(title: &str, feeds: &[OutlineFeed]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head><title>{}</title></head>\n  <body>\n",
        escape_html(title)
    ));
    let mut groups: Vec<Option<&str>> = feeds.iter().map(|f| f.group.as_deref()).collect();
    groups.sort();
    groups.dedup();
    for group in groups {
        let indent = if group.is_some() { "      " } else { "    " };
        if let Some(g) = group {
            out.push_str(&format!(
                "    <outline text=\"{0}\" title=\"{0}\">\n",
                escape_html(g)
            ));
        }
        for f in feeds.iter().filter(|f| f.group.as_deref() == group) {
            let title = escape_html(f.title.as_deref().unwrap_or(&f.url));
            out.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{title}\" title=\"{title}\" xmlUrl=\"{}\"/>\n",
                escape_html(&f.url)
            ));
        }
        if group.is_some() {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_round_trips_feeds_with_groups() {
        let feeds = vec![
            OutlineFeed {
                url: "https://ledgerwire.example/feed?a=1&b=2".into(),
                title: Some("The Ledger Wire".into()),
                group: Some("Business".into()),
            },
            OutlineFeed {
                url: "https://civicpost.example/rss".into(),
                title: None,
                group: None,
            },
        ];
        let text = write("Sources", &feeds);
        let back = read(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert!(back.contains(&feeds[0]));
        assert_eq!(
            back.iter().find(|f| f.group.is_none()).unwrap().url,
            feeds[1].url
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(
            read("<opml><body><outline xmlUrl=\"x\"")
                .unwrap_or_default()
                .len()
                <= 1
        );
        assert!(read("\u{0}\u{1}<<<>>>").unwrap_or_default().is_empty());
        let deep = "<outline text=\"g\">".repeat(10_000);
        assert!(read(&deep).is_ok());
    }
}

//! Feed dialects feed-rs does not read as such, rewritten into ones it does before parsing:
//!
//! - an `<rss>` root that declares a default namespace (`xmlns="http://backend.userland.com/rss2"`)
//!   loses it, so its elements read as plain RSS;
//! - a `<feed>` root in an unknown namespace is read as Atom 1.0;
//! - an `<r:rss>` root whose RSS elements all carry a namespace prefix loses the prefix;
//! - RSS 0.90 (`http://my.netscape.com/rdf/simple/0.9/`) is read as RSS 1.0;
//! - an RSS 1.0 item without `<link>` gets its `rdf:about` as link (feed-rs drops link-less
//!   RSS 1.0 items; `rdf:about` is the item's URI by definition).

use std::borrow::Cow;

use crate::markup::scan_tags;

const ATOM10_NS: &str = "http://www.w3.org/2005/Atom";
const RSS090_NS: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS10_NS: &str = "http://purl.org/rss/1.0/";

/// Applies every rewrite that fits the document.
pub fn normalise_dialect(text: &str) -> Cow<'_, str> {
    let Some(root) = scan_tags(text).find(|tag| !tag.closing) else {
        return Cow::Borrowed(text);
    };
    match root.name.as_str() {
        "rss" => match root.attr("xmlns") {
            Some(ns) if !ns.is_empty() => {
                let tag = &text[root.offset..root.end];
                let cleaned = remove_default_namespace(tag);
                Cow::Owned(format!(
                    "{}{cleaned}{}",
                    &text[..root.offset],
                    &text[root.end..]
                ))
            }
            _ => Cow::Borrowed(text),
        },
        name if name.ends_with(":rss") => {
            let prefix = &root.name[..root.name.len() - "rss".len()];
            Cow::Owned(strip_element_prefix(text, prefix))
        }
        "feed" => match root.attr("xmlns") {
            Some(ns) if ns != ATOM10_NS && ns != "http://purl.org/atom/ns#" => {
                let tag = &text[root.offset..root.end];
                let fixed = tag.replacen(ns, ATOM10_NS, 1);
                Cow::Owned(format!(
                    "{}{fixed}{}",
                    &text[..root.offset],
                    &text[root.end..]
                ))
            }
            _ => Cow::Borrowed(text),
        },
        "rdf:rdf" => {
            let text = if text.contains(RSS090_NS) {
                Cow::Owned(text.replace(RSS090_NS, RSS10_NS))
            } else {
                Cow::Borrowed(text)
            };
            match rdf_links_from_about(&text) {
                Some(fixed) => Cow::Owned(fixed),
                None => text,
            }
        }
        _ => Cow::Borrowed(text),
    }
}

/// Removes `prefix` (lower-case, colon included) from every element name that carries it, in
/// start and end tags alike.
fn strip_element_prefix(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for tag in scan_tags(text) {
        if !tag.name.starts_with(prefix) {
            continue;
        }
        let name_start = tag.offset + if tag.closing { 2 } else { 1 };
        let name_end = name_start + prefix.len();
        if text.get(name_start..name_end).is_none() {
            continue;
        }
        out.push_str(&text[at..name_start]);
        at = name_end;
    }
    out.push_str(&text[at..]);
    out
}

/// Removes `xmlns="…"` (not prefixed declarations) from a start tag.
fn remove_default_namespace(tag: &str) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut rest = tag;
    while let Some(at) = rest.find("xmlns") {
        let after = &rest[at + "xmlns".len()..];
        let trimmed = after.trim_start();
        if let Some(value) = trimmed.strip_prefix('=') {
            let value = value.trim_start();
            if let Some(quote @ ('"' | '\'')) = value.chars().next()
                && let Some(end) = value[1..].find(quote)
            {
                out.push_str(&rest[..at]);
                rest = &value[end + 2..];
                continue;
            }
        }
        out.push_str(&rest[..at + "xmlns".len()]);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Inserts `<link>` from `rdf:about` into RSS 1.0 items that have none; `None` when no item
/// needs it.
fn rdf_links_from_about(text: &str) -> Option<String> {
    let mut insertions: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String, bool)> = None;
    for tag in scan_tags(text) {
        match (tag.name.as_str(), tag.closing) {
            ("item", false) if !tag.self_closing => {
                open = tag
                    .attr("rdf:about")
                    .filter(|about| !about.trim().is_empty())
                    .map(|about| (tag.end, about.trim().to_string(), false));
            }
            ("link", false) => {
                if let Some((_, _, has_link)) = open.as_mut() {
                    *has_link = true;
                }
            }
            ("item", true) => {
                if let Some((at, about, false)) = open.take() {
                    insertions.push((at, format!("<link>{}</link>", escape_text(&about))));
                }
            }
            _ => {}
        }
    }
    if insertions.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    for (at, link) in insertions.into_iter().rev() {
        out.insert_str(at, &link);
    }
    Some(out)
}

fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use crate::sources::parse_source;

    #[test]
    fn rss_with_a_default_namespace_is_read() {
        let rss = r#"<rss version="2.0" xmlns="http://backend.userland.com/rss2" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><item><title>I</title><dc:creator>A</dc:creator></item></channel></rss>"#;
        let parsed = parse_source(rss, None).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("T"));
        assert_eq!(parsed.items[0].title.as_deref(), Some("I"));
        assert_eq!(parsed.items[0].authors, ["A"]);
    }

    #[test]
    fn rss_with_prefixed_elements_is_read() {
        let rss = r#"<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2"><r:channel><r:title>T</r:title><r:item><r:title>I</r:title></r:item></r:channel></r:rss>"#;
        let parsed = parse_source(rss, None).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("T"));
        assert_eq!(parsed.items[0].title.as_deref(), Some("I"));
    }

    #[test]
    fn atom_in_an_unknown_namespace_is_read() {
        let atom =
            r#"<feed xmlns="http://example.com/newformat#"><title>Example Atom</title></feed>"#;
        let parsed = parse_source(atom, None).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("Example Atom"));
    }

    #[test]
    fn rss10_items_without_link_use_rdf_about() {
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
<channel><title>C</title><link>http://example.org/</link></channel>
<item rdf:about="http://example.org/1"><title>Example title</title></item></rdf:RDF>"#;
        let parsed = parse_source(rdf, None).expect("parses");
        assert_eq!(parsed.meta.title.as_deref(), Some("C"));
        assert_eq!(parsed.items.len(), 1);
        assert_eq!(parsed.items[0].title.as_deref(), Some("Example title"));
        assert_eq!(parsed.items[0].url.as_deref(), Some("http://example.org/1"));
        assert_eq!(
            parsed.items[0].guid.as_deref(),
            Some("http://example.org/1")
        );
    }
}

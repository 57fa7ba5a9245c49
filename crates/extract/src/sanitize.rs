//! Display HTML made safe, and links made absolute.
//!
//! [`safe_html`] rebuilds HTML from a parsed tree, keeping only a short list of structural and
//! inline tags, without any attribute, and escaping every text. Nothing executable can survive
//! the rebuild: no script, no event handler, no URL at all. The walk over the parsed page is one
//! pass in document order, so the cost is linear in the input (the HTML serializer of the parser
//! crate is not used: its escaping rescans the rest of a text node for every `0xC2` byte, which
//! makes a megabyte of `±°` take seconds).
//!
//! The extractor's own display HTML ([`crate::render`]) is built the same way (known tags, every
//! text escaped) and needs no second pass; [`safe_html`] is for HTML read back from a store,
//! whose origin a reader cannot vouch for.

use dom_query::{LocalName, local_name};
use url::Url;

use crate::dom::{NodeKind, Page};
use crate::nesting;

/// `html` rebuilt with only structural and inline tags (no attributes) and escaped text.
/// Scripts, styles, embedded documents and forms are dropped with their content; other unknown
/// elements are unwrapped (their text is kept).
pub fn safe_html(html: &str) -> String {
    if html.is_empty() {
        return String::new();
    }
    let page = Page::parse(&nesting::guard(html));
    let mut out = String::with_capacity(html.len());
    // Open kept elements: (last node of the subtree, tag to close).
    let mut open: Vec<(usize, &'static str)> = Vec::new();
    let mut index = 0;
    while index < page.nodes.len() {
        while let Some(&(last, tag)) = open.last() {
            if last >= index {
                break;
            }
            close(&mut out, tag);
            open.pop();
        }
        let node = &page.nodes[index];
        match &node.kind {
            NodeKind::Element { tag, .. } => {
                if is_dropped(tag) {
                    index = node.last_descendant + 1;
                    continue;
                }
                if let Some(name) = kept_name(tag) {
                    out.push('<');
                    out.push_str(name);
                    out.push('>');
                    if !is_void(name) {
                        open.push((node.last_descendant, name));
                    }
                }
            }
            NodeKind::Text(text) => escape_into(&mut out, text),
            NodeKind::Document | NodeKind::Other => {}
        }
        index += 1;
    }
    while let Some((_, tag)) = open.pop() {
        close(&mut out, tag);
    }
    out
}

fn close(out: &mut String, tag: &str) {
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// Elements removed together with everything inside them.
fn is_dropped(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("head")
            | local_name!("script")
            | local_name!("style")
            | local_name!("template")
            | local_name!("noscript")
            | local_name!("iframe")
            | local_name!("frame")
            | local_name!("frameset")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("svg")
            | local_name!("math")
            | local_name!("form")
            | local_name!("select")
            | local_name!("textarea")
            | local_name!("button")
            | local_name!("input")
            | local_name!("canvas")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("picture")
            | local_name!("img")
    )
}

/// The name written out for a kept element (`None`: unwrap it, keeping its text).
fn kept_name(tag: &LocalName) -> Option<&'static str> {
    Some(match *tag {
        local_name!("p") => "p",
        local_name!("h1") => "h1",
        local_name!("h2") => "h2",
        local_name!("h3") => "h3",
        local_name!("h4") => "h4",
        local_name!("h5") => "h5",
        local_name!("h6") => "h6",
        local_name!("ul") => "ul",
        local_name!("ol") => "ol",
        local_name!("li") => "li",
        local_name!("blockquote") => "blockquote",
        local_name!("pre") => "pre",
        local_name!("code") => "code",
        local_name!("em") => "em",
        local_name!("i") => "i",
        local_name!("strong") => "strong",
        local_name!("b") => "b",
        local_name!("br") => "br",
        local_name!("hr") => "hr",
        local_name!("sub") => "sub",
        local_name!("sup") => "sup",
        _ => return None,
    })
}

fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr")
}

/// Appends `text` with `&`, `<`, `>` and `"` escaped.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// `url` made absolute against `base` when both parse; otherwise `url` as given.
pub(crate) fn absolute(url: &str, base: Option<&str>) -> String {
    let url = url.trim();
    match base.and_then(|base| Url::parse(base).ok()) {
        Some(base) => base
            .join(url)
            .map_or_else(|_| url.to_string(), String::from),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_links_are_removed() {
        let clean = safe_html(
            r#"<p onclick="x()">hi<script>alert(1)</script> <a href="javascript:y()">there</a><img src=x onerror=z()></p><style>p{}</style>"#,
        );
        assert_eq!(clean, "<p>hi there</p>");
    }

    #[test]
    fn structure_is_kept_and_text_escaped() {
        let clean = safe_html(
            "<div><h2 class=x>Title &amp; more</h2><ul><li>one<li>two &lt;b&gt;</ul><p>a<br>b</p></div>",
        );
        assert_eq!(
            clean,
            "<h2>Title &amp; more</h2><ul><li>one</li><li>two &lt;b&gt;</li></ul><p>a<br>b</p>"
        );
    }

    #[test]
    fn its_output_is_a_fixed_point() {
        let once =
            safe_html("<p>“quoted” <em>x</em> &quot;y&quot; ±°</p><blockquote>q</blockquote>");
        assert_eq!(safe_html(&once), once);
    }

    #[test]
    fn a_megabyte_of_latin1_symbols_is_linear() {
        // Each `±°` pair is four bytes, all starting with 0xC2.
        let text = "±°".repeat(256 * 1024);
        let started = std::time::Instant::now();
        let clean = safe_html(&format!("<p>{text}</p>"));
        assert_eq!(clean.len(), text.len() + "<p></p>".len());
        // A generous bound that only catches the quadratic rescan (seconds per megabyte).
        assert!(started.elapsed() < std::time::Duration::from_secs(3));
    }

    #[test]
    fn relative_links_are_resolved() {
        assert_eq!(
            absolute("/img/lead.jpg", Some("https://example.org/news/a.html")),
            "https://example.org/img/lead.jpg"
        );
        assert_eq!(absolute("/img/lead.jpg", None), "/img/lead.jpg");
    }
}

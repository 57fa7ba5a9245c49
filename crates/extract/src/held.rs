//! Article text held outside the visible markup: a JSON-LD `articleBody` written as HTML or
//! with character references, and a story a script renders from markup it carries (a
//! `<script type="text/template">`, or an HTML string in a JSON blob such as
//! `"body":"\u003cp\u003e…"`).
//!
//! [`body_text`] turns a declared body into plain lines; [`script_bodies`] finds the markup
//! scripts hold, for the caller to use only when the visible page has no article-like prose.

use crate::content::is_block;
use crate::dom::{NodeKind, Page, push_collapsed};
use crate::entities;

/// A declared body as plain text, one paragraph a line: tags (also escaped ones, `&lt;p&gt;`)
/// become paragraph breaks, character references are decoded, and sentences run together
/// where tags were stripped without a space (`end.Next`) are set apart.
pub(crate) fn body_text(raw: &str) -> String {
    let decoded;
    let mut text = raw;
    if !looks_like_markup(text) && text.contains('&') {
        decoded = entities::decode(text);
        text = &decoded;
    }
    let lines = if looks_like_markup(text) {
        markup_lines(text)
    } else {
        text.to_string()
    };
    // A second level of escaping (`&amp;nbsp;`) leaves references after the first decoding.
    let lines = if lines.contains('&') {
        entities::decode(&entities::decode(&lines))
    } else {
        lines
    };
    split_run_together(&lines.replace('\u{a0}', " "))
}

/// Whether a text holds HTML tags (a paragraph, a break, a closing tag).
fn looks_like_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(3).any(|window| {
        window[0] == b'<'
            && (window[1] == b'/' && window[2].is_ascii_alphabetic()
                || window[1].eq_ignore_ascii_case(&b'p') && matches!(window[2], b'>' | b' ')
                || window[1].eq_ignore_ascii_case(&b'b') && window[2].eq_ignore_ascii_case(&b'r'))
    })
}

/// The text of an HTML fragment, one block a line (never-content tags left out).
pub(crate) fn markup_lines(html: &str) -> String {
    let page = Page::parse(&crate::nesting::guard(html));
    let mut out = String::new();
    let mut line = String::new();
    let mut block: Option<usize> = None;
    let mut index = 0;
    let flush = |out: &mut String, line: &mut String| {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(trimmed);
        }
        line.clear();
    };
    let mut block_of: Vec<usize> = Vec::with_capacity(page.nodes.len());
    while index < page.nodes.len() {
        let own = if is_block(&page, index) {
            index
        } else {
            page.nodes[index]
                .parent
                .and_then(|parent| block_of.get(parent).copied())
                .unwrap_or(index)
        };
        block_of.push(own);
        match &page.nodes[index].kind {
            NodeKind::Element { tag, .. } if crate::boilerplate::is_never_content(tag) => {
                // Keep `block_of` aligned with the skipped subtree.
                let end = page.after_subtree(index);
                block_of.resize(end, own);
                index = end;
                continue;
            }
            NodeKind::Element { tag, .. } if *tag == dom_query::local_name!("br") => {
                flush(&mut out, &mut line);
            }
            NodeKind::Text(text) => {
                if block != Some(own) {
                    flush(&mut out, &mut line);
                    block = Some(own);
                }
                push_collapsed(&mut line, text);
            }
            _ => {}
        }
        index += 1;
    }
    flush(&mut out, &mut line);
    out
}

/// Sets apart sentences joined without a space where tags were stripped: a lower-case
/// letter, a full stop (or `!`, `?`) and an upper-case letter (`harbour.The`).
fn split_run_together(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (at, &c) in chars.iter().enumerate() {
        out.push(c);
        if matches!(c, '.' | '!' | '?')
            && at
                .checked_sub(1)
                .and_then(|before| chars.get(before))
                .is_some_and(|p| p.is_lowercase())
            && at
                .checked_sub(2)
                .and_then(|before| chars.get(before))
                .is_some_and(|p| p.is_lowercase())
            && chars.get(at + 1).is_some_and(|n| n.is_uppercase())
        {
            out.push(' ');
        }
    }
    out
}

/// Shortest markup string in a script worth reading as a held story.
const HELD_MIN_CHARS: usize = 400;
/// How many held strings are tried at most (the longest first).
const HELD_MAX: usize = 3;

/// Markup that the page's scripts hold: template scripts' contents and the long JSON
/// strings of other scripts that hold paragraphs, longest first.
pub(crate) fn script_bodies(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(open) = lower[from..].find("<script").map(|at| at + from) {
        let Some(tag_end) = lower[open..].find('>').map(|at| at + open) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|at| at + tag_end) else {
            break;
        };
        from = close + 1;
        let tag = &lower[open..tag_end];
        let body = &html[tag_end + 1..close];
        if tag.contains("ld+json") || body.len() < HELD_MIN_CHARS {
            continue;
        }
        if tag.contains("text/template")
            || tag.contains("text/x-template")
            || tag.contains("text/html")
            || tag.contains("x-handlebars")
        {
            if looks_like_markup(body) {
                found.push(body.to_string());
            }
            continue;
        }
        json_markup_strings(body, &mut found);
    }
    found.sort_by_key(|text| std::cmp::Reverse(text.len()));
    found.truncate(HELD_MAX);
    found
}

/// The double-quoted string literals of a script that, unescaped, are long markup holding
/// paragraphs.
fn json_markup_strings(script: &str, found: &mut Vec<String>) {
    let bytes = script.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] != b'"' {
            index += 1;
            continue;
        }
        let start = index;
        index += 1;
        while index < bytes.len() && bytes[index] != b'"' {
            index += if bytes[index] == b'\\' { 2 } else { 1 };
        }
        if index >= bytes.len() {
            break;
        }
        let end = index;
        index += 1;
        if end - start < HELD_MIN_CHARS {
            continue;
        }
        let Some(literal) = script.get(start..=end) else {
            continue;
        };
        let holds_paragraphs = literal.contains("\\u003cp")
            || literal.contains("\\u003Cp")
            || literal.contains("<p>")
            || literal.contains("<p ");
        if !holds_paragraphs {
            continue;
        }
        if let Ok(text) = serde_json::from_str::<String>(literal)
            && looks_like_markup(&text)
        {
            found.push(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declared_body_in_markup_becomes_lines() {
        assert_eq!(
            body_text("<p>The harbour reopened.</p><p>Boats&nbsp;returned &amp; so did trade.</p>"),
            "The harbour reopened.\nBoats returned & so did trade."
        );
        assert_eq!(
            body_text("&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;"),
            "One.\nTwo."
        );
        assert_eq!(
            body_text("The harbour reopened.Boats returned in the U.S. Navy&amp;nbsp;yard."),
            "The harbour reopened. Boats returned in the U.S. Navy yard."
        );
    }

    #[test]
    fn script_held_markup_is_found() {
        let paragraph = "The ferry resumed on Monday after a week of storms, the operator said. ";
        let body = format!(
            "<p>{}</p><p>{}</p>",
            paragraph.repeat(4),
            paragraph.repeat(3)
        );
        let escaped = serde_json::to_string(&body)
            .unwrap_or_default()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e");
        let html = format!(
            "<html><body><nav>Home</nav><script>window.__STATE__={{\"story\":{{\"body\":{escaped}}}}};</script><script type=\"text/template\"><div>{body}</div></script></body></html>"
        );
        let bodies = script_bodies(&html);
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        assert!(bodies.iter().all(|text| text.contains("<p>The ferry")));
        // Unterminated scripts and strings do not panic.
        assert!(script_bodies("<script>\"<p>").is_empty());
        assert!(script_bodies("<script type=text/template><p>").is_empty());
    }
}

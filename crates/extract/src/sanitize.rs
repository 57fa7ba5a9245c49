//! Display HTML made safe, and links made absolute.
//!
//! The content HTML is rebuilt from text blocks with every text escaped, and then passed
//! through `ammonia` (a whitelist sanitizer built on the same HTML parser) so that nothing
//! executable can reach a reader even if a rendering bug let markup through. Relative URLs are
//! resolved against the page URL when it is known.

use ammonia::{Builder, UrlRelative};
use url::Url;

/// Sanitizes display HTML; relative links are resolved against `base` when given.
pub(crate) fn clean_html(html: &str, base: Option<&str>) -> String {
    if html.is_empty() {
        return String::new();
    }
    let mut builder = Builder::default();
    builder.link_rel(Some("noopener noreferrer nofollow"));
    match base.and_then(|base| Url::parse(base).ok()) {
        Some(base) => {
            builder.url_relative(UrlRelative::RewriteWithBase(base));
        }
        None => {
            builder.url_relative(UrlRelative::PassThrough);
        }
    }
    builder.clean(html).to_string()
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
    fn scripts_and_handlers_are_removed() {
        let clean = clean_html(r#"<p onclick="x()">hi<script>alert(1)</script></p>"#, None);
        assert_eq!(clean, "<p>hi</p>");
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

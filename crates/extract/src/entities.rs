//! HTML character references left in text that should hold none.
//!
//! Publishers often HTML-escape the strings they put in JSON-LD and escape meta values twice,
//! so headlines arrive as "Rates &amp; fees" or "Here&#8217;s why". [`decode`] turns the
//! numeric references and the common named ones back into characters; anything else stays
//! as written.

/// Decodes character references (`&amp;`, `&#8217;`, `&#x2019;`, `&ndash;`, every HTML5
/// named reference); unknown ones, references to control characters, and ampersands that
/// start none are kept as written. The one decoder for text outside an HTML parser (feeds,
/// plain text, JSON-LD and meta strings).
pub fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| c == ';' || c == '&' || c == '<' || c.is_whitespace())
            .map(|e| e + 1);
        match end {
            Some(end)
                if rest.as_bytes().get(end) == Some(&b';') && resolve(&rest[1..end], &mut out) =>
            {
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Writes what a reference's name stands for; `false` when it stands for nothing we keep.
fn resolve(name: &str, out: &mut String) -> bool {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        match code
            .and_then(char::from_u32)
            .filter(|c| !c.is_control() || c.is_whitespace())
        {
            Some(c) => out.push(c),
            None => return false,
        }
        return true;
    }
    match quick_xml::escape::resolve_html5_entity(name) {
        Some(text) => {
            out.push_str(text);
            true
        }
        None => false,
    }
}
#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn references_become_characters() {
        assert_eq!(decode("Rates &amp; fees"), "Rates & fees");
        assert_eq!(decode("Here&#8217;s why &#x2014; now"), "Here’s why — now");
        assert_eq!(decode("A &ndash; B"), "A – B");
    }

    #[test]
    fn other_ampersands_stay() {
        assert_eq!(decode("AT&T & friends"), "AT&T & friends");
        assert_eq!(decode("&unknown; &#99999999;"), "&unknown; &#99999999;");
        assert_eq!(decode("trailing &"), "trailing &");
        assert_eq!(
            decode("a &amp; b &#233; &#x2013; &eacute; &bogus; &"),
            "a & b é – é &bogus; &"
        );
        assert_eq!(
            decode("&#0; &#x1b; &#xFFFFFFFF;"),
            "&#0; &#x1b; &#xFFFFFFFF;"
        );
    }
}

//! HTML character references left in text that should hold none.
//!
//! Publishers often HTML-escape the strings they put in JSON-LD and escape meta values twice,
//! so headlines arrive as "Rates &amp; fees" or "Here&#8217;s why". [`decode`] turns the
//! numeric references and the common named ones back into characters; anything else stays
//! as written.

/// Decodes character references (`&amp;`, `&#8217;`, `&#x2019;`, `&ndash;` …).
pub(crate) fn decode(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let reference = tail[1..]
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| character(&tail[1..1 + end]).map(|c| (c, end + 2)));
        match reference {
            Some((c, length)) => {
                out.push(c);
                rest = &tail[length..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn character(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        _ => return None,
    })
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
    }
}

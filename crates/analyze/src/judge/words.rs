//! Text normalisation shared by the judges: the folded form topic phrases are matched in, and
//! char-safe truncation helpers.

/// Folds `text` for phrase matching: lower case, every run of characters that are not letters or
/// digits becomes one ASCII space, and the result starts and ends with a space. So "U.S." becomes
/// " u s " and "Alibaba's AI" becomes " alibaba s ai ". A phrase is folded the same way (without
/// the surrounding spaces), so a match preceded and followed by a space is a whole-word match.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut after_space = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            after_space = false;
        } else if !c.is_ascii() && c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            after_space = false;
        } else if !after_space {
            out.push(' ');
            after_space = true;
        }
    }
    if !after_space {
        out.push(' ');
    }
    out
}

/// The longest prefix of `text` holding at most `max_chars` characters, cut on a char boundary.
pub(crate) fn prefix_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((index, _)) => &text[..index],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_lowercases_and_turns_punctuation_into_single_spaces() {
        assert_eq!(fold("U.S. — Alibaba's AI!"), " u s alibaba s ai ");
        assert_eq!(fold(""), " ");
        assert_eq!(fold("ÉLAN Café"), " élan café ");
    }

    #[test]
    fn prefix_chars_never_splits_a_character() {
        assert_eq!(prefix_chars("héllo", 2), "hé");
        assert_eq!(prefix_chars("ab", 10), "ab");
        assert_eq!(prefix_chars("日本語", 1), "日");
    }
}

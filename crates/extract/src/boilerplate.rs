//! What a news page carries besides its story: navigation, share bars, related links,
//! newsletter boxes, ads, cookie banners, comments, captions and credits.
//!
//! Two kinds of evidence: the element itself (tags such as `nav` or `aside`, ARIA roles,
//! hidden elements) and the words in its `class` and `id` (`share-bar`, `related-stories`,
//! `newsletter-signup`). Words are matched whole after splitting on `-`, `_`, spaces and
//! camel case, so `shareholder` is not a share bar and `adventure` is not an ad; a word right
//! after `has` or `with` says what an element holds, not what it is (`has-sidebar`).
//! [`line_is_boilerplate`] recognises the stock phrases that appear as text inside articles
//! ("Advertisement", "Story continues below").

use std::collections::HashMap;
use std::sync::LazyLock;

use dom_query::{LocalName, local_name};

/// How an element's `class`/`id` words lean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lean {
    /// Names the main content (`article-body`, `story-content`, `entry-content`).
    Content,
    /// Names boilerplate (`share`, `related`, `newsletter`).
    Boilerplate,
    /// Names both (`article-share`, `entry-content-read-more`): decided by what it holds.
    Mixed,
    /// Says nothing either way.
    Neutral,
}

/// Tags whose content is never article text.
pub(crate) fn is_never_content(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("script")
            | local_name!("style")
            | local_name!("template")
            | local_name!("svg")
            | local_name!("math")
            | local_name!("iframe")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("canvas")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("button")
            | local_name!("select")
            | local_name!("input")
            | local_name!("textarea")
            | local_name!("label")
            | local_name!("head")
            | local_name!("title")
            | local_name!("meta")
            | local_name!("link")
            | local_name!("dialog")
            | local_name!("map")
            | local_name!("picture")
            | local_name!("source")
    )
}

/// Tags that frame a page rather than tell its story.
pub(crate) fn is_page_furniture(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("nav") | local_name!("aside") | local_name!("footer") | local_name!("menu")
    )
}

/// ARIA roles of page furniture.
pub(crate) fn is_furniture_role(role: &str) -> bool {
    matches!(
        role.trim().to_ascii_lowercase().as_str(),
        "navigation"
            | "banner"
            | "contentinfo"
            | "complementary"
            | "search"
            | "menu"
            | "menubar"
            | "dialog"
            | "alertdialog"
            | "toolbar"
            | "tablist"
    )
}

/// Whether a `class` attribute marks text shown only to screen readers (the utility classes
/// of the common CSS frameworks and of WordPress).
pub(crate) fn is_screen_reader_only(class: &str) -> bool {
    // Every name below has one of these in lower case: most classes are ruled out at once.
    if !(class.contains("only") || class.contains("idden") || class.contains("reader")) {
        return false;
    }
    class.split_ascii_whitespace().any(|token| {
        SCREEN_READER_ONLY
            .iter()
            .any(|name| token.eq_ignore_ascii_case(name))
    })
}

/// Class names of text shown only to screen readers.
const SCREEN_READER_ONLY: &[&str] = &[
    "sr-only",
    "sr_only",
    "visually-hidden",
    "visuallyhidden",
    "u-visually-hidden",
    "screen-reader-text",
    "screen-reader-only",
    "screenreader-only",
    "a11y-hidden",
];

/// Whether `style` hides the element.
pub(crate) fn style_hides(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    compact.contains("display:none") || compact.contains("visibility:hidden")
}

/// Who wears a boilerplate name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wearer {
    /// Only furniture: advertising, promotion bars, sign-up and sharing boxes, consent
    /// banners. Believed even where other names are not (see [`Names::furniture_only`]).
    Only,
    /// Mostly furniture, but content sometimes wears it too: a section page's `teaser` items,
    /// a thread's posts named `comment`, a product card's `caption`.
    Mostly,
}

use Wearer::{Mostly, Only};

/// Names of boilerplate, each with who wears it (looked up through [`senses`]).
const BOILERPLATE_WORDS: &[(&str, Wearer)] = &[
    ("share", Only),
    ("sharing", Only),
    ("sharebar", Only),
    ("social", Only),
    ("socials", Only),
    ("related", Mostly),
    ("recommended", Mostly),
    ("recommendations", Mostly),
    ("recirc", Mostly),
    ("recirculation", Mostly),
    ("newsletter", Only),
    ("newsletters", Only),
    ("subscribe", Only),
    ("subscription", Only),
    ("signup", Only),
    ("promo", Only),
    ("promotion", Only),
    ("advert", Only),
    ("advertisement", Only),
    ("advertising", Only),
    ("ad", Only),
    ("ads", Only),
    ("adslot", Only),
    ("adunit", Only),
    ("dfp", Only),
    ("sponsor", Only),
    ("sponsored", Only),
    ("cookie", Only),
    ("cookies", Only),
    ("consent", Only),
    ("gdpr", Only),
    ("breadcrumb", Mostly),
    ("breadcrumbs", Mostly),
    ("sidebar", Mostly),
    ("nav", Mostly),
    ("navbar", Mostly),
    ("navigation", Mostly),
    ("menu", Mostly),
    ("footer", Mostly),
    ("masthead", Mostly),
    ("popup", Only),
    ("modal", Only),
    ("byline", Mostly),
    ("dateline", Mostly),
    ("meta", Mostly),
    ("postmeta", Mostly),
    ("entrymeta", Mostly),
    ("caption", Mostly),
    ("credit", Mostly),
    ("credits", Mostly),
    ("copyright", Mostly),
    ("toolbar", Mostly),
    ("pagination", Mostly),
    ("pager", Mostly),
    ("trending", Mostly),
    ("popular", Mostly),
    ("mostread", Mostly),
    ("outbrain", Only),
    ("taboola", Only),
    ("readmore", Mostly),
    ("sronly", Mostly),
    ("screenreader", Mostly),
    ("login", Only),
    ("paywall", Only),
    ("tagcloud", Mostly),
    ("bio", Mostly),
    ("disqus", Mostly),
    ("comments", Mostly),
    ("comment", Mostly),
    ("teaser", Mostly),
    ("teasers", Mostly),
    ("donate", Only),
    ("donation", Only),
    ("newsletterbox", Only),
    ("rail", Mostly),
    ("feedback", Mostly),
    ("survey", Mostly),
    ("subnav", Mostly),
    ("topnav", Mostly),
    ("offcanvas", Mostly),
    ("disclaimer", Mostly),
    ("signature", Mostly),
    ("stars", Mostly),
    ("flair", Mostly),
    ("extras", Mostly),
    ("postprofile", Mostly),
    ("usp", Mostly),
    ("usps", Mostly),
    ("trustbadge", Mostly),
    ("upsell", Only),
    ("crosssell", Mostly),
    ("announcement", Only),
    ("announcements", Only),
    ("locale", Mostly),
];

const CONTENT_WORDS: &[&str] = &[
    "article",
    "articlebody",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "text",
    "body",
    "blog",
    "hentry",
    "prose",
    "richtext",
    "markdown",
];

/// Whether `part` (a slice of `value`) is the hash a CSS-modules build appends after a double
/// underscore (`table_root__adKqa`): letters and digits in no word's case, whose camel-case
/// pieces would read as words (`ad`, `Kqa`). A BEM element after `__` is a word
/// (`article__body`, styled-components' `styles__Caption`).
fn is_module_hash(value: &str, part: &str) -> bool {
    let start = part.as_ptr() as usize - value.as_ptr() as usize;
    start >= 2
        && value.as_bytes()[start - 2..start] == *b"__"
        && part.len() <= 8
        && part
            .bytes()
            .skip(1)
            .any(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
}

/// Calls `visit` with each word of a class or id value (`storyBody-text` -> story, Body,
/// text), without allocating; words are compared case-insensitively by the caller.
fn for_each_word(value: &str, mut visit: impl FnMut(&str)) {
    for part in value.split(|c: char| !c.is_alphanumeric()) {
        if part.is_empty() || is_module_hash(value, part) {
            continue;
        }
        let mut start = 0;
        let mut previous_lower = false;
        for (position, c) in part.char_indices() {
            if c.is_uppercase() && previous_lower && position > start {
                visit(&part[start..position]);
                start = position;
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
        }
        visit(&part[start..]);
    }
}

/// What one class word says: the lists below, merged into one entry per word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WordSense {
    boilerplate: Option<Wearer>,
    content: bool,
    overlay: bool,
    reviews: bool,
    disclosure: bool,
    holder: bool,
}

/// Marks one of a [`WordSense`]'s flags.
type SetFlag = fn(&mut WordSense);

/// Longest word in any list: a longer word is not looked up.
const LONGEST_WORD: usize = 16;

/// Every listed word (lower case) with what it says, built once: one hash lookup per class
/// word instead of a scan of each list (this runs for every classed element of every page).
fn senses() -> &'static HashMap<&'static str, WordSense> {
    static SENSES: LazyLock<HashMap<&'static str, WordSense>> = LazyLock::new(|| {
        let mut map: HashMap<&'static str, WordSense> = HashMap::new();
        for &(word, wearer) in BOILERPLATE_WORDS {
            map.entry(word).or_default().boilerplate = Some(wearer);
        }
        let flags: [(&[&'static str], SetFlag); 5] = [
            (CONTENT_WORDS, |w| w.content = true),
            (OVERLAY_WORDS, |w| w.overlay = true),
            (REVIEW_WORDS, |w| w.reviews = true),
            (DISCLOSURE_WORDS, |w| w.disclosure = true),
            (HOLDER_WORDS, |w| w.holder = true),
        ];
        for (list, set) in flags {
            for &word in list {
                set(map.entry(word).or_default());
            }
        }
        map
    });
    &SENSES
}

/// What `word` says, compared without ASCII case; `None` for a word on no list.
fn sense(word: &str) -> Option<WordSense> {
    if word.len() > LONGEST_WORD {
        return None;
    }
    let mut lower = [0u8; LONGEST_WORD];
    let lower = &mut lower[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    // Listed words are ASCII; a word that is not cannot be one of them.
    std::str::from_utf8(lower)
        .ok()
        .and_then(|lower| senses().get(lower))
        .copied()
}

/// Words that make the boilerplate word right after them (in the same class) say what an
/// element holds, not what it is.
const HOLDER_WORDS: &[&str] = &["has", "with"];

/// Names of overlays: cookie and consent banners, modal dialogs.
const OVERLAY_WORDS: &[&str] = &[
    "cookie", "cookies", "consent", "gdpr", "onetrust", "modal", "popup",
];

/// Names of a product's customer reviews and ratings.
const REVIEW_WORDS: &[&str] = &["reviews", "ratings"];

/// Names of the panels of tabs and accordions, shown one at a time and hidden until opened.
const DISCLOSURE_WORDS: &[&str] = &[
    "accordion",
    "tab",
    "tabs",
    "tabpanel",
    "panel",
    "collapse",
    "collapsible",
    "faq",
    "answer",
];

/// ARIA roles of tab and accordion panels (an accordion's panels are `region`s).
pub(crate) fn is_disclosure_role(role: &str) -> bool {
    let role = role.trim();
    role.eq_ignore_ascii_case("tabpanel") || role.eq_ignore_ascii_case("region")
}

/// What the `class` and `id` values say, read in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Names {
    pub lean: Lean,
    /// An overlay (cookie banner, modal) and no content word.
    pub overlay: bool,
    /// Customer reviews or ratings and no content word.
    pub reviews: bool,
    /// The panel of a tab set or an accordion.
    pub disclosure: bool,
    /// A name only furniture wears ([`Wearer::Only`] in the boilerplate words).
    pub furniture_only: bool,
}

/// Reads what the `class` and `id` values say.
pub(crate) fn names(class: &str, id: &str) -> Names {
    let mut names = Names {
        lean: Lean::Neutral,
        overlay: false,
        reviews: false,
        disclosure: false,
        furniture_only: false,
    };
    if class.len() + id.len() > 2_000 || (class.is_empty() && id.is_empty()) {
        return names;
    }
    let mut boilerplate = false;
    let mut content = false;
    let mut overlay = false;
    let mut reviews = false;
    let mut disclosure = false;
    let mut furniture_only = false;
    let mut visit = |sense: WordSense| {
        if let Some(wearer) = sense.boilerplate {
            boilerplate = true;
            furniture_only |= wearer == Only;
        } else if sense.content {
            content = true;
        }
        if sense.overlay {
            overlay = true;
        } else if sense.reviews {
            reviews = true;
        }
        if sense.disclosure {
            disclosure = true;
        }
    };
    for value in [class, id] {
        for token in value.split_ascii_whitespace() {
            // `has-sidebar`, `main-wrap has-rail-right`, `layout--with-comments`: a wrapper
            // that holds the furniture beside the content, not the furniture (the word right
            // after `has` or `with` only: `media-with-caption__caption` is a caption).
            let mut holder = false;
            for_each_word(token, |word| {
                let held = std::mem::take(&mut holder);
                let Some(sense) = sense(word) else {
                    return;
                };
                if sense.holder {
                    holder = true;
                } else if !(held && sense.boilerplate.is_some()) {
                    visit(sense);
                }
            });
        }
    }
    names.lean = match (boilerplate, content) {
        (true, true) => Lean::Mixed,
        (true, false) => Lean::Boilerplate,
        (false, true) => Lean::Content,
        (false, false) => Lean::Neutral,
    };
    names.overlay = overlay && !content;
    names.reviews = reviews && !content;
    names.disclosure = disclosure;
    names.furniture_only = furniture_only;
    names
}

/// How the `class` and `id` values lean.
pub(crate) fn lean(class: &str, id: &str) -> Lean {
    names(class, id).lean
}

/// Headings that open a section of links to other pages ("You may also like", "Related
/// items to explore", "Customers also viewed"), in the languages our sources use most.
pub(crate) fn is_related_heading(text: &str) -> bool {
    let text = text.trim().trim_end_matches([':', '.', '…', '!']).trim();
    if text.is_empty() || text.len() > 60 {
        return false;
    }
    let lower = text.to_lowercase();
    const OPENINGS: &[&str] = &[
        "you may also like",
        "you might also like",
        "you may also be interested",
        "you might be interested",
        "you may like",
        "related articles",
        "related posts",
        "related stories",
        "related items",
        "related products",
        "related content",
        "related reading",
        "more stories",
        "more from",
        "more like this",
        "more to explore",
        "recommended for you",
        "recommended articles",
        "recommended stories",
        "customers also",
        "customers who",
        "people also",
        "people who",
        "shoppers also",
        "similar sponsored items",
        "sponsored items",
        "explore related",
        "compare with similar",
        "frequently bought together",
        "similar products",
        "similar items",
        "read next",
        "what to read next",
        "recent posts",
        "popular posts",
        "trending now",
        "você pode gostar",
        "veja também",
        "leia também",
        "lesen sie auch",
        "mehr zum thema",
        "das könnte sie auch interessieren",
        "à lire aussi",
        "lire aussi",
        "sur le même sujet",
        "vous aimerez aussi",
        "te puede interesar",
        "también te puede interesar",
        "noticias relacionadas",
        "artículos relacionados",
        "potrebbe interessarti",
        "articoli correlati",
    ];
    // Said whole, not as an opening ("Don't miss a sale" is a shop's own heading).
    const WHOLE: &[&str] = &["don't miss", "don’t miss", "related coverage"];
    OPENINGS.iter().any(|opening| lower.starts_with(opening)) || WHOLE.contains(&lower.as_str())
}

/// Headings that open a blog's reader comments whatever the section is named: "156
/// Responses to “Title”", "12 thoughts on “Title”", "One reply to …", "Leave a Reply". A bare
/// count ("12 comments") is left alone: listings print it under every item.
pub(crate) fn is_comment_heading(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.len() > 300 {
        return false;
    }
    let lower = text.to_lowercase();
    let bare = lower.trim_end_matches([':', '.', '!']).trim();
    const WHOLE: &[&str] = &[
        "leave a reply",
        "leave a comment",
        "join the discussion",
        "join the conversation",
        "comments are closed",
        "reader comments",
        "what readers say",
    ];
    if WHOLE.contains(&bare) || bare.starts_with("leave a reply") {
        return true;
    }
    let mut words = lower.split_whitespace();
    let (Some(count), Some(noun), Some(link)) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    let counted = count.chars().all(|c| c.is_ascii_digit() || c == ',')
        || matches!(count, "one" | "two" | "three" | "four" | "five");
    let noun = matches!(
        noun,
        "response"
            | "responses"
            | "thought"
            | "thoughts"
            | "reply"
            | "replies"
            | "comment"
            | "comments"
    );
    counted && noun && matches!(link, "to" | "on") && words.next().is_some()
}

/// Labels of a forum member's figures beside each post ("Posts: 4,032", "Joined Feb 8, 2023",
/// "Reaction score 12").
const MEMBER_STAT_LABELS: &[&str] = &[
    "posts",
    "total posts",
    "joined",
    "join date",
    "member since",
    "registered",
    "messages",
    "reaction score",
    "points",
    "trophy points",
    "likes received",
    "best answers",
    "threads",
    "reputation",
];

/// How a line reads as a forum member's figure: not at all, a label alone (its value is the
/// next line: `<dt>Joined</dt><dd>Feb 8, 2023</dd>`), or a label with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemberStat {
    None,
    Label,
    Whole,
}

/// Whether a line is one of the figures a forum shows under a member's name beside each post
/// ("Posts: 4,032", "1,204 posts · Joined 2019", "Reputation: 10"), which are not the thread.
pub(crate) fn member_stat(line: &str) -> MemberStat {
    let line = line.trim();
    if line.len() > 40 {
        return MemberStat::None;
    }
    let lower = line.to_lowercase();
    let lower = lower.trim_end_matches(':').trim_end();
    // "1,204 posts · Joined 2019"
    let counted = lower.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    if counted.len() < lower.len() && counted.starts_with(" posts") {
        return MemberStat::Whole;
    }
    for label in MEMBER_STAT_LABELS {
        let Some(rest) = lower.strip_prefix(label) else {
            continue;
        };
        if rest.is_empty() {
            return MemberStat::Label;
        }
        let value = rest.trim_start_matches([':', ' ']);
        if value.len() < rest.len() && value.len() <= 25 && is_figure(value) {
            return MemberStat::Whole;
        }
    }
    MemberStat::None
}

/// Whether a line is part of the frame a forum draws around each post: the member's title
/// ("Senior Member", "Moderator"), presence, like counts and the post's buttons ("Reply With
/// Quote", "View Profile").
pub(crate) fn is_post_furniture(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.len() > 40 {
        return false;
    }
    let lower = line.to_lowercase();
    const EXACT: &[&str] = &[
        "member",
        "moderator",
        "administrator",
        "original poster",
        "offline",
        "online",
        "view profile",
        "view forum posts",
        "view forum threads",
        "visit homepage",
        "reply",
        "reply with quote",
        "quote",
        "multiquote",
        "code: select all",
        "report inappropriate content",
    ];
    if EXACT.contains(&lower.as_str()) {
        return true;
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        // "Senior Member", "Well-known member", "7+ Year Member"
        [.., last] if words.len() <= 3 && *last == "member" => true,
        // "12 Likes", "3 helpful votes", "Reply 4", "Reply With Quote 2"
        [count, "like" | "likes"] | [count, "helpful", "vote" | "votes"] => is_figure(count),
        ["reply", count] | ["reply", "with", "quote", count] => is_figure(count),
        _ => false,
    }
}

/// Whether a line is a value a forum member's figure label announces: a short count or date.
pub(crate) fn is_member_stat_value(line: &str) -> bool {
    let line = line.trim();
    line.len() <= 25 && is_figure(&line.to_lowercase())
}

/// A count or a date ("4,032", "feb 8, 2023", "2019-03-01"), in lower case.
fn is_figure(value: &str) -> bool {
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    value.starts_with(|c: char| c.is_ascii_digit())
        || (MONTHS.iter().any(|month| value.starts_with(month))
            && value.contains(|c: char| c.is_ascii_digit()))
}

/// Stock lines that sit inside article text without being part of it.
pub(crate) fn line_is_boilerplate(line: &str) -> bool {
    let line = line.trim().trim_end_matches([':', '.', '…']).trim();
    if line.is_empty() || line.len() > 120 {
        return false;
    }
    let lower = line.to_lowercase();
    const EXACT: &[&str] = &[
        "advertisement",
        "advertising",
        "ad",
        "sponsored",
        "sponsored content",
        "story continues below",
        "story continues below advertisement",
        "article continues below advertisement",
        "continue reading below",
        "scroll to continue with content",
        "read more",
        "read more below",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "comments",
        "related",
        "related articles",
        "related stories",
        "recommended",
        "more from",
        "sign up",
        "subscribe",
        "click here",
        "in this article",
        "listen to this article",
        "skip to content",
        "skip advertisement",
        "copy link",
        "link copied",
        "tags",
        // A shop's and a listing's controls.
        "learn more",
        "show more",
        "see more",
        "see all",
        "view all",
        "view full details",
        "shop now",
        "add to cart",
        "add to bag",
        "add to basket",
        "buy now",
        "loading",
        "sort and filter",
        "filters",
        "select size",
        "quantity",
        "sold out",
        "skip to main content",
        "skip to search results",
        "skip to product list",
    ];
    if EXACT.contains(&lower.as_str()) {
        return true;
    }
    const PREFIXES: &[&str] = &[
        "image:",
        "photo:",
        "photograph:",
        "picture:",
        "image credit",
        "photo credit",
        "copyright ©",
        "copyright (c)",
        "© ",
        "all rights reserved",
        "sign up for",
        "subscribe to our",
        "comments are moderated",
        "your email address will not be published",
        "you must be logged in to post",
        "get the latest",
        "follow us on",
        "download the app",
        "read more:",
        "related:",
        "see also:",
        "also read:",
        "read also:",
        "recommended:",
        "watch:",
    ];
    PREFIXES.iter().any(|prefix| lower.starts_with(prefix))
        || (lower.starts_with('(') && lower.ends_with(" images)"))
        || is_timestamp_line(&lower)
}

/// "Updated 11:21 pm CST, Tuesday, November 19, 2019", "Published: 5 March 2024": a page's
/// own publication stamp, which the date fields carry; a longer line that opens the same
/// way ("Updated figures show …") is a sentence and stays.
fn is_timestamp_line(lower: &str) -> bool {
    const OPENINGS: &[&str] = &[
        "updated",
        "last updated",
        "published",
        "first published",
        "originally published",
        "last modified",
    ];
    let Some(rest) = OPENINGS
        .iter()
        .find_map(|opening| lower.strip_prefix(opening))
    else {
        return false;
    };
    rest.starts_with([' ', ':']) && rest.split_whitespace().count() <= 10 && names_a_moment(rest)
}

/// Whether the text holds a year (four digits from 1900 to 2099) or a clock time (`9:30`).
fn names_a_moment(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(4).enumerate().any(|(start, window)| {
        let digits = window.iter().all(u8::is_ascii_digit);
        let bounded = |at: Option<&u8>| !at.is_some_and(u8::is_ascii_digit);
        digits
            && (window.starts_with(b"19") || window.starts_with(b"20"))
            && bounded(start.checked_sub(1).and_then(|before| bytes.get(before)))
            && bounded(bytes.get(start + 4))
    }) || bytes
        .windows(3)
        .any(|window| window[0].is_ascii_digit() && window[1] == b':' && window[2].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_css_modules_hash_is_no_word() {
        assert_eq!(lean("mdx-table_root__adKqa", ""), Lean::Neutral);
        assert_eq!(lean("styles_aside__27iG7", ""), Lean::Neutral);
        assert_eq!(lean("c-share__item", ""), Lean::Boilerplate);
        assert_eq!(lean("styles__Caption-sc-1y47awc-0", ""), Lean::Boilerplate);
        assert_eq!(lean("promo__adKqa", ""), Lean::Boilerplate);
    }

    #[test]
    fn whole_words_decide_the_lean() {
        assert_eq!(lean("share-bar", ""), Lean::Boilerplate);
        assert_eq!(lean("article-share-bar", ""), Lean::Mixed);
        assert_eq!(lean("shareholder-letter", ""), Lean::Neutral);
        assert_eq!(lean("adventure", ""), Lean::Neutral);
        assert_eq!(lean("storyBody", ""), Lean::Content);
        assert_eq!(lean("", "related-links"), Lean::Boilerplate);
        assert_eq!(lean("entry-content", "post-42"), Lean::Content);
        // A forum post's signature and user flair, a product's star rating and legal notes.
        assert_eq!(lean("signature", "sig42"), Lean::Boilerplate);
        assert_eq!(lean("author-flair", ""), Lean::Boilerplate);
        assert_eq!(lean("rating-stars", ""), Lean::Boilerplate);
        assert_eq!(lean("", "product-disclaimer"), Lean::Boilerplate);
        // A shop's selling points and offers of other products beside the one on the page.
        assert_eq!(lean("product-usps", ""), Lean::Boilerplate);
        assert_eq!(lean("", "upsell-drawer"), Lean::Boilerplate);
        // Site-wide announcement bars and language or region pickers.
        assert_eq!(lean("announcement-bar", ""), Lean::Boilerplate);
        assert_eq!(lean("", "localeSelector"), Lean::Boilerplate);
    }

    #[test]
    fn every_listed_word_is_looked_up() {
        let lists: [&[&str]; 5] = [
            CONTENT_WORDS,
            OVERLAY_WORDS,
            REVIEW_WORDS,
            DISCLOSURE_WORDS,
            HOLDER_WORDS,
        ];
        let words = BOILERPLATE_WORDS
            .iter()
            .map(|&(word, _)| word)
            .chain(lists.into_iter().flatten().copied());
        for word in words {
            assert!(word.len() <= LONGEST_WORD, "{word}");
            assert_eq!(word, word.to_ascii_lowercase(), "{word}");
            assert!(sense(&word.to_ascii_uppercase()).is_some(), "{word}");
        }
        assert_eq!(sense("Promo").and_then(|s| s.boilerplate), Some(Only));
        assert!(sense("tabs").is_some_and(|s| s.disclosure && s.boilerplate.is_none()));
        assert_eq!(sense("shareholder"), None);
        assert_eq!(sense("zürich"), None);
    }

    #[test]
    fn a_wrapper_that_has_furniture_is_not_furniture() {
        assert_eq!(lean("wrap has-rail-right", ""), Lean::Neutral);
        assert_eq!(lean("layout--with-sidebar", ""), Lean::Neutral);
        assert_eq!(lean("right-rail", ""), Lean::Boilerplate);
        assert_eq!(lean("media-with-caption__caption", ""), Lean::Boilerplate);
        assert_eq!(lean("has-sidebar sidebar", ""), Lean::Boilerplate);
    }

    #[test]
    fn screen_reader_only_text_is_named() {
        assert!(is_screen_reader_only("price sr-only"));
        assert!(is_screen_reader_only("Visually-Hidden"));
        assert!(is_screen_reader_only("screen-reader-text"));
        assert!(!is_screen_reader_only("only-sr visually"));
        assert!(!is_screen_reader_only(""));
    }

    #[test]
    fn overlays_are_named() {
        assert!(names("", "onetrust-consent-sdk").overlay);
        assert!(names("cookieBanner", "").overlay);
        assert!(names("z-takeover fixed", "modal-privacy-policy").overlay);
        assert!(!names("modal-content article-body", "").overlay);
        assert!(!names("cookbook", "recipes").overlay);
        assert!(names("", "customer-reviews_feature_div").reviews);
        assert!(!names("review-body", "").reviews);
    }

    #[test]
    fn furniture_only_names_are_marked() {
        for (class, only) in [
            ("promo-box", true),
            ("adSlot", true),
            ("newsletter-signup", true),
            ("teaser-item", false),
            ("comment-body", false),
            ("image-caption", false),
            ("story-text", false),
        ] {
            assert_eq!(names(class, "").furniture_only, only, "{class}");
        }
        assert_eq!(lean("teaser-item", ""), Lean::Boilerplate);
    }

    #[test]
    fn stock_lines_are_recognised() {
        assert!(line_is_boilerplate("Advertisement"));
        assert!(line_is_boilerplate("  ADVERTISEMENT "));
        assert!(line_is_boilerplate("Photo: Jane Doe/Example Agency"));
        assert!(line_is_boilerplate("(Getty Images)"));
        assert!(!line_is_boilerplate(
            "The advertisement market grew by 4% last year."
        ));
        assert!(line_is_boilerplate(
            "Updated 11:21 pm CST, Tuesday, November 19, 2019"
        ));
        assert!(line_is_boilerplate("Published: 5 March 2024"));
        assert!(line_is_boilerplate("Tags:"));
        assert!(line_is_boilerplate("Add to cart"));
        assert!(line_is_boilerplate("Loading..."));
        assert!(!line_is_boilerplate("Add to cart, then pay at the counter"));
        assert!(!line_is_boilerplate("Updated figures"));
        assert!(!line_is_boilerplate(
            "Updated APU to 6 nm for better efficiency"
        ));
        assert!(!line_is_boilerplate(
            "Updated figures from 2023 show the harbour handled more freight than in any year since the war."
        ));
    }

    #[test]
    fn member_figures_are_recognised() {
        assert_eq!(member_stat("Posts: 4,032"), MemberStat::Whole);
        assert_eq!(member_stat("1,204 posts · Joined 2019"), MemberStat::Whole);
        assert_eq!(member_stat("Join Date: Aug 2019"), MemberStat::Whole);
        assert_eq!(member_stat("Joined"), MemberStat::Label);
        assert_eq!(member_stat("Reaction score:"), MemberStat::Label);
        assert_eq!(member_stat("Posts about gardening"), MemberStat::None);
        assert_eq!(
            member_stat("Points of interest: 12 museums"),
            MemberStat::None
        );
        assert_eq!(
            member_stat("Joined the club in 2019 after a long search for a team"),
            MemberStat::None
        );
        assert!(is_member_stat_value("Feb 8, 2023"));
        assert!(!is_member_stat_value("Thanks for the tip"));
    }

    #[test]
    fn post_furniture_is_recognised() {
        assert!(is_post_furniture("Senior Member"));
        assert!(is_post_furniture("7+ Year Member"));
        assert!(is_post_furniture("36 Likes"));
        assert!(is_post_furniture("Reply With Quote 2"));
        assert!(is_post_furniture("View Profile"));
        assert!(!is_post_furniture(
            "Become a paying member of the club today"
        ));
        assert!(!is_post_furniture("Likes"));
        assert!(!is_post_furniture("Reply to the council's letter"));
    }

    #[test]
    fn related_headings_are_recognised() {
        assert!(is_related_heading("You may also like..."));
        assert!(is_related_heading("  Related items to explore "));
        assert!(is_related_heading("Customers also viewed"));
        assert!(is_related_heading("DON'T MISS"));
        assert!(!is_related_heading("Don't miss a sale"));
        assert!(is_related_heading(
            "People who viewed this item also viewed"
        ));
        assert!(!is_related_heading("Related work in the field"));
        assert!(!is_related_heading(
            "More from the interview: what the minister said about the budget"
        ));
    }

    #[test]
    fn comment_headings_are_recognised() {
        assert!(is_comment_heading("156 Responses to “No-dig beds”"));
        assert!(is_comment_heading("12 thoughts on \"No-dig beds\""));
        assert!(is_comment_heading("One reply to “No-dig beds”"));
        assert!(is_comment_heading("Leave a Reply"));
        assert!(is_comment_heading("Leave a Reply Cancel reply"));
        assert!(!is_comment_heading("12 comments"));
        assert!(!is_comment_heading(
            "3 responses to the budget were published"[..12].trim()
        ));
        assert!(!is_comment_heading("Leave a legacy"));
    }

    #[test]
    fn hidden_styles_are_detected() {
        assert!(style_hides("color: red; display : none"));
        assert!(!style_hides("display:block"));
    }
}

//! What kind of piece an article is: a news report, or analysis, opinion, a review, a press
//! release or sponsored content.
//!
//! A story page lists every kind, but a story's headline should come from a report of the
//! event, not from the explainer or column written about it (see [`is_reporting`]). The
//! evidence, most trusted first:
//!
//! 1. what the page declares: a schema.org type such as `OpinionNewsArticle`;
//! 2. the section it is filed under ("Opinion", "Analysis", "Press releases"), from page
//!    metadata or feed categories;
//! 3. a segment of its URL's path (`/opinion/`, `/press-releases/`);
//! 4. the shape of a press release: at least three of an "X Announces …" headline, "today
//!    announced" near the top, an "About X" paragraph, a media contact, a wire service's
//!    dateline, forward-looking statements;
//! 5. the headline's shape: a label ("Analysis:", "Opinion:"), a question, an explainer's
//!    opening ("Why …", "What … means", "Inside …", "what we know").
//!
//! Without evidence an article is news. Everything is matched lower-case on whole words.

/// A report of events: the default.
pub const NEWS: &str = "news";
pub const ANALYSIS: &str = "analysis";
pub const OPINION: &str = "opinion";
pub const REVIEW: &str = "review";
pub const PRESS_RELEASE: &str = "press-release";
pub const SPONSORED: &str = "sponsored";

/// What the category is judged from.
#[derive(Debug, Clone, Copy, Default)]
pub struct CategoryInput<'a> {
    /// The kind the page's structured data declares (`opinion`, `analysis`, `review`).
    pub declared: Option<&'a str>,
    /// Sections or categories the page or feed files the article under.
    pub sections: &'a [String],
    /// The article's URL.
    pub url: Option<&'a str>,
    pub title: &'a str,
    pub body: &'a str,
}

/// The article's category: one of the constants of this module.
pub fn category(input: &CategoryInput) -> &'static str {
    if let Some(declared) = input.declared.and_then(from_label) {
        return declared;
    }
    if let Some(section) = input.sections.iter().find_map(|s| from_label(s)) {
        return section;
    }
    if let Some(kind) = input.url.and_then(from_url) {
        return kind;
    }
    if press_release_cues(input.title, input.body) >= 3 {
        return PRESS_RELEASE;
    }
    from_headline(input.title).unwrap_or(NEWS)
}

/// Whether a piece of this category reports the story's events, so may lead it: everything
/// but analysis, opinion, reviews, press releases and sponsored content (a category a record
/// names that this module does not know counts as reporting).
pub fn is_reporting(category: &str) -> bool {
    !matches!(
        category.trim().to_ascii_lowercase().as_str(),
        ANALYSIS
            | OPINION
            | REVIEW
            | PRESS_RELEASE
            | SPONSORED
            | "explainer"
            | "editorial"
            | "column"
            | "commentary"
            | "feature"
    )
}

/// Words that name a kind of piece, as sections, URL segments and headline labels use them.
const LABELS: &[(&str, &str)] = &[
    ("opinion", OPINION),
    ("opinions", OPINION),
    ("commentary", OPINION),
    ("comment", OPINION),
    ("editorial", OPINION),
    ("editorials", OPINION),
    ("column", OPINION),
    ("columns", OPINION),
    ("columnists", OPINION),
    ("op-ed", OPINION),
    ("oped", OPINION),
    ("op-eds", OPINION),
    ("letters", OPINION),
    ("letter", OPINION),
    ("analysis", ANALYSIS),
    ("explainer", ANALYSIS),
    ("explainers", ANALYSIS),
    ("explained", ANALYSIS),
    ("factbox", ANALYSIS),
    ("review", REVIEW),
    ("reviews", REVIEW),
    ("press release", PRESS_RELEASE),
    ("press releases", PRESS_RELEASE),
    ("press-release", PRESS_RELEASE),
    ("press-releases", PRESS_RELEASE),
    ("pressreleases", PRESS_RELEASE),
    ("news release", PRESS_RELEASE),
    ("news releases", PRESS_RELEASE),
    ("news-release", PRESS_RELEASE),
    ("news-releases", PRESS_RELEASE),
    ("sponsored", SPONSORED),
    ("sponsored content", SPONSORED),
    ("partner content", SPONSORED),
    ("paid content", SPONSORED),
    ("advertorial", SPONSORED),
];

/// A section name or declared kind ("Opinion", "press releases"); `None` for topical
/// sections ("Markets") and for "news".
fn from_label(label: &str) -> Option<&'static str> {
    let label = label.trim().to_lowercase();
    LABELS
        .iter()
        .find(|(name, _)| *name == label)
        .map(|(_, kind)| *kind)
}

/// The first segment of the URL's path that names a kind of piece.
fn from_url(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.split(['?', '#']).next().unwrap_or("");
    // Skip the host; the last segment is the slug, which is the headline's words.
    let mut segments: Vec<&str> = path.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    segments.pop();
    segments.into_iter().find_map(from_label)
}

/// Headline labels, explainer openings and questions.
fn from_headline(title: &str) -> Option<&'static str> {
    let title = title.trim().to_lowercase();
    let colon = title.split_once(':');
    if let Some((label, rest)) = colon
        && label.split_whitespace().count() <= 2
        && !rest.trim().is_empty()
        && let Some(kind) = from_label(label)
    {
        return Some(kind);
    }
    const OPENINGS: &[&str] = &["why ", "what ", "how ", "inside "];
    const REVIEW_OPENINGS: &[&str] = &["hands-on", "hands on ", "first look", "tested:"];
    const EXPLAINER_PHRASES: &[&str] = &[
        "what we know",
        "what you need to know",
        "what it means",
        "what that means",
        "what this means",
        "here's what",
        "here is what",
        "here's why",
        "here is why",
        "a closer look",
    ];
    // Phrases that also occur in reports ("police explained the delay", "the case against
    // him was dropped") count only where explainers put them.
    const EXPLAINER_ENDS: &[&str] = &["explained"];
    const EXPLAINER_STARTS: &[&str] = &["the case for ", "the case against "];
    if REVIEW_OPENINGS.iter().any(|o| title.starts_with(o)) {
        return Some(REVIEW);
    }
    let after_colon = colon.map_or("", |(_, rest)| rest.trim_start());
    if OPENINGS
        .iter()
        .any(|o| title.starts_with(o) || after_colon.starts_with(o))
        || EXPLAINER_PHRASES.iter().any(|p| title.contains(p))
        || EXPLAINER_ENDS.iter().any(|p| title.ends_with(p))
        || EXPLAINER_STARTS.iter().any(|p| title.starts_with(p))
        || title.ends_with('?')
    {
        return Some(ANALYSIS);
    }
    None
}

/// How many marks of a press release the text carries.
fn press_release_cues(title: &str, body: &str) -> usize {
    let head: String = body.chars().take(800).collect::<String>().to_lowercase();
    let text = body.to_lowercase();
    let mut cues = 0;
    // "Tessel Robotics Announces $310 Million …": capitalised as releases write it.
    if (title.contains(" Announces ") || title.contains(" Reports ")) && title_cased(title) {
        cues += 1;
    }
    if head.contains("today announced") || head.contains("announced today") {
        cues += 1;
    }
    if body.split('\n').any(|line| {
        line.trim_start()
            .strip_prefix("About ")
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_uppercase)
    }) {
        cues += 1;
    }
    const CONTACTS: &[&str] = &[
        "media contact",
        "press contact",
        "investor contact",
        "media inquiries",
        "media enquiries",
    ];
    if CONTACTS.iter().any(|c| text.contains(c)) {
        cues += 1;
    }
    const WIRES: &[&str] = &[
        "/prnewswire/",
        "(business wire)",
        "/globe newswire/",
        "globenewswire",
        "/accesswire/",
        "/newswire/",
    ];
    if WIRES.iter().any(|w| head.contains(w)) {
        cues += 2;
    }
    if text.contains("forward-looking statements") {
        cues += 1;
    }
    cues
}

/// Whether most of the longer words of a headline start with a capital ("Title Case").
fn title_cased(title: &str) -> bool {
    let long: Vec<&str> = title
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let capitalised = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    !long.is_empty() && capitalised * 10 >= long.len() * 7
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(title: &str, body: &str) -> &'static str {
        category(&CategoryInput {
            title,
            body,
            ..CategoryInput::default()
        })
    }

    #[test]
    fn plain_reports_are_news() {
        for title in [
            "Council explained its tram decision to angry residents",
            "Judge drops the case against Norvale's former chief",
            "Larchmont Ventures leads $1.2 billion round in AI lab Quillon",
            "Regulator fines Norvale Semiconductor €210M over export filings",
            "Estmark's AI Disclosure Act is small-country law with big-company consequences",
            "Magnitude 5.8 quake triggers landslides around mountain town of Kesvik",
        ] {
            assert_eq!(
                judge(title, "The company said on Monday that it had agreed."),
                NEWS,
                "{title}"
            );
        }
    }

    #[test]
    fn explainers_questions_and_labels_are_analysis_or_opinion() {
        for (title, want) in [
            (
                "Why Cobaltline paid 2.3 billion dollars for Tindra",
                ANALYSIS,
            ),
            ("Inside the Stratus Grid outage: a retry storm", ANALYSIS),
            (
                "Kesvik cut off after earthquake: what we know so far",
                ANALYSIS,
            ),
            (
                "A new drug works for half of patients. Here is what that means",
                ANALYSIS,
            ),
            (
                "Quillon's $1.2B raise: what reasoning models are, and why",
                ANALYSIS,
            ),
            ("Is the chip boom over?", ANALYSIS),
            ("Europe's export rules, explained", ANALYSIS),
            ("The case for a slower AI law", ANALYSIS),
            (
                "Analysis: the fine is small, the precedent is not",
                ANALYSIS,
            ),
            ("Opinion: Estmark got its AI law right", OPINION),
            ("Hands-on with Atlas 3: fast, cheap, still wrong", REVIEW),
        ] {
            assert_eq!(judge(title, "Text."), want, "{title}");
        }
    }

    #[test]
    fn declared_kind_section_and_url_come_before_the_headline() {
        let sections = vec!["Markets".to_string(), "Opinion".to_string()];
        let with = |declared, sections: &[String], url| {
            category(&CategoryInput {
                declared,
                sections,
                url,
                title: "Why the round matters",
                body: "Text.",
            })
        };
        assert_eq!(with(Some("review"), &[], None), REVIEW);
        assert_eq!(with(None, &sections, None), OPINION);
        assert_eq!(
            with(None, &[], Some("https://x.test/press-releases/2026/round")),
            PRESS_RELEASE
        );
        // A slug is the headline's words, not a section.
        assert_eq!(
            with(None, &[], Some("https://x.test/2026/opinion")),
            ANALYSIS
        );
        assert_eq!(
            category(&CategoryInput {
                sections: &["Markets".to_string()],
                url: Some("https://x.test/markets/2026/05/round"),
                title: "Quillon raises $1.2 billion",
                body: "Text.",
                ..CategoryInput::default()
            }),
            NEWS
        );
    }

    #[test]
    fn press_releases_need_three_marks() {
        let release = "PITTSBURGH, May 13, 2026 -- Tessel Robotics today announced a round.\n\n\
                       About Tessel Robotics: Founded in 2021.\n\nMedia contact: press@x.test";
        assert_eq!(
            judge("Tessel Robotics Announces $310 Million Series B", release),
            PRESS_RELEASE
        );
        // A report quoting the announcement is still news.
        assert_eq!(
            judge(
                "Tessel raises $310 million",
                "Tessel Robotics today announced a round, its chief executive said."
            ),
            NEWS
        );
        assert_eq!(
            judge(
                "Orrin reports trial results",
                "NEW YORK, May 13, 2026 /PRNewswire/ -- Orrin Therapeutics today announced results."
            ),
            PRESS_RELEASE
        );
    }

    #[test]
    fn only_reports_lead() {
        assert!(is_reporting(NEWS));
        assert!(is_reporting("Business"));
        assert!(!is_reporting(ANALYSIS));
        assert!(!is_reporting("Press-Release"));
        assert!(!is_reporting(OPINION));
    }
}

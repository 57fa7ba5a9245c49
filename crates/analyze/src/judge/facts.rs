//! Facts of business events read from an article's words: a funding round (who raised, who
//! led, who else invested, how much, at what valuation) or an acquisition (who bought whom, for
//! how much), and the same facts agreed — or not — across a story's coverage.
//!
//! Reading is sentence by sentence over the headline and the first sentences of the body, with
//! the article's entities ([`super::entities`]) as the parties:
//! - *kind*: the cue words of the sentences (round, funding, raised… against acquire, bought,
//!   takeover…); an article with neither has no facts;
//! - *lead*: "led by X", "with X as lead investor", or the party before "leads / led / is
//!   leading" a round or funding (a sentence whose subject is a description, "The e-commerce
//!   giant led the funding", takes the party the previous sentence opened with);
//! - *company*: the party after "round / funding / investment in, for, of", or before "raises";
//!   the one named so most often;
//! - *amount* and *valuation*: money in the sentences about that company, a valuation when
//!   "valuation", "valued", "value" or "worth" stands next to it; qualifiers kept ("over $2B",
//!   "at least $600M");
//! - *acquisitions*: "X acquires / bought / agreed to buy Y", "Y acquired by X", "X's
//!   acquisition of Y", with the money of that sentence.
//!
//! Nothing is invented: a field the text does not state stays empty.

use super::entities::{EntityKind, MoneySpan, entities, format_amount, money_spans};
use super::lexicon::ORG_WORDS;
use super::summary::sentences;
use super::words::prefix_chars;

/// What kind of business event an article reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DealKind {
    Funding,
    Acquisition,
}

impl DealKind {
    /// Lower-case words for display ("funding round", "acquisition").
    pub fn label(self) -> &'static str {
        match self {
            DealKind::Funding => "funding round",
            DealKind::Acquisition => "acquisition",
        }
    }
}

/// An amount of money as a text states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// In units of `currency`.
    pub value: f64,
    /// `$`, `€`, `HK$`…
    pub currency: String,
    /// "over", "at least", "about" or "up to", when the text hedges.
    pub qualifier: Option<&'static str>,
}

impl Amount {
    /// Short form: `$600M`, `over $2B`.
    pub fn short(&self) -> String {
        let amount = format!("{}{}", self.currency, format_amount(self.value));
        match self.qualifier {
            Some(q) => format!("{q} {amount}"),
            None => amount,
        }
    }

    /// Written out for a headline: `$1 billion`, `$600 million` (no qualifier).
    pub fn words(&self) -> String {
        let (shown, unit) = if self.value >= 1e12 {
            (self.value / 1e12, " trillion")
        } else if self.value >= 1e9 {
            (self.value / 1e9, " billion")
        } else if self.value >= 1e6 {
            (self.value / 1e6, " million")
        } else {
            (self.value, "")
        };
        format!("{}{}{unit}", self.currency, format_amount(shown))
    }

    /// Whether two amounts state the same figure (qualifiers aside).
    pub fn same_figure(&self, other: &Amount) -> bool {
        self.currency == other.currency
            && (self.value - other.value).abs() <= 1e-6 * self.value.abs().max(1.0)
    }
}

/// What one article says about a business event.
#[derive(Debug, Clone, PartialEq)]
pub struct DealFacts {
    pub kind: DealKind,
    /// Who raised the money, or who was bought.
    pub company: Option<String>,
    /// Who led the round.
    pub lead: Option<String>,
    /// Investors named (the lead first).
    pub investors: Vec<String>,
    /// Who bought the company.
    pub acquirer: Option<String>,
    /// The round's size or the price paid.
    pub amount: Option<Amount>,
    /// The company's valuation.
    pub valuation: Option<Amount>,
}

/// The headline and the first sentences, whose cue words decide the kind of event.
const OPENING_SENTENCES: usize = 3;
/// Sentences read: a deal is told in the lead.
const MAX_SENTENCES: usize = 40;
/// Bytes of a body read.
const MAX_BODY_CHARS: usize = 20_000;

const FUNDING_CUES: &[&str] = &[
    "investors",
    "funding",
    "financing",
    "round",
    "raise",
    "raises",
    "raised",
    "raising",
    "investment",
    "invests",
    "invested",
    "backs",
    "backed",
    "series",
];
const ACQUISITION_CUES: &[&str] = &[
    "acquire",
    "acquires",
    "acquired",
    "acquiring",
    "acquisition",
    "buy",
    "buys",
    "bought",
    "takeover",
    "purchase",
    "sold",
];
/// Words after "lead" that make it a lead investor's verb.
const ROUND_WORDS: &[&str] = &[
    "round",
    "funding",
    "financing",
    "investment",
    "raise",
    "fundraising",
];
/// Words of a sentence that lists other investors.
const INVESTOR_CUES: &[&str] = &[
    "backers",
    "investors",
    "participation",
    "participated",
    "joined",
    "alongside",
    "co-led",
];

/// The business event an article reports, when it reports one.
pub fn deal_facts(title: &str, body: &str) -> Option<DealFacts> {
    let title = prefix_chars(title, 1_000);
    let body = prefix_chars(body, MAX_BODY_CHARS);
    let mut texts: Vec<&str> = Vec::new();
    if !title.trim().is_empty() {
        texts.push(title.trim());
    }
    texts.extend(sentences(body).into_iter().take(MAX_SENTENCES));
    let mut parties: Vec<String> = entities(title, body)
        .into_iter()
        .filter(|e| e.kind != EntityKind::Money && e.name.chars().count() >= 2)
        .map(|e| e.name)
        .collect();
    for t in &texts {
        if let Some(name) = opening_name(t)
            && !parties.iter().any(|p| {
                let (p, n) = (p.to_lowercase(), name.to_lowercase());
                p.contains(&n) || n.contains(&p)
            })
        {
            parties.push(name);
        }
    }
    if parties.is_empty() {
        return None;
    }
    let read: Vec<Sentence<'_>> = texts.iter().map(|t| Sentence::read(t, &parties)).collect();
    // the lead says what happened: the first of the headline and the opening sentences with
    // a cue decides; otherwise the cues of the whole text
    let opening = read.iter().take(OPENING_SENTENCES).find_map(|s| {
        if s.has_any(ACQUISITION_CUES) {
            Some(DealKind::Acquisition)
        } else if s.has_any(FUNDING_CUES) {
            Some(DealKind::Funding)
        } else {
            None
        }
    });
    let kind = match opening {
        Some(kind) => kind,
        None => {
            let funding = read.iter().filter(|s| s.has_any(FUNDING_CUES)).count();
            let acquisition = read.iter().filter(|s| s.has_any(ACQUISITION_CUES)).count();
            if funding == 0 && acquisition == 0 {
                return None;
            }
            if acquisition > funding {
                DealKind::Acquisition
            } else {
                DealKind::Funding
            }
        }
    };
    let facts = match kind {
        DealKind::Acquisition => acquisition_facts(&read),
        DealKind::Funding => funding_facts(&read),
    };
    let named = |n: Option<String>| n.map(|n| full_name(&n, &texts));
    facts
        .filter(|f| {
            f.company.is_some() && (f.lead.is_some() || f.acquirer.is_some() || f.amount.is_some())
        })
        .map(|f| DealFacts {
            company: named(f.company),
            lead: named(f.lead),
            acquirer: named(f.acquirer),
            investors: f.investors.iter().map(|i| full_name(i, &texts)).collect(),
            ..f
        })
}

/// A party as the text names it in full: its name with the organisation words that follow
/// it somewhere in the text ("Quillon" → "Quillon Labs", "Larchmont" → "Larchmont Ventures"),
/// without a legal form ("Alibaba Group Holding Ltd." → "Alibaba").
pub fn full_name(name: &str, texts: &[&str]) -> String {
    let mut best = name.to_string();
    for text in texts {
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|rest| rest.find(name)) {
            let at = from + i;
            from = at + name.len();
            if text[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let mut form = name.to_string();
            for word in text[from..].split(' ').skip(1).take(3) {
                let word = word.trim_end_matches([',', '.', ';', ':', '\'', '’']);
                if !ORG_WORDS.contains(&word) {
                    break;
                }
                form.push(' ');
                form.push_str(word);
            }
            if form.len() > best.len() {
                best = form;
            }
        }
    }
    short_name(&best).to_string()
}

/// The name a sentence opens with when it is the subject of what follows: "Quillon, the
/// battery maker, raised…", "Verdel agreed to…". The entity reader cannot tell a name that only
/// ever opens sentences from a capitalised first word; a comma or a verb after it can.
fn opening_name(sentence: &str) -> Option<String> {
    const NOT_NAMES: &[&str] = &[
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "after",
        "before",
        "but",
        "and",
        "if",
        "as",
        "when",
        "while",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "according",
        "under",
        "existing",
        "shares",
        "sources",
        "people",
        "however",
        "meanwhile",
        "earlier",
        "last",
        "this",
        "today",
        "report",
        "reports",
        "breaking",
        "update",
        "exclusive",
    ];
    const VERBS: &[&str] = &[
        "raises",
        "raised",
        "has",
        "have",
        "is",
        "was",
        "said",
        "says",
        "closed",
        "closes",
        "secured",
        "secures",
        "agreed",
        "agrees",
        "will",
        "announced",
        "confirmed",
        "completed",
    ];
    let mut words = Vec::new();
    let mut rest = sentence.trim_start();
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.' || c == '&'))
            .unwrap_or(rest.len());
        let word = rest[..end].trim_end_matches('.');
        if word.is_empty() || !word.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
        words.push(word);
        rest = &rest[end..];
        if !rest.starts_with(' ') || words.len() >= 4 {
            break;
        }
        rest = &rest[1..];
    }
    let first = words.first()?;
    if NOT_NAMES.contains(&first.to_lowercase().as_str()) {
        return None;
    }
    let after = rest.trim_start();
    let next: String = after
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    (after.starts_with(',') || VERBS.contains(&next.as_str())).then(|| words.join(" "))
}

/// One sentence with its words and where each party is named.
struct Sentence<'a> {
    /// The sentence as written (for letter case).
    cased: &'a str,
    lower: String,
    /// Lower-case words with their byte offsets.
    words: Vec<(usize, String)>,
    /// (offset, party) for each party named, in order.
    named: Vec<(usize, &'a str)>,
    money: Vec<MoneySpan>,
}

impl<'a> Sentence<'a> {
    fn read(text: &'a str, parties: &'a [String]) -> Self {
        let lower = text.to_lowercase();
        let words = word_offsets(text);
        let mut named: Vec<(usize, &str)> = Vec::new();
        for p in parties {
            let needle = p.to_lowercase();
            let mut from = 0;
            while let Some(i) = lower.get(from..).and_then(|rest| rest.find(&needle)) {
                let at = from + i;
                let end = at + needle.len();
                let bounded = lower[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
                    && lower[end..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric());
                // a longer party already covers these bytes ("Moonshot AI" over "AI")
                let covered = named
                    .iter()
                    .any(|(o, n)| *o <= at && at < o + n.len() && n.len() > p.len());
                // "Tallinn-based" describes a party, it is not one
                let describes = ["-based", "-headquartered"]
                    .iter()
                    .any(|w| lower[end..].starts_with(w));
                if bounded && !covered && !describes {
                    // "AI Startup MiniMax" is MiniMax, described
                    let core = parties
                        .iter()
                        .filter(|q| q.len() < p.len() && p.ends_with(&format!(" {q}")))
                        .max_by_key(|q| q.len());
                    match core {
                        Some(q) => named.push((at + p.len() - q.len(), q.as_str())),
                        None => named.push((at, p.as_str())),
                    }
                }
                from = end;
            }
        }
        named.sort_by_key(|(o, _)| *o);
        named.dedup();
        // lower-casing may move offsets in other scripts; keep only ASCII-stable sentences exact
        let money = if lower.len() == text.len() {
            money_spans(text)
        } else {
            Vec::new()
        };
        Sentence {
            cased: text,
            lower,
            words,
            named,
            money,
        }
    }

    fn has_any(&self, cues: &[&str]) -> bool {
        self.words.iter().any(|(_, w)| cues.contains(&w.as_str()))
    }

    fn names(&self, party: &str) -> bool {
        self.named.iter().any(|(_, p)| *p == party)
    }

    /// The last party named before byte `at`.
    fn party_before(&self, at: usize) -> Option<&'a str> {
        self.named
            .iter()
            .rev()
            .filter(|(o, p)| !self.describes(*o, o + p.len()))
            .find(|(o, _)| *o < at)
            .map(|(_, p)| *p)
    }

    /// The first party named after byte `at`, within `reach` bytes, that is not used as a
    /// describing word ("a Nordic robotics firm", "Chinese AI firm MiniMax").
    fn party_after(&self, at: usize, reach: usize) -> Option<&'a str> {
        self.named
            .iter()
            .filter(|(o, p)| !self.describes(*o, o + p.len()))
            .find(|(o, _)| *o >= at && *o <= at + reach)
            .map(|(_, p)| *p)
    }

    /// Whether a party named at `start..end` is used as an adjective ("the Port Aldine
    /// maker", "a Nordic robotics firm"): an article before it and, after it, a lower-case
    /// word that is neither a function word nor a verb.
    fn describes(&self, start: usize, end: usize) -> bool {
        let before = self.lower[..start].trim_end();
        let article = ["the", "a", "an"].iter().any(|w| {
            before.ends_with(w)
                && before[..before.len() - w.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        if !article {
            return false;
        }
        #[rustfmt::skip]
        const FOLLOWERS: &[&str] = &[
            "that", "which", "who", "with", "and", "or", "in", "for", "on", "at", "to", "as",
            "from", "by", "after", "before", "its", "the", "a", "an", "of", "also", "is", "are",
            "was", "were", "has", "have", "had", "will", "would", "could", "may", "might",
            "said", "says", "told", "reported", "announced", "confirmed", "agreed", "agrees",
            "plans", "planned", "expects", "hopes", "completed", "closed", "closes", "secured",
            "secures", "raised", "raises", "raising", "led", "leads", "leading", "lead", "bought",
            "buys", "acquired", "acquires", "acquiring", "acquire", "sold", "sells", "invested",
            "invests", "backed", "backs", "took", "takes", "made", "makes", "won", "wins",
        ];
        let Some(rest) = self.lower.get(end..) else {
            return false;
        };
        if !rest.starts_with(' ') {
            return false;
        }
        let word: String = rest[1..]
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect();
        !word.is_empty() && self.original_lower_case(end + 1) && !FOLLOWERS.contains(&word.as_str())
    }

    /// Whether the text had a lower-case letter at byte `at`.
    fn original_lower_case(&self, at: usize) -> bool {
        self.cased
            .get(at..)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_lowercase)
    }

    /// Offsets of the words in `set`.
    fn word_positions(&self, set: &[&str]) -> Vec<(usize, usize)> {
        self.words
            .iter()
            .enumerate()
            .filter(|(_, (_, w))| set.contains(&w.as_str()))
            .map(|(i, (o, _))| (i, *o))
            .collect()
    }

    /// Whether one of `set` is among the `n` words after word index `i`.
    fn followed_by(&self, i: usize, set: &[&str], n: usize) -> bool {
        self.words
            .iter()
            .skip(i + 1)
            .take(n)
            .any(|(_, w)| set.contains(&w.as_str()))
    }

    /// Whether the money at `m` is a valuation: "valuation", "valued", "value" or "worth"
    /// just before it, or "valuation" right after.
    fn is_valuation(&self, m: &MoneySpan) -> bool {
        let before = &self.lower[m.start.saturating_sub(40).min(m.start)..m.start];
        let before = before
            .char_indices()
            .find(|(i, _)| self.lower.is_char_boundary(m.start.saturating_sub(40) + i))
            .map_or(before, |(i, _)| &before[i..]);
        let after_end = (m.end + 24).min(self.lower.len());
        let after = self.lower.get(m.end..after_end).unwrap_or_default();
        before.contains("valu")
            || before.contains("worth")
            || after.trim_start().starts_with("valuation")
    }

    fn amount(&self, m: &MoneySpan) -> Amount {
        let head = self.lower[..m.start].trim_end();
        let qualifier = [
            ("at least", "at least"),
            ("more than", "over"),
            ("over", "over"),
            ("exceeding", "over"),
            ("above", "over"),
            ("upwards of", "over"),
            ("about", "about"),
            ("around", "about"),
            ("nearly", "about"),
            ("almost", "about"),
            ("roughly", "about"),
            ("some", "about"),
            ("up to", "up to"),
        ]
        .into_iter()
        .find(|(w, _)| {
            head.ends_with(w)
                && head[..head.len() - w.len()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
        .map(|(_, q)| q);
        Amount {
            value: m.value,
            currency: m.currency.clone(),
            qualifier,
        }
    }
}

/// Lower-case words (letters, digits, hyphens inside) with their byte offsets.
fn word_offsets(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || (c == '-' && start.is_some());
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, text[s..i].trim_end_matches('-').to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text[s..].trim_end_matches('-').to_lowercase()));
    }
    out
}

/// Counts votes, keeping the order of first votes for ties.
#[derive(Default)]
struct Votes<'a>(Vec<(&'a str, usize)>);

impl<'a> Votes<'a> {
    fn add(&mut self, name: &'a str, weight: usize) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 += weight,
            None => self.0.push((name, weight)),
        }
    }

    fn best(&self) -> Option<&'a str> {
        let mut best: Option<(&str, usize)> = None;
        for (n, c) in &self.0 {
            if best.is_none_or(|(_, b)| *c > b) {
                best = Some((n, *c));
            }
        }
        best.map(|(n, _)| n)
    }
}

fn funding_facts(read: &[Sentence<'_>]) -> Option<DealFacts> {
    let mut leads = Votes::default();
    let mut companies = Votes::default();
    let mut previous_opener: Option<&str> = None;
    for s in read {
        let funding = s.has_any(FUNDING_CUES);
        if funding {
            // "led by X"
            for (i, o) in s.word_positions(&["led", "headed", "spearheaded"]) {
                if s.words.get(i + 1).is_some_and(|(_, w)| w == "by")
                    && let Some(p) = s.party_after(o, 48)
                {
                    leads.add(p, 2);
                }
            }
            // "with X as (a|the) lead investor"
            if let Some(at) = s
                .lower
                .find(" as a lead investor")
                .or_else(|| s.lower.find(" as the lead investor"))
                && let Some(p) = s.party_before(at)
            {
                leads.add(p, 2);
            }
            // "X leads / led / is leading a … round"
            for (i, o) in s.word_positions(&[
                "lead",
                "leads",
                "led",
                "leading",
                "spearheads",
                "spearheaded",
            ]) {
                if s.words.get(i + 1).is_some_and(|(_, w)| w == "by") {
                    continue;
                }
                if !s.followed_by(i, ROUND_WORDS, 8) {
                    continue;
                }
                if let Some(p) = s.party_before(o).or(previous_opener) {
                    leads.add(p, 1);
                }
            }
            // "round / funding / investment in, for, of X"
            for (i, o) in s.word_positions(ROUND_WORDS) {
                let next = s.words.get(i + 1).map(|(_, w)| w.as_str());
                if matches!(next, Some("in" | "for" | "of" | "into"))
                    && let Some(p) = s.party_after(o, 60)
                {
                    companies.add(p, 2);
                }
            }
            // "$1.2 billion into / in X"
            for m in &s.money {
                let after = s.lower.get(m.end..).unwrap_or_default().trim_start();
                if ["into ", "in ", "for "]
                    .iter()
                    .any(|w| after.starts_with(w))
                    && let Some(p) = s.party_after(m.end, 30)
                {
                    companies.add(p, 1);
                }
            }
            // "X raises / raised / is raising"
            for (_, o) in s.word_positions(&[
                "raises", "raised", "raising", "secures", "secured", "closes", "closed",
            ]) {
                if let Some(p) = s.party_before(o) {
                    companies.add(p, 1);
                }
            }
        }
        previous_opener = s.named.first().map(|(_, p)| *p).or(previous_opener);
    }
    let lead = leads.best();
    // the company is not its own lead investor
    let company = companies
        .0
        .iter()
        .filter(|(n, _)| Some(*n) != lead)
        .fold(None::<(&str, usize)>, |best, (n, c)| match best {
            Some((_, b)) if b >= *c => best,
            _ => Some((n, *c)),
        })
        .map(|(n, _)| n)?;
    let about_company: Vec<&Sentence<'_>> = read
        .iter()
        .filter(|s| s.names(company) && s.has_any(FUNDING_CUES))
        .collect();
    let mut amount = None;
    let mut valuation = None;
    // the body's statements first: a headline may round or confuse the figures
    let body_first = about_company.iter().skip(1).chain(about_company.first());
    for s in body_first {
        for m in &s.money {
            if s.is_valuation(m) {
                valuation.get_or_insert_with(|| s.amount(m));
            } else if s.has_any(FUNDING_CUES) {
                amount.get_or_insert_with(|| s.amount(m));
            }
        }
    }
    // "The deal values the company at $9 billion": a valuation in a sentence that names no
    // one is the company's
    if valuation.is_none() {
        valuation = read
            .iter()
            .filter(|s| s.named.is_empty())
            .flat_map(|s| {
                s.money
                    .iter()
                    .filter(|m| s.is_valuation(m))
                    .map(|m| s.amount(m))
            })
            .next();
    }
    let mut investors: Vec<String> = lead.map(str::to_string).into_iter().collect();
    for s in read.iter().filter(|s| s.has_any(INVESTOR_CUES)) {
        for (_, p) in &s.named {
            if *p != company && !investors.iter().any(|i| i == p) && !is_reporter(s, p) {
                investors.push((*p).to_string());
            }
        }
    }
    Some(DealFacts {
        kind: DealKind::Funding,
        company: Some(company.to_string()),
        lead: lead.map(str::to_string),
        investors,
        acquirer: None,
        amount,
        valuation,
    })
}

/// Whether `party` is named in `s` as the one reporting ("according to X", "X reported").
fn is_reporter(s: &Sentence<'_>, party: &str) -> bool {
    s.named.iter().filter(|(_, p)| *p == party).any(|(o, p)| {
        let before = s.lower[..*o].trim_end();
        let after = s.lower[o + p.len()..].trim_start();
        [
            "according to",
            "close to",
            "report by",
            "reported by",
            "told",
        ]
        .iter()
        .any(|w| before.ends_with(w))
            || ["reported", "reports", "said", "says"]
                .iter()
                .any(|w| after.starts_with(w))
    })
}

fn acquisition_facts(read: &[Sentence<'_>]) -> Option<DealFacts> {
    let mut buyers = Votes::default();
    let mut targets = Votes::default();
    let mut deal_sentences: Vec<(&Sentence<'_>, &str)> = Vec::new();
    for s in read {
        for (i, o) in s.word_positions(ACQUISITION_CUES) {
            let word = s.words[i].1.as_str();
            let by = s.words.get(i + 1).is_some_and(|(_, w)| w == "by");
            let to = s.words.get(i + 1).is_some_and(|(_, w)| w == "to");
            if word == "sold" {
                // "Y (is) sold to X"; "sold" alone (shares, cars) is no acquisition
                if to && let (Some(target), Some(buyer)) = (s.party_before(o), s.party_after(o, 48))
                {
                    buyers.add(buyer, 2);
                    targets.add(target, 2);
                    deal_sentences.push((s, target));
                }
            } else if by {
                // "Y (was) acquired by X"
                if let (Some(target), Some(buyer)) = (s.party_before(o), s.party_after(o, 48)) {
                    buyers.add(buyer, 2);
                    targets.add(target, 2);
                    deal_sentences.push((s, target));
                }
            } else if matches!(word, "acquisition" | "takeover" | "purchase") {
                // "X's acquisition of Y"
                if s.words.get(i + 1).is_some_and(|(_, w)| w == "of")
                    && let Some(target) = s.party_after(o, 48)
                {
                    targets.add(target, 1);
                    if let Some(buyer) = s.party_before(o) {
                        buyers.add(buyer, 1);
                    }
                    deal_sentences.push((s, target));
                }
            } else if let (Some(buyer), Some(target)) = (s.party_before(o), s.party_after(o, 48)) {
                // "X acquires / bought / agreed to buy Y"
                buyers.add(buyer, 1);
                targets.add(target, 1);
                deal_sentences.push((s, target));
            }
        }
    }
    let acquirer = buyers.best()?;
    let company = targets
        .0
        .iter()
        .filter(|(n, _)| *n != acquirer)
        .fold(None::<(&str, usize)>, |best, (n, c)| match best {
            Some((_, b)) if b >= *c => best,
            _ => Some((n, *c)),
        })
        .map(|(n, _)| n)?;
    let mut amount = None;
    let mut valuation = None;
    for (s, target) in &deal_sentences {
        if *target != company {
            continue;
        }
        for m in &s.money {
            if s.is_valuation(m) {
                valuation.get_or_insert_with(|| s.amount(m));
            } else {
                amount.get_or_insert_with(|| s.amount(m));
            }
        }
    }
    Some(DealFacts {
        kind: DealKind::Acquisition,
        company: Some(company.to_string()),
        lead: None,
        investors: Vec::new(),
        acquirer: Some(acquirer.to_string()),
        amount,
        valuation,
    })
}

/// A party's name without its legal form, as headlines write it: "Harbourline Group Ltd." →
/// "Harbourline", "Alibaba Group Holding" → "Alibaba".
pub fn short_name(name: &str) -> &str {
    const FORMS: &[&str] = &[
        "ltd.",
        "ltd",
        "inc.",
        "inc",
        "corp.",
        "corp",
        "co.",
        "plc",
        "llc",
        "ag",
        "sa",
        "se",
        "n.v.",
        "nv",
        "group",
        "holding",
        "holdings",
        "limited",
        "corporation",
    ];
    let mut rest = name.trim().trim_end_matches(',');
    loop {
        let Some((head, last)) = rest.rsplit_once(' ') else {
            return rest;
        };
        if !FORMS.contains(&last.to_lowercase().as_str()) {
            return rest;
        }
        rest = head.trim_end().trim_end_matches(',');
    }
}

/// A headline naming the event's parties, from the facts a text states: "Alibaba leads $1
/// billion funding round in Moonshot AI", "Harbour Foods acquires Verdel for $40 million".
/// `None` unless the facts name who and whom (and, for a round, how much).
pub fn deal_headline(facts: &DealFacts) -> Option<String> {
    let company = short_name(facts.company.as_deref()?);
    match facts.kind {
        DealKind::Funding => {
            let lead = short_name(facts.lead.as_deref()?);
            let amount = facts.amount.as_ref()?;
            Some(format!(
                "{lead} leads {} funding round in {company}",
                amount.words()
            ))
        }
        DealKind::Acquisition => {
            let buyer = short_name(facts.acquirer.as_deref()?);
            Some(match &facts.amount {
                Some(a) => format!("{buyer} acquires {company} for {}", a.words()),
                None => format!("{buyer} acquires {company}"),
            })
        }
    }
}

/// One value of a fact and the outlets that state it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim<T> {
    pub value: T,
    pub outlets: Vec<String>,
}

/// A story's facts: each field as its coverage states it, the most supported value first.
/// More than one claim for a figure means the outlets disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryFacts {
    pub kind: DealKind,
    pub company: Option<String>,
    pub lead: Option<String>,
    pub acquirer: Option<String>,
    /// Every investor any outlet names, the lead first.
    pub investors: Vec<String>,
    pub amount: Vec<Claim<Amount>>,
    pub valuation: Vec<Claim<Amount>>,
}

impl StoryFacts {
    /// Whether the outlets state different amounts or valuations.
    pub fn disagreement(&self) -> bool {
        self.amount.len() > 1 || self.valuation.len() > 1
    }
}

/// Merges the facts of a story's articles, each given with its outlet. Articles of another
/// kind than the most common, or about another company, are left out.
pub fn story_facts(articles: &[(String, DealFacts)]) -> Option<StoryFacts> {
    let mut kinds = Votes::default();
    for (_, f) in articles {
        kinds.add(f.kind.label(), 1);
    }
    let kind_label = kinds.best()?;
    let same_kind: Vec<&(String, DealFacts)> = articles
        .iter()
        .filter(|(_, f)| f.kind.label() == kind_label)
        .collect();
    let mut companies = Votes::default();
    for (_, f) in &same_kind {
        if let Some(c) = f.company.as_deref() {
            companies.add(c, 1);
        }
    }
    let company = companies.best().map(str::to_string);
    let about: Vec<&(String, DealFacts)> = same_kind
        .into_iter()
        .filter(|(_, f)| f.company == company)
        .collect();
    let first = about.first()?;
    let vote = |get: &dyn Fn(&DealFacts) -> Option<&str>| -> Option<String> {
        let mut v = Votes::default();
        for (_, f) in &about {
            if let Some(x) = get(f) {
                v.add(x, 1);
            }
        }
        v.best().map(str::to_string)
    };
    let lead = vote(&|f| f.lead.as_deref());
    let acquirer = vote(&|f| f.acquirer.as_deref());
    let mut investors: Vec<String> = lead.iter().cloned().collect();
    for (_, f) in &about {
        for i in &f.investors {
            if !investors.contains(i) && Some(i) != company.as_ref() {
                investors.push(i.clone());
            }
        }
    }
    let claims = |get: &dyn Fn(&DealFacts) -> Option<&Amount>| -> Vec<Claim<Amount>> {
        let mut out: Vec<Claim<Amount>> = Vec::new();
        for (outlet, f) in &about {
            let Some(a) = get(f) else { continue };
            match out.iter_mut().find(|c| c.value.same_figure(a)) {
                Some(c) => {
                    if !c.outlets.contains(outlet) {
                        c.outlets.push(outlet.clone());
                    }
                    // an unhedged statement of the figure is the one shown
                    if c.value.qualifier.is_some() && a.qualifier.is_none() {
                        c.value = a.clone();
                    }
                }
                None => out.push(Claim {
                    value: a.clone(),
                    outlets: vec![outlet.clone()],
                }),
            }
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.outlets.len()));
        out
    };
    Some(StoryFacts {
        kind: first.1.kind,
        company,
        lead,
        acquirer,
        investors,
        amount: claims(&|f| f.amount.as_ref()),
        valuation: claims(&|f| f.valuation.as_ref()),
    })
}

#[cfg(test)]
#[path = "../../../../test-support/required.rs"]
mod required;

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(value: f64) -> Option<f64> {
        Some(value)
    }

    #[test]
    fn a_round_led_by_an_investor() {
        let f = deal_facts(
            "Grid-battery maker Quillon raises $45 million led by Larchmont Ventures",
            "Quillon, the Tallinn-based maker of grid batteries, said on Tuesday it raised $45 million \
             in a Series B round led by Larchmont Ventures, valuing the company at more than $300 million. \
             Existing investors Fenwick Capital and Osprey Partners also participated.",
        )
        .expect("a funding round");
        assert_eq!(f.kind, DealKind::Funding);
        assert_eq!(f.company.as_deref(), Some("Quillon"));
        assert_eq!(f.lead.as_deref(), Some("Larchmont Ventures"));
        assert_eq!(f.amount.as_ref().map(|a| a.value), amount(45e6));
        let v = f.valuation.expect("valuation");
        assert_eq!(v.short(), "over $300M");
        assert!(
            f.investors.iter().any(|i| i == "Fenwick Capital"),
            "{:?}",
            f.investors
        );
        assert_eq!(f.investors[0], "Larchmont Ventures");
    }

    #[test]
    fn a_place_describing_the_company_is_not_the_company() {
        let f = deal_facts(
            "Quillon raises $1.2bn in round led by Larchmont Capital",
            "Quillon, the Port Aldine maker of battery software, raised $1.2 billion in a round led \
             by Larchmont Capital. The deal values the company at $9 billion.",
        )
        .expect("a funding round");
        assert_eq!(f.company.as_deref(), Some("Quillon"));
        assert_eq!(
            f.amount.as_ref().map(Amount::short).as_deref(),
            Some("$1.2B")
        );
        assert_eq!(
            f.valuation.as_ref().map(Amount::short).as_deref(),
            Some("$9B")
        );
    }

    #[test]
    fn a_description_as_subject_takes_the_party_of_the_sentence_before() {
        let f = deal_facts(
            "",
            "Harbourline Group Ltd. is the main backer of the largest financing of a Nordic robotics firm. \
             The shipping giant led the funding in Veltro Robotics, with the $80 million round lifting \
             its valuation to $600 million, people familiar with the deal said.",
        )
        .expect("a funding round");
        assert_eq!(f.lead.as_deref(), Some("Harbourline"));
        assert_eq!(f.company.as_deref(), Some("Veltro Robotics"));
        assert_eq!(
            f.amount.as_ref().map(Amount::short).as_deref(),
            Some("$80M")
        );
        assert_eq!(
            f.valuation.as_ref().map(Amount::short).as_deref(),
            Some("$600M")
        );
        assert_eq!(
            deal_headline(&f).as_deref(),
            Some("Harbourline leads $80 million funding round in Veltro Robotics")
        );
    }

    #[test]
    fn an_acquisition_names_buyer_target_and_price() {
        let f = deal_facts(
            "Harbour Foods to buy Verdel",
            "Harbour Foods agreed to buy Verdel for $40 million in cash, the companies said on Monday. \
             Verdel, which makes oat drinks, will keep its brand.",
        )
        .expect("an acquisition");
        assert_eq!(f.kind, DealKind::Acquisition);
        assert_eq!(f.acquirer.as_deref(), Some("Harbour Foods"));
        assert_eq!(f.company.as_deref(), Some("Verdel"));
        assert_eq!(
            f.amount.as_ref().map(Amount::short).as_deref(),
            Some("$40M")
        );
        assert_eq!(
            deal_headline(&f).as_deref(),
            Some("Harbour Foods acquires Verdel for $40 million")
        );
        let by = deal_facts(
            "",
            "The oat-drink maker Verdel was acquired by Harbour Foods in a $40 million deal, Verdel said.",
        )
            .expect("passive form");
        assert_eq!(by.acquirer.as_deref(), Some("Harbour Foods"));
        assert_eq!(by.company.as_deref(), Some("Verdel"));
    }

    #[test]
    fn a_name_that_only_opens_sentences_is_found_by_what_follows_it() {
        assert_eq!(
            opening_name("Quillon, the battery maker, raised $5m.").as_deref(),
            Some("Quillon")
        );
        assert_eq!(
            opening_name("Verdel agreed to the sale.").as_deref(),
            Some("Verdel")
        );
        assert_eq!(
            opening_name("The deal values the company at $9 billion."),
            None
        );
        assert_eq!(opening_name("Shares rose 4% on Monday."), None);
        assert_eq!(opening_name("Prices fell in May."), None);
    }

    #[test]
    fn short_names_drop_the_legal_form() {
        assert_eq!(short_name("Harbourline Group Ltd."), "Harbourline");
        assert_eq!(short_name("Alibaba Group Holding Ltd."), "Alibaba");
        assert_eq!(short_name("Moonshot AI"), "Moonshot AI");
        assert_eq!(short_name("Group"), "Group");
    }

    #[test]
    fn texts_without_a_deal_have_no_facts() {
        assert!(
            deal_facts(
                "Orchestra names new conductor",
                "The Kesvik Philharmonic named Ada Lind its principal conductor on Friday."
            )
            .is_none()
        );
        assert!(deal_facts("", "").is_none());
        // hostile input
        let junk = "$$$ led by by by round of in ".repeat(2_000);
        let _ = deal_facts(&junk, &junk);
    }

    #[test]
    fn coverage_that_disagrees_on_a_figure_is_kept_apart() {
        let facts = |valuation: f64, qualifier: Option<&'static str>| DealFacts {
            kind: DealKind::Funding,
            company: Some("Quillon".into()),
            lead: Some("Larchmont".into()),
            investors: vec!["Larchmont".into()],
            acquirer: None,
            amount: Some(Amount {
                value: 45e6,
                currency: "$".into(),
                qualifier: None,
            }),
            valuation: Some(Amount {
                value: valuation,
                currency: "$".into(),
                qualifier,
            }),
        };
        let merged = story_facts(&[
            ("Gazette".into(), facts(3e8, None)),
            ("Courier".into(), facts(3e8, Some("over"))),
            ("Ledger".into(), facts(2e8, Some("over"))),
        ])
        .expect("facts");
        assert_eq!(merged.amount.len(), 1);
        assert_eq!(merged.amount[0].outlets.len(), 3);
        assert!(merged.disagreement());
        assert_eq!(merged.valuation[0].value.short(), "$300M");
        assert_eq!(merged.valuation[0].outlets, vec!["Gazette", "Courier"]);
        assert_eq!(merged.valuation[1].value.short(), "over $200M");
        assert_eq!(merged.valuation[1].outlets, vec!["Ledger"]);
    }

    fn seed_facts(name: &str) -> Option<DealFacts> {
        let dir = required::seeds()?;
        let file = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|f| f.starts_with(name))
            .unwrap_or_else(|| panic!("no seed {name}* in {}", dir.display()));
        let text = required::seed(&file)?;
        // records: the title field and the text after the front matter
        let (title, body) = match text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
        {
            Some((front, body)) => {
                let field = |name: &str| {
                    front
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .unwrap_or_default()
                        .trim_matches('"')
                        .to_string()
                };
                // a record whose text is sealed (`secured`) still has its excerpt
                let text = if body.trim().is_empty() {
                    field("excerpt: ")
                } else {
                    body.to_string()
                };
                (field("title: "), text)
            }
            None => (String::new(), text),
        };
        Some(deal_facts(&title, &body).unwrap_or_else(|| panic!("{name}: no facts")))
    }

    #[test]
    fn the_seeds_state_their_rounds() {
        let Some(moonshot) = seed_facts("004") else {
            return;
        };
        assert_eq!(moonshot.company.as_deref(), Some("Moonshot AI"));
        assert_eq!(moonshot.lead.as_deref(), Some("Alibaba"));
        assert_eq!(
            moonshot.amount.as_ref().map(Amount::short).as_deref(),
            Some("$1B")
        );
        assert_eq!(
            moonshot.valuation.as_ref().map(Amount::short).as_deref(),
            Some("$2.5B")
        );
        assert_eq!(
            deal_headline(&moonshot).as_deref(),
            Some("Alibaba leads $1 billion funding round in Moonshot AI")
        );
        let mut minimax = Vec::new();
        for name in ["000", "001", "002", "003"] {
            let Some(f) = seed_facts(name) else { return };
            assert_eq!(f.company.as_deref(), Some("MiniMax"), "{name}");
            assert_eq!(f.lead.as_deref(), Some("Alibaba"), "{name}");
            minimax.push((name.to_string(), f));
        }
        let merged = story_facts(&minimax).expect("facts");
        assert_eq!(merged.amount[0].value.value, 600e6, "{:?}", merged.amount);
        // SCMP (003) says "over US$2 billion", the others $2.5 billion
        assert!(merged.disagreement(), "{merged:?}");
        assert_eq!(merged.valuation[0].value.value, 2.5e9);
        assert_eq!(merged.valuation[1].value.short(), "over $2B");
        assert_eq!(merged.valuation[1].outlets, vec!["003"]);
    }
}

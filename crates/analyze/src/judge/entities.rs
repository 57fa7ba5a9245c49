//! Named entities of an article: organisations, people, places and money amounts, counted.
//!
//! Names are runs of capitalised words within a sentence ("South China Morning Post"), joined
//! across "de", "&" and, after institutions, "of" ("Bank of England"), with leading function
//! words and job titles dropped ("The", "CEO"). A word capitalised only because it opens a
//! sentence is kept when the text also capitalises it elsewhere, or when it starts a longer name
//! and the text never writes it in lower case. Possessives ("Alibaba's") and "-based"
//! ("Shanghai-based") end a name. A headline in Title Case only counts names the body also has.
//!
//! Kinds come from the word lists of the `lexicon` module and from cues: organisations by suffix
//! ("Ltd.", "Group", "Labs"), by a kind of company before them ("startup MiniMax") or by being
//! well known; places by the list, "X-based", "near X", "the town of X"; people by a job title
//! before ("chairman Joseph Tsai"), or a speech verb after a full name ("Lina Park told").
//! Variants merge: "Alibaba Group Holding Ltd." into "Alibaba", a later "Tsai" into "Joseph Tsai"
//! when only one full name ends that way.
//!
//! Money amounts are normalised: "US$600 million", "$600M", "$600,000,000", "USD 600 million" and
//! "600 million dollars" are all `$600M`; other currencies keep their symbol (`€3M`, `HK$1.2B`).

use std::collections::{HashMap, HashSet};

use super::lexicon::{
    CONNECTORS, DEMONYMS, FUNCTION_WORDS, KNOWN_ORGANIZATIONS, LEGAL_SUFFIXES, NOISE, OF_HEADS,
    ORG_CUES, ORG_WORDS, PLACE_CUES, PLACE_NOUNS, PLACES, ROLES, SPEECH_VERBS,
};
use super::summary::sentences;
use super::words::prefix_chars;

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Organization,
    Person,
    Place,
    Money,
    Other,
}

/// One entity of an article and how often it is mentioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Display form: the most frequent spelling (money: normalised, e.g. `$600M`).
    pub name: String,
    pub kind: EntityKind,
    /// Mentions in title and body.
    pub count: u32,
}

impl EntityKind {
    /// The kind's name in stores and addresses; `None` for money and unclassified names,
    /// which have no entity page.
    pub fn page_kind(self) -> Option<&'static str> {
        match self {
            EntityKind::Organization => Some("organization"),
            EntityKind::Person => Some("person"),
            EntityKind::Place => Some("place"),
            EntityKind::Money | EntityKind::Other => None,
        }
    }
}

/// The key of an entity in addresses: letters and digits in lower case, other runs of
/// characters as one `-` ("Moonshot AI" → `moonshot-ai`, "Zürich" → `zürich`); at most 80
/// characters.
pub fn entity_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.chars().count() >= 80 {
            break;
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// How much of a body is read: entity pages need the names of the piece, not of a 5 MB dump.
const MAX_BODY_CHARS: usize = 200_000;

/// Entities of an article, most mentioned first.
pub fn entities(title: &str, body: &str) -> Vec<Entity> {
    let title = prefix_chars(title, 1_000);
    let body = prefix_chars(body, MAX_BODY_CHARS);
    let title_case = is_title_case(title);

    let mut texts: Vec<&str> = vec![body];
    if !title_case {
        texts.push(title);
    }
    let sentences_of: Vec<Vec<&str>> = texts.iter().map(|t| sentences(t)).collect();
    let all_sentences: Vec<&str> = sentences_of.iter().flatten().copied().collect();

    // Words seen capitalised away from a sentence start are names wherever they appear.
    // Words seen in lower case are ordinary words when they open a sentence.
    let mut seen = SeenWords::default();
    for sentence in &all_sentences {
        for (i, token) in tokens(sentence).iter().enumerate() {
            if i > 0 && token.capitalised {
                seen.inner_capitals.insert(token.core.to_lowercase());
            } else if token.core.starts_with(char::is_lowercase) {
                seen.lower_case.insert(token.core.to_string());
            }
        }
    }

    let mut mentions: Vec<Mention> = Vec::new();
    for sentence in &all_sentences {
        names_in_sentence(sentence, &seen, &mut mentions);
    }
    let mut found = merge(mentions);

    if title_case {
        // Count names of the body that the Title Case headline repeats.
        for entity in &mut found {
            for variant in &entity.variants {
                if contains_word_sequence(title, variant) {
                    entity.count += 1;
                    break;
                }
            }
        }
    }

    let mut out: Vec<Entity> = found
        .into_iter()
        .map(|e| Entity {
            name: e.display,
            kind: e.kind,
            count: e.count,
        })
        .collect();
    let mut money: HashMap<String, u32> = HashMap::new();
    for text in &texts {
        for amount in money_amounts(text) {
            *money.entry(amount).or_default() += 1;
        }
    }
    if title_case {
        for amount in money_amounts(title) {
            *money.entry(amount).or_default() += 1;
        }
    }
    out.extend(money.into_iter().map(|(name, count)| Entity {
        name,
        kind: EntityKind::Money,
        count,
    }));
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.kind.cmp(&b.kind))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// A headline is in Title Case when most of its longer words are capitalised.
fn is_title_case(title: &str) -> bool {
    let words: Vec<&str> = title
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    words.len() >= 2 && capitalised * 4 >= words.len() * 3
}

/// Does `text` contain `phrase` as whole words?
fn contains_word_sequence(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(found) = text[from..].find(phrase) {
        let start = from + found;
        let end = start + phrase.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + phrase.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// One word of a sentence, with what matters for name detection.
#[derive(Debug, Clone)]
struct Token<'a> {
    /// The word without surrounding punctuation (a trailing "." kept for "Ltd.", "U.S.").
    core: &'a str,
    capitalised: bool,
    /// Punctuation, a possessive or "-based" follows: a name cannot continue past this word.
    ends_run: bool,
    /// Written "X-based": X is a place.
    place_hint: bool,
}

const LEADING: &[char] = &['"', '\'', '(', '[', '“', '‘', '«', '—', '–', '-'];
const TRAILING: &[char] = &[
    ',', ';', ':', '!', '?', '"', '\'', ')', ']', '”', '’', '»', '—', '–',
];

fn tokens(sentence: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    for raw in sentence.split_whitespace() {
        let core = raw.trim_start_matches(LEADING);
        let stripped = core.trim_end_matches(TRAILING);
        let mut ends_run = stripped.len() < core.len();
        let mut core = stripped;
        for possessive in ["'s", "’s", "'", "’"] {
            if let Some(base) = core.strip_suffix(possessive) {
                core = base;
                ends_run = true;
                break;
            }
        }
        let mut place_hint = false;
        if let Some((head, tail)) = core.split_once('-')
            && tail.chars().next().is_some_and(char::is_lowercase)
            && !is_role(core)
        {
            place_hint = tail == "based";
            core = head;
            ends_run = true;
        }
        // A period ends the word; keep it only on abbreviations like "Ltd." and "U.S.".
        if let Some(base) = core.strip_suffix('.') {
            let keep = LEGAL_SUFFIXES.contains(&base) || base.contains('.');
            if !keep {
                core = base;
                ends_run = true;
            }
        }
        if core.is_empty() {
            continue;
        }
        // A legal form closes a company name: "Zed Corp. Alibaba" is two names.
        ends_run |= LEGAL_SUFFIXES.contains(&core);
        out.push(Token {
            core,
            capitalised: is_capitalised(core),
            ends_run,
            place_hint,
        });
    }
    out
}

/// "Alibaba", "MiniMax", "eBay", "IBM": a capital first, or a lower-case first letter followed by
/// a capital. Numbers and symbols are not names.
fn is_capitalised(word: &str) -> bool {
    let name_like = word
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '&' | '\'' | '’'));
    if !name_like {
        return false;
    }
    let mut chars = word.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => true,
        Some(c) if c.is_lowercase() => chars.clone().take(3).any(char::is_uppercase),
        _ => false,
    }
}

/// A capitalised run found in a sentence.
#[derive(Debug, Clone)]
struct Mention {
    words: Vec<String>,
    role_before: bool,
    /// Preceded by "startup", "company", "giant" …: an organisation.
    org_before: bool,
    speech_after: bool,
    place_hint: bool,
}

/// Case evidence gathered over the whole article.
#[derive(Debug, Default)]
struct SeenWords {
    /// Lower-cased words seen capitalised away from a sentence start.
    inner_capitals: HashSet<String>,
    /// Words seen written in lower case.
    lower_case: HashSet<String>,
}

fn names_in_sentence(sentence: &str, seen: &SeenWords, out: &mut Vec<Mention>) {
    let tokens = tokens(sentence);
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i].capitalised {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1; // exclusive
        let mut last_name_word = i;
        if !tokens[i].ends_run {
            let mut j = i + 1;
            while j < tokens.len() {
                let t = &tokens[j];
                if t.capitalised && !is_function_word(t.core) {
                    last_name_word = j;
                    end = j + 1;
                    if t.ends_run {
                        break;
                    }
                    j += 1;
                } else if CONNECTORS.contains(&t.core)
                    && !t.ends_run
                    && (t.core != "of" || OF_HEADS.contains(&tokens[j - 1].core))
                    && tokens
                        .get(j + 1)
                        .is_some_and(|n| n.capitalised && !is_function_word(n.core))
                {
                    j += 1;
                } else {
                    break;
                }
            }
        }
        end = end.max(last_name_word + 1);
        let run = &tokens[start..end];
        i = end;

        // Drop leading function words, job titles ("CEO") and kinds of company ("Chipmaker"),
        // remembering them as cues.
        let before = start.checked_sub(1).and_then(|at| tokens.get(at));
        let mut role_before = before.is_some_and(|t| is_role(t.core));
        let mut org_before = before.is_some_and(|t| is_org_cue(t.core));
        let place_before = before.is_some_and(|t| PLACE_CUES.contains(&t.core))
            || (before.is_some_and(|t| t.core == "of")
                && start
                    .checked_sub(2)
                    .and_then(|at| tokens.get(at))
                    .is_some_and(|t| PLACE_NOUNS.contains(&t.core)));
        let mut first = 0;
        while first < run.len() {
            let word = run[first].core;
            if is_role(word) {
                role_before = true;
            } else if is_org_cue(word)
                && start + first == 0
                && run
                    .get(first + 1)
                    .is_some_and(|t| !CONNECTORS.contains(&t.core))
            {
                org_before = true;
            } else if !is_function_word(word) && !CONNECTORS.contains(&word) {
                break;
            }
            first += 1;
        }
        // Trailing connectors cannot end a name.
        let mut last = run.len();
        while last > first && CONNECTORS.contains(&run[last - 1].core) {
            last -= 1;
        }
        if first >= last {
            continue;
        }
        let mut words: Vec<&Token> = run[first..last].iter().collect();
        // A word capitalised only because it opens the sentence is not evidence of a name.
        // It stays when the text capitalises it elsewhere too, or when it starts a longer name
        // and is never written in lower case ("Lina Park told …", not "Generative AI is …").
        if start + first == 0 {
            let opener = words[0].core;
            let lower = opener.to_lowercase();
            let known = seen.inner_capitals.contains(&lower)
                || (words.len() > 1 && !seen.lower_case.contains(&lower))
                || is_all_caps(opener)
                || KNOWN_ORGANIZATIONS.contains(&opener)
                || PLACES.contains(&opener)
                || words[0].place_hint;
            if !known {
                words.remove(0);
                while words.first().is_some_and(|t| CONNECTORS.contains(&t.core)) {
                    words.remove(0);
                }
            }
        }
        if words.is_empty() {
            continue;
        }
        let names: Vec<String> = words.iter().map(|t| t.core.to_string()).collect();
        if names.len() == 1 && is_noise(&names[0]) {
            continue;
        }
        let speech_after = tokens
            .get(end)
            .is_some_and(|t| SPEECH_VERBS.contains(&t.core));
        out.push(Mention {
            words: names,
            role_before,
            org_before,
            speech_after,
            place_hint: place_before || words.iter().any(|t| t.place_hint),
        });
    }
}

fn is_org_cue(word: &str) -> bool {
    ORG_CUES.contains(&word.to_lowercase().as_str())
}

fn is_all_caps(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic());
    let mut any = false;
    for c in letters {
        if !c.is_uppercase() {
            return false;
        }
        any = true;
    }
    any && word.chars().count() >= 2
}

fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word) || DEMONYMS.contains(&word)
}

fn is_role(word: &str) -> bool {
    ROLES.contains(&word.trim_end_matches('.'))
}

/// Capitalised words that are no entity on their own.
fn is_noise(word: &str) -> bool {
    let bare = word.trim_end_matches('.');
    NOISE.contains(&bare) || bare.chars().count() < 2
}

/// An entity being assembled from its mentions.
#[derive(Debug)]
struct Found {
    display: String,
    kind: EntityKind,
    count: u32,
    /// Surface forms merged into this entity.
    variants: Vec<String>,
}

fn merge(mentions: Vec<Mention>) -> Vec<Found> {
    // Group mentions by exact key (case-folded words).
    struct Group {
        forms: HashMap<String, u32>,
        words: Vec<String>,
        count: u32,
        role: bool,
        org_cue: bool,
        speech: bool,
        place_hint: bool,
        first_seen: usize,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (order, mention) in mentions.into_iter().enumerate() {
        let form = mention.words.join(" ");
        let key = form.to_lowercase();
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(Group {
                forms: HashMap::new(),
                words: mention.words.clone(),
                count: 0,
                role: false,
                org_cue: false,
                speech: false,
                place_hint: false,
                first_seen: order,
            });
            groups.len() - 1
        });
        let group = &mut groups[at];
        *group.forms.entry(form).or_default() += 1;
        group.count += 1;
        group.role |= mention.role_before;
        group.org_cue |= mention.org_before;
        group.speech |= mention.speech_after;
        group.place_hint |= mention.place_hint;
    }

    let org_suffixed = |words: &[String]| words.len() > 1 && is_org_suffix(&words[words.len() - 1]);

    // An organisation merges with the longest shorter form of it the text also uses:
    // "South China Morning Post Publishers Ltd." → "South China Morning Post", "Alibaba Group
    // Holding Ltd." → "Alibaba".
    let mut target: Vec<usize> = (0..groups.len()).collect();
    for (g, group) in groups.iter().enumerate() {
        let mut end = group.words.len();
        while end > 1 && is_org_suffix(&group.words[end - 1]) {
            end -= 1;
            let shorter = group.words[..end].join(" ").to_lowercase();
            if let Some(&short) = index.get(&shorter) {
                target[g] = short;
                break;
            }
        }
    }
    follow_chains(&mut target);
    // A name some organisation was merged into is a company, not a surname.
    let org_bases: HashSet<usize> = target
        .iter()
        .enumerate()
        .filter(|&(g, &t)| g != t)
        .map(|(_, &t)| t)
        .collect();

    // Surname → the full names (2–3 words, not organisations) it could stand for.
    let mut full_names_with: HashMap<&str, Vec<usize>> = HashMap::new();
    for (o, other) in groups.iter().enumerate() {
        if target[o] == o
            && (2..=3).contains(&other.words.len())
            && !org_suffixed(&other.words)
            && other.words.iter().all(|w| !is_all_caps(w))
        {
            let mut later: Vec<&str> = other.words.iter().skip(1).map(String::as_str).collect();
            later.dedup();
            for word in later {
                full_names_with.entry(word).or_default().push(o);
            }
        }
    }
    for (g, group) in groups.iter().enumerate() {
        if group.words.len() != 1 || target[g] != g || org_bases.contains(&g) {
            continue;
        }
        if let Some([only]) = full_names_with
            .get(group.words[0].as_str())
            .map(Vec::as_slice)
        {
            target[g] = *only;
        }
    }

    follow_chains(&mut target);

    let mut found: Vec<Found> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| groups[g].first_seen);
    // Roots first so that merged groups find their slot.
    order.sort_by_key(|&g| target[g] != g);
    struct Acc {
        forms: HashMap<String, u32>,
        /// Spellings of the root group: the short name of a company, the full name of a person.
        root_forms: HashSet<String>,
        count: u32,
        org: bool,
        person: bool,
        place: bool,
        /// Spoken for ("… said"): a person when the name is a full name.
        speech: bool,
        /// Has a form of 2–3 words that is no organisation name.
        full_name: bool,
    }
    let mut accs: Vec<Acc> = Vec::new();
    for g in order {
        let root = target[g];
        let group = &groups[g];
        let at = *slot.entry(root).or_insert_with(|| {
            accs.push(Acc {
                forms: HashMap::new(),
                root_forms: HashSet::new(),
                count: 0,
                org: false,
                person: false,
                place: false,
                speech: false,
                full_name: false,
            });
            accs.len() - 1
        });
        let acc = &mut accs[at];
        for (form, n) in &group.forms {
            *acc.forms.entry(form.clone()).or_default() += n;
            if g == root {
                acc.root_forms.insert(form.clone());
            }
        }
        acc.count += group.count;
        let name = group.words.join(" ");
        acc.org |= org_suffixed(&group.words)
            || group.org_cue
            || KNOWN_ORGANIZATIONS.contains(&name.as_str())
            || (group.words.len() == 1 && is_all_caps(&name) && name.chars().count() >= 3);
        acc.person |= group.role;
        acc.speech |= group.speech;
        acc.place |= group.place_hint
            || PLACES.contains(&name.as_str())
            || PLACES.contains(&name.trim_end_matches('.'));
        acc.full_name |= (2..=3).contains(&group.words.len())
            && !org_suffixed(&group.words)
            && group.words.iter().all(|w| !is_all_caps(w));
    }
    for acc in accs {
        let kind = if acc.place {
            EntityKind::Place
        } else if acc.org {
            EntityKind::Organization
        } else if acc.person || (acc.speech && acc.full_name) {
            EntityKind::Person
        } else {
            EntityKind::Other
        };
        let mut forms: Vec<(String, u32)> = acc.forms.into_iter().collect();
        // A spelling that is not shouted, the most frequent, then the root's, then by text.
        let root_forms = &acc.root_forms;
        forms.sort_by(|a, b| {
            is_all_caps_form(&a.0)
                .cmp(&is_all_caps_form(&b.0))
                .then(b.1.cmp(&a.1))
                .then(root_forms.contains(&b.0).cmp(&root_forms.contains(&a.0)))
                .then(a.0.cmp(&b.0))
        });
        let display = forms.first().map(|f| f.0.clone()).unwrap_or_default();
        found.push(Found {
            display,
            kind,
            count: acc.count,
            variants: forms.into_iter().map(|f| f.0).collect(),
        });
    }
    found
}

/// Points every group at the root of its chain of merges.
fn follow_chains(target: &mut [usize]) {
    for g in 0..target.len() {
        let mut root = target[g];
        let mut steps = 0;
        while target[root] != root && steps < target.len() {
            root = target[root];
            steps += 1;
        }
        target[g] = root;
    }
}

/// A spelling with a shouted word ("ALIBABA Group") is a worse display form.
fn is_all_caps_form(form: &str) -> bool {
    form.split(' ')
        .any(|w| is_all_caps(w) && w.chars().count() > 4)
}

fn is_org_suffix(word: &str) -> bool {
    LEGAL_SUFFIXES.contains(&word)
        || LEGAL_SUFFIXES.contains(&word.trim_end_matches('.'))
        || ORG_WORDS.contains(&word)
}

/// Money amounts of a text, normalised (see the module documentation): a currency symbol
/// ("US$600 million", "€30m"), a currency code ("USD 600 million") or a currency word after the
/// amount ("5.3 billion dollars", "310 million dollar investment").
fn money_amounts(text: &str) -> Vec<String> {
    money_spans(text).into_iter().map(|m| m.display).collect()
}

/// One money amount found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MoneySpan {
    /// Byte range of the amount as written ("US$600 million").
    pub start: usize,
    pub end: usize,
    /// Normalised form (`$600M`).
    pub display: String,
    /// The amount in units of its currency.
    pub value: f64,
    /// `$`, `€`, `HK$`…
    pub currency: String,
}

/// [`money_amounts`] with where each amount is written.
pub(crate) fn money_spans(text: &str) -> Vec<MoneySpan> {
    let mut out = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let before = previous;
        previous = Some(c);
        let (symbol, after, start) = match c {
            '$' => {
                let head = &text[..at];
                let prefix = ["US", "HK", "NZ", "S", "A", "C"].into_iter().find(|p| {
                    head.ends_with(p)
                        && head[..head.len() - p.len()]
                            .chars()
                            .next_back()
                            .is_none_or(|c| !c.is_alphanumeric())
                });
                let symbol = match prefix {
                    None | Some("US") => "$".to_string(),
                    Some(p) => format!("{p}$"),
                };
                let start = at - prefix.map_or(0, str::len);
                (symbol, &text[at + 1..], start)
            }
            '€' | '£' | '¥' => (c.to_string(), &text[at + c.len_utf8()..], at),
            'U' | 'E' | 'G' if before.is_none_or(|b| !b.is_alphanumeric()) => {
                let rest = &text[at..];
                let symbol = match rest.get(..4) {
                    Some("USD ") => "$",
                    Some("EUR ") => "€",
                    Some("GBP ") => "£",
                    _ => continue,
                };
                (symbol.to_string(), &rest[4..], at)
            }
            '0'..='9' if before.is_none_or(|b| !(b.is_alphanumeric() || ".,$€£¥".contains(b))) =>
            {
                let Some((value, used)) = amount_value(&text[at..]) else {
                    continue;
                };
                let rest = text[at + used..].trim_start_matches(' ');
                let rest = rest
                    .strip_prefix("US ")
                    .or_else(|| rest.strip_prefix("U.S. "))
                    .unwrap_or(rest);
                let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
                let symbol = match word.as_str() {
                    "dollars" | "dollar" => "$",
                    "euros" | "euro" => "€",
                    _ => continue,
                };
                let end = text.len() - rest.len() + word.len();
                out.push(MoneySpan {
                    start: at,
                    end,
                    display: format!("{symbol}{}", format_amount(value)),
                    value,
                    currency: symbol.to_string(),
                });
                continue;
            }
            _ => continue,
        };
        let spaced = after.strip_prefix(' ');
        if let Some((value, used)) = amount_value(spaced.unwrap_or(after)) {
            let end = text.len() - after.len() + usize::from(spaced.is_some()) + used;
            out.push(MoneySpan {
                start,
                end,
                display: format!("{symbol}{}", format_amount(value)),
                value,
                currency: symbol,
            });
        }
    }
    out
}

/// Reads "600 million", "2.5B", "1,200,000" at the start of `text`: the amount and the bytes
/// read.
fn amount_value(text: &str) -> Option<(f64, usize)> {
    let digits_end = text
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .map_or(text.len(), |(i, _)| i);
    let number = text[..digits_end].trim_end_matches([',', '.']);
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) || number.len() > 24 {
        return None;
    }
    let value: f64 = number.replace(',', "").parse().ok()?;
    let rest = &text[number.len()..];
    let attached: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let (scale_word, skipped) = if attached.is_empty() {
        let word: String = rest
            .strip_prefix(' ')
            .map(|r| r.chars().take_while(|c| c.is_alphabetic()).collect())
            .unwrap_or_default();
        (word, 1)
    } else {
        (attached, 0)
    };
    let scale = match scale_word.to_lowercase().as_str() {
        "k" | "thousand" => 1e3,
        "m" | "mn" | "mln" | "million" | "millions" => 1e6,
        "b" | "bn" | "bln" | "billion" | "billions" => 1e9,
        "t" | "tn" | "trillion" | "trillions" => 1e12,
        _ => 1.0,
    };
    let used = if scale > 1.0 {
        number.len() + skipped + scale_word.len()
    } else {
        number.len()
    };
    let amount = value * scale;
    amount.is_finite().then_some((amount, used))
}

/// 600000000 → "600M", 2500000000 → "2.5B", 4.5 → "4.5".
pub(crate) fn format_amount(amount: f64) -> String {
    let (shown, suffix) = if amount >= 1e12 {
        (amount / 1e12, "T")
    } else if amount >= 1e9 {
        (amount / 1e9, "B")
    } else if amount >= 1e6 {
        (amount / 1e6, "M")
    } else {
        (amount, "")
    };
    let mut digits = format!("{shown:.2}");
    while digits.ends_with('0') {
        digits.pop();
    }
    if digits.ends_with('.') {
        digits.pop();
    }
    format!("{digits}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(found: &'a [Entity], name: &str) -> Option<&'a Entity> {
        found.iter().find(|e| e.name == name)
    }

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(entity_slug("Moonshot AI"), "moonshot-ai");
        assert_eq!(
            entity_slug("  Alibaba Group Holding Ltd. "),
            "alibaba-group-holding-ltd"
        );
        assert_eq!(entity_slug("Zürich"), "zürich");
        assert_eq!(entity_slug("--"), "");
        assert!(entity_slug(&"x".repeat(500)).len() <= 80);
    }

    #[test]
    fn money_amounts_are_normalised() {
        let body = "MiniMax is raising at least US$600 million. Another report said $600M, \
                    or $600,000,000. It is valued at $2.5 billion, up from US$2.5bn talk. \
                    Rivals raised €30m and HK$1.2 billion; a coffee costs $4.50.";
        let found = entities("", body);
        assert_eq!(find(&found, "$600M").map(|e| e.count), Some(3));
        assert_eq!(find(&found, "$2.5B").map(|e| e.count), Some(2));
        assert_eq!(
            find(&found, "€30M").map(|e| e.kind),
            Some(EntityKind::Money)
        );
        assert!(find(&found, "HK$1.2B").is_some(), "{found:?}");
        assert!(find(&found, "$4.5").is_some(), "{found:?}");

        let body = "Norvale guided to 5.3 billion dollars. Larchmont led a 310 million dollar \
                    round, or USD 310 million; the fine was 210 million euros. It has 40 million \
                    users and 12 dollars.";
        let found = entities("", body);
        assert!(find(&found, "$5.3B").is_some(), "{found:?}");
        assert_eq!(find(&found, "$310M").map(|e| e.count), Some(2), "{found:?}");
        assert!(find(&found, "€210M").is_some(), "{found:?}");
        assert!(find(&found, "$12").is_some(), "{found:?}");
        assert!(
            !found
                .iter()
                .any(|e| e.kind == EntityKind::Money && e.name.contains("40")),
            "{found:?}"
        );
    }

    #[test]
    fn company_names_with_legal_suffixes_merge_with_their_short_form() {
        let body = "Chinese AI startup MiniMax is raising money with e-commerce giant Alibaba \
                    Group Holding Ltd. as a lead investor. Alibaba declined to comment. The \
                    deal follows Alibaba's bet on Moonshot AI.";
        let found = entities("", body);
        let alibaba = find(&found, "Alibaba").expect("Alibaba");
        assert_eq!(alibaba.kind, EntityKind::Organization);
        assert_eq!(alibaba.count, 3);
        assert!(
            find(&found, "Alibaba Group Holding Ltd.").is_none(),
            "{found:?}"
        );
        assert_eq!(
            find(&found, "MiniMax").map(|e| e.kind),
            Some(EntityKind::Organization)
        );
        let moonshot = find(&found, "Moonshot AI").expect("Moonshot AI");
        assert_eq!(moonshot.kind, EntityKind::Organization);
        assert!(find(&found, "MiniMax").is_some());
        assert!(find(&found, "Chinese AI").is_none(), "{found:?}");

        let body = "The South China Morning Post Publishers Ltd. owns it. The South China \
                    Morning Post is a newspaper.";
        let found = entities("", body);
        let post = find(&found, "South China Morning Post").expect("SCMP");
        assert_eq!((post.kind, post.count), (EntityKind::Organization, 2));
    }

    #[test]
    fn people_are_recognised_by_titles_speech_and_surnames() {
        let body = "Under chairman Joseph Tsai and CEO Eddie Wu, the company changed course. \
                    Tsai said the cloud unit hosts half of the firms. Lina Park told reporters \
                    the plan was sound.";
        let found = entities("", body);
        let tsai = find(&found, "Joseph Tsai").expect("Joseph Tsai");
        assert_eq!((tsai.kind, tsai.count), (EntityKind::Person, 2));
        assert_eq!(
            find(&found, "Eddie Wu").map(|e| e.kind),
            Some(EntityKind::Person)
        );
        assert_eq!(
            find(&found, "Lina Park").map(|e| e.kind),
            Some(EntityKind::Person)
        );
    }

    #[test]
    fn team_names_and_companies_that_speak_are_not_people() {
        let body = "The Riverside Falcons beat Harrow City on Monday. Milo Okonjo scored twice, \
                    and the Falcons moved up. Okonjo said the team was tired. Chipmaker Norvale \
                    Semiconductor raised its forecast. Norvale said demand was strong. Analyst \
                    Leonie Barth of Crestmoor Research expects more.";
        let found = entities("", body);
        let kind = |name: &str| find(&found, name).map(|e| e.kind);
        assert_ne!(
            kind("Riverside Falcons"),
            Some(EntityKind::Person),
            "{found:?}"
        );
        assert_eq!(kind("Milo Okonjo"), Some(EntityKind::Person), "{found:?}");
        assert_eq!(find(&found, "Milo Okonjo").map(|e| e.count), Some(2));
        assert_eq!(kind("Norvale"), Some(EntityKind::Organization), "{found:?}");
        assert_eq!(find(&found, "Norvale").map(|e| e.count), Some(2));
        assert_eq!(kind("Leonie Barth"), Some(EntityKind::Person), "{found:?}");
        assert_eq!(
            kind("Crestmoor Research"),
            Some(EntityKind::Organization),
            "{found:?}"
        );
    }

    #[test]
    fn of_joins_institutions_and_places_follow_their_cues() {
        let body = "Rates were held by the Bank of England. The quake hit the town of Kesvik \
                    and villages near Port Aldine.";
        let found = entities("", body);
        assert!(find(&found, "Bank of England").is_some(), "{found:?}");
        for place in ["Kesvik", "Port Aldine"] {
            assert_eq!(
                find(&found, place).map(|e| e.kind),
                Some(EntityKind::Place),
                "{place}: {found:?}"
            );
        }
    }

    #[test]
    fn places_come_from_the_list_and_from_based() {
        let body = "Shanghai-based MiniMax was founded in 2021. Investors in Hong Kong and the \
                    U.S. are watching. Beijing-based Zhipu AI also raised funds.";
        let found = entities("", body);
        for place in ["Shanghai", "Hong Kong", "U.S.", "Beijing"] {
            assert_eq!(
                find(&found, place).map(|e| e.kind),
                Some(EntityKind::Place),
                "{place}: {found:?}"
            );
        }
    }

    #[test]
    fn sentence_openers_and_function_words_are_not_names() {
        let body = "Generative models are popular. The startup said nothing. However, \
                    investors in Talkie remain keen on Talkie. Generative AI is a trend in \
                    generative media.";
        let found = entities("", body);
        for noise in ["Generative", "Generative AI", "The", "However"] {
            assert!(find(&found, noise).is_none(), "{noise}: {found:?}");
        }
        assert_eq!(find(&found, "Talkie").map(|e| e.count), Some(2));
    }

    #[test]
    fn a_title_case_headline_only_counts_names_of_the_body() {
        let title = "Alibaba Leads $2.5 Billion Investment in AI Startup MiniMax";
        let body = "Alibaba is leading a round for MiniMax.";
        let found = entities(title, body);
        assert!(find(&found, "Alibaba Leads").is_none(), "{found:?}");
        assert!(find(&found, "Investment").is_none(), "{found:?}");
        assert_eq!(find(&found, "Alibaba").map(|e| e.count), Some(2));
        assert_eq!(find(&found, "MiniMax").map(|e| e.count), Some(2));
        assert_eq!(find(&found, "$2.5B").map(|e| e.count), Some(1));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        assert!(entities("", "").is_empty());
        let huge = "Alibaba Group Holding Ltd. paid US$600 million to Zed Corp. ".repeat(90_000);
        let found = entities(&huge, &huge);
        let alibaba = find(&found, "Alibaba Group Holding Ltd.").expect("Alibaba");
        assert_eq!(alibaba.kind, EntityKind::Organization);
        assert!(find(&found, "US$600").is_none(), "{found:?}");
        let odd =
            "\u{0}ǅungla İstanbul $$$ $ 9,,,.. US$ € ’s 'S-based -based \u{200b}A.".repeat(20_000);
        let _ = entities(&odd, &odd);
        let digits = format!("${}", "9".repeat(400));
        let _ = entities("", &digits);
    }
}

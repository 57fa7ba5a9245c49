//! Main-content selection: which part of the page is the story.
//!
//! Four passes over the page arena, each linear and iterative:
//! 1. **Measure** every subtree: characters of visible text and of link text.
//! 2. **Prune** page furniture and boilerplate ([`crate::boilerplate`]): never-content tags,
//!    hidden elements, text for screen readers only, `nav`/`aside`/`footer`, furniture roles,
//!    and elements whose class or id names share bars, related links, newsletters and the
//!    like, unless they hold a large share of the page's text with few links (a page wrapper
//!    named `with-sidebar` is not a sidebar).
//! 3. **Score** paragraphs (text blocks of 25+ characters: length, commas, few links) and credit
//!    their ancestors, nearest most; a container's score is its credit, damped by its link
//!    density, plus what its class/id and tag say (`itemprop=articleBody`, `article`).
//! 4. **Choose** the best container and the siblings that continue it (a story split by an ad
//!    slot into several blocks), then drop, inside them, link lists and stock lines.
//! 5. **Listings**: when a run of same-template items ([`crate::records`]: products, threads'
//!    posts, search results) holds more text than that choice, the run is the content.
//! 6. **Starved pages**: when all that leaves a small part of the page's text and no real
//!    paragraph, the page's content wore furniture's names or was hidden until its script ran,
//!    and the choice is made again without believing those (furniture-only names aside).
//! 7. **Stripped selections**: when pruning took most of the chosen blocks' own text and the
//!    best container is not a full story (a thread's `comment` replies, a landing page's
//!    `teaser` sections), the choice is made again without believing names (furniture-only
//!    names and customer reviews aside).
//!
//! The result is a [`Selection`]: the roots to render, the per-node prune flags, and the
//! evidence the confidence is computed from.

use dom_query::local_name;

use crate::boilerplate::{self, Lean};
use crate::dom::{NodeKind, Page};
use crate::records;

/// Configuration of the scorer (one configuration serves every site).
#[derive(Debug, Clone)]
pub(crate) struct ScoringConfig {
    /// Shortest text block that counts as a paragraph.
    pub min_paragraph_chars: u32,
    /// Share of the page's prose (long, link-poor blocks) above which a boilerplate-named
    /// element is kept anyway (a quarter of it for names that also say "content").
    pub protect_share: f32,
    /// Sibling threshold as a share of the best container's score.
    pub sibling_share: f32,
    /// The share of the main region's text below which the best container is replaced by the
    /// whole region (pages not declared as articles: listings, products, forums, services) …
    pub region_share: f32,
    /// … and the same for pages declared as articles (lower: an article is usually one block).
    pub region_share_article: f32,
    /// The region replaces the container only when the region's other paragraphs hold at least
    /// this share of the container's paragraph text (content split over several blocks).
    pub region_prose_ratio: f32,
    /// Share of the page's prose that keeps an element named for reviews.
    pub reviews_share: f32,
    /// The region also replaces a selection holding less than this share of its text when
    /// the region's paragraphs before the selection hold …
    pub lead_region_share: f32,
    /// … at least this share of the selection's paragraph text, …
    pub lead_prose_ratio: f32,
    /// … at least this many characters, and more than its paragraphs after the selection.
    pub min_lead_chars: u32,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        ScoringConfig {
            min_paragraph_chars: 25,
            protect_share: 0.4,
            sibling_share: 0.2,
            region_share: 0.5,
            region_share_article: 0.25,
            region_prose_ratio: 0.5,
            reviews_share: 0.7,
            lead_region_share: 0.7,
            lead_prose_ratio: 0.5,
            min_lead_chars: 300,
        }
    }
}

/// Per-node measurements and the chosen content.
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    /// Roots of the content, in document order.
    pub roots: Vec<usize>,
    /// Nodes removed from the output (their whole subtree is skipped).
    pub pruned: Vec<bool>,
    /// The nearest block ancestor of each node (itself for blocks).
    pub block_of: Vec<usize>,
    /// Visible characters (non-whitespace) per subtree, after pruning.
    pub chars: Vec<u32>,
    /// Characters inside links per subtree, after pruning.
    pub link_chars: Vec<u32>,
    /// The best-scoring container (inside one of the roots).
    pub best: Option<usize>,
    /// Characters of scored paragraphs per subtree.
    pub prose: Vec<u32>,
    /// Score of the best container.
    pub best_score: f32,
    /// Paragraphs (scored text blocks) inside the chosen roots.
    pub paragraphs: u32,
    /// A run of similar items taken as content ([`crate::records`]): its links are its text.
    pub records: Option<records::Run>,
    /// Whether the page declares itself an article.
    pub declared_article: bool,
}

impl Selection {
    /// The share of the page's paragraph text (what pruning left) that the roots hold; 1 for
    /// a page without paragraphs.
    pub(crate) fn prose_share(&self) -> f32 {
        let page = self.prose.first().copied().unwrap_or(0);
        if page == 0 {
            return 1.0;
        }
        let held: u32 = self
            .roots
            .iter()
            .filter_map(|&root| self.prose.get(root))
            .copied()
            .fold(0u32, u32::saturating_add);
        (held as f32 / page as f32).min(1.0)
    }
}

/// Whether an element starts a new block of text.
pub(crate) fn is_block(page: &Page, index: usize) -> bool {
    let Some(tag) = page.tag(index) else {
        return matches!(page.nodes[index].kind, NodeKind::Document);
    };
    matches!(
        *tag,
        local_name!("p")
            | local_name!("div")
            | local_name!("section")
            | local_name!("article")
            | local_name!("main")
            | local_name!("td")
            | local_name!("th")
            | local_name!("tr")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("li")
            | local_name!("ul")
            | local_name!("ol")
            | local_name!("dl")
            | local_name!("dd")
            | local_name!("dt")
            | local_name!("blockquote")
            | local_name!("pre")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("figure")
            | local_name!("figcaption")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("body")
            | local_name!("html")
            | local_name!("address")
            | local_name!("center")
            | local_name!("details")
            | local_name!("summary")
            | local_name!("fieldset")
            | local_name!("hr")
            | local_name!("nav")
            | local_name!("aside")
    )
}

fn visible_chars(text: &str) -> u32 {
    // Counted on bytes: every byte that starts a character and is not ASCII whitespace. The
    // rare non-ASCII spaces (no-break space) count as visible; that is a rounding error here.
    let count = text
        .bytes()
        .filter(|&byte| !byte.is_ascii_whitespace() && (byte & 0xC0) != 0x80)
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

fn commas(text: &str) -> u32 {
    let count = text
        .chars()
        .filter(|c| matches!(c, ',' | '，' | '、' | '،'))
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Visible characters of each text node (0 for other nodes), counted once per page.
fn text_chars(page: &Page) -> Vec<u32> {
    page.nodes
        .iter()
        .map(|node| match &node.kind {
            NodeKind::Text(text) => visible_chars(text),
            _ => 0,
        })
        .collect()
}

/// Whether each node sits inside a link within its nearest block (top-down, one pass).
fn links_within_block(page: &Page) -> Vec<bool> {
    let count = page.nodes.len();
    let mut linked = vec![false; count];
    for index in 0..count {
        let inherited = page.nodes[index]
            .parent
            .is_some_and(|parent| linked[parent]);
        linked[index] = match page.tag(index) {
            Some(_) if is_block(page, index) => false,
            Some(&local_name!("a")) => true,
            _ => inherited,
        };
    }
    linked
}

/// Measures subtrees bottom-up: (visible chars, link chars), skipping nodes where `skip` holds.
fn measure(page: &Page, text: &[u32], skip: &[bool]) -> (Vec<u32>, Vec<u32>) {
    let count = page.nodes.len();
    let mut chars = vec![0u32; count];
    let mut link_chars = vec![0u32; count];
    for index in (0..count).rev() {
        if skip[index] {
            chars[index] = 0;
            link_chars[index] = 0;
            continue;
        }
        chars[index] = chars[index].saturating_add(text[index]);
        if page.is(index, &local_name!("a")) {
            link_chars[index] = chars[index];
        }
        if let Some(parent) = page.nodes[index].parent {
            chars[parent] = chars[parent].saturating_add(chars[index]);
            link_chars[parent] = link_chars[parent].saturating_add(link_chars[index]);
        }
    }
    (chars, link_chars)
}

fn link_density(chars: u32, link_chars: u32) -> f32 {
    if chars == 0 {
        0.0
    } else {
        (link_chars as f32 / chars as f32).min(1.0)
    }
}

/// Characters of paragraph-like text per subtree (blocks of 80+ characters with few links),
/// before pruning: what a container holds of the page's prose.
fn prose_chars(page: &Page, facts: &PageFacts, never: &[bool]) -> Vec<u32> {
    let count = page.nodes.len();
    let block_of = &facts.block_of;
    let chars = &facts.text;
    let mut own = vec![0u32; count];
    let mut own_links = vec![0u32; count];
    let mut skip = vec![false; count];
    for index in 0..count {
        skip[index] = never[index] || page.nodes[index].parent.is_some_and(|parent| skip[parent]);
        if skip[index] {
            continue;
        }
        if let NodeKind::Text(_) = page.nodes[index].kind {
            let block = block_of[index];
            own[block] = own[block].saturating_add(chars[index]);
            if facts.linked[index] {
                own_links[block] = own_links[block].saturating_add(chars[index]);
            }
        }
    }
    let mut prose = vec![0u32; count];
    for index in (0..count).rev() {
        if own[index] >= 80 && link_density(own[index], own_links[index]) < 0.3 {
            prose[index] = prose[index].saturating_add(own[index]);
        }
        if let Some(parent) = page.nodes[index].parent {
            prose[parent] = prose[parent].saturating_add(prose[index]);
        }
    }
    prose
}

/// Decides, top-down, which nodes are pruned.
fn prune(page: &Page, facts: &PageFacts, config: &ScoringConfig, trust: Trust) -> Vec<bool> {
    let count = page.nodes.len();
    let never: Vec<bool> = (0..count)
        .map(|index| page.tag(index).is_some_and(boilerplate::is_never_content))
        .collect();
    let prose = prose_chars(page, facts, &never);
    let page_prose = prose.first().copied().unwrap_or(0).max(1) as f32;
    // Without trust in hiding, only a hidden element holding most of the page's text (the
    // page itself, waiting for its script) is kept: hidden menus, dialogs and per-country
    // variants of a banner stay furniture.
    let holds_page: Vec<bool> = if trust.hidden {
        Vec::new()
    } else {
        let (text, _) = measure(page, &facts.text, &never);
        let page_text = text.first().copied().unwrap_or(0) as f32;
        text.iter()
            .map(|&chars| chars > 0 && chars as f32 >= HIDDEN_PAGE_SHARE * page_text)
            .collect()
    };
    let comments = &facts.comments;
    let mut pruned = vec![false; count];
    for index in 0..count {
        if let Some(parent) = page.nodes[index].parent
            && pruned[parent]
        {
            pruned[index] = true;
            continue;
        }
        if comments.get(index).copied().unwrap_or(false) {
            pruned[index] = true;
            continue;
        }
        let Some(tag) = page.tag(index) else {
            if matches!(page.nodes[index].kind, NodeKind::Other) {
                pruned[index] = true;
            }
            continue;
        };
        if never[index] {
            pruned[index] = true;
            continue;
        }
        if matches!(*tag, local_name!("html") | local_name!("body")) {
            continue;
        }
        let class = page.attr(index, "class").unwrap_or_default();
        let id = page.attr(index, "id").unwrap_or_default();
        // Cookie banners and modal dialogs are never the page's content, however much text
        // they hold (a consent manager's vendor list or a privacy policy in a modal can
        // outweigh a listing's short items).
        let names = boilerplate::names(class, id);
        if names.overlay {
            pruned[index] = true;
            continue;
        }
        let share = prose[index] as f32 / page_prose;
        let holds = |needed: f32| prose[index] > 0 && share >= needed;
        let protected = holds(config.protect_share);
        // A product's customer reviews can hold more prose than its description, and are
        // still not the page's content, unless they are nearly all of it (a page of reviews).
        if (trust.names || trust.reviews) && names.reviews && !holds(config.reviews_share) {
            pruned[index] = true;
            continue;
        }
        // `<noscript>` usually says "enable JavaScript", holds a tracking pixel or repeats
        // what script renders, but pages rendered by script (forums, shop front ends) put
        // their whole content there for crawlers: it stays when it holds most of the page's
        // prose (more than a copy of the visible text could).
        if matches!(*tag, local_name!("noscript")) {
            pruned[index] = !holds(0.6);
            continue;
        }
        // A collapsed tab or accordion panel (an FAQ's answers, a service's feature tabs) is
        // hidden only until a click: it is the page's content like the open one beside it.
        // Panels say so by role, by name or by the heading that labels them (ARIA's pattern).
        if !holds_page.get(index).copied().unwrap_or(false)
            && (page.attr(index, "hidden").is_some()
                || page.attr(index, "aria-hidden").is_some_and(|v| v == "true")
                || page
                    .attr(index, "style")
                    .is_some_and(boilerplate::style_hides))
            && !(names.disclosure
                || page.attr(index, "aria-labelledby").is_some()
                || page
                    .attr(index, "role")
                    .is_some_and(boilerplate::is_disclosure_role))
        {
            pruned[index] = !protected;
            continue;
        }
        // Text for screen readers only repeats a visible label ("$25.00" beside the price
        // drawn as digits) or names an icon ("Facebook"): it is not what the page shows.
        if boilerplate::is_screen_reader_only(class) && !protected {
            pruned[index] = true;
            continue;
        }
        if page
            .attr(index, "itemprop")
            .is_some_and(|v| v == "articleBody")
        {
            continue;
        }
        // The page's footer holds legal notes, footnotes and store policies: on a product page
        // those can be most of the prose, and they are still not the content.
        if matches!(*tag, local_name!("footer")) && !inside_content(page, index) {
            pruned[index] = true;
            continue;
        }
        if boilerplate::is_page_furniture(tag)
            || page.attr(index, "role").is_some_and(|role| {
                boilerplate::is_furniture_role(role) && !holds_tab_panels(page, index, role)
            })
            || matches!(*tag, local_name!("figcaption"))
        {
            pruned[index] = !protected;
            continue;
        }
        if !trust.names && !names.furniture_only {
            continue;
        }
        pruned[index] = match names.lean {
            Lean::Boilerplate => !protected,
            Lean::Mixed => !holds(config.protect_share / 4.0),
            Lean::Content | Lean::Neutral => false,
        };
    }
    pruned
}

/// Reader comments found by what they say rather than what they are named: a heading such
/// as "156 Responses to “…”" or "Leave a Reply" ([`boilerplate::is_comment_heading`]) opens
/// them, and the heading (with the wrappers that hold nothing else) and everything after it
/// in its parent are comments. Marks the roots of those subtrees.
fn comment_sections(page: &Page) -> Vec<bool> {
    let count = page.nodes.len();
    let mut marked = vec![false; count];
    for text_node in 0..count {
        // Only short texts that name replies or comments can open the section.
        let NodeKind::Text(words) = &page.nodes[text_node].kind else {
            continue;
        };
        if words.len() > 300 || !names_comments(words) {
            continue;
        }
        let mut candidate = page.nodes[text_node].parent;
        let mut heading = None;
        for _ in 0..3 {
            let Some(index) = candidate else { break };
            if is_heading_like(page, index) {
                heading = Some(index);
                break;
            }
            candidate = page.nodes[index].parent;
        }
        let Some(index) = heading else { continue };
        if marked[index] {
            continue;
        }
        // Its own words, not a link's or a button's ("Leave a comment" buttons sit inside
        // stories; "Leave a Reply" keeps its "Cancel reply" link beside it).
        let text = unlinked_text(page, index);
        if !boilerplate::is_comment_heading(&text) || inside_link(page, index) {
            continue;
        }
        // Climb the wrappers that hold nothing but the heading.
        let length = text.trim().len();
        let mut wrapper = index;
        while let Some(parent) = page.nodes[wrapper].parent {
            if page.nodes[parent].last_descendant - parent > 4 * COMMENT_HEADING_NODES
                || page.text_of(parent).trim().len() > length
                || matches!(
                    page.tag(parent),
                    Some(&local_name!("body") | &local_name!("html")) | None
                )
            {
                break;
            }
            wrapper = parent;
        }
        let mut sibling = Some(wrapper);
        while let Some(node) = sibling {
            marked[node] = true;
            sibling = page.nodes[node].next_sibling;
        }
    }
    marked
}

/// Whether an element is small and of a kind that can carry a section's heading.
fn is_heading_like(page: &Page, index: usize) -> bool {
    matches!(
        page.tag(index),
        Some(
            &local_name!("h2")
                | &local_name!("h3")
                | &local_name!("h4")
                | &local_name!("h5")
                | &local_name!("h6")
                | &local_name!("p")
                | &local_name!("div")
                | &local_name!("span")
                | &local_name!("strong")
                | &local_name!("b"),
        )
    ) && page.nodes[index].last_descendant - index <= COMMENT_HEADING_NODES
}

/// Whether a text node can open a comment section's heading, by its first word: a count
/// ("156 Responses", "One reply"), the noun itself when the count sits in its own element
/// ("Responses to …"), or the first word of a heading such as "Leave a Reply", "Join the
/// discussion", "Comments are closed", "Reader comments", "What readers say". Read without
/// copying the text: this runs on every text node of every page.
fn names_comments(text: &str) -> bool {
    const FIRST_WORDS: &[&str] = &[
        "one",
        "two",
        "three",
        "four",
        "five",
        "leave",
        "join",
        "comments",
        "comment",
        "reader",
        "what",
        "responses",
        "response",
        "replies",
        "reply",
        "thoughts",
        "thought",
    ];
    let text = text.trim_start();
    let word = text
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    if word.is_empty() || word.len() > 9 {
        return false;
    }
    word.bytes()
        .all(|byte| byte.is_ascii_digit() || byte == b',')
        || FIRST_WORDS
            .iter()
            .any(|first| first.eq_ignore_ascii_case(word))
}

/// The text of a subtree outside its links.
fn unlinked_text(page: &Page, root: usize) -> String {
    let mut out = String::new();
    let end = page.after_subtree(root);
    let mut index = root;
    while index < end {
        if index != root && page.is(index, &local_name!("a")) {
            index = page.after_subtree(index);
            continue;
        }
        if let NodeKind::Text(text) = &page.nodes[index].kind {
            crate::dom::push_collapsed(&mut out, text);
        }
        index += 1;
    }
    out
}

/// Whether a node sits inside a link (a few levels up).
fn inside_link(page: &Page, index: usize) -> bool {
    let mut node = Some(index);
    for _ in 0..6 {
        let Some(current) = node else {
            return false;
        };
        if page.is(current, &local_name!("a")) || page.is(current, &local_name!("button")) {
            return true;
        }
        node = page.nodes[current].parent;
    }
    false
}

/// Nodes (elements and text) a comment heading holds at most.
const COMMENT_HEADING_NODES: usize = 12;

/// Whether a `tablist` also wraps its tab panels (a misuse of the role that puts the page's
/// content inside the tab bar).
fn holds_tab_panels(page: &Page, index: usize, role: &str) -> bool {
    role.trim().eq_ignore_ascii_case("tablist")
        && (index + 1..page.after_subtree(index)).any(|inner| {
            page.attr(inner, "role")
                .is_some_and(|inner_role| inner_role.trim().eq_ignore_ascii_case("tabpanel"))
        })
}

/// Whether `index` sits inside an `article` or `main` element (whose own footer may hold the
/// story's last lines, and is decided like other furniture).
fn inside_content(page: &Page, index: usize) -> bool {
    let mut node = page.nodes[index].parent;
    while let Some(current) = node {
        if page.is(current, &local_name!("article")) || page.is(current, &local_name!("main")) {
            return true;
        }
        node = page.nodes[current].parent;
    }
    false
}

/// Tag- and name-based prior of a container.
fn prior(page: &Page, index: usize) -> f32 {
    let mut weight = match page.tag(index) {
        Some(&local_name!("article")) => 10.0,
        Some(&local_name!("main")) => 5.0,
        Some(&local_name!("div")) | Some(&local_name!("section")) => 2.0,
        Some(&local_name!("pre")) | Some(&local_name!("td")) | Some(&local_name!("blockquote")) => {
            1.0
        }
        Some(&local_name!("ul"))
        | Some(&local_name!("ol"))
        | Some(&local_name!("li"))
        | Some(&local_name!("dl"))
        | Some(&local_name!("form")) => -3.0,
        Some(&local_name!("h1"))
        | Some(&local_name!("h2"))
        | Some(&local_name!("h3"))
        | Some(&local_name!("th")) => -5.0,
        _ => 0.0,
    };
    if page
        .attr(index, "itemprop")
        .is_some_and(|v| v == "articleBody")
    {
        weight += 40.0;
    }
    let class = page.attr(index, "class").unwrap_or_default();
    let id = page.attr(index, "id").unwrap_or_default();
    match boilerplate::lean(class, id) {
        Lean::Content => weight += 20.0,
        Lean::Mixed => weight += 5.0,
        Lean::Boilerplate => weight -= 20.0,
        Lean::Neutral => {}
    }
    weight
}

/// The whole page as one selection (only never-content tags pruned), for learning templates.
pub(crate) fn whole_page(page: &Page) -> Selection {
    let count = page.nodes.len();
    let pruned: Vec<bool> = (0..count)
        .map(|index| {
            page.tag(index).is_some_and(boilerplate::is_never_content)
                || matches!(page.nodes[index].kind, NodeKind::Other)
        })
        .collect();
    // A pruned parent prunes its subtree: render skips whole subtrees, so marking roots suffices.
    let (chars, link_chars) = measure(page, &text_chars(page), &pruned);
    let block_of = blocks_of(page);
    Selection {
        roots: if count > 0 { vec![0] } else { Vec::new() },
        pruned,
        block_of,
        chars,
        link_chars,
        prose: vec![0; count],
        best: None,
        best_score: 0.0,
        paragraphs: 0,
        records: None,
        declared_article: false,
    }
}

/// Per-node facts that do not depend on pruning, computed once per page.
struct PageFacts {
    /// Visible characters of each text node.
    text: Vec<u32>,
    /// The nearest block ancestor of each node (itself for blocks).
    block_of: Vec<usize>,
    /// Whether each node sits inside a link within its block.
    linked: Vec<bool>,
    /// The roots of reader-comment sections ([`comment_sections`]).
    comments: Vec<bool>,
}

impl PageFacts {
    fn of(page: &Page) -> PageFacts {
        PageFacts {
            text: text_chars(page),
            block_of: blocks_of(page),
            linked: links_within_block(page),
            comments: comment_sections(page),
        }
    }
}

fn blocks_of(page: &Page) -> Vec<usize> {
    let count = page.nodes.len();
    let mut block_of = vec![0usize; count];
    for index in 0..count {
        block_of[index] = if is_block(page, index) {
            index
        } else {
            page.nodes[index]
                .parent
                .map_or(index, |parent| block_of[parent])
        };
    }
    block_of
}

/// What pruning believes besides tags and roles.
#[derive(Debug, Clone, Copy)]
struct Trust {
    /// Class and id names (`related`, `comments`, `teaser`, `caption`); names only furniture
    /// wears (`promo`, `ad`, `newsletter`) are believed either way.
    names: bool,
    /// `hidden`, `aria-hidden` and inline styles that hide.
    hidden: bool,
    /// Names of customer reviews, believed even when other names are not.
    reviews: bool,
}

/// Chooses the page's main content.
pub(crate) fn select(page: &Page, config: &ScoringConfig, declared_article: bool) -> Selection {
    let facts = PageFacts::of(page);
    let trusting = Trust {
        names: true,
        hidden: true,
        reviews: true,
    };
    let first = select_pruned(page, config, declared_article, &facts, trusting);
    // A page whose content itself wears furniture's names (a section page's list of
    // `teaser` items, a thread whose posts are `comment`s, product cards with a `caption`)
    // or waits hidden for its script comes out nearly empty: when the selection holds only a
    // small part of the page's text, names and hiding are not believed, and the result is
    // taken if it holds much more.
    let selected = |selection: &Selection| -> u32 {
        selection
            .roots
            .iter()
            .map(|&root| selection.chars[root])
            .sum()
    };
    let page_text: u32 = facts.text.iter().copied().fold(0u32, u32::saturating_add);
    let first_chars = selected(&first);
    if (first_chars as f32) < STARVED_SHARE * page_text as f32
        && first.best_score < STARVED_MAX_SCORE
    {
        let relaxed = select_pruned(
            page,
            config,
            declared_article,
            &facts,
            Trust {
                names: false,
                hidden: false,
                reviews: false,
            },
        );
        let relaxed_chars = selected(&relaxed);
        if relaxed_chars >= STARVED_MIN_CHARS
            && relaxed_chars as f32 >= STARVED_GAIN * first_chars.max(1) as f32
        {
            return relaxed;
        }
    }
    // A thread whose replies are `comment`s, a landing page whose sections are `teaser`s, a
    // category page whose card rows are `recirc` lists: the chosen blocks keep a paragraph or
    // two, so the page is not starved, but pruning took most of their own text. Unless the
    // best container is a full story (whose comments are comments), names other than
    // furniture-only ones and reviews are not believed, and the result is taken if it holds much
    // more.
    if first.best_score < STRIPPED_MAX_SCORE {
        let raw: u32 = first
            .roots
            .iter()
            .map(|&root| raw_chars(page, &facts, root))
            .fold(0u32, u32::saturating_add);
        if raw >= STRIPPED_MIN_CHARS && (first_chars as f32) < STRIPPED_SHARE * raw as f32 {
            let relaxed = select_pruned(
                page,
                config,
                declared_article,
                &facts,
                Trust {
                    names: false,
                    hidden: true,
                    reviews: true,
                },
            );
            if selected(&relaxed) as f32 >= STRIPPED_GAIN * first_chars.max(1) as f32 {
                return relaxed;
            }
        }
    }
    first
}

/// Whether `inner` lies in the subtree of `outer` (or is it).
fn overlaps(page: &Page, outer: usize, inner: usize) -> bool {
    outer <= inner && inner <= page.nodes[outer].last_descendant
}

/// Visible characters under `root`, never-content tags aside, before any other pruning.
fn raw_chars(page: &Page, facts: &PageFacts, root: usize) -> u32 {
    let end = page.after_subtree(root);
    let mut total = 0u32;
    let mut index = root;
    while index < end {
        if page.tag(index).is_some_and(boilerplate::is_never_content) {
            index = page.after_subtree(index);
            continue;
        }
        total = total.saturating_add(facts.text[index]);
        index += 1;
    }
    total
}

/// A selection holding less than this share of the page's text …
const STARVED_SHARE: f32 = 0.1;
/// … whose best container scores below this (about one short paragraph's worth) is starved;
const STARVED_MAX_SCORE: f32 = 10.0;
/// the selection made without trusting names and hiding replaces it when it holds at least
/// this many characters …
const STARVED_MIN_CHARS: u32 = 300;
/// … and this many times as many as the starved one.
const STARVED_GAIN: f32 = 3.0;
/// A selection whose best container scores below this (a few paragraphs, not a full story) …
const STRIPPED_MAX_SCORE: f32 = 80.0;
/// … and that keeps less than this share of its roots' own text (never-content tags aside) …
const STRIPPED_SHARE: f32 = 0.4;
/// … out of at least this many characters was stripped by names; …
const STRIPPED_MIN_CHARS: u32 = 1000;
/// … the selection made without believing them replaces it when it holds this many times as
/// much.
const STRIPPED_GAIN: f32 = 2.0;
/// Without trust in hiding, the share of the page's text a hidden element must hold to stay.
const HIDDEN_PAGE_SHARE: f32 = 0.5;

/// Chooses the page's main content with the given trust in names and hiding.
fn select_pruned(
    page: &Page,
    config: &ScoringConfig,
    declared_article: bool,
    facts: &PageFacts,
    trust: Trust,
) -> Selection {
    select_apart(page, config, declared_article, facts, trust, None)
}

/// Other choices for a page whose first choice reads poorly (a gallery's captions, a list of
/// other stories, a reference list): the best container apart from the first one's (neither
/// inside it nor around it), and the choice made without believing names. The caller keeps
/// whichever reads most like an article.
pub(crate) fn second_choices(
    page: &Page,
    config: &ScoringConfig,
    declared_article: bool,
    first: &Selection,
) -> Vec<Selection> {
    let facts = PageFacts::of(page);
    let trusting = Trust {
        names: true,
        hidden: true,
        reviews: true,
    };
    let mut choices = Vec::new();
    let Some(best) = first.best else {
        return choices;
    };
    // The best container alone, without the siblings and region it was widened to (a story
    // beside a list of other stories in one grid).
    if first.roots != [best] {
        let mut narrow = first.clone();
        narrow.roots = vec![best];
        narrow.records = None;
        choices.push(narrow);
    }
    let mut apart = select_apart(page, config, declared_article, &facts, trusting, Some(best));
    // When the choice grew back around the first one (its region holds both), its own best
    // container is the second choice.
    if let Some(other) = apart.best {
        let holds_first = apart
            .roots
            .iter()
            .any(|&root| overlaps(page, root, best) || overlaps(page, best, root));
        if holds_first {
            apart.roots = vec![other];
            apart.records = None;
        }
        choices.push(apart);
    }
    choices
}

/// [`select_pruned`], with the best container chosen apart from `apart` (neither inside it
/// nor holding it) when given.
fn select_apart(
    page: &Page,
    config: &ScoringConfig,
    declared_article: bool,
    facts: &PageFacts,
    trust: Trust,
    apart: Option<usize>,
) -> Selection {
    let count = page.nodes.len();
    let pruned = prune(page, facts, config, trust);
    let (chars, link_chars) = measure(page, &facts.text, &pruned);
    let block_of = facts.block_of.clone();
    let linked = &facts.linked;

    // Text attributed to each block (its own inline text, not nested blocks').
    let mut own_chars = vec![0u32; count];
    let mut own_links = vec![0u32; count];
    let mut own_commas = vec![0u32; count];
    let mut breaks = vec![0u32; count];
    for index in 0..count {
        if pruned[index] {
            continue;
        }
        match &page.nodes[index].kind {
            NodeKind::Text(text) => {
                let block = block_of[index];
                own_chars[block] = own_chars[block].saturating_add(chars[index]);
                own_commas[block] = own_commas[block].saturating_add(commas(text));
                if linked[index] {
                    own_links[block] = own_links[block].saturating_add(chars[index]);
                }
            }
            NodeKind::Element { tag, .. } if *tag == local_name!("br") => {
                let block = block_of[index];
                breaks[block] = breaks[block].saturating_add(1);
            }
            _ => {}
        }
    }

    // Credit paragraphs' ancestors.
    let mut credit = vec![0f32; count];
    let mut paragraph = vec![false; count];
    for index in 0..count {
        if own_chars[index] < config.min_paragraph_chars || pruned[index] {
            continue;
        }
        let density = link_density(own_chars[index], own_links[index]);
        if density > 0.6 {
            continue;
        }
        paragraph[index] = true;
        let length_points = (own_chars[index] as f32 / 100.0).min(3.0 + 3.0 * breaks[index] as f32);
        let score = (1.0 + own_commas[index].min(own_chars[index] / 30) as f32 + length_points)
            * (1.0 - density);
        let mut ancestor = Some(index);
        for share in [1.0, 1.0, 0.5, 0.3, 0.2, 0.1] {
            let Some(node) = ancestor else { break };
            credit[node] += score * share;
            ancestor = page.nodes[node].parent;
        }
    }

    // A paragraph wrapped in a link (a teaser card: headline, standfirst and date inside one
    // `<a>`) is another page's summary: on an article it is not evidence that the region
    // around the best container holds more of this page's content (on a listing it is the
    // content, and stays prose).
    let mut in_link = vec![false; count];
    for index in 0..count {
        in_link[index] = page.is(index, &local_name!("a"))
            || page.nodes[index]
                .parent
                .is_some_and(|parent| in_link[parent]);
    }
    let mut prose = vec![0u32; count];
    let mut own_prose = vec![0u32; count];
    for index in (0..count).rev() {
        if paragraph[index] {
            prose[index] = prose[index].saturating_add(own_chars[index]);
            if !in_link[index] {
                own_prose[index] = own_prose[index].saturating_add(own_chars[index]);
            }
        }
        if let Some(parent) = page.nodes[index].parent {
            prose[parent] = prose[parent].saturating_add(prose[index]);
            own_prose[parent] = own_prose[parent].saturating_add(own_prose[index]);
        }
    }
    let mut best: Option<(usize, f32)> = None;
    let mut score = vec![0f32; count];
    for index in 0..count {
        if credit[index] <= 0.0 || pruned[index] || page.tag(index).is_none() {
            continue;
        }
        if let Some(other) = apart
            && (overlaps(page, index, other) || overlaps(page, other, index))
        {
            continue;
        }
        let density = link_density(chars[index], link_chars[index]);
        score[index] = credit[index] * (1.0 - density) + prior(page, index);
        if best.is_none_or(|(_, top)| score[index] > top) {
            best = Some((index, score[index]));
        }
    }

    let Some((best, best_score)) = best else {
        // No paragraph anywhere: the short blocks of the main region (or body) are all there
        // is. The confidence will say how little that is.
        let region = (0..count)
            .find(|&index| {
                !pruned[index]
                    && (page.is(index, &local_name!("main"))
                        || page
                            .attr(index, "role")
                            .is_some_and(|role| role.eq_ignore_ascii_case("main")))
            })
            .or_else(|| (0..count).find(|&index| page.is(index, &local_name!("body"))));
        // Unless the page is a listing of short items (products, links with a line each).
        let run = records::find(page, &pruned, &chars);
        return Selection {
            roots: run
                .map(|run| run.parent)
                .or(region)
                .filter(|&root| chars[root] > 0)
                .into_iter()
                .collect(),
            pruned,
            block_of,
            chars,
            link_chars,
            prose,
            best: None,
            best_score: 0.0,
            paragraphs: 0,
            records: run,
            declared_article,
        };
    };

    let mut roots = vec![best];
    if let Some(parent) = page.nodes[best].parent {
        let threshold = (best_score * config.sibling_share).max(10.0);
        let best_class = page.attr(best, "class");
        roots.clear();
        for sibling in page.children(parent) {
            if sibling == best {
                roots.push(sibling);
                continue;
            }
            if pruned[sibling] || chars[sibling] == 0 {
                continue;
            }
            let mut sibling_score = score[sibling];
            if best_class.is_some() && page.attr(sibling, "class") == best_class {
                sibling_score += best_score * 0.2;
            }
            let density = link_density(chars[sibling], link_chars[sibling]);
            let text_block =
                page.is(sibling, &local_name!("p")) || own_chars[sibling] == chars[sibling];
            let keep = sibling_score >= threshold
                || (text_block && chars[sibling] > 80 && density < 0.25)
                || (text_block
                    && chars[sibling] > 20
                    && density == 0.0
                    && ends_sentence(page, sibling));
            if keep {
                roots.push(sibling);
            }
        }
    }
    // Listings, products, forums, services and documentation (and articles built from many
    // page-builder blocks) spread their content over many blocks: when the best container
    // holds only a small part of the page's main region and the rest of the region has real
    // paragraphs too, the whole region is the content.
    let share_needed = if declared_article {
        config.region_share_article
    } else {
        config.region_share
    };
    {
        let region = main_region(page, best, &pruned);
        let selected: u32 = roots.iter().map(|&root| chars[root]).sum();
        let selected_prose: u32 = roots.iter().map(|&root| prose[root]).sum();
        let selected_own: u32 = roots.iter().map(|&root| own_prose[root]).sum();
        let other_prose = if declared_article {
            own_prose[region].saturating_sub(selected_own)
        } else {
            prose[region].saturating_sub(selected_prose)
        } as f32;
        // A landing page opens with sections of its own before the block that scores best (a
        // testimonial slider, one feature band): when the region holds real prose above the
        // selection, more than below it, the page is built of sections and the region is the
        // content. An article's extra prose comes after it (comments, related stories).
        // Measured only when the share test passes, since it walks the whole region.
        let leads = || {
            if (selected as f32) >= config.lead_region_share * chars[region] as f32 {
                return false;
            }
            let (lead, tail) = prose_around(
                page,
                region,
                &roots,
                &ParagraphFacts {
                    block_of: &block_of,
                    paragraph: &paragraph,
                    in_link: &in_link,
                    own_chars: &own_chars,
                },
            );
            lead as f32 >= config.lead_prose_ratio * selected_prose as f32
                && lead >= config.min_lead_chars
                && lead >= tail
        };
        let spread = (selected as f32) < share_needed * chars[region] as f32
            && other_prose >= config.region_prose_ratio * selected_prose as f32;
        if region != best && (spread || leads()) {
            roots = vec![region];
        } else {
            // A story cut into chunks, each wrapped like its neighbours (`<div class=chunk><div
            // class=body>…</div><aside>ad</aside></div>` repeated): the body blocks of the
            // chunks beside the best one's are the story too.
            roots.extend(chunk_bodies(page, best, &pruned, &prose));
            roots.sort_unstable();
            roots.dedup();
        }
    }
    // Listings, shops and threads: a run of same-template items holding more text than the
    // scored content is the content (with what the scored content adds, if outside it).
    let paragraphs_under = |roots: &[usize]| -> usize {
        roots
            .iter()
            .map(|&root| {
                (root..page.after_subtree(root))
                    .filter(|&i| paragraph[i])
                    .count()
            })
            .sum()
    };
    let mut records = None;
    if let Some(run) = records::find(page, &pruned, &chars) {
        let selected: u32 = roots.iter().map(|&root| chars[root]).sum();
        let contains = |outer: usize, inner: usize| {
            outer <= inner && inner <= page.nodes[outer].last_descendant
        };
        let holds_selection = roots.iter().any(|&root| contains(run.parent, root));
        let within_selection = roots.iter().any(|&root| contains(root, run.parent));
        let selected_paragraphs = paragraphs_under(&roots);
        // A run apart from the scored content joins it only when that content is a short
        // intro on a page that is not an article (an article's run is its related stories).
        let joins = holds_selection || (selected_paragraphs <= 2 && !declared_article);
        if within_selection {
            // Already chosen: when the run is most of the content, its items are the text
            // even where they are mostly links (on an article, only inside the scored
            // container: around it, runs are related stories).
            if run.chars as f32 >= 0.7 * selected as f32
                && (!declared_article || contains(best, run.parent))
            {
                records = Some(run);
            }
        } else if run.chars > selected && joins {
            roots.retain(|&root| !contains(run.parent, root));
            roots.push(run.parent);
            roots.sort_unstable();
            records = Some(run);
        }
    }
    // The publisher's own marking of the story body (`itemprop=articleBody`) outranks the
    // scoring when it holds real text: siblings, regions and runs around it are furniture.
    if records.is_none() {
        let declared = declared_bodies(page, &pruned, &chars);
        let declared_chars: u32 = declared.iter().map(|&root| chars[root]).sum();
        if declared_chars >= 100 {
            roots = declared;
        }
    }
    let paragraphs = paragraphs_under(&roots);
    Selection {
        roots,
        pruned,
        block_of,
        chars,
        link_chars,
        prose,
        best: Some(best),
        best_score,
        paragraphs: u32::try_from(paragraphs).unwrap_or(u32::MAX),
        records,
        declared_article,
    }
}

/// The blocks shaped like `best` (same tag and class) inside the siblings shaped like one of
/// its near ancestors, when they hold paragraphs: the other chunks of a story split into
/// chunks (`<div class=chunk>…<div class=body>` repeated, with ads or figures between).
fn chunk_bodies(page: &Page, best: usize, pruned: &[bool], prose: &[u32]) -> Vec<usize> {
    let same_shape = |a: usize, b: usize| {
        page.tag(a).is_some()
            && page.tag(a) == page.tag(b)
            && page.attr(a, "class").is_some_and(|class| !class.is_empty())
            && page.attr(a, "class") == page.attr(b, "class")
    };
    let mut chunks = Vec::new();
    if !same_shape(best, best) {
        return chunks;
    }
    let mut chunk = best;
    for _ in 0..CHUNK_DEPTH {
        let Some(parent) = page.nodes[chunk].parent else {
            break;
        };
        chunk = parent;
        let Some(outer) = page.nodes[chunk].parent else {
            break;
        };
        if !same_shape(chunk, chunk) {
            continue;
        }
        for other in page.children(outer) {
            if other == chunk || pruned[other] || !same_shape(other, chunk) {
                continue;
            }
            // The outermost blocks shaped like `best` inside the other chunk.
            let end = page.after_subtree(other);
            let mut index = other + 1;
            while index < end {
                if pruned[index] {
                    index = page.after_subtree(index);
                } else if same_shape(index, best) {
                    if prose[index] > 0 {
                        chunks.push(index);
                    }
                    index = page.after_subtree(index);
                } else {
                    index += 1;
                }
            }
        }
        if !chunks.is_empty() {
            break;
        }
    }
    chunks
}

/// Characters of the region's own paragraphs (not inside links) before the selection and
/// after it. A paragraph before it that ends in an ellipsis is a teaser's excerpt, which
/// summarises another page, and does not count.
fn prose_around(page: &Page, region: usize, roots: &[usize], facts: &ParagraphFacts) -> (u32, u32) {
    let first = roots.iter().copied().min().unwrap_or(region);
    let end = roots
        .iter()
        .map(|&root| page.after_subtree(root))
        .max()
        .unwrap_or(region);
    // Whether each paragraph before the selection ends in an ellipsis, read from its last
    // non-blank text node (in document order, the last one seen).
    // Indexed from `region`: a text node's block lies between the region and the text.
    let mut cut = vec![false; first.saturating_sub(region)];
    for index in region..first.max(region) {
        if let NodeKind::Text(text) = &page.nodes[index].kind {
            let block = facts.block_of[index];
            let text = text.trim_end();
            if text.is_empty() || block < region || !facts.paragraph[block] {
                continue;
            }
            cut[block - region] = text.ends_with("...") || text.ends_with('…');
        }
    }
    let mut lead = 0u32;
    let mut tail = 0u32;
    for index in region..page.after_subtree(region) {
        if !facts.paragraph[index] || facts.in_link[index] {
            continue;
        }
        if index < first {
            if cut[index - region] {
                continue;
            }
            lead = lead.saturating_add(facts.own_chars[index]);
        } else if index >= end {
            tail = tail.saturating_add(facts.own_chars[index]);
        }
    }
    (lead, tail)
}

/// What [`prose_around`] reads of each node.
struct ParagraphFacts<'a> {
    block_of: &'a [usize],
    paragraph: &'a [bool],
    in_link: &'a [bool],
    own_chars: &'a [u32],
}

/// How far above the best container a story's chunk wrapper is looked for.
const CHUNK_DEPTH: usize = 6;

/// The outermost unpruned elements marked `itemprop=articleBody`, in document order.
fn declared_bodies(page: &Page, pruned: &[bool], chars: &[u32]) -> Vec<usize> {
    let mut bodies = Vec::new();
    let mut index = 0;
    while index < page.nodes.len() {
        if !pruned[index]
            && chars[index] > 0
            && page
                .attr(index, "itemprop")
                .is_some_and(|v| v == "articleBody")
        {
            bodies.push(index);
            index = page.after_subtree(index);
        } else {
            index += 1;
        }
    }
    bodies
}

/// The page's main region around `best`: the nearest `main` (or `role=main`) ancestor, else
/// the body.
fn main_region(page: &Page, best: usize, pruned: &[bool]) -> usize {
    let mut node = Some(best);
    let mut body = None;
    while let Some(current) = node {
        if !pruned[current]
            && (page.is(current, &local_name!("main"))
                || page
                    .attr(current, "role")
                    .is_some_and(|role| role.eq_ignore_ascii_case("main")))
        {
            return current;
        }
        if page.is(current, &local_name!("body")) {
            body = Some(current);
        }
        node = page.nodes[current].parent;
    }
    body.unwrap_or(best)
}

fn ends_sentence(page: &Page, index: usize) -> bool {
    let text = page.text_of(index);
    text.ends_with(['.', '!', '?', '"', '”', '。'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::text_of;

    #[test]
    fn a_consent_banner_is_never_the_content_however_long() {
        let policy = "We and our partners process your personal data, such as your browsing behaviour, to personalise advertising, measure its performance and improve our services, and you may withdraw consent at any time.";
        let vendors: String = (0..8).map(|_| format!("<p>{policy}</p>")).collect();
        let items: String = (1..=6)
            .map(|n| {
                format!(
                    "<li class=recipe><a href=/r/{n}>Slow-cooker pork ragu, version {n}</a></li>"
                )
            })
            .collect();
        let html = format!(
            "<html><body><main><h1>Tomato sauce recipes</h1><ul class=cards>{items}</ul></main><div id=onetrust-consent-sdk><div class=banner>{vendors}</div></div></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Slow-cooker pork ragu, version 1"), "{text}");
        assert!(!text.contains("personal data"), "{text}");
    }

    #[test]
    fn the_page_footer_is_never_the_content_however_long() {
        let legal = "Financing is available to qualified customers, subject to credit approval and limits, and requires a monthly payment plan with terms that vary by state.";
        let notes: String = (0..8).map(|_| format!("<p>{legal}</p>")).collect();
        let html = format!(
            "<html><body><div class=product><h1>Light laptop</h1><p>Remarkably light, thin and quiet: it fits in any bag.</p></div><footer><section class=notes>{notes}</section></footer></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Remarkably light"), "{text}");
        assert!(!text.contains("Financing"), "{text}");
    }

    #[test]
    fn an_articles_own_footer_is_judged_like_other_furniture() {
        let line = "The inquiry will report to parliament in the spring, the minister said, and its findings will be published in full.";
        let html = format!(
            "<html><body><article><p>{line}</p><footer><p>{line} {line} {line}</p></footer></article></body></html>"
        );
        let page = Page::parse(&html);
        let footer = (0..page.nodes.len())
            .find(|&index| page.is(index, &local_name!("footer")))
            .expect("a footer");
        assert!(inside_content(&page, footer));
        let selection = select(&page, &ScoringConfig::default(), true);
        assert!(!selection.pruned[footer]);
    }

    #[test]
    fn customer_reviews_are_not_a_products_content() {
        let review = "I bought this pack for a week in the mountains and it carried everything, though the hip belt could be softer, honestly.";
        let reviews: String = (0..3).map(|_| format!("<p>{review}</p>")).collect();
        let html = format!(
            "<html><body><div class=product><h1>Trail 25 pack</h1><p>Keep your gear within reach: pockets galore, a rain cover and a frame sheet that shields your back.</p><p>Ripstop nylon main body fabric has a durable water repellent finish, and the bottom resists abrasion.</p><p>A U-shaped panel with two zip sliders gives quick access to gear, and full access when open.</p><ul><li>Capacity: 25 litres</li><li>Weight: 1 lb 13 oz</li></ul></div><div id=product-reviews>{reviews}</div></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Keep your gear"), "{text}");
        assert!(!text.contains("hip belt"), "{text}");
    }

    #[test]
    fn a_section_page_whose_items_are_named_teasers_keeps_them() {
        let headlines = [
            "Holiday travel hits a record with 82 million travellers",
            "Car rental firm fuels a nationwide crime spree",
            "Flying is like a bus ride now, an expert says",
            "Airports brace for the busiest weekend of the year",
            "Rail strike called off after a late-night deal",
            "Why road trips are back in fashion this winter",
            "Ferry fares to rise by a tenth from January",
            "The quiet towns where tourists are welcome again",
        ];
        let items: String = headlines
            .iter()
            .map(|headline| {
                format!("<li class=teaser-item><a href=/story><h3>{headline}</h3></a></li>")
            })
            .collect();
        let html = format!(
            "<html><body><header><a href=/>Home</a> <a href=/news>News</a></header><main><h2>Travel</h2><ul class=teaser-list>{items}</ul></main><div class=promo>Subscribe now and save half on your first year of unlimited reading, only this week.</div></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Car rental firm"), "{text}");
        assert!(text.contains("busiest weekend"), "{text}");
        // Furniture's own names are still believed.
        assert!(!text.contains("Subscribe now"), "{text}");
    }

    #[test]
    fn an_article_still_drops_its_teasers() {
        let paragraph = "The council voted on Tuesday to close the old bridge to cars, citing cracks in two of its piers, and will open it to cyclists and walkers in the spring.";
        let body: String = (0..4).map(|_| format!("<p>{paragraph}</p>")).collect();
        let items: String = (0..6)
            .map(|n| format!("<li class=teaser-item><a href=/s{n}><h3>Another story from the city desk, number {n}</h3></a></li>"))
            .collect();
        let html = format!(
            "<html><body><article><h1>Bridge closes to cars</h1>{body}</article><ul class=teaser-list>{items}</ul></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("old bridge"), "{text}");
        assert!(!text.contains("city desk"), "{text}");
    }

    #[test]
    fn a_page_hidden_until_its_script_runs_is_read() {
        let items: String = (0..10)
            .map(|n| format!("<li class=card><a href=/i{n}>Vintage poster of a seaside town, number {n}</a><span>$2{n}.00</span></li>"))
            .collect();
        let html = format!(
            "<html><body><div class=bar>Sign in</div><div id=app style=display:none><h1>Posters</h1><ul class=results>{items}</ul></div><div style=display:none class=locale-banner>Free shipping to Canada on orders over 60 dollars, see our international page.</div></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("seaside town, number 3"), "{text}");
        assert!(!text.contains("Free shipping"), "{text}");
    }

    #[test]
    fn a_page_of_reviews_keeps_them() {
        let review = "The movers arrived on time, wrapped every piece of furniture and finished two hours earlier than they had quoted us.";
        let reviews: String = (0..6).map(|_| format!("<p>{review}</p>")).collect();
        let html = format!("<html><body><div class=reviews>{reviews}</div></body></html>");
        let text = text_of(&html);
        assert!(text.contains("The movers arrived"), "{text}");
    }

    #[test]
    fn a_landing_pages_sections_above_a_testimonial_slider_are_content() {
        let sections: String = [
            "Site surveys",
            "Planting plans",
            "Aftercare visits",
        ]
        .iter()
        .map(|name| format!("<section><h2>{name}</h2><p>Our team visits your garden to measure the beds and the light before any plan is drawn up for you and your family to agree on together</p></section>"))
        .collect();
        let quote = "They listened, planned carefully, planted everything in one week, cleaned up after themselves, and the garden still looks wonderful, three summers later, honestly.";
        let quotes: String = (0..4).map(|_| format!("<p>{quote}</p>")).collect();
        let html = format!("<html><body>{sections}<div class=slides>{quotes}</div></body></html>");
        let page = Page::parse(&html);
        // Declared an article (as some page builders declare every page): the stricter case.
        let selection = select(&page, &ScoringConfig::default(), true);
        let text = crate::render::plain_text(&crate::render::text_blocks(&page, &selection));
        assert!(text.contains("They listened"), "{text}");
        assert!(text.contains("Planting plans"), "{text}");
        assert!(text.contains("measure the beds"), "{text}");
    }

    #[test]
    fn teaser_excerpts_above_a_story_do_not_widen_it() {
        let teasers: String = (0..4)
            .map(|n| format!("<p>Ministers met on Tuesday to discuss the budget and story number {n} says that the talks in the capital may soon...</p>"))
            .collect();
        let line = "The council approved the new library on Monday, after a long debate, and building work starts in May.";
        let story: String = (0..4).map(|_| format!("<p>{line}</p>")).collect();
        let html = format!(
            "<html><body><div class=ticker>{teasers}</div><div class=story>{story}</div></body></html>"
        );
        let page = Page::parse(&html);
        let selection = select(&page, &ScoringConfig::default(), true);
        let text = crate::render::plain_text(&crate::render::text_blocks(&page, &selection));
        assert!(text.contains("new library"), "{text}");
        assert!(!text.contains("Ministers met"), "{text}");
    }

    #[test]
    fn collapsed_accordion_and_tab_panels_are_content() {
        let html = "<html><body><main><h1>Garden design services</h1><p>We plan, plant and look after gardens of every size, from a city courtyard to a country estate.</p><div class=accordion><h3>How long does a design take?</h3><div class=accordion-panel hidden><p>A first plan is ready within three weeks of the site visit, planting follows in the season.</p></div></div><div role=tabpanel style=\"display:none\"><p>Maintenance visits are monthly, with pruning and feeding planned around the year's weather.</p></div><button id=q2 aria-controls=a2>Do you water?</button><div id=a2 aria-labelledby=q2 hidden><p>Our gardeners install drip irrigation, so the beds are watered while you are away.</p></div><div class=newsletter-box hidden><p>Sign up to receive our seasonal offers, tips and the occasional discount in your inbox.</p></div></main></body></html>";
        let text = text_of(html);
        assert!(text.contains("three weeks"), "{text}");
        assert!(text.contains("Maintenance visits"), "{text}");
        assert!(text.contains("drip irrigation"), "{text}");
        assert!(!text.contains("seasonal offers"), "{text}");
    }

    #[test]
    fn a_tab_list_wrapping_its_panels_is_not_furniture() {
        let items: String = (1..=6)
            .map(|n| {
                format!(
                    "<div class=item><span>Frozen fish sticks, family pack number {n}</span></div>"
                )
            })
            .collect();
        let html = format!(
            "<html><body><main><div role=tablist><div role=tabpanel><h2>My favourites</h2><div class=grid>{items}</div></div></div></main></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("family pack number 6"), "{text}");
    }

    #[test]
    fn a_threads_replies_named_comments_are_kept() {
        let reply = "I had the same problem with the boiler last winter, and the fix was to bleed the radiators first, then reset the pump.";
        let replies: String = (0..12)
            .map(|n| format!("<div class=comment><span>user{n}</span><p>{reply}</p></div>"))
            .collect();
        let html = format!(
            "<html><body><nav><a href=/>Forums</a></nav><main><div class=thread-head><h1>Boiler keeps losing pressure</h1><p>Started by a member in Heating and plumbing, with twelve replies so far.</p></div><div class=posts><div class=post><p>My boiler drops from 1.5 bar to almost zero within two days, and there is no visible leak anywhere.</p></div>{replies}</div></main></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("drops from 1.5 bar"), "{text}");
        assert!(text.contains("bleed the radiators"), "{text}");
        assert!(!text.contains("Forums"), "{text}");
    }

    #[test]
    fn a_full_storys_comments_stay_out() {
        let line = "The council approved the new library on Monday, after a long debate about its cost, its site and its opening hours, and building work starts in May.";
        let body: String = (0..14).map(|_| format!("<p>{line}</p>")).collect();
        let comment = "Great news for the town, although I wonder who will pay for the upkeep once the grant runs out, and whether the hours will be long enough.";
        let comments: String = (0..30)
            .map(|_| format!("<li class=comment><p>{comment}</p></li>"))
            .collect();
        let html = format!(
            "<html><body><article><h1>Library approved</h1>{body}<ol class=comment-list>{comments}</ol></article></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("new library"), "{text}");
        assert!(!text.contains("upkeep"), "{text}");
    }

    #[test]
    fn a_landing_pages_teaser_sections_are_kept_and_its_reviews_left_out() {
        let feature = "Every plan includes unlimited users, shared inboxes, and reports you can build in minutes, so your team sees what matters.";
        let sections: String = (0..6)
            .map(|n| {
                format!("<section class=teaser><h2>Feature {n}</h2><p>{feature}</p></section>")
            })
            .collect();
        let review = "We switched last spring and our response times halved, the setup took one afternoon, and support answered within the hour.";
        let reviews: String = (0..6).map(|_| format!("<p>{review}</p>")).collect();
        let html = format!(
            "<html><body><main><div class=hero><h1>Help desk software</h1><div class=lead><p>One place for every customer conversation, from email, chat, phone and social media, with answers your agents can reuse.</p></div></div><div class=cta><p>Set up in an afternoon, priced per agent, with no contract, and a free trial of a month for you.</p></div><div class=features>{sections}</div><div class=reviews>{reviews}</div></main></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Feature 3"), "{text}");
        assert!(text.contains("unlimited users"), "{text}");
        assert!(!text.contains("response times halved"), "{text}");
    }

    #[test]
    fn screen_reader_only_text_is_not_shown() {
        let items: String = (1..=6)
            .map(|n| format!("<li class=card><a href=/p/{n}>Merino wool hiking sock, pair number {n}</a><span class=price>$2{n}.00<span class=sr-only>Regular price $2{n}.00</span></span></li>"))
            .collect();
        let html = format!(
            "<html><body><main><h1>Socks</h1><ul class=grid>{items}</ul></main></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("pair number 6"), "{text}");
        assert!(text.contains("$26.00"), "{text}");
        assert!(!text.contains("Regular price"), "{text}");
    }
}

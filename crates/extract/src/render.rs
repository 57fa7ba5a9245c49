//! Turns the chosen content into plain text (for analysis) and simple HTML (for display).
//!
//! The chosen roots are walked in document order. Pruned subtrees are skipped, and so are,
//! inside the content, link lists (related stories, tag lists) and the headline `<h1>` (the
//! title is its own field, unless the headline is all the post says). Text is cut into blocks
//! wherever the nearest block element changes or a `<br>` appears; blocks that are stock lines
//! ("Advertisement", "Photo: …") are dropped.
//! Blocks are joined by blank lines. The HTML keeps the block structure (paragraphs, headings,
//! list items, quotes, preformatted text) with every text escaped, and nothing else: no
//! attribute, no link, no markup from the page, so it is safe to display as it is.

use std::collections::HashMap;

use dom_query::local_name;

use crate::boilerplate::{
    MemberStat, is_member_stat_value, is_post_furniture, is_related_heading, line_is_boilerplate,
    member_stat,
};
use crate::content::Selection;
use crate::dom::{NodeKind, Page, push_collapsed};

/// What kind of block a run of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem,
    Quote,
    Preformatted,
}

/// One block of the article's text.
#[derive(Debug, Clone)]
pub(crate) struct TextBlock {
    pub kind: BlockKind,
    pub text: String,
}

fn block_kind(page: &Page, block: usize) -> BlockKind {
    match page.tag(block) {
        Some(&local_name!("h2")) => BlockKind::Heading(2),
        Some(&local_name!("h3")) => BlockKind::Heading(3),
        Some(&local_name!("h4")) => BlockKind::Heading(4),
        Some(&local_name!("h5")) | Some(&local_name!("h6")) => BlockKind::Heading(5),
        Some(&local_name!("li")) | Some(&local_name!("dd")) | Some(&local_name!("dt")) => {
            BlockKind::ListItem
        }
        Some(&local_name!("blockquote")) => BlockKind::Quote,
        Some(&local_name!("pre")) => BlockKind::Preformatted,
        _ => BlockKind::Paragraph,
    }
}

/// Whether an element inside the content is a list of links rather than text.
fn is_link_list(page: &Page, selection: &Selection, index: usize) -> bool {
    let Some(tag) = page.tag(index) else {
        return false;
    };
    let chars = selection.chars[index];
    if chars == 0 {
        return false;
    }
    // The chosen container and its ancestors are never link lists, whatever surrounds them;
    // nor is a run of listing items (whose titles are links), its ancestors or its items.
    let contains =
        |outer: usize, inner: usize| outer <= inner && inner <= page.nodes[outer].last_descendant;
    if selection.best.is_some_and(|best| contains(index, best))
        || selection.records.is_some_and(|run| {
            contains(index, run.parent)
                || (contains(run.parent, index) && run.holds_item(page, index))
        })
    {
        return false;
    }
    let density = selection.link_chars[index] as f32 / chars as f32;
    match *tag {
        local_name!("ul")
        | local_name!("ol")
        | local_name!("div")
        | local_name!("section")
        | local_name!("table")
        | local_name!("dl") => {
            density > 0.5 && (selection.prose[index] as f32) < 0.3 * chars as f32
        }
        local_name!("p") | local_name!("li") => density > 0.8 && chars < 200,
        _ => false,
    }
}

/// Whether `index` is a short heading-like block announcing links to other pages.
fn opens_related_section(page: &Page, selection: &Selection, index: usize) -> bool {
    let heading_like = matches!(
        page.tag(index),
        Some(
            &local_name!("h2")
                | &local_name!("h3")
                | &local_name!("h4")
                | &local_name!("h5")
                | &local_name!("h6")
                | &local_name!("p")
                | &local_name!("div")
        )
    );
    heading_like
        && (1..=40).contains(&selection.chars[index])
        && is_related_heading(&page.text_of(index))
}

/// Where the text resumes after a related-links heading at `index`, inside `root`. A heading
/// among other text ends its section: the rest of its parent is other pages'. A heading that
/// page builders wrapped in elements of its own announces the block beside its outermost
/// wrapper (a carousel), and only that block is skipped: the wrapper's parent may be the
/// whole page.
fn after_related_section(
    page: &Page,
    selection: &Selection,
    root: usize,
    index: usize,
) -> Option<usize> {
    if !opens_related_section(page, selection, index) {
        return None;
    }
    let mut wrapper = index;
    loop {
        let parent = page.nodes[wrapper].parent?;
        if parent < root {
            return None;
        }
        if parent == root || selection.chars[parent] > selection.chars[index] {
            if wrapper == index {
                return Some(page.after_subtree(parent));
            }
            break;
        }
        wrapper = parent;
    }
    let mut announced = page.nodes[wrapper].next_sibling;
    while let Some(sibling) = announced {
        if !selection.pruned[sibling] && selection.chars[sibling] > 0 {
            break;
        }
        announced = page.nodes[sibling].next_sibling;
    }
    Some(page.after_subtree(announced.unwrap_or(wrapper)))
}

/// Collects the text blocks of the selection.
///
/// Link lists inside the content are dropped, unless that would leave little of it: then the
/// page is itself a page of links (a category index, a link aggregator's front page, a shop's
/// grid) and its links are its content. The headline is dropped too, unless the rest is a
/// few words: then the headline is the post (a link post, a photo's page).
pub(crate) fn text_blocks(page: &Page, selection: &Selection) -> Vec<TextBlock> {
    let blocks = collect_blocks(page, selection, true, false);
    let selected: u32 = selection
        .roots
        .iter()
        .map(|&root| selection.chars[root])
        .sum();
    let kept: usize = blocks
        .iter()
        .map(|block| block.text.split_whitespace().map(str::len).sum::<usize>())
        .sum();
    let share = if selection.declared_article || kept > LINK_PAGE_MAX_PROSE {
        LINK_PAGE_SHARE_ARTICLE
    } else {
        LINK_PAGE_SHARE
    };
    let drop_link_lists = (kept as f32) >= share * selected as f32;
    let blocks = if drop_link_lists {
        blocks
    } else {
        collect_blocks(page, selection, false, false)
    };
    let words: usize = blocks
        .iter()
        .map(|block| block.text.split_whitespace().count())
        .sum();
    if words < HEADLINE_POST_MAX_WORDS {
        return drop_member_stats(collect_blocks(page, selection, drop_link_lists, true));
    }
    drop_member_stats(blocks)
}

/// Drops the figures a forum shows beside each post under the member's name ("Posts: 4,032",
/// "Joined" and its date on the next line).
fn drop_member_stats(blocks: Vec<TextBlock>) -> Vec<TextBlock> {
    let mut kept = Vec::with_capacity(blocks.len());
    let mut value_due = false;
    for block in blocks {
        let due = std::mem::take(&mut value_due);
        match member_stat(&block.text) {
            MemberStat::Whole => continue,
            MemberStat::Label => {
                value_due = true;
                continue;
            }
            MemberStat::None if due && is_member_stat_value(&block.text) => continue,
            MemberStat::None if is_post_furniture(&block.text) => continue,
            MemberStat::None => kept.push(block),
        }
    }
    kept
}

/// Share of the selection's text below which dropping its link lists is undone: on a page
/// that does not declare itself an article (a listing, a shop's category, a front page), the
/// lists of links are likely its items when they are most of what was chosen …
const LINK_PAGE_SHARE: f32 = 0.5;
/// … and on a declared article, or where what remains is an article's length, only when
/// they are nearly all of it.
const LINK_PAGE_SHARE_ARTICLE: f32 = 0.1;
/// Visible characters of text besides the link lists beyond which it is an article (a
/// listing's intro is a few lines).
const LINK_PAGE_MAX_PROSE: usize = 2_000;
/// Words of text besides the headline under which the headline is kept as the post's text.
const HEADLINE_POST_MAX_WORDS: usize = 20;

fn collect_blocks(
    page: &Page,
    selection: &Selection,
    drop_link_lists: bool,
    keep_headline: bool,
) -> Vec<TextBlock> {
    let mut blocks: Vec<TextBlock> = Vec::new();
    let mut current = String::new();
    let mut current_block: Option<usize> = None;
    let mut last_text: Option<usize> = None;
    // Where each block's text was first seen: the parent of its block element.
    let mut seen: HashMap<String, Option<usize>> = HashMap::new();
    let mut flush = |blocks: &mut Vec<TextBlock>, current: &mut String, block: Option<usize>| {
        let text = current.trim();
        if !text.is_empty()
            && !line_is_boilerplate(text)
            && !repeats(&mut seen, page, selection, text, block)
        {
            let kind = block.map_or(BlockKind::Paragraph, |block| block_kind(page, block));
            blocks.push(TextBlock {
                kind,
                text: text.to_string(),
            });
        }
        current.clear();
    };
    for &root in &selection.roots {
        let mut index = root;
        let end = page.after_subtree(root);
        while index < end {
            if selection.pruned[index]
                || (index != root
                    && ((drop_link_lists && is_link_list(page, selection, index))
                        || (!keep_headline && page.is(index, &local_name!("h1")))))
            {
                index = page.after_subtree(index);
                continue;
            }
            // "You may also like", "Related items": the rest of that section is other pages'.
            if index != root
                && let Some(resume) = after_related_section(page, selection, root, index)
            {
                index = resume;
                continue;
            }
            match &page.nodes[index].kind {
                NodeKind::Text(text) => {
                    let block = selection.block_of[index];
                    if current_block != Some(block) {
                        flush(&mut blocks, &mut current, current_block);
                        current_block = Some(block);
                    }
                    if block_kind(page, block) == BlockKind::Preformatted {
                        current.push_str(text);
                    } else {
                        if let Some(previous) = last_text
                            && !is_initial(page, previous)
                            && separately_wrapped(page, previous, index)
                            && current.ends_with(char::is_alphanumeric)
                            && text.starts_with(char::is_alphanumeric)
                        {
                            current.push(' ');
                        }
                        push_collapsed(&mut current, text);
                    }
                    last_text = Some(index);
                }
                NodeKind::Element { tag, .. } if *tag == local_name!("br") => {
                    flush(&mut blocks, &mut current, current_block);
                }
                _ => {}
            }
            index += 1;
        }
        flush(&mut blocks, &mut current, current_block);
        current_block = None;
    }
    blocks
}

/// Whether text nodes `before` and `after` (in document order) sit in separate elements
/// that touch with no whitespace between them (`<span>Weight</span><span>12 oz</span>`):
/// layout (flex rows, table-like grids) shows them apart, so their words are apart. Text
/// continuing its element (`Hel<i>lo</i>`) runs on. Looked for a few levels up only.
fn separately_wrapped(page: &Page, before: usize, after: usize) -> bool {
    let mut outer = after;
    for _ in 0..SEPARATION_DEPTH {
        let Some(parent) = page.nodes[outer].parent else {
            return false;
        };
        if parent <= before {
            // `parent` holds both: each side must be wrapped below it, in elements that lay
            // text out rather than style it (`<strong>D</strong><strong>ay` is one word).
            return outer != after
                && !is_styling(page, outer)
                && wrapper_below(page, before, parent)
                    .is_some_and(|wrapper| !is_styling(page, wrapper));
        }
        outer = parent;
    }
    false
}

/// The child of `ancestor` that holds `index`, when `index` is not itself that child and it
/// is a few levels down.
fn wrapper_below(page: &Page, index: usize, ancestor: usize) -> Option<usize> {
    let mut node = page.nodes[index].parent?;
    if node == ancestor {
        return None;
    }
    for _ in 0..SEPARATION_DEPTH {
        let parent = page.nodes[node].parent?;
        if parent == ancestor {
            return Some(node);
        }
        node = parent;
    }
    None
}

/// Inline elements that style their words (emphasis, weight, sub- and superscripts), and
/// elements without a class (a word processor's pasted `<span>`s cut words anywhere): a
/// layout's parts carry class names.
fn is_styling(page: &Page, index: usize) -> bool {
    page.attr(index, "class").is_none_or(str::is_empty)
        || matches!(
            page.tag(index),
            Some(
                &local_name!("b")
                    | &local_name!("strong")
                    | &local_name!("i")
                    | &local_name!("em")
                    | &local_name!("u")
                    | &local_name!("s")
                    | &local_name!("font")
                    | &local_name!("sup")
                    | &local_name!("sub")
                    | &local_name!("small")
                    | &local_name!("mark")
            )
        )
}

/// Whether a text node is a single letter: a drop cap (`<span class=initial>I</span><span>f
/// you …`), which starts the word after it.
fn is_initial(page: &Page, index: usize) -> bool {
    match &page.nodes[index].kind {
        NodeKind::Text(text) => text.trim().chars().count() == 1,
        _ => false,
    }
}

/// How far up from a text node the element it shares with the previous text is looked for.
const SEPARATION_DEPTH: usize = 8;

/// Whether a block's text repeats, word for word, a block seen earlier under another parent:
/// pages carry the same text twice for different screens (a desktop and a mobile copy, one
/// hidden by a stylesheet), carousels repeat their slides and forum replies quote earlier
/// posts. Repeats among siblings (an interview's recurring question, a meal plan's recurring
/// dish) are the text's own, and so are short lines (prices, labels).
fn repeats(
    seen: &mut HashMap<String, Option<usize>>,
    page: &Page,
    selection: &Selection,
    text: &str,
    block: Option<usize>,
) -> bool {
    if text.len() < REPEAT_MIN_LEN
        || block.is_some_and(|block| {
            matches!(
                page.tag(block),
                Some(&local_name!("td") | &local_name!("th"))
            ) || selection
                .records
                .is_some_and(|run| run.holds_item(page, block))
        })
    {
        return false;
    }
    let parent = block.and_then(|block| page.nodes[block].parent);
    match seen.get(text) {
        Some(&first) => first != parent,
        None => {
            seen.insert(text.to_string(), parent);
            false
        }
    }
}

/// Shortest block (in bytes) that is dropped when it repeats.
const REPEAT_MIN_LEN: usize = 20;

/// The JSON-LD `articleBody` as blocks, when it is both honest and better than what the page
/// scoring found: it must be clearly longer than the extracted text, and most of its
/// sentences must be visible on the page (publishers sometimes declare a teaser, a paywalled
/// text the reader never sees, or another article's body).
pub(crate) fn declared_body_blocks(
    page: &Page,
    found: &[TextBlock],
    body: &str,
) -> Option<Vec<TextBlock>> {
    let found_words: usize = found
        .iter()
        .map(|block| block.text.split_whitespace().count())
        .sum();
    let body_words = body.split_whitespace().count();
    if body_words < 50 || (body_words as f32) < 1.5 * found_words as f32 {
        return None;
    }
    let mut visible = String::new();
    for node in &page.nodes {
        if let NodeKind::Text(text) = &node.kind {
            push_collapsed(&mut visible, text);
        }
    }
    let sentences: Vec<String> = body
        .split(['.', '!', '?', '\n'])
        .map(|sentence| sentence.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|sentence| sentence.len() >= 30)
        .take(40)
        .collect();
    if sentences.is_empty() {
        return None;
    }
    let seen = sentences
        .iter()
        .filter(|sentence| visible.contains(sentence.as_str()))
        .count();
    if (seen as f32) < 0.6 * sentences.len() as f32 {
        return None;
    }
    Some(
        body.split('\n')
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty() && !line_is_boilerplate(line))
            .map(|text| TextBlock {
                kind: BlockKind::Paragraph,
                text,
            })
            .collect(),
    )
}

/// Whether a block is nothing but one of the page's own addresses (scheme and a trailing
/// slash aside).
pub(crate) fn is_own_address(text: &str, addresses: &[Option<&str>]) -> bool {
    let bare = |url: &str| {
        let url = url.trim();
        let url = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or(url);
        url.trim_end_matches('/').to_string()
    };
    let text = bare(text);
    !text.is_empty()
        && addresses
            .iter()
            .flatten()
            .any(|address| bare(address).eq_ignore_ascii_case(&text))
}

/// Plain text: blocks separated by blank lines.
pub(crate) fn plain_text(blocks: &[TextBlock]) -> String {
    let mut out = String::new();
    for block in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&block.text);
    }
    out
}

/// Simple structural HTML of the blocks (text escaped).
pub(crate) fn block_html(blocks: &[TextBlock]) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for block in blocks {
        if in_list && block.kind != BlockKind::ListItem {
            out.push_str("</ul>");
            in_list = false;
        }
        let text = escape(&block.text);
        match block.kind {
            BlockKind::Paragraph => out.push_str(&format!("<p>{text}</p>")),
            BlockKind::Heading(level) => out.push_str(&format!("<h{level}>{text}</h{level}>")),
            BlockKind::ListItem => {
                if !in_list {
                    out.push_str("<ul>");
                    in_list = true;
                }
                out.push_str(&format!("<li>{text}</li>"));
            }
            BlockKind::Quote => out.push_str(&format!("<blockquote><p>{text}</p></blockquote>")),
            BlockKind::Preformatted => out.push_str(&format!("<pre>{text}</pre>")),
        }
    }
    if in_list {
        out.push_str("</ul>");
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::sanitize::escape_into(&mut out, text);
    out
}

/// The text a page's default selection renders to (not declared an article): what the
/// selection and rendering tests check.
#[cfg(test)]
pub(crate) fn text_of(html: &str) -> String {
    use crate::content::{ScoringConfig, select};
    let page = Page::parse(html);
    let selection = select(&page, &ScoringConfig::default(), false);
    plain_text(&text_blocks(&page, &selection))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{ScoringConfig, select};

    #[test]
    fn a_page_of_links_keeps_its_links() {
        let links: String = (1..=12)
            .map(|n| format!("<li><a href=/c/{n}>Lang {n}</a></li>"))
            .collect();
        let html = format!(
            "<html><body><main><h1>Category: Programming languages</h1><div class=index><ul>{links}</ul></div></main></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Lang 1"), "{text}");
        assert!(text.contains("Lang 12"), "{text}");
    }

    #[test]
    fn a_link_posts_headline_is_its_text() {
        let html = "<html><body><main><div class=post><div class=meta><a href=/r/tech>r/technology</a></div><h1>Regulator says foreign satellite firms face the same limits abroad as at home, and asks the public for comment</h1><a href=https://example.com/story>example.com</a></div></main></body></html>";
        let text = text_of(html);
        assert!(text.contains("Regulator says"), "{text}");
    }

    #[test]
    fn a_storys_headline_is_not_its_text() {
        let paragraph = "The council approved the new tram line on Tuesday, after a debate that lasted well into the night and ended in a narrow vote.";
        let html = format!(
            "<html><body><article><h1>Tram line approved</h1><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("The council approved"), "{text}");
        assert!(!text.contains("Tram line approved"), "{text}");
    }

    #[test]
    fn an_article_still_drops_its_link_lists() {
        let paragraph = "The council approved the new tram line on Tuesday, after a debate that lasted well into the night and ended in a narrow vote.";
        let links: String = (1..=6)
            .map(|n| format!("<li><a href=/s/{n}>Other story {n}</a></li>"))
            .collect();
        let html = format!(
            "<html><body><article><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p><ul>{links}</ul></article></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("The council approved"), "{text}");
        assert!(!text.contains("Other story"), "{text}");
    }

    #[test]
    fn a_wrapped_related_heading_skips_only_the_block_it_announces() {
        let description = "This leather case is cut from full-grain hide and wears in with use, taking on a patina that is yours alone.";
        let cards: String = (1..=4)
            .map(|n| format!("<div class=card><a href=/p/{n}>Cable {n}</a><span>Charging cable with braided sleeve, two metres, in black</span></div>"))
            .collect();
        let html = format!(
            "<html><body><main><div class=block><header class=head><h2>You may also like</h2></header><div class=carousel>{cards}</div><p>{description}</p><p>{description}</p><p>{description}</p><p>{description}</p></div></main></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("This leather case"), "{text}");
        assert!(!text.contains("Charging cable"), "{text}");
    }

    #[test]
    fn a_listings_links_outweighing_its_intro_are_its_items() {
        let links: String = (1..=10)
            .map(|n| format!("<li><a href=/r/{n}>Sheet pan {n}</a></li>"))
            .collect();
        let html = format!(
            "<html><body><main><h1>Dinner recipes</h1><p>What is for dinner? Take the work out of it with these popular recipes.</p><ul>{links}</ul></main></body></html>"
        );
        let page = Page::parse(&html);
        let listing = select(&page, &ScoringConfig::default(), false);
        let text = plain_text(&text_blocks(&page, &listing));
        assert!(text.contains("Sheet pan 10"), "{text}");
        let article = select(&page, &ScoringConfig::default(), true);
        let text = plain_text(&text_blocks(&page, &article));
        assert!(!text.contains("Sheet pan 10"), "{text}");
    }
    #[test]
    fn touching_layout_elements_keep_their_words_apart() {
        let description = "A ripstop shell with taped seams keeps the rain out on long days in the hills, and packs into its own pocket.";
        let html = format!(
            "<html><body><div class=product><p>{description}</p><div class=spec><span class=name>Weight</span><span class=value>Twelve ounces</span></div><p><span class=cap>T</span><span class=rest>he hood rolls away.</span> It is <strong>D</strong><strong>ay</strong> wear, a <span>3</span><span>rd</span> layer.</p></div></body></html>"
        );
        let text = text_of(&html);
        assert!(text.contains("Weight Twelve ounces"), "{text}");
        assert!(text.contains("The hood rolls away"), "{text}");
        assert!(text.contains("Day wear, a 3rd layer"), "{text}");
    }
    #[test]
    fn a_block_repeated_elsewhere_is_kept_once() {
        let feature = "The larger sensor balances bright and shadowy areas in high-contrast scenes, for clearer images.";
        let question = "What did you cook first?";
        let html = format!(
            "<html><body><div class=product><div class=desktop><h2>Sharper photos</h2><p>{feature}</p></div><div class=mobile><h2>Sharper photos</h2><p>{feature}</p></div><div class=interview><p>{question}</p><p>An omelette, badly, on a camping stove in the rain.</p><p>{question}</p><p>Bread, which took me a whole weekend and three tries.</p></div><table><tr><td>Monday</td><td>Optional cardio for thirty minutes</td></tr><tr><td>Tuesday</td><td>Optional cardio for thirty minutes</td></tr></table></div></body></html>"
        );
        let text = text_of(&html);
        assert_eq!(text.matches("larger sensor").count(), 1, "{text}");
        // Short lines (headings, prices, labels) may recur on their own.
        assert_eq!(text.matches("Sharper photos").count(), 2, "{text}");
        assert_eq!(text.matches(question).count(), 2, "{text}");
        assert_eq!(text.matches("Optional cardio").count(), 2, "{text}");
    }
}

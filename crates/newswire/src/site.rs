//! One outlet's content: its articles with their paths, and everything it serves rendered
//! from them (feed, robots.txt, home page, article pages with realistic furniture).

use std::collections::HashMap;
use std::fmt::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::corpus::Piece;
use crate::rng::Rng;
use crate::synth;

const PLACES: &[&str] = &[
    "Harborview",
    "Northgate",
    "Millbrook",
    "Eastwick",
    "Saltmarsh",
    "Riverbend",
    "Kingsholm",
    "Ashgrove",
    "Westhaven",
    "Stonebridge",
    "Fallowmere",
    "Brackenridge",
    "Coldwater",
    "Elmstead",
    "Greywell",
    "Larkspur",
    "Marshfield",
    "Oakhollow",
    "Pinecrest",
    "Redcliff",
    "Silverlake",
    "Thornbury",
    "Valemount",
    "Windermoor",
];
const PAPERS: &[&str] = &[
    "Ledger",
    "Courier",
    "Gazette",
    "Tribune",
    "Herald",
    "Sentinel",
    "Chronicle",
    "Dispatch",
    "Observer",
    "Post",
];
/// The sections of every outlet's menu, with their sub-sections.
const MENU: &[(&str, [&str; 4])] = &[
    ("World", ["Europe", "Americas", "Asia", "Africa"]),
    ("Politics", ["Elections", "Council", "Policy", "Analysis"]),
    ("Business", ["Markets", "Companies", "Economy", "Property"]),
    (
        "Technology",
        ["Gadgets", "Security", "Start-ups", "Science & Tech"],
    ),
    ("Science", ["Environment", "Space", "Nature", "Research"]),
    ("Health", ["Wellbeing", "Hospitals", "Medicine", "Fitness"]),
    ("Sports", ["Football", "Cricket", "Rugby", "Athletics"]),
    ("Culture", ["Music", "Film", "Books", "Art"]),
    ("Local", ["Transport", "Schools", "Planning", "Courts"]),
    ("Courts", ["Crime", "Trials", "Inquests", "Appeals"]),
    ("Weather", ["Forecast", "Warnings", "Climate", "Tides"]),
    (
        "Opinion",
        ["Editorials", "Columnists", "Letters", "Cartoons"],
    ),
];
const FOOTER: &[&str] = &[
    "About us",
    "Contact",
    "Careers",
    "Advertise",
    "Privacy policy",
    "Terms of use",
    "Cookie settings",
    "Corrections",
    "Complaints",
    "Newsletters",
    "Archive",
    "Sitemap",
    "Accessibility",
    "Subscribe",
    "Gift subscriptions",
    "Help centre",
    "Syndication",
    "Events",
    "Puzzles",
    "Obituaries",
    "Announcements",
    "Jobs board",
    "Apps",
    "RSS feeds",
];
const COMMENTS: &[&str] = &[
    "Thanks for covering this, nobody else did.",
    "I'd like to know who is actually paying for all of it.",
    "Good piece. The second half could have used more numbers.",
    "We saw the same thing on our street last month.",
    "Not surprised in the slightest, sadly.",
    "Finally some proper local reporting.",
    "Does anyone know if the meeting is open to the public?",
    "This has been coming for years.",
    "Well written, but the headline oversells it a bit.",
    "My neighbour works there and says it is worse than reported.",
    "Interesting. Will there be a follow-up?",
    "Can we get a map of the affected area?",
];

/// The name of outlet `index`: distinct for the first 240 outlets, numbered after that.
pub(crate) fn outlet_name(index: usize) -> String {
    let place = index % PLACES.len();
    let round = index / PLACES.len();
    let paper = PAPERS[(place + round) % PAPERS.len()];
    let name = format!("{} {paper}", PLACES[place]);
    if round < PAPERS.len() {
        name
    } else {
        format!("{name} {}", round / PAPERS.len() + 1)
    }
}

/// One article as an outlet publishes it.
#[derive(Debug)]
pub(crate) struct Article {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub section: &'static str,
    pub published: SystemTime,
    /// `/YYYY/MM/slug.html`
    pub path: String,
    pub slug: String,
    pub byline: String,
    pub summary: String,
    pub photographer: String,
    pub colour: [u8; 3],
    pub comments: Vec<(String, &'static str)>,
}

/// The feed as served: body and validators.
#[derive(Debug)]
pub(crate) struct Feed {
    pub body: String,
    /// A strong entity tag, quoted.
    pub etag: String,
    pub last_modified: SystemTime,
}

/// An outlet's content and the parts of its pages that do not change between articles.
#[derive(Debug)]
pub(crate) struct Site {
    pub name: String,
    pub base_url: String,
    pub feed_url: String,
    pub images: bool,
    /// Newest first.
    pub articles: Vec<Article>,
    by_path: HashMap<String, usize>,
    by_slug: HashMap<String, usize>,
    pub feed: Feed,
    pub robots: String,
    head_assets: String,
    masthead: String,
    footer: String,
}

impl Site {
    /// An outlet serving `pieces` (numbered from `first_number` in slugs) at `base_url`.
    pub(crate) fn new(
        index: usize,
        base_url: String,
        pieces: Vec<(usize, Piece)>,
        base_time: SystemTime,
        seed: u64,
        images: bool,
        crawl_delay: Option<u32>,
    ) -> Self {
        let name = outlet_name(index);
        let feed_url = format!("{base_url}/feed.xml");
        let articles: Vec<Article> = pieces
            .into_iter()
            .map(|(number, piece)| article(number, piece, base_time, seed))
            .collect();
        let by_path = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.path.clone(), i))
            .collect();
        let by_slug = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.slug.clone(), i))
            .collect();
        let mut robots = String::from("User-agent: *\nAllow: /\n");
        if let Some(delay) = crawl_delay {
            let _ = writeln!(robots, "Crawl-delay: {delay}");
        }
        let mut site = Site {
            masthead: masthead(&name),
            footer: footer(&name, base_time),
            head_assets: head_assets(seed ^ index as u64),
            name,
            base_url,
            feed_url,
            images,
            articles,
            by_path,
            by_slug,
            feed: Feed {
                body: String::new(),
                etag: String::new(),
                last_modified: base_time,
            },
            robots,
        };
        site.feed = feed(&site);
        site
    }

    /// The article at `path`.
    pub(crate) fn article_at(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// The article whose lead image is `/img/{slug}.png`.
    pub(crate) fn article_by_slug(&self, slug: &str) -> Option<usize> {
        self.by_slug.get(slug).copied()
    }

    pub(crate) fn url(&self, article: &Article) -> String {
        format!("{}{}", self.base_url, article.path)
    }

    pub(crate) fn image_url(&self, article: &Article) -> Option<String> {
        self.images
            .then(|| format!("{}/img/{}.png", self.base_url, article.slug))
    }

    /// The home page: the latest headlines.
    pub(crate) fn home(&self) -> String {
        let mut html = String::with_capacity(16 * 1024);
        let _ = write!(
            html,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{n}</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{n}\" href=\"{f}\">{assets}</head><body>{masthead}<main class=\"front\"><h1 class=\"sr-only\">{n}</h1><ul class=\"front__list\">",
            n = escape(&self.name),
            f = self.feed_url,
            assets = self.head_assets,
            masthead = self.masthead,
        );
        for article in self.articles.iter().take(40) {
            let _ = write!(
                html,
                "<li class=\"teaser\"><span class=\"teaser__section\">{}</span> <a href=\"{}\">{}</a></li>",
                article.section,
                article.path,
                escape(&article.title)
            );
        }
        let _ = write!(html, "</ul></main>{}</body></html>", self.footer);
        html
    }

    /// The page of article `i`, furniture and all.
    pub(crate) fn page(&self, i: usize) -> String {
        let a = &self.articles[i];
        let title = escape(&a.title);
        let url = self.url(a);
        let iso = iso8601(a.published);
        let shown = long_date(a.published);
        let image = self.image_url(a);
        let mut html = String::with_capacity(48 * 1024);

        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\" class=\"no-js\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title} | {site}</title>\n\
             <meta name=\"description\" content=\"{summary}\">\n\
             <link rel=\"canonical\" href=\"{url}\">\n\
             <link rel=\"alternate\" type=\"application/rss+xml\" title=\"{site}\" href=\"{feed}\">\n\
             <meta property=\"og:type\" content=\"article\">\n\
             <meta property=\"og:title\" content=\"{title}\">\n\
             <meta property=\"og:description\" content=\"{summary}\">\n\
             <meta property=\"og:url\" content=\"{url}\">\n\
             <meta property=\"og:site_name\" content=\"{site}\">\n\
             <meta property=\"article:published_time\" content=\"{iso}\">\n\
             <meta property=\"article:section\" content=\"{section}\">\n\
             <meta property=\"article:author\" content=\"{byline}\">\n\
             <meta name=\"author\" content=\"{byline}\">\n\
             <meta name=\"twitter:card\" content=\"summary_large_image\">\n",
            site = escape(&self.name),
            summary = escape(&a.summary),
            feed = self.feed_url,
            section = a.section,
            byline = escape(&a.byline),
        );
        if let Some(image) = &image {
            let _ = writeln!(
                html,
                "<meta property=\"og:image\" content=\"{image}\">\n\
                 <meta property=\"og:image:width\" content=\"{}\">\n\
                 <meta property=\"og:image:height\" content=\"{}\">",
                crate::png::WIDTH,
                crate::png::HEIGHT
            );
        }
        let _ = write!(
            html,
            "<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\
             \"headline\":\"{h}\",\"datePublished\":\"{iso}\",\"dateModified\":\"{iso}\",\"articleSection\":\"{section}\",\
             \"author\":[{{\"@type\":\"Person\",\"name\":\"{byline}\"}}],\"publisher\":{{\"@type\":\"Organization\",\"name\":\"{site}\"}},\
             \"mainEntityOfPage\":\"{url}\"{img}}}</script>\n{assets}</head>\n",
            h = json_escape(&a.title),
            section = a.section,
            byline = json_escape(&a.byline),
            site = json_escape(&self.name),
            img = image
                .as_ref()
                .map(|i| format!(",\"image\":[\"{i}\"]"))
                .unwrap_or_default(),
            assets = self.head_assets,
        );

        let _ = write!(
            html,
            "<body class=\"article-page section-{slug_section}\">\n\
             <div class=\"cookie-banner\" role=\"dialog\" aria-label=\"Cookie consent\"><p>We use cookies and similar \
             technologies to run this site, measure how it is used and show you relevant offers. You can change your \
             choices at any time under Cookie settings.</p><button class=\"btn btn--primary\">Accept all</button>\
             <button class=\"btn\">Manage choices</button></div>\n{masthead}\n\
             <nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/\">Home</a></li>\
             <li><a href=\"/{slug_section}/\">{section}</a></li><li aria-current=\"page\">{title}</li></ol></nav>\n\
             <div class=\"layout layout--with-rail\">\n<main id=\"main\" class=\"layout__main\">\n\
             <article class=\"story\">\n<header class=\"story__header\">\
             <p class=\"story__kicker\"><a href=\"/{slug_section}/\">{section}</a></p>\
             <h1 class=\"story__headline\">{title}</h1>\
             <div class=\"story__meta\"><span class=\"byline\">By <a rel=\"author\" href=\"/authors/{author_slug}/\">{byline}</a></span> \
             <time class=\"story__date\" datetime=\"{iso}\">{shown}</time></div>\
             <ul class=\"share\">{share}</ul></header>\n",
            slug_section = a.section.to_lowercase(),
            masthead = self.masthead,
            section = a.section,
            byline = escape(&a.byline),
            author_slug = slugify(&a.byline, 4),
            share = ["Facebook", "X", "LinkedIn", "Email", "Copy link"]
                .iter()
                .enumerate()
                .map(|(k, s)| format!(
                    "<li><a class=\"share__link\" href=\"#share-{k}\" aria-label=\"Share on {s}\"><svg class=\"icon\" aria-hidden=\"true\"><use href=\"#icon-{k}\"></use></svg></a></li>"
                ))
                .collect::<String>(),
        );
        if let Some(image) = &image {
            let _ = writeln!(
                html,
                "<figure class=\"story__lead\"><img src=\"{image}\" width=\"{}\" height=\"{}\" alt=\"{title}\" loading=\"eager\">\
                 <figcaption>Photograph: {} for the {}</figcaption></figure>",
                crate::png::WIDTH,
                crate::png::HEIGHT,
                escape(&a.photographer),
                escape(&self.name),
            );
        }
        html.push_str("<div class=\"story__body\">\n");
        for (k, paragraph) in a.paragraphs.iter().enumerate() {
            let _ = writeln!(html, "<p>{}</p>", escape(paragraph));
            if k == 1 {
                self.related(&mut html, i);
            }
        }
        if a.paragraphs.len() < 2 {
            self.related(&mut html, i);
        }
        let _ = write!(
            html,
            "</div>\n<footer class=\"story__footer\"><ul class=\"tags\"><li><a href=\"/{s}/\">{section}</a></li>\
             <li><a href=\"/topics/local-news/\">Local news</a></li><li><a href=\"/topics/latest/\">Latest</a></li></ul>\
             <div class=\"author-card\"><p class=\"author-card__name\">{byline}</p><p class=\"author-card__bio\">\
             {byline} is a reporter at the {site}. Send tips to the newsdesk.</p></div></footer>\n</article>\n",
            s = a.section.to_lowercase(),
            section = a.section,
            byline = escape(&a.byline),
            site = escape(&self.name),
        );
        self.comments(&mut html, a);
        html.push_str("</main>\n<aside class=\"layout__rail\" aria-label=\"Sidebar\">\n<section class=\"most-read\"><h2>Most read</h2><ol>");
        for k in self.most_read(i) {
            let other = &self.articles[k];
            let _ = write!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                other.path,
                escape(&other.title)
            );
        }
        let _ = write!(
            html,
            "</ol></section>\n<div class=\"ad-slot ad-slot--mpu\" data-slot=\"rail-1\" aria-hidden=\"true\"></div>\n\
             <section class=\"newsletter-promo\"><h2>The Morning Briefing</h2><p>The day's essential stories from \
             the {site}, in your inbox before breakfast. Free, every weekday.</p><form class=\"newsletter-promo__form\" \
             action=\"/newsletters/subscribe\" method=\"post\"><label for=\"nl-email\">Email address</label>\
             <input id=\"nl-email\" type=\"email\" name=\"email\" placeholder=\"you@example.com\">\
             <button class=\"btn btn--primary\" type=\"submit\">Sign up</button></form>\
             <p class=\"newsletter-promo__small\">By signing up you agree to our privacy policy.</p></section>\n</aside>\n</div>\n{footer}\n\
             <script>window.dataLayer=window.dataLayer||[];window.dataLayer.push({{\"pageType\":\"article\",\"section\":\"{section}\",\
             \"published\":\"{iso}\",\"wordCount\":{words}}});</script>\n</body>\n</html>\n",
            site = escape(&self.name),
            footer = self.footer,
            section = a.section,
            words = a
                .paragraphs
                .iter()
                .map(|p| p.split_whitespace().count())
                .sum::<usize>(),
        );
        html
    }

    /// The inline "Related" box: the next three articles of the outlet.
    fn related(&self, html: &mut String, i: usize) {
        let n = self.articles.len();
        if n < 2 {
            return;
        }
        html.push_str("<aside class=\"related-inline\"><h2>Related</h2><ul>");
        for step in 1..=3.min(n - 1) {
            let other = &self.articles[(i + step) % n];
            let _ = write!(
                html,
                "<li><a href=\"{}\">{}</a></li>",
                other.path,
                escape(&other.title)
            );
        }
        html.push_str("</ul></aside>\n");
    }

    /// Eight other articles (fewer when the outlet has fewer), chosen per page.
    fn most_read(&self, i: usize) -> Vec<usize> {
        let n = self.articles.len();
        let mut rng = Rng::new(i as u64, 0x4EAD);
        let mut picked = Vec::new();
        let wanted = 8.min(n.saturating_sub(1));
        while picked.len() < wanted {
            let k = rng.below(n);
            if k != i && !picked.contains(&k) {
                picked.push(k);
            }
        }
        picked
    }

    fn comments(&self, html: &mut String, a: &Article) {
        let _ = write!(
            html,
            "<section class=\"comments\" id=\"comments\"><h2>Comments ({})</h2><ol class=\"comments__list\">",
            a.comments.len()
        );
        for (k, (name, text)) in a.comments.iter().enumerate() {
            let _ = write!(
                html,
                "<li class=\"comment\"><p class=\"comment__author\">{}</p><p class=\"comment__time\">{}</p>\
                 <p class=\"comment__text\">{}</p><button class=\"comment__reply\">Reply</button> \
                 <button class=\"comment__like\">Like ({})</button></li>",
                escape(name),
                if k == 0 {
                    "1 hour ago".to_string()
                } else {
                    format!("{} hours ago", k + 1)
                },
                escape(text),
                3 * k + 2
            );
        }
        html.push_str("</ol><p class=\"comments__policy\">Comments are moderated. Please keep it civil.</p></section>\n");
    }
}

fn article(number: usize, piece: Piece, base_time: SystemTime, seed: u64) -> Article {
    let mut rng = Rng::new(seed, 0xA000_0000 + number as u64);
    let published = base_time
        .checked_sub(Duration::from_secs(piece.age))
        .unwrap_or(base_time);
    let date: DateTime<Utc> = published.into();
    let slug = format!("{}-{number}", slugify(&piece.title, 8));
    let path = format!("{}/{slug}.html", date.format("/%Y/%m"));
    let mut texts: Vec<&'static str> = COMMENTS.to_vec();
    rng.shuffle(&mut texts);
    texts.truncate(rng.range(2, 3) as usize);
    let comments = texts
        .into_iter()
        .map(|text| (synth::person(&mut rng), text))
        .collect();
    Article {
        summary: summary(&piece.paragraphs),
        byline: synth::person(&mut rng),
        photographer: synth::person(&mut rng),
        colour: [
            rng.range(40, 220) as u8,
            rng.range(40, 220) as u8,
            rng.range(40, 220) as u8,
        ],
        title: piece.title,
        paragraphs: piece.paragraphs,
        section: piece.section,
        published,
        path,
        slug,
        comments,
    }
}

/// The feed's summary of a body: its first one or two sentences, at most 300 characters.
fn summary(paragraphs: &[String]) -> String {
    let first = paragraphs.first().map(String::as_str).unwrap_or_default();
    let mut end = first.len();
    let mut sentences = 0;
    for (i, _) in first.match_indices(". ") {
        sentences += 1;
        end = i + 1;
        if sentences == 2 || first[..end].split_whitespace().count() >= 20 {
            break;
        }
    }
    if sentences == 0 {
        end = first.len();
    }
    let text = &first[..end];
    if text.chars().count() <= 300 {
        return text.to_string();
    }
    let cut: String = text.chars().take(300).collect();
    let cut = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{cut}…")
}

/// Lowercase ASCII words of `text`, at most `max_words`, joined by hyphens.
fn slugify(text: &str, max_words: usize) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max_words)
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "story".to_string()
    } else {
        words.join("-")
    }
}

/// The RSS 2.0 feed of a site: every article, newest first, with a summary only.
fn feed(site: &Site) -> Feed {
    let last_modified = site
        .articles
        .first()
        .map(|a| a.published)
        .unwrap_or(UNIX_EPOCH);
    let mut xml = String::with_capacity(512 + site.articles.len() * 640);
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{n}</title>\n<link>{b}/</link>\n\
         <description>Latest news from the {n}</description>\n<language>en</language>\n\
         <lastBuildDate>{d}</lastBuildDate>\n<atom:link href=\"{f}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        n = escape(&site.name),
        b = site.base_url,
        d = httpdate::fmt_http_date(last_modified),
        f = site.feed_url,
    );
    for a in &site.articles {
        let url = site.url(a);
        let _ = write!(
            xml,
            "<item>\n<title>{t}</title>\n<link>{url}</link>\n<guid isPermaLink=\"true\">{url}</guid>\n\
             <pubDate>{d}</pubDate>\n<dc:creator>{by}</dc:creator>\n<category>{c}</category>\n\
             <description>{s}</description>\n</item>\n",
            t = escape(&a.title),
            d = httpdate::fmt_http_date(a.published),
            by = escape(&a.byline),
            c = a.section,
            s = escape(&a.summary),
        );
    }
    xml.push_str("</channel>\n</rss>\n");
    let etag = format!(
        "\"{:08x}-{:x}\"",
        crc32fast::hash(xml.as_bytes()),
        xml.len()
    );
    Feed {
        body: xml,
        etag,
        last_modified,
    }
}

/// The header: top bar, logo, a two-level menu and a search form.
fn masthead(name: &str) -> String {
    let mut html = String::with_capacity(8 * 1024);
    let _ = write!(
        html,
        "<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n<header class=\"masthead\">\
         <div class=\"masthead__top\"><ul class=\"masthead__utility\"><li><a href=\"/subscribe/\">Subscribe</a></li>\
         <li><a href=\"/login/\">Log in</a></li><li><a href=\"/epaper/\">Today's paper</a></li></ul></div>\
         <a class=\"masthead__logo\" href=\"/\"><svg class=\"logo\" aria-hidden=\"true\"><use href=\"#icon-logo\"></use></svg>\
         <span class=\"masthead__name\">{}</span></a>\n<nav class=\"menu\" aria-label=\"Sections\"><ul class=\"menu__list\">",
        escape(name)
    );
    for (section, subs) in MENU {
        let slug = slugify(section, 3);
        let _ = write!(
            html,
            "<li class=\"menu__item\"><a class=\"menu__link\" href=\"/{slug}/\">{s}</a><ul class=\"menu__sub\">",
            s = escape(section)
        );
        for sub in subs {
            let _ = write!(
                html,
                "<li><a class=\"menu__sublink\" href=\"/{slug}/{}/\">{}</a></li>",
                slugify(sub, 3),
                escape(sub)
            );
        }
        html.push_str("</ul></li>");
    }
    html.push_str(
        "</ul></nav>\n<form class=\"search\" action=\"/search\" role=\"search\"><label class=\"sr-only\" for=\"q\">Search</label>\
         <input id=\"q\" name=\"q\" type=\"search\" placeholder=\"Search\"><button type=\"submit\">Go</button></form></header>",
    );
    html
}

/// The page footer: four columns of links and the copyright line.
fn footer(name: &str, base_time: SystemTime) -> String {
    let year = DateTime::<Utc>::from(base_time).format("%Y");
    let mut html =
        String::from("<footer class=\"site-footer\"><div class=\"site-footer__columns\">");
    for column in FOOTER.chunks(6) {
        html.push_str("<ul class=\"site-footer__column\">");
        for link in column {
            let _ = write!(
                html,
                "<li><a href=\"/{}/\">{}</a></li>",
                slugify(link, 3),
                escape(link)
            );
        }
        html.push_str("</ul>");
    }
    let _ = write!(
        html,
        "</div><p class=\"site-footer__copyright\">© {year} {n}. All rights reserved. The {n} is a fictional \
         publication of the local newswire benchmark.</p></footer>",
        n = escape(name)
    );
    html
}

/// Stylesheet, icon sprite and a loader script, as sites put in every page's head.
fn head_assets(seed: u64) -> String {
    let mut rng = Rng::new(seed, 0xA55E7);
    let mut css = String::from(
        "<style>:root{--ink:#1a1a1a;--paper:#fff;--accent:#b3261e;--rail:320px}\
        body{margin:0;font-family:Georgia,serif;color:var(--ink);background:var(--paper)}\
        .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\
        .layout{display:grid;grid-template-columns:1fr var(--rail);gap:32px;max-width:1180px;margin:0 auto}\
        .menu__sub{display:none;position:absolute}.menu__item:hover .menu__sub{display:block}\
        .story__headline{font-size:2.4rem;line-height:1.15}.story__body p{font-size:1.1rem;line-height:1.6}\
        .related-inline{border-left:4px solid var(--accent);padding:8px 16px;margin:24px 0}\
        .cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#222;color:#fff;padding:16px}",
    );
    for (prefix, property) in [
        ("m", "margin"),
        ("p", "padding"),
        ("mt", "margin-top"),
        ("mb", "margin-bottom"),
        ("pt", "padding-top"),
        ("pb", "padding-bottom"),
        ("gap", "gap"),
    ] {
        for step in 0..16 {
            let _ = write!(css, ".{prefix}-{step}{{{property}:{}px}}", step * 4);
        }
    }
    for breakpoint in [480, 768, 1024, 1280] {
        let _ = write!(
            css,
            "@media (min-width:{breakpoint}px){{.cols-{breakpoint}{{display:grid;grid-template-columns:repeat(12,1fr)}}\
             .hide-{breakpoint}{{display:none}}.story__headline{{font-size:{}rem}}}}",
            2.0 + f64::from(breakpoint) / 1280.0
        );
    }
    css.push_str("</style>\n<svg xmlns=\"http://www.w3.org/2000/svg\" style=\"display:none\">");
    for icon in ["logo", "0", "1", "2", "3", "4", "search", "menu"] {
        let _ = write!(
            css,
            "<symbol id=\"icon-{icon}\" viewBox=\"0 0 24 24\"><path d=\"M"
        );
        for k in 0..24 {
            let _ = write!(
                css,
                "{}{}.{} {}.{}",
                if k == 0 { "" } else { " L" },
                rng.range(0, 23),
                rng.range(0, 99),
                rng.range(0, 23),
                rng.range(0, 99)
            );
        }
        css.push_str("Z\"/></symbol>");
    }
    css.push_str(
        "</svg>\n<script>(function(d){d.documentElement.className=d.documentElement.className.replace('no-js','js');\
         var q=[];window.consent=function(c){q.push(c)};window.addEventListener('load',function(){var s=d.createElement('script');\
         s.async=true;s.src='/static/app.js';d.head.appendChild(s)})})(document);</script>\n",
    );
    css
}

/// `2026-05-12T09:00:00Z`
pub(crate) fn iso8601(time: SystemTime) -> String {
    DateTime::<Utc>::from(time).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `12 May 2026, 09:00 UTC`
fn long_date(time: SystemTime) -> String {
    DateTime::<Utc>::from(time)
        .format("%-d %B %Y, %H:%M UTC")
        .to_string()
}

/// Text made safe for HTML and XML, in content and in quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct() {
        let names: std::collections::HashSet<String> = (0..300).map(outlet_name).collect();
        assert_eq!(names.len(), 300);
        assert_eq!(outlet_name(0), "Harborview Ledger");
        assert_eq!(outlet_name(1), "Northgate Courier");
    }

    #[test]
    fn summary_is_short() {
        let p = vec!["One two three. Four five six. Seven eight nine.".to_string()];
        assert_eq!(summary(&p), "One two three. Four five six.");
        let long = vec![format!("{}.", "word ".repeat(100).trim())];
        let s = summary(&long);
        assert!(s.chars().count() <= 301 && s.ends_with('…'));
    }

    #[test]
    fn slugs_are_plain() {
        assert_eq!(
            slugify("Storm hits Ashford: 3 homes flooded", 8),
            "storm-hits-ashford-3-homes-flooded"
        );
        assert_eq!(slugify("¿?", 8), "story");
    }
}

-- Serving (server team): a provider page asks "does this story have coverage from this
-- provider?" for each story it walks in heat order; this index answers it with one lookup
-- instead of scanning all of the provider's articles.
CREATE INDEX IF NOT EXISTS articles_story_provider ON articles(story_id, provider_domain);

-- The providers directory counted every article on each refresh (a GROUP BY over the whole
-- archive that also read each row for the provider's name: seconds at a million articles).
-- Counts are now kept as articles come and go, so the directory reads one row per provider.
CREATE TABLE provider_counts (
    domain   TEXT    PRIMARY KEY,
    name     TEXT    NOT NULL,
    articles INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO provider_counts (domain, name, articles)
SELECT provider_domain, MAX(provider_name), COUNT(*) FROM articles GROUP BY provider_domain;

-- The name is the one the latest article came with.
CREATE TRIGGER provider_counts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO provider_counts (domain, name, articles) VALUES (new.provider_domain, new.provider_name, 1)
    ON CONFLICT (domain) DO UPDATE SET articles = articles + 1, name = excluded.name;
END;
CREATE TRIGGER provider_counts_delete AFTER DELETE ON articles BEGIN
    UPDATE provider_counts SET articles = articles - 1 WHERE domain = old.provider_domain;
    DELETE FROM provider_counts WHERE domain = old.provider_domain AND articles <= 0;
END;
CREATE TRIGGER provider_counts_update AFTER UPDATE OF provider_domain, provider_name ON articles BEGIN
    UPDATE provider_counts SET articles = articles - 1 WHERE domain = old.provider_domain;
    DELETE FROM provider_counts WHERE domain = old.provider_domain AND articles <= 0;
    INSERT INTO provider_counts (domain, name, articles) VALUES (new.provider_domain, new.provider_name, 1)
    ON CONFLICT (domain) DO UPDATE SET articles = articles + 1, name = excluded.name;
END;

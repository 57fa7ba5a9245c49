"""Drives storyline's Fever API with the `freshrss-api` client from PyPI (which calls
`/api/fever.php`, where FreshRSS serves Fever).

Usage: fever_client.py BASE_URL USER APP_PASSWORD

Checks that a wrong password is refused, reads groups, feeds and every unread item, marks
one read and one saved, and reads the saved items back. Prints "all checks passed" at the
end; any failed check raises.
"""

import sys

from freshrss_api import FreshRSSAPI
from freshrss_api.utils.errors import AuthenticationError


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    base, user, password = sys.argv[1:4]
    try:
        FreshRSSAPI(host=base, username=user, password="wrong-password")
        raise AssertionError("a wrong api_key was accepted")
    except AuthenticationError:
        pass

    api = FreshRSSAPI(host=base, username=user, password=password)
    groups = api.get_groups()
    names = sorted(g["title"] for g in groups["groups"])
    check(names == ["Business", "Local"], f"groups {names}")
    feeds = api.get_feeds()
    check(len(feeds["feeds"]) == 3, f"feeds {feeds['feeds']}")
    feed_ids = {f["id"] for f in feeds["feeds"]}

    unread = api.get_unreads()
    check(len(unread) == 7, f"unread items {len(unread)}")
    check(all(item.feed_id in feed_ids for item in unread), "items belong to the feeds")
    check(all(not item.is_read for item in unread), "unread items are unread")
    lead = next(item for item in unread if item.title == "Quake shakes Port Aldine")
    check("Insurers brace after quake" in lead.html, "the story's other coverage is in the item")

    api.set_mark("read", lead.id)
    check(len(api.get_unreads()) == 6, "one item read")
    api.set_mark("saved", lead.id)
    saved = api.get_saved()
    check([item.id for item in saved] == [lead.id], f"saved {saved}")
    check(saved[0].is_saved and saved[0].is_read, "saved item's marks")
    api.set_mark("unsaved", lead.id)
    check(api.get_saved() == [], "unsaved")

    print("all checks passed")


if __name__ == "__main__":
    main()

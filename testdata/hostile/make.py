#!/usr/bin/env python3
"""Writes the hostile-input files of this folder (run from it). Deterministic: the same bytes
every time (gzip without a timestamp). crates/storyline/tests/hostile.rs says what storyline
must do with each, and how much time and memory it may take."""
import gzip, io
def gz(name, data):
    with open(name,'wb') as raw:
        with gzip.GzipFile(filename='', mode='wb', compresslevel=9, fileobj=raw, mtime=0) as f: f.write(data)
def page(body, title="A page"):
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body><article><h1>%s</h1>%s</article></body></html>" % (title,title,body)).encode()
MiB=1024*1024
gz("latin1-symbols.html.gz", page("<p>"+"±°"*(MiB//4)+"</p>", "Symbols"))
gz("nbsp-run.html.gz", page("<p>"+"word\u00a0"*(MiB//6)+"</p>", "No-break spaces"))
gz("entity-run.html.gz", page("<p>"+"&amp;&nbsp;&#177;"*(MiB//16)+"</p>", "Entities"))
gz("deep-nesting.html.gz", page("<div>"*100000+"<p>Deep text of the article sits at the bottom of the nest.</p>"+"</div>"*100000, "Deep"))
gz("unclosed-nesting.html.gz", page("<b><i><u><s>"*50000+"<p>Text under fifty thousand unclosed formatting tags.</p>", "Unclosed"))
gz("many-paragraphs.html.gz", page("".join("<p>Paragraph %d of a long article, with a few words in it.</p>"%i for i in range(100000)), "Paragraphs"))
gz("huge-attribute.html.gz", page('<p class="'+"x"*(2*MiB)+'">Text of the article after a huge attribute value, long enough to be an article body for the extractor to keep.</p>', "Attribute"))
gz("many-attributes.html.gz", page("<p "+" ".join("a%d=1"%i for i in range(200000))+">Text of the article after two hundred thousand attributes on one tag.</p>", "Attributes"))
gz("unclosed-comment.html.gz", page("<p>Visible start of the article.</p><!-- "+"comment text "*(MiB//13), "Comment"))
gz("long-line.txt.gz", ("A headline for a text file\n\n"+"x"*(2*MiB)+"\n").encode())
gz("record-huge-title.txt.gz", ("---\ntitle: \""+"x"*(5*MiB)+"\"\nwebUrl: https://example.org/a\n---\n\nBody.\n").encode())
gz("record-many-topics.txt.gz", ("---\ntitle: \"Many topics\"\nwebUrl: https://example.org/b\ntopics:\n"+"".join("  - topic %d\n"%i for i in range(100000))+"---\n\nBody.\n").encode())
gz("record-many-fields.txt.gz", ("---\ntitle: \"Many fields\"\nwebUrl: https://example.org/c\n"+"".join("x%d: 1\n"%i for i in range(300000))+"---\n\nBody.\n").encode())
open("utf8-few-invalid.html","wb").write(b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Gr\xc3\xb6\xc3\x9fere M\xc3\xa4rkte</title></head><body><article><h1>Gr\xc3\xb6\xc3\x9fere M\xc3\xa4rkte f\xc3\xbcr Exporteure</h1><p>Die Ausfuhren in gr\xc3\xb6\xc3\x9fere M\xc3\xa4rkte stiegen im dritten Quartal deutlich, teilte der Verband am Dienstag mit. Ein Caf\xe9 in der Innenstadt meldete ebenfalls Zuw\xc3\xa4chse.</p><p>F\xc3\xbcr das kommende Jahr erwarten die Unternehmen eine weitere Belebung der Nachfrage aus \xc3\x9cbersee, hie\xc3\x9f es in der Mitteilung.</p></article></body></html>')
t="Überschrift über Märkte\n\nDie Ausfuhren in größere Märkte stiegen im dritten Quartal deutlich, teilte der Verband am Dienstag mit.\n"
open("utf16le-bom.txt","wb").write(b"\xff\xfe"+t.encode("utf-16-le"))
open("latin1-declared.html","wb").write('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><title>Vollständig erneuert</title></head><body><article><h1>Vollständig erneuert</h1><p>Die Brücke ist nach zwei Jahren vollständig erneuert worden, teilte die Stadt am Freitag mit. Der Verkehr läuft wieder über beide Spuren.</p></article></body></html>'.encode("latin-1"))
paragraphs = "".join("<p>Paragraph %d of the report: the harbour board met on Tuesday to discuss the new ferry timetable, which residents say leaves the island without an evening crossing.</p>" % i for i in range(12))
open("control-characters.html","wb").write(b'<html><head><title>Evil \x1b]0;owned\x07 title</title></head><body><article><h1>Evil \x1b]0;owned\x07 headline \x1b[2J</h1><p>A body with an escape \x1b[31mred\x1b[0m sequence and a bell \x07 inside.</p>' + paragraphs.encode() + b'</article></body></html>')
body = "<p>" + "The harbour board met on Tuesday to discuss the new ferry timetable. " * 20 + "</p>"
open("unclosed-title.html", "w").write("<html><head><title>Ferry timetable approved<meta charset=utf-8></head><body><article><h1>Ferry timetable approved</h1>" + body * 3 + "</article></body></html>")

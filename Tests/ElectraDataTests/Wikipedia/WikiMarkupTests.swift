// WikiMarkup: each construct WikiExtractor handles, alone and nested, and HTML entities.

@testable import ElectraData
import Testing

@Suite("Wiki markup") struct WikiMarkupTests {
    func text(_ wikitext: String) -> String { WikiMarkup.paragraphs(wikitext).joined(separator: "\n") }

    @Test func templatesAndTablesGoNestedOrNot() {
        #expect(text("A {{cite|x={{nested|{{deeper}}}}|y}} b.") == "A b.")
        #expect(text("A {{{param|default}}} b.") == "A b.")
        #expect(text("Before\n{| class=x\n|-\n| cell {| inner\n| x\n|}\n|}\nAfter") == "Before\nAfter")
        #expect(text("Open {{never closed\nmore text") == "Open")
    }

    @Test func commentsReferencesAndDroppedElements() {
        #expect(text("A<!-- hidden\nlines -->b") == "Ab")
        #expect(text("Fact.<ref name=\"a\">Source, p. 3.</ref> More.<ref name=\"a\"/> End.") == "Fact. More. End.")
        #expect(text("F <math>x^2</math> and <gallery>\nA.jpg|x\n</gallery> done") == "F and done")
        #expect(text("Keep <b>bold</b>, <span style=\"x\">span</span> and a<br/>break") == "Keep bold, span and a break")
        #expect(text("Nested <ref>a <ref>b</ref> c</ref>ok") == "Nested ok")
        #expect(text("a < b and c > d") == "a < b and c > d")
    }

    @Test func linksShowTheirText() {
        #expect(text("[[Paris]] and [[Paris, Texas|the other one]] and [[apple]]s") == "Paris and the other one and apples")
        #expect(text("[[File:X.jpg|thumb|A caption with [[a link]]]]Text") == "Text")
        #expect(text("[[Image:Y.png|left]]Text [[Category:Things]][[de:Ding]]") == "Text")
        #expect(text("Visit [https://example.org the site] or [http://example.com].") == "Visit the site or.")
        #expect(text("[[:Category:Things|things]] listed") == "things listed")
    }

    @Test func quotesHeadingsListsAndMagicWords() {
        #expect(text("'''Bold''' and ''italic'' and '''''both'''''") == "Bold and italic and both")
        #expect(WikiMarkup.paragraphs("Intro.\n== History ==\nOld.\n=== Later ===\nNew.") == ["Intro.", "History", "Old.", "Later", "New."])
        #expect(WikiMarkup.paragraphs("Intro.\n* item\n# numbered\n: indented\n; term\nAfter.") == ["Intro.", "After."])
        #expect(text("__TOC__Start __NOTOC__ end") == "Start end")
        #expect(WikiMarkup.paragraphs("one\nline\n\nnext") == ["one line", "next"])
    }

    @Test func entitiesAreDecoded() {
        #expect(text("a&amp;b &lt;c&gt; d&nbsp;e &mdash; &#8212; &#x2014; &eacute; &unknown; & lone") == "a&b <c> d e — — — é &unknown; & lone")
        #expect(HTMLEntities.decode("&#0; &#x110000; &#xZZ;") == "&#0; &#x110000; &#xZZ;")
    }
}

@Suite("Wiki markup: pathological input") struct WikiMarkupPathologicalTests {
    /// Unclosed tags and brackets by the thousand stay linear (each scan is bounded).
    @Test func unclosedMarkupStaysFast() {
        let text = String(repeating: "a <b c [http://x {| ", count: 20_000) + String(repeating: "[[d ", count: 20_000)
        let clock = ContinuousClock()
        let start = clock.now
        let paragraphs = WikiMarkup.paragraphs(text)
        #expect(clock.now - start < .seconds(5))
        #expect(paragraphs.count <= 1)
    }
}

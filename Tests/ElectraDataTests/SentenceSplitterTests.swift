// SentenceSplitter: abbreviations, quotes, decimals, initials, ellipses, and piecewise splitting.

@testable import ElectraData
import Testing

@Suite("Sentence splitter") struct SentenceSplitterTests {
    let splitter = SentenceSplitter()

    @Test(arguments: [
        ("It is a truth. It is known.", ["It is a truth.", "It is known."]),
        ("Stop! Who goes there? A friend.", ["Stop!", "Who goes there?", "A friend."]),
        ("He wept... Then he left.", ["He wept...", "Then he left."]),
        ("He wept… Then he left.", ["He wept…", "Then he left."]),
        ("Wait... and see.", ["Wait... and see."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("no split here. lower case follows.", ["no split here. lower case follows."]),
        ("Ends with a number. 42 is next.", ["Ends with a number.", "42 is next."]),
        ("", []),
        ("   ", []),
        ("  Leading and trailing space.  ", ["Leading and trailing space."]),
        ("No terminator at all", ["No terminator at all"]),
    ])
    func basicSplits(_ text: String, _ expected: [String]) {
        #expect(splitter.split(text) == expected)
    }

    @Test(arguments: [
        ("Mr. Bennet replied that he had not.", ["Mr. Bennet replied that he had not."]),
        ("Mrs. Long and Dr. Smith met St. John.", ["Mrs. Long and Dr. Smith met St. John."]),
        ("Capt. Carter, Col. Forster, Gen. Lee and Lt. Dan came. Rev. Collins too.",
         ["Capt. Carter, Col. Forster, Gen. Lee and Lt. Dan came.", "Rev. Collins too."]),
        ("Fruit, e.g. Apples, and i.e. Pears. Also vs. Others, etc. Things.",
         ["Fruit, e.g. Apples, and i.e. Pears.", "Also vs. Others, etc.", "Things."]),
        ("He lives in the U.S. Army base. Then he moved.", ["He lives in the U.S. Army base.", "Then he moved."]),
        ("Prof. Xavier and Jr. Smith, Sr. Jones, Mt. Fuji.", ["Prof. Xavier and Jr. Smith, Sr. Jones, Mt. Fuji."]),
        ("See No. 5 and no. 6 today. Go.", ["See No. 5 and no. 6 today.", "Go."]),
        ("\"No. I will not,\" said she.", ["\"No.", "I will not,\" said she."]),
        ("(Mr. Darcy) smiled.", ["(Mr. Darcy) smiled."]),
    ])
    func abbreviationsDoNotSplit(_ text: String, _ expected: [String]) {
        #expect(splitter.split(text) == expected)
    }

    @Test(arguments: [
        ("J. K. Rowling wrote it. A. Smith read it.", ["J. K. Rowling wrote it.", "A. Smith read it."]),
        ("So did I. Then we left.", ["So did I.", "Then we left."]),
        ("It was Mr. Bennet's. Then he went.", ["It was Mr. Bennet's.", "Then he went."]),
        ("Pi is 3.14 roughly. It is 2.5. Yes.", ["Pi is 3.14 roughly.", "It is 2.5.", "Yes."]),
        ("It cost $3. The end.", ["It cost $3.", "The end."]),
    ])
    func initialsAndDecimals(_ text: String, _ expected: [String]) {
        #expect(splitter.split(text) == expected)
    }

    @Test(arguments: [
        ("\"Is he married or single?\" \"Oh! Single, my dear.\"", ["\"Is he married or single?\"", "\"Oh!", "Single, my dear.\""]),
        ("He said \u{201C}Go.\u{201D} She went.", ["He said \u{201C}Go.\u{201D}", "She went."]),
        ("(It ended.) Then more.", ["(It ended.)", "Then more."]),
        ("She left. (Later she came back.)", ["She left.", "(Later she came back.)"]),
        ("She asked, 'Why?' 'Because.'", ["She asked, 'Why?'", "'Because.'"]),
        ("The end.\" and then", ["The end.\" and then"]),
    ])
    func quotesAndBrackets(_ text: String, _ expected: [String]) {
        #expect(splitter.split(text) == expected)
    }

    /// Where NLTK's punkt (English parameters) splits, as measured by scripts/compare_punkt.py on the
    /// novel: always after `!` and `?`, after `etc.` before a capital, and not after an abbreviation
    /// that follows a dash.
    @Test(arguments: [
        ("\"Oh! my dear Mr. Bennet,\" as she entered.", ["\"Oh!", "my dear Mr. Bennet,\" as she entered."]),
        ("\"Do you want to know who has taken it?\" cried his wife.", ["\"Do you want to know who has taken it?\"", "cried his wife."]),
        ("\"Good Heaven! what is to become of us?\"", ["\"Good Heaven!", "what is to become of us?\""]),
        ("Really?! yes. no.", ["Really?!", "yes. no."]),
        ("Five altogether--Mr. Bingley, his sisters.", ["Five altogether--Mr. Bingley, his sisters."]),
        ("He is come\u{2014}Mr. Bingley is come.", ["He is come\u{2014}Mr. Bingley is come."]),
        ("A well-known Dr. Jones. A one-off. Mr. Smith.", ["A well-known Dr. Jones.", "A one-off.", "Mr. Smith."]),
        ("Unable to accept the invitation, etc. Mrs. Bennet was disconcerted.",
         ["Unable to accept the invitation, etc.", "Mrs. Bennet was disconcerted."]),
        ("Apples, pears, etc. are fruit.", ["Apples, pears, etc. are fruit."]),
        ("This is not fair. _You_ wish it.", ["This is not fair.", "_You_ wish it."]),
    ])
    func punktBehaviour(_ text: String, _ expected: [String]) {
        #expect(splitter.split(text) == expected)
    }

    func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func completedSentencesKeepTheUnfinishedRest() {
        let text = Array("One. Two. Three is not done".utf8)
        let (ranges, rest) = splitter.completedSentences(in: text)
        #expect(ranges.map { string(text[$0]) } == ["One.", "Two."])
        #expect(string(text[rest...]) == "Three is not done")
        // A terminator at the very end is undecided: the next text may start lower-case.
        let open = Array("One. Two.".utf8)
        let (openRanges, openRest) = splitter.completedSentences(in: open)
        #expect(openRanges.count == 1 && string(open[openRest...]) == "Two.")
    }

    @Test func piecewiseEqualsWhole() {
        let text = "Mr. A. Smith came. He saw! \"Did he?\" Yes… Maybe. It is 3.5 m. No. 7 is here. e.g. This. "
            + "\u{00C9}mile said \u{201C}Non.\u{201D} \u{00C9}tienne\u{00A0}left. \u{4E2D}\u{6587}. Ok."
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count where cut == bytes.count || bytes[cut] & 0xC0 != 0x80 {
            var pieces: [String] = []
            var buffer = Array(bytes[..<cut])
            let (ranges, rest) = splitter.completedSentences(in: buffer)
            pieces += ranges.map { string(buffer[$0]) }
            buffer = Array(buffer[rest...]) + bytes[cut...]
            pieces += splitter.split(string(buffer[...]))
            #expect(pieces == splitter.split(text), "cut at \(cut)")
        }
        #expect(splitter.split(text).count == 10)   // "3.5 m. No. 7 is here. e.g. This." stays whole
    }

    @Test(arguments: [
        ("\u{00C9}mile left. \u{00C9}tienne stayed.", ["\u{00C9}mile left.", "\u{00C9}tienne stayed."]),
        ("Caf\u{00E9}. \u{00DC}ber alles.", ["Caf\u{00E9}.", "\u{00DC}ber alles."]),
        ("It ended.\u{00A0}\u{3000}Next one.", ["It ended.", "Next one."]),
        ("\u{00AB}Oui.\u{00BB} \u{00AB}Non.\u{00BB}", ["\u{00AB}Oui.\u{00BB}", "\u{00AB}Non.\u{00BB}"]),
        ("\u{4E2D}\u{6587}. \u{65E5}\u{672C}.", ["\u{4E2D}\u{6587}.", "\u{65E5}\u{672C}."]),
        ("Dr. \u{00C9}mile came. Then\u{2026} \u{00C9}l.", ["Dr. \u{00C9}mile came.", "Then\u{2026}", "\u{00C9}l."]),
        ("Le Pr. \u{00C9}mile. Fin.", ["Le Pr.", "\u{00C9}mile.", "Fin."]),
    ])
    func nonASCIIText(_ text: String, _ expected: [String]) {
        #expect(splitter.split(text) == expected)
    }
}

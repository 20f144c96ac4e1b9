// HTMLEntities: the character references of HTML and XML (`&amp;`, `&nbsp;`, `&#8212;`, `&#x2014;`),
// decoded; for Wikipedia dumps (XML escaping) and the wikitext inside them (HTML entities).

/// Decodes character references.
enum HTMLEntities {
    /// The named references met in Wikipedia text (a subset of HTML's 2,231, with every one in
    /// XML and Latin-1 that articles use, and typographic punctuation).
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ensp": " ", "emsp": " ",
        "thinsp": " ", "ndash": "–", "mdash": "—", "minus": "−", "lsquo": "‘", "rsquo": "’", "ldquo": "“",
        "rdquo": "”", "sbquo": "‚", "bdquo": "„", "laquo": "«", "raquo": "»", "hellip": "…", "middot": "·",
        "bull": "•", "prime": "′", "Prime": "″", "deg": "°", "times": "×", "divide": "÷", "plusmn": "±",
        "frac12": "½", "frac14": "¼", "frac34": "¾", "sup2": "²", "sup3": "³", "micro": "µ", "para": "¶",
        "sect": "§", "copy": "©", "reg": "®", "trade": "™", "euro": "€", "pound": "£", "yen": "¥",
        "cent": "¢", "dagger": "†", "Dagger": "‡", "larr": "←", "rarr": "→", "harr": "↔", "zwj": "",
        "zwnj": "", "shy": "", "lrm": "", "rlm": "", "iexcl": "¡", "iquest": "¿", "ordf": "ª", "ordm": "º",
        "aacute": "á", "eacute": "é", "iacute": "í", "oacute": "ó", "uacute": "ú", "agrave": "à",
        "egrave": "è", "ograve": "ò", "auml": "ä", "euml": "ë", "ouml": "ö", "uuml": "ü", "Auml": "Ä",
        "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "ccedil": "ç", "ntilde": "ñ", "aring": "å", "oslash": "ø",
        "aelig": "æ", "Eacute": "É", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "pi": "π",
        "mu": "μ", "sigma": "σ", "omega": "ω", "Omega": "Ω", "infin": "∞", "le": "≤", "ge": "≥", "ne": "≠",
        "asymp": "≈",
    ]

    /// `text` with every known reference decoded; unknown or malformed ones are left as they are.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";"), let value = reference(after[..<semi]) {
                out += value
                rest = after[after.index(after: semi)...]
            } else {
                out += "&"
                rest = after
            }
        }
        out += rest
        return out
    }

    /// The text of one reference's name (`amp`, `#233`, `#xE9`), or nil.
    private static func reference(_ name: Substring) -> String? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
        return named[String(name)]
    }
}

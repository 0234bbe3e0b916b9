/// Decodes HTML character references (`&amp;`, `&#233;`, `&#x1F600;`) while scanning.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "copy": "©", "reg": "®",
        "trade": "™", "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“",
        "rdquo": "”", "sbquo": "‚", "bdquo": "„", "laquo": "«", "raquo": "»", "euro": "€", "pound": "£", "yen": "¥",
        "cent": "¢", "sect": "§", "para": "¶", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷", "middot": "·",
        "bull": "•", "dagger": "†", "iexcl": "¡", "iquest": "¿", "shy": "\u{AD}", "micro": "µ", "frac12": "½",
        "frac14": "¼", "frac34": "¾", "sup2": "²", "sup3": "³", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓",
        "aacute": "á", "eacute": "é", "iacute": "í", "oacute": "ó", "uacute": "ú", "agrave": "à", "egrave": "è",
        "igrave": "ì", "ograve": "ò", "ugrave": "ù", "acirc": "â", "ecirc": "ê", "icirc": "î", "ocirc": "ô",
        "ucirc": "û", "auml": "ä", "euml": "ë", "iuml": "ï", "ouml": "ö", "uuml": "ü", "yuml": "ÿ", "atilde": "ã",
        "otilde": "õ", "ntilde": "ñ", "ccedil": "ç", "aring": "å", "aelig": "æ", "oslash": "ø", "szlig": "ß",
        "Aacute": "Á", "Eacute": "É", "Iacute": "Í", "Oacute": "Ó", "Uacute": "Ú", "Agrave": "À", "Egrave": "È",
        "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "Ntilde": "Ñ", "Ccedil": "Ç", "Aring": "Å", "AElig": "Æ",
        "Oslash": "Ø", "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "pi": "π", "sigma": "σ", "mu": "μ",
        "omega": "ω", "lambda": "λ", "theta": "θ", "infin": "∞", "ne": "≠", "le": "≤", "ge": "≥", "thinsp": "\u{2009}",
        "ensp": "\u{2002}", "emsp": "\u{2003}", "zwj": "\u{200D}", "zwnj": "\u{200C}",
    ]

    /// The decoded value and the index past the reference, or nil when `&` is literal.
    static func decode(_ s: [Unicode.Scalar], at start: Int) -> (value: String, end: Int)? {
        var i = start + 1
        guard i < s.count else { return nil }
        if s[i] == "#" {
            i += 1
            var radix = 10
            if i < s.count, s[i] == "x" || s[i] == "X" { radix = 16; i += 1 }
            var digits = ""
            while i < s.count, digits.count < 8, s[i].properties.isASCIIHexDigit, radix == 16 || ("0"..."9").contains(s[i]) {
                digits.unicodeScalars.append(s[i]); i += 1
            }
            guard !digits.isEmpty, let code = UInt32(digits, radix: radix) else { return nil }
            if i < s.count, s[i] == ";" { i += 1 }
            let scalar = (code == 0 ? nil : Unicode.Scalar(code)) ?? "\u{FFFD}"
            return (String(scalar), i)
        }
        var name = ""
        while i < s.count, name.count < 10, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) {
            name.unicodeScalars.append(s[i]); i += 1
        }
        guard let value = named[name] else { return nil }
        if i < s.count, s[i] == ";" { i += 1 }
        return (value, i)
    }
}

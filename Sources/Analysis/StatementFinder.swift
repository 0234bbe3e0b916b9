import DocuThinkerCore
import TextProcessing
import Foundation

/// Finds sentences of a given rhetorical kind: discussion material (contrast, evaluation, claims,
/// open questions) and recommendations (directives, modals of obligation, advice).
enum StatementFinder {
    static let contrast = ["however", "but", "although", "though", "whereas", "yet", "nevertheless", "nonetheless",
                           "despite", "in contrast", "on the other hand", "instead", "while", "conversely", "unlike"]
    static let evaluation = ["should", "must", "important", "significant", "significantly", "critical", "crucial",
                             "risk", "risks", "benefit", "benefits", "likely", "unlikely", "suggest", "suggests",
                             "argue", "argues", "claim", "claims", "believe", "controversial", "debate", "concern",
                             "concerns", "problem", "challenge", "challenges", "limitation", "limitations", "unclear",
                             "uncertain", "may", "might", "could", "evidence", "effective", "ineffective", "better",
                             "worse", "best", "worst", "fail", "fails", "failed", "success", "successful", "impact"]
    static let causal = ["because", "therefore", "thus", "hence", "leads to", "lead to", "results in", "caused",
                         "causes", "due to", "consequently", "as a result"]
    static let directiveVerbs: Set<String> = [
        "add", "adopt", "align", "allocate", "always", "apply", "assess", "automate", "avoid", "be", "build", "call",
        "check", "choose", "clarify", "collect", "communicate", "configure", "confirm", "consider", "consolidate",
        "contact", "create", "define", "delegate", "deploy", "design", "develop", "discuss", "do", "document", "don't",
        "eliminate", "enable", "encourage", "engage", "ensure", "establish", "evaluate", "expand", "explore", "fix",
        "focus", "follow", "gather", "give", "hire", "identify", "implement", "improve", "include", "increase",
        "install", "invest", "keep", "launch", "learn", "limit", "listen", "maintain", "make", "measure", "migrate",
        "monitor", "never", "note", "open", "optimize", "organize", "plan", "prepare", "prioritize", "protect",
        "provide", "publish", "read", "reduce", "refactor", "remember", "remove", "replace", "report", "request",
        "require", "restrict", "review", "run", "save", "schedule", "secure", "select", "send", "set", "share",
        "simplify", "start", "stop", "streamline", "study", "submit", "support", "take", "test", "track", "train",
        "try", "update", "upgrade", "use", "validate", "verify", "watch", "write",
    ]
    static let obligation = ["should", "must", "need to", "needs to", "ought to", "have to", "has to", "recommend",
                             "recommended", "recommends", "advise", "advised", "advisable", "suggest that", "we suggest",
                             "it is important to", "it is essential", "is required", "make sure", "be sure to",
                             "it is best to", "consider"]

    /// How strongly a sentence invites discussion, and its flavour.
    static func discussionStrength(_ lowerWords: [String], lowerText: String, isQuestion: Bool) -> (Double, Flavour) {
        if isQuestion { return (2.0, .question) }
        let words = Set(lowerWords)
        func has(_ phrase: String) -> Bool { phrase.contains(" ") ? lowerText.contains(phrase) : words.contains(phrase) }
        let contrastHits = contrast.filter(has).count
        let causalHits = causal.filter(has).count
        let evaluationHits = evaluation.filter(has).count
        let strength = 0.9 * Double(min(contrastHits, 2)) + 0.6 * Double(min(causalHits, 2)) + 0.35 * Double(min(evaluationHits, 3))
        let flavour: Flavour = contrastHits > 0 ? .contrast : causalHits > 0 ? .causal : words.contains("should") || words.contains("must") ? .normative : .evaluative
        return (strength, flavour)
    }

    /// How clearly a sentence tells the reader to do something.
    static func directiveStrength(_ lowerWords: [String], lowerText: String, isQuestion: Bool) -> Double {
        guard !isQuestion, let first = lowerWords.first else { return 0 }
        var strength = 0.0
        if directiveVerbs.contains(first), lowerWords.count > 2 { strength += 1.2 }
        let words = Set(lowerWords)
        for phrase in obligation where phrase.contains(" ") ? lowerText.contains(phrase) : words.contains(phrase) {
            strength += 0.8
        }
        return min(strength, 2.5)
    }

    enum Flavour {
        case question, contrast, causal, normative, evaluative
    }

    static let leadingConnectives = ["however", "but", "yet", "still", "moreover", "furthermore", "nevertheless",
                                     "nonetheless", "therefore", "thus", "hence", "consequently", "also", "indeed", "so"]

    /// Turns a statement into a discussion question that quotes it faithfully.
    /// `isProperNoun` tells whether the first word must keep its capital.
    static func question(from sentence: String, flavour: Flavour, isProperNoun: (String) -> Bool) -> String {
        var claim = sentence.trimmingCharacters(in: .whitespacesAndNewlines)
        if flavour == .question { return claim }
        while let last = claim.unicodeScalars.last, ".!;:".unicodeScalars.contains(last) { claim.unicodeScalars.removeLast() }
        // Drop a leading connective ("However, …"): the question states the claim itself.
        if let first = claim.split(separator: " ").first {
            let word = first.trimmingCharacters(in: .punctuationCharacters).lowercased()
            if leadingConnectives.contains(word), claim.split(separator: " ").count > 4 {
                claim = String(claim.dropFirst(first.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        let firstWord = String(claim.split(separator: " ").first ?? "")
        let keepCapital = firstWord.hasSuffix(".") || firstWord == "I" || isProperNoun(firstWord)
            || firstWord.dropFirst().contains(where: \.isUppercase)
        let lowered = keepCapital ? claim : claim.prefix(1).lowercased() + claim.dropFirst()
        switch flavour {
        case .contrast: return (claim.prefix(1).uppercased() + claim.dropFirst()) + " — which side of this is more convincing, and why?"
        case .causal: return "How convincing is the reasoning that \(lowered)?"
        case .normative: return "Do you agree that \(lowered)?"
        case .evaluative, .question: return "What evidence supports or challenges the claim that \(lowered)?"
        }
    }
}

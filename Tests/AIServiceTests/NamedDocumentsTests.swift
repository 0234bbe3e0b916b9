@testable import AIService
import Testing

/// Questions that name a document by a word of its title are answered from it first (#16).
@Suite("Named documents")
struct NamedDocumentsTests {
    let library = [(id: "g", title: "gnuplot documentation"), (id: "o", title: "octave"), (id: "r", title: "R-intro"),
                   (id: "p1", title: "4. More Control Flow Tools — Python 3.11.2 documentation"), (id: "p2", title: "Debian Python Policy")]

    @Test func aQuestionNamesTheDocumentsWhoseTitleWordItUses() {
        #expect(NamedDocuments.named(in: "How do I put the legend outside the plot in gnuplot?", titles: library) == ["g"])
        #expect(NamedDocuments.named(in: "What is R?", titles: library) == ["r"], "one capital letter names R")
        #expect(NamedDocuments.named(in: "Can R read what Octave's save writes?", titles: library) == ["o", "r"])
        #expect(NamedDocuments.named(in: "Which Python version does Debian ship?", titles: library) == ["p1", "p2"])
    }

    @Test func kindsOfDocumentAndCommonTitleWordsNameNothing() {
        #expect(NamedDocuments.named(in: "Which documentation explains the control flow tools?", titles: library) == ["p1"],
                "documentation is generic; the tutorial's other title words name it")
        #expect(NamedDocuments.named(in: "Where is the documentation?", titles: library).isEmpty)
        #expect(NamedDocuments.named(in: "what is r squared?", titles: library).isEmpty, "a lower-case letter is not R")
        #expect(NamedDocuments.named(in: "How do I plot in gnuplot?", titles: [(id: "g", title: "gnuplot documentation")]).isEmpty,
                "a library of one document")
        let twoPython = [(id: "a", title: "Python tutorial"), (id: "b", title: "Python policy")]
        #expect(NamedDocuments.named(in: "How does Python handle errors?", titles: twoPython).isEmpty, "in every title: names nothing")
    }
}

public import Analysis
public import Foundation
public import Storage

/// Scores extracted entities against hand-annotated documents (`bench/graph/*.json`): an
/// extracted entity is right when one of its surface forms is one of an annotated entity's
/// (normalised: case, dots, possessives, "the"); each annotated entity is found at most once,
/// so an entity split in two counts one miss-free hit and one false positive.
public enum EntityEvaluation {
    /// An annotated document.
    public struct Document: Codable, Sendable {
        public var id: String
        public var text: String
        public var entities: [Entity]
    }

    /// An annotated entity.
    public struct Entity: Codable, Sendable {
        public var name: String
        public var type: String
        public var aliases: [String]
    }

    struct File: Codable {
        var documents: [Document]
    }

    /// Precision, recall and F1 from counts.
    public struct Score: Codable, Sendable, Equatable {
        public var truePositives = 0
        public var predicted = 0
        public var gold = 0
        public var precision: Double { predicted == 0 ? 0 : Double(truePositives) / Double(predicted) }
        public var recall: Double { gold == 0 ? 0 : Double(truePositives) / Double(gold) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

        static func + (a: Score, b: Score) -> Score {
            Score(truePositives: a.truePositives + b.truePositives, predicted: a.predicted + b.predicted, gold: a.gold + b.gold)
        }
    }

    /// The scores of a set: names only, names with types, and names with types by type.
    public struct Report: Sendable {
        public var names = Score()
        public var typed = Score()
        public var byType: [String: Score] = [:]
        /// Per document: what was extracted wrongly and what was missed (for tuning).
        public var errors: [(document: String, falsePositives: [String], misses: [String])] = []
    }

    /// Reads an annotated file.
    public static func load(_ path: String) throws -> [Document] {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path))).documents
    }

    /// Extracts every document (as plain text, segmented like an upload) and scores it.
    public static func run(_ documents: [Document], extractor: EntityExtractor) -> Report {
        var report = Report()
        for document in documents {
            let prepared = AnalysisDocument(id: document.id, text: document.text)
            let graph = extractor.extract(text: prepared.text, sentences: prepared.sentences)
            score(graph, against: document, into: &report)
        }
        return report
    }

    static func score(_ graph: DocumentGraph, against document: Document, into report: inout Report) {
        let gold = document.entities.map { entity in Set(([entity.name] + entity.aliases).map(EntityResolver.normalise)) }
        var matchedName = Array(repeating: false, count: gold.count)
        var falsePositives: [String] = []
        for entity in graph.entities {
            let forms = Set(([entity.name] + entity.aliases).map(EntityResolver.normalise))
            let type = entity.type
            if let k = gold.indices.first(where: { !matchedName[$0] && !gold[$0].isDisjoint(with: forms) }) {
                matchedName[k] = true
                report.names.truePositives += 1
                if document.entities[k].type == type {
                    report.typed.truePositives += 1
                    report.byType[type, default: Score()].truePositives += 1
                } else {
                    falsePositives.append("\(entity.name) [\(type), gold \(document.entities[k].type)]")
                }
            } else {
                falsePositives.append("\(entity.name) [\(type)]")
            }
            report.names.predicted += 1
            report.typed.predicted += 1
            report.byType[type, default: Score()].predicted += 1
        }
        for entity in document.entities { report.byType[entity.type, default: Score()].gold += 1 }
        report.names.gold += gold.count
        report.typed.gold += gold.count
        let misses = document.entities.indices.filter { !matchedName[$0] }.map { "\(document.entities[$0].name) [\(document.entities[$0].type)]" }
        report.errors.append((document.id, falsePositives, misses))
    }
}

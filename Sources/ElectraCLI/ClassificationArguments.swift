// ClassificationArguments: command-line parsing of the classification and tagging choices (GLUE
// tasks, data formats, label kinds, tagging schemes, entity matching), shared by the evaluate,
// finetune and predict commands.

import ArgumentParser
import ElectraData
import Foundation

extension GLUETask: ExpressibleByArgument {
    /// `cola`, `sst2` (or `sst-2`, `SST-2`), `mrpc`, `stsb` (`sts-b`), `qqp`, `mnli`, `qnli`, `rte`, `wnli`.
    public init?(argument: String) { self.init(name: argument) }
}

extension GLUESplit: ExpressibleByArgument {}
extension LabeledTextFormat: ExpressibleByArgument {}
extension LabelKind: ExpressibleByArgument {}
extension TaggingScheme: ExpressibleByArgument {}

/// How `electra evaluate ner` decides entity boundaries (see `EntityMatching`).
enum EntityMatchingMode: String, CaseIterable, ExpressibleByArgument {
    case conlleval, seqeval, strict

    /// The matching for this mode; strict mode needs `scheme`.
    func matching(scheme: TaggingScheme) -> EntityMatching {
        switch self {
        case .conlleval: return .conlleval
        case .seqeval: return .seqeval
        case .strict: return .strict(scheme)
        }
    }
}

extension ClassificationError {
    /// The error as the one-line message a command ends with.
    var commandError: CommandError { CommandError(description) }
}

/// Reports skipped rows on standard error: the first few with file and line, then the count.
func reportSkipped(_ skipped: [SkippedRow], limit: Int = 10) {
    guard !skipped.isEmpty else { return }
    var text = ""
    for row in skipped.prefix(limit) { text += "\(row)\n" }
    let files = Set(skipped.map(\.path)).sorted().joined(separator: ", ")
    text += "skipped \(skipped.count) malformed row\(skipped.count == 1 ? "" : "s") in \(files)\n"
    FileHandle.standardError.write(Data(text.utf8))
}

// `electra inspect`: what a model directory holds.

import ArgumentParser
import Electra
import ElectraTensor
import Foundation

public struct InspectCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model directory's configuration, parameter counts by group, and tensors.",
        discussion: "Example: electra inspect runs/demo/export/discriminator"
    )

    @Argument(help: "A model directory (Hugging Face layout).")
    var directory: String

    @Flag(help: "Leave out the list of tensors.")
    var brief = false

    public func run() throws {
        let contents = try ModelDirectory.open(directory)
        let c = contents.config
        print("\(directory): \(c.architectures?.joined(separator: ", ") ?? "no architectures listed")")
        print("  vocab \(c.vocabSize), embedding \(c.embeddingSize), hidden \(c.hiddenSize), layers \(c.numHiddenLayers), "
              + "heads \(c.numAttentionHeads), intermediate \(c.intermediateSize), positions \(c.maxPositionEmbeddings), "
              + "types \(c.typeVocabSize), activation \(c.hiddenAct), layer_norm_eps \(c.layerNormEps)")
        print("  dropout hidden \(c.hiddenDropoutProb), attention \(c.attentionProbsDropoutProb); vocab.txt \(contents.vocabularyPath == nil ? "missing" : "present")")
        print("  tokenizer: " + Self.tokenizerSummary(directory))
        let file = contents.weights
        print("  weights: " + file.files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))
        var groups: [(String, Int)] = []
        func add(_ group: String, _ count: Int) {
            if let index = groups.firstIndex(where: { $0.0 == group }) { groups[index].1 += count } else { groups.append((group, count)) }
        }
        for name in file.names {
            let count = file.tensors[name]!.shape.reduce(1, *)
            if name.contains("embeddings") { add("embeddings", count) }
            else if let range = name.range(of: #"encoder\.layer\.\d+"#, options: .regularExpression) { add(String(name[range]), count) }
            else { add(String(name.split(separator: ".").first ?? "other"), count) }
        }
        let total = groups.reduce(0) { $0 + $1.1 }
        print("  parameters: \(total.formatted())")
        for (group, count) in groups { print("    " + group.padding(toLength: 34, withPad: " ", startingAt: 0) + count.formatted()) }
        guard !brief else { return }
        print("  tensors:")
        for name in file.names {
            let info = file.tensors[name]!
            print("    " + name.padding(toLength: 64, withPad: " ", startingAt: 0) + "\(info.dtype.rawValue) \(info.shape)")
        }
    }

    /// The tokenization `directory` asks for, or why it cannot be used.
    static func tokenizerSummary(_ directory: String) -> String {
        let source = FileManager.default.fileExists(atPath: directory + "/tokenizer_config.json") ? "tokenizer_config.json" : "defaults"
        do {
            let t = try TokenizerConfig(directory: directory)
            func yes(_ value: Bool) -> String { value ? "yes" : "no" }
            return "lower-case \(yes(t.doLowerCase)), strip accents \(yes(t.stripsAccents))"
                + (t.stripAccents == nil ? " (follows lower-case)" : "") + ", split CJK \(yes(t.tokenizeChineseChars)) (\(source))"
        } catch {
            return "unusable: \(error)"
        }
    }
}

// `electra build-vocab`: learns a WordPiece vocabulary from text files.

import ArgumentParser
import ElectraTensor
import ElectraTokenizer
import Foundation

public struct BuildVocabCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "build-vocab",
        abstract: "Train a WordPiece vocabulary (vocab.txt) from text files.",
        discussion: """
            Words come from BERT's basic tokenizer; pieces are learned by merging the most frequent \
            adjacent pair of symbols, with ## marking word continuations (Hugging Face's WordPieceTrainer). \
            The special tokens come first with BERT's ids: [PAD]=0, [unused0..98], [UNK]=100, [CLS]=101, \
            [SEP]=102, [MASK]=103. The same text and options always give the same file.
            """
    )

    @Argument(help: "Text files to learn from.")
    var files: [String]

    @Option(help: "Where to write the vocabulary.")
    var output: String

    @Option(help: "Number of tokens, special tokens included.")
    var size = 30522

    @Flag(help: "Keep case and accents (a cased vocabulary).")
    var cased = false

    @Option(help: "Keep at most this many distinct characters (the most frequent).")
    var limitAlphabet = 1000

    @Option(help: "Never merge a pair seen fewer times than this.")
    var minFrequency = 2

    @Option(help: "Number of [unusedN] placeholders after [PAD] (BERT: 99).")
    var unused = 99

    public func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one text file to learn from") }
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file): check the path")
        }
        guard size > unused + 5 else { throw ValidationError("--size must exceed the \(unused + 5) special and placeholder tokens") }
        guard limitAlphabet > 0, minFrequency >= 1, unused >= 0 else {
            throw ValidationError("--limit-alphabet and --min-frequency must be positive and --unused not negative")
        }
    }

    public func run() throws {
        let trainer = VocabularyTrainer(size: size, alphabetLimit: limitAlphabet, minimumFrequency: minFrequency,
                                        unusedTokens: unused, lowercase: !cased)
        var words = VocabularyTrainer.WordCounts(lowercase: !cased)
        var bytes = 0
        let start = Date()
        for file in files {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            defer { try? handle.close() }
            // Lines come in pieces of at most 1 MiB cut at whitespace, so memory stays bounded on any input.
            let reader = LinePieceReader(descriptor: handle.fileDescriptor, name: file, maxBytes: 1 << 20)
            while let piece = try reader.next() {
                bytes += piece.text.utf8.count + (piece.endsLine ? 1 : 0)
                words.add(piece.text)
            }
        }
        let tokens = trainer.train(words)
        try writeAtomically(Data((tokens.joined(separator: "\n") + "\n").utf8), to: output)
        print("build-vocab: \(tokens.count) tokens from \(words.distinctWords) distinct words "
              + "(\(String(format: "%.1f", Double(bytes) / 1e6)) MB) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s → \(output)")
        if tokens.count < size {
            print("note: the text supports only \(tokens.count) of the \(size) tokens asked for (no pair left with --min-frequency \(minFrequency))")
        }
    }
}

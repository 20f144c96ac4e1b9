// `electra benchmark tokenizer`: WordPiece throughput per core, beside Hugging Face's Rust tokenizer
// on the same text in the same run.

import ArgumentParser
import ElectraTokenizer
import Foundation

public struct TokenizerBenchmarkCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Tokenizer throughput (MB/s on one core) versus Hugging Face's BertTokenizerFast.",
        discussion: """
            Encodes every non-empty line of the text (ids and offsets, no special tokens) on one thread, \
            best of 3 passes per round; rounds alternate with scripts/benchmark_tokenizer_fast.py, which \
            times Hugging Face's Rust tokenizer on one core on the same lines.
            """
    )

    @Option(help: "Text to tokenize (default: the bundled novel).")
    var text = "data/text/pride-and-prejudice-pg1342.txt"

    @Option(help: "WordPiece vocabulary (default: the bundled uncased one).")
    var vocab: String?

    @Flag(help: "Cased tokenization.")
    var cased = false

    @Option(help: "Interleaved rounds.")
    var rounds = 2

    @Option(help: "Python with the tokenizers package (default: .venv-ref/bin/python if present; 'none' to skip).")
    var python: String?

    public func validate() throws {
        guard FileManager.default.isReadableFile(atPath: text) else {
            throw ValidationError("cannot read \(text): pass a text file with --text")
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    public func run() throws {
        let vocabularyPath = vocab ?? Vocabulary.bundledPath(cased: cased)
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary(contentsOf: vocabularyPath), lowercase: !cased)
        let data = try Data(contentsOf: URL(fileURLWithPath: text))
        let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
        let bytes = Double(lines.reduce(0) { $0 + $1.utf8.count })
        let reference = PythonReference(python: python, script: "scripts/benchmark_tokenizer_fast.py")
        print("electra benchmark tokenizer: \(lines.count) lines, \(String(format: "%.2f", bytes / 1e6)) MB of \(text), one core")
        if reference == nil { print("(Hugging Face tokenizers not found: pass --python PATH to compare)") }

        var ours = Double.infinity, theirs = Double.infinity
        var tokens = 0
        for _ in 1...rounds {
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                tokens = 0
                for line in lines { tokens += tokenizer.encode(line).ids.count }
                ours = min(ours, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            if let reference {
                var arguments = ["--vocab", vocabularyPath, "--text", text]
                if cased { arguments.append("--cased") }
                let result = try reference.run(arguments)
                theirs = min(theirs, result["seconds"] ?? .infinity, result["batch_seconds"] ?? .infinity)
            }
        }
        print(String(format: "electra:        %7.2f MB/s  (%.0f tokens/s)", bytes / ours / 1e6, Double(tokens) / ours))
        if theirs.isFinite {
            print(String(format: "HF tokenizers:  %7.2f MB/s", bytes / theirs / 1e6))
            print(String(format: "ratio:          %.2fx (above 1: electra is faster)", theirs / ours))
        }
    }
}

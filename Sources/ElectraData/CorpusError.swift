// CorpusError: why a pretraining corpus could not be read or prepared, with the fix.

/// A problem with the corpus or the output of `electra prepare`; each message names the file and
/// says what to do.
public enum CorpusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An input path does not exist.
    case missingInput(path: String)
    /// A directory given as input holds no `*.txt` file.
    case noTextFiles(directory: String)
    /// The inputs hold no sentence at all.
    case noText(paths: [String])
    /// A file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// A line is longer than the reader accepts.
    case lineTooLong(path: String, line: Int, limit: Int)
    /// A sentence (in `paragraphs` format) runs on longer than the reader accepts.
    case sentenceTooLong(path: String, line: Int, limit: Int)
    /// The output directory cannot be created or written.
    case outputNotWritable(path: String, reason: String)
    /// The part files given to `electra prepare --merge` are missing, damaged or from different runs.
    case unmergeableParts(path: String, detail: String)

    /// The message for the user: what went wrong, where, and what to do.
    public var description: String {
        switch self {
        case .missingInput(let path):
            return "\(path) does not exist: pass text files or directories of *.txt files"
        case .noTextFiles(let directory):
            return "\(directory) holds no *.txt file: pass the files themselves, or a directory of *.txt files"
        case .noText(let paths):
            let named = paths.count <= 3 ? paths.joined(separator: ", ") : "\(paths.count) files"
            return "no text found in \(named): the files are empty or hold only blank lines"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case .lineTooLong(let path, let line, let limit):
            return "\(path):\(line): the line is longer than \(Self.size(limit)); a corpus has one sentence or "
                + "paragraph line per line: split the text into lines"
        case .sentenceTooLong(let path, let line, let limit):
            return "\(path):\(line): a sentence runs on for more than \(Self.size(limit)) without an end; "
                + "check that --format paragraphs is right for this text, or split it into lines"
        case .outputNotWritable(let path, let reason):
            return "cannot write to \(path): \(reason); pass a writable directory with --output"
        case .unmergeableParts(let path, let detail):
            return "cannot merge \(path): \(detail); pass the directories holding every part of one "
                + "`electra prepare --part i/n` run (same inputs and options, parts 0 to n-1, each finished)"
        }
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

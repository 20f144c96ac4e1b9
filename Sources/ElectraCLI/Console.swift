// Console: output that reaches a pipe or a log file as soon as it is printed.

import Foundation

/// Unbuffered writes to standard output (Swift's `print` is block-buffered when output is a pipe, so
/// progress would arrive only at exit).
enum Console {
    /// Whether standard output is a terminal (progress lines redraw in place there).
    static let isTerminal = isatty(STDOUT_FILENO) != 0

    /// Writes `text` and a newline.
    static func line(_ text: String) { write(text + "\n") }

    /// Writes `text` as is.
    static func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}

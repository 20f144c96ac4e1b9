// BatchWindow: one process's rows of a batch that several processes draw random numbers for together.
//
// A draw over a batch-major tensor (a dropout mask `[B, T, C]`, attention-probability masks
// `[B, heads, T, T]`, Gumbel noise `[rows, V]`) gives element `i` the generator's word at
// `position + i`, then advances the generator past the tensor. When N data-parallel processes each
// hold `count` of the `total` rows of one global batch, process r's elements are the words its rows
// would have had in the global tensor: it starts `first · perRow` words in and advances by
// `total · perRow`, exactly as one process with the whole batch would. N processes × b rows and one
// process × N·b rows then draw the same numbers for the same examples, and a single process (the
// whole batch as its window) draws exactly what it drew before windows existed.

/// Rows `first ..< first + count` of a batch of `total` rows.
public struct BatchWindow: Sendable, Equatable, Codable {
    public let first: Int
    public let count: Int
    public let total: Int

    public init(first: Int, count: Int, total: Int) {
        precondition(first >= 0 && count >= 0 && first + count <= total,
                     "BatchWindow: rows \(first)..<\(first + count) of \(total)")
        self.first = first
        self.count = count
        self.total = total
    }

    /// The whole of a batch of `rows` rows.
    public static func whole(_ rows: Int) -> BatchWindow { BatchWindow(first: 0, count: rows, total: rows) }

    /// The `index`-th of `parts` equal shares of a batch of `total` rows (`total` a multiple of `parts`).
    public static func share(_ index: Int, of parts: Int, total: Int) -> BatchWindow {
        precondition(parts >= 1 && total % parts == 0 && (0..<parts).contains(index),
                     "BatchWindow.share: \(total) rows do not split into \(parts) equal shares")
        let count = total / parts
        return BatchWindow(first: index * count, count: count, total: total)
    }

    /// The range of rows, `first ..< first + count`.
    public var rows: Range<Int> { first..<(first + count) }
}

extension RandomGenerator {
    /// This generator restricted to `window`: the draws `claim` hands out for batch-major tensors
    /// start at the window's first row and skip the whole batch.
    public func windowed(_ window: BatchWindow) -> RandomGenerator {
        var copy = self
        copy.window = window
        return copy
    }

    /// The generator to draw this process's part of a batch-major tensor of `count` words (its
    /// window's rows; all of it without a window) with, at the position its first element has in the
    /// whole tensor; advances this generator past the whole tensor. Element `i` of this process's
    /// part is then the returned generator's word at `position + i`.
    ///
    /// `count` must be a multiple of the window's row count. Kernels that draw such tensors (dropout,
    /// attention-probability dropout, Gumbel noise) call this once per tensor.
    public mutating func claim(words count: Int) -> RandomGenerator {
        guard let window else { return claim(wordsPerRow: count, in: BatchWindow.whole(1)) }
        if window.count == 0 {   // nothing drawn here; the next draw of this stream is another tensor's
            precondition(count == 0, "RandomGenerator.claim: \(count) words for an empty window")
            return self
        }
        precondition(count % window.count == 0,
                     "RandomGenerator.claim: \(count) words do not split over the window's \(window.count) rows")
        return claim(wordsPerRow: count / window.count, in: window)
    }

    /// As `claim(words:)` for `rows` rows of `wordsPerRow` words each (`rows` is the window's row
    /// count when there is a window; an empty window is fine).
    public mutating func claim(rows: Int, wordsPerRow: Int) -> RandomGenerator {
        let window = self.window ?? BatchWindow.whole(rows)
        precondition(window.count == rows, "RandomGenerator.claim: \(rows) rows for a window of \(window.count)")
        return claim(wordsPerRow: wordsPerRow, in: window)
    }

    private mutating func claim(wordsPerRow: Int, in rows: BatchWindow) -> RandomGenerator {
        let start = RandomGenerator(key: key, stream: stream, position: position + UInt64(rows.first * wordsPerRow))
        let window = self.window
        self = RandomGenerator(key: key, stream: stream, position: position + UInt64(rows.total * wordsPerRow))
        self.window = window
        return start
    }
}

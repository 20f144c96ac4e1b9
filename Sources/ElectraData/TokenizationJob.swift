// TokenizationJob: tokenizes one batch of corpus events on several threads in the background, so
// that reading the next batch and building examples from the previous one overlap with it.

import Dispatch
import ElectraTokenizer
import Foundation

/// The ids of every sentence of a batch of events, computed on one thread per tokenizer; threads
/// claim chunks of sentences as they go. Each sentence's ids depend only on its text, so the result
/// is the same for any thread count.
final class TokenizationJob: @unchecked Sendable {   // `ids` is written by disjoint threads, read after `wait()`
    let events: [CorpusEvent]
    private(set) var ids: [[Int32]]
    private let group = DispatchGroup()

    /// Starts tokenizing `events` in the background.
    init(events: [CorpusEvent], tokenizers: [BertTokenizer]) {
        precondition(!tokenizers.isEmpty, "TokenizationJob needs a tokenizer")
        self.events = events
        ids = [[Int32]](repeating: [], count: events.count)
        group.enter()
        DispatchQueue.global().async { [self] in
            run(tokenizers: tokenizers)
            group.leave()
        }
    }

    /// Blocks until every sentence is tokenized.
    func wait() {
        group.wait()
    }

    /// Sentences a thread claims at a time: small enough to balance threads that other processes
    /// slow down, large enough that claiming costs nothing.
    static let chunk = 128

    private func run(tokenizers: [BertTokenizer]) {
        let events = events
        let chunks = (events.count + Self.chunk - 1) / Self.chunk
        let next = ChunkCounter()
        ids.withUnsafeMutableBufferPointer { buffer in
            let output = SendableBuffer(buffer)
            let work: @Sendable (Int) -> Void = { thread in
                let tokenizer = tokenizers[thread]
                var scratch = IdScratch()
                while let chunk = next.claim(below: chunks) {
                    for i in (chunk * Self.chunk)..<min(events.count, (chunk + 1) * Self.chunk) {
                        if case .sentence(let text) = events[i] {
                            tokenizer.appendIds(of: text, to: &output.buffer[i], scratch: &scratch)
                        }
                    }
                }
            }
            if tokenizers.count == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: min(tokenizers.count, max(1, chunks)), execute: work)
            }
        }
    }
}

/// Hands out chunk numbers 0, 1, 2, … to threads, each once.
private final class ChunkCounter: @unchecked Sendable {   // `value` is guarded by `lock`
    private let lock = NSLock()
    private var value = 0

    func claim(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// A buffer written by several threads at disjoint indices.
struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

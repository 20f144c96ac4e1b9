// Parallel: splits loops over rows across the machine's cores.

import Dispatch
import Foundation

/// Runs independent chunks of a loop on several threads.
///
/// The thread count is `ELECTRA_NUM_THREADS` when set, otherwise the number of active processors.
/// Work smaller than `grain` items per thread stays on the calling thread, where spawning would cost
/// more than it saves.
public enum Parallel {
    /// Threads used by the element-wise kernels.
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["ELECTRA_NUM_THREADS"],
           let value = Int(text), value > 0 {
            return value
        }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body` on disjoint, contiguous ranges that together cover `0..<count`.
    /// - Parameters:
    ///   - count: number of items.
    ///   - grain: the least number of items worth a thread of its own.
    ///   - body: processes one range; must not touch items outside it.
    @inlinable
    public static func forEachRange(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        forEachChunk(count, grain: grain) { _, range in body(range) }
    }

    /// As `forEachRange`, also passing each range's chunk number, in `0..<threadCount`, so that a
    /// chunk can keep partial results in a slot of its own.
    @inlinable
    public static func forEachChunk(_ count: Int, grain: Int, _ body: (Int, Range<Int>) -> Void) {
        let chunks = min(threadCount, count / max(grain, 1))
        if chunks <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UnsafeSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                task.value(chunk, start..<end)
            }
        }
    }
}

/// Carries a value that the caller guarantees is used safely across threads (each thread works on
/// its own part of the memory behind it).
@usableFromInline
struct UnsafeSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @usableFromInline init(_ value: Value) { self.value = value }
}

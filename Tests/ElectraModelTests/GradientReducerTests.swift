// GradientReducer against a scripted group: buckets cover the gradients exactly once, bf16 travels
// rounded to nearest even, and a rank whose weights differ from rank 0's stops with the count.

import Electra
import ElectraTensor
import Foundation
import Testing

/// Rank `rank` of a group of `size` whose other ranks are played by the script: every sum adds
/// `others` times this rank's values (the other ranks holding the same), and a broadcast from rank 0
/// delivers `leaderBytes` when given.
final class ScriptedGroup: Communicator {
    let rank: Int, size: Int
    var localRank: Int { rank }
    var localSize: Int { size }
    var name: String { "scripted" }
    var leaderBytes: [UInt8]? = nil
    var differingOthers = 0.0
    private(set) var floatCalls: [Int] = [], bf16Calls: [Int] = []

    init(rank: Int, size: Int) { (self.rank, self.size) = (rank, size) }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        floatCalls.append(values.count)
        for i in values.indices { values[i] *= Float(size) }
    }
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        for i in values.indices { values[i] = values[i] + differingOthers }
    }
    func allReduceSumBF16(_ values: UnsafeMutableBufferPointer<UInt16>) throws {
        bf16Calls.append(values.count)
        for i in values.indices {   // n equal bf16 values summed: exact for a power of two
            values[i] = UInt16(truncatingIfNeeded: (Float(bitPattern: UInt32(values[i]) << 16) * Float(size)).bitPattern >> 16)
        }
    }
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) throws {
        if let leaderBytes { for i in bytes.indices { bytes[i] = leaderBytes[i] } }
    }
    func barrier() throws {}
    func abort(code: Int32) -> Never { fatalError("abort \(code)") }
}

@Suite("Gradient all-reduce") struct GradientReducerTests {
    func store() -> ParameterStore {
        let store = ParameterStore(layout: [("a", [37]), ("b", [5, 7]), ("c", [100])])
        for i in 0..<store.flat.count { store.flat.pointer[i] = Float(i) * 0.001 + 1 }
        return store
    }

    @Test func bucketsCoverTheGradientsOnce() throws {
        let group = ScriptedGroup(rank: 1, size: 2), gradients = store()
        let before = gradients.flat.scalars
        try GradientReducer(communicator: group, bucketElements: 64).sum(gradients)
        #expect(group.floatCalls.reduce(0, +) == gradients.flat.count && group.floatCalls.allSatisfy { $0 <= 64 })
        #expect(gradients.flat.scalars == before.map { $0 * 2 })
    }

    @Test func bf16TravelsRoundedToNearestEven() throws {
        let group = ScriptedGroup(rank: 0, size: 2), gradients = store()
        let before = gradients.flat.scalars
        try GradientReducer(communicator: group, precision: .bf16, bucketElements: 50).sum(gradients)
        #expect(group.bf16Calls.reduce(0, +) == gradients.flat.count)
        for (x, y) in zip(before, gradients.flat.scalars) {
            let rounded = Float(bitPattern: (x.bitPattern &+ 0x7FFF &+ ((x.bitPattern >> 16) & 1)) & 0xFFFF_0000)
            #expect(y == 2 * rounded, "\(x) → \(y)")
            #expect(abs(y - 2 * x) <= 2 * x * 0x1p-8)
        }
    }

    @Test func oneProcessSendsNothing() throws {
        let gradients = store(), before = gradients.flat.scalars
        try GradientReducer(communicator: SingleProcess()).sum(gradients)
        try GradientReducer(communicator: SingleProcess()).checkReplicas(gradients, what: "weights", step: 1)
        #expect(gradients.flat.scalars == before)
    }

    @Test func ranksWithRank0sWeightsPassTheCheck() throws {
        let group = ScriptedGroup(rank: 1, size: 4)
        try GradientReducer(communicator: group).checkReplicas(store(), what: "weights", step: 7)
    }

    @Test func aRankWhoseWeightsDriftedStopsWithTheCount() throws {
        let group = ScriptedGroup(rank: 2, size: 4)
        group.leaderBytes = [UInt8](repeating: 0xAB, count: 8)   // rank 0's hash: not this rank's
        group.differingOthers = 1                                  // one more rank differs
        do {
            try GradientReducer(communicator: group).checkReplicas(store(), what: "weights", step: 7)
            Issue.record("drifted weights passed the check")
        } catch let error as CommunicatorError {
            let message = "\(error)"
            #expect(message.contains("update 7") && message.contains("2 of 4 ranks differ from rank 0")
                    && message.contains("this rank, 2, is one"), "\(message)")
        }
    }
}

// JointHead: NVIDIA ELECTRA's SQuAD head ("joint predictions with beam search", XLNet-style):
// start logits; end logits conditioned on a start token; for SQuAD 2.0 an answerability score.
// The full specification, with NVIDIA's sources, is docs/joint-qa-head.md.
//
// Legend: B sequences, T tokens, H hidden; h [B, T, H] the encoder output; p [B, T] the p_mask
// (1 = cannot be in an answer); mask(x) = x·(1 − p) − 1e30·p.
//
//   start[b, t]  = mask(h_t · w_s + b_s)
//   end[b, t](g) = mask(w_e1 · LN(tanh(W_e0 [h_t ; g] + b_e0)) + b_e1)       g: a start token's state
//   cls[b](g, c) = w_c1 · tanh(W_c0 [g ; c] + b_c0)                          c: the [CLS] state
//   training: g = h[b, start_b], c = h[b, 0];
//   loss = (CE(start) + CE(end)) / 2 + 0.5 · BCE(cls, is_impossible)   (the last term for 2.0 only)

import ElectraNN
import ElectraTensor
import Foundation

public struct JointHead {
    public let start: Linear           // start_logits.dense        [1, H]
    public let endHidden: Linear       // end_logits.dense_0        [H, 2H]
    public let endNorm: LayerNormParameters
    public let endOutput: Linear       // end_logits.dense_1        [1, H]
    public let answerHidden: Linear?   // answer_class.dense_0      [H, 2H]  (SQuAD 2.0)
    public let answerOutput: Linear?   // answer_class.dense_1      [1, H], no bias

    public static let maskValue: Float = 1e30

    public init(_ store: ParameterStore, epsilon: Float) {
        start = Linear(store, "start_logits.dense")
        endHidden = Linear(store, "end_logits.dense_0")
        endNorm = LayerNormParameters(store, "end_logits.LayerNorm", epsilon: epsilon)
        endOutput = Linear(store, "end_logits.dense_1")
        answerHidden = store.contains("answer_class.dense_0.weight") ? Linear(store, "answer_class.dense_0") : nil
        answerOutput = store.contains("answer_class.dense_1.weight") ? Linear(store, "answer_class.dense_1") : nil
    }

    /// Parameter names and shapes; `answerability` adds the SQuAD 2.0 classifier.
    public static func layout(hidden H: Int, answerability: Bool) -> [(name: String, shape: [Int])] {
        var layout = Linear.layout("start_logits.dense", inputs: H, outputs: 1)
            + Linear.layout("end_logits.dense_0", inputs: 2 * H, outputs: H)
            + LayerNormParameters.layout("end_logits.LayerNorm", size: H)
            + Linear.layout("end_logits.dense_1", inputs: H, outputs: 1)
        if answerability {
            layout += Linear.layout("answer_class.dense_0", inputs: 2 * H, outputs: H)
                + Linear.layout("answer_class.dense_1", inputs: H, outputs: 1, bias: false)
        }
        return layout
    }

    /// Buffers for one batch shape.
    public final class Workspace {
        let B: Int, T: Int, H: Int
        public let startLogits: Tensor    // [B, T] masked
        public let endLogits: Tensor      // [B, T] masked
        public let classLogits: Tensor    // [B]
        let joined: Tensor                // [N, 2H]  [h_t ; g]
        let endInner, endActivated, endNormalized: Tensor   // [N, H]
        let endStatistics: LayerNormStatistics
        let answerJoined: Tensor          // [B, 2H]
        let answerInner, answerActivated: Tensor            // [B, H]
        let rawLogits: Tensor             // [N, 1]
        let startLSE, endLSE: Tensor      // [B]
        let dLogits: Tensor               // [N, 1]
        let dNormalized, dActivated, dInner: Tensor          // [N, H]
        let dJoined: Tensor               // [N, 2H]
        let dAnswerJoined: Tensor         // [B, 2H]
        let dAnswerActivated, dAnswerInner: Tensor           // [B, H]
        let dStart, dEnd: Tensor          // [B, T]
        let labels, dClass: Tensor        // [B]

        public init(batch B: Int, length T: Int, hidden H: Int) {
            (self.B, self.T, self.H) = (B, T, H)
            let N = B * T
            startLogits = Tensor(zeros: [B, T]); endLogits = Tensor(zeros: [B, T]); classLogits = Tensor(zeros: [B])
            joined = Tensor(zeros: [N, 2 * H])
            endInner = Tensor(zeros: [N, H]); endActivated = Tensor(zeros: [N, H]); endNormalized = Tensor(zeros: [N, H])
            endStatistics = LayerNormStatistics(rows: N, columns: H)
            answerJoined = Tensor(zeros: [B, 2 * H])
            answerInner = Tensor(zeros: [B, H]); answerActivated = Tensor(zeros: [B, H])
            rawLogits = Tensor(zeros: [N, 1])
            startLSE = Tensor(zeros: [B]); endLSE = Tensor(zeros: [B])
            dLogits = Tensor(zeros: [N, 1])
            dNormalized = Tensor(zeros: [N, H]); dActivated = Tensor(zeros: [N, H]); dInner = Tensor(zeros: [N, H])
            dJoined = Tensor(zeros: [N, 2 * H])
            dAnswerJoined = Tensor(zeros: [B, 2 * H])
            dAnswerActivated = Tensor(zeros: [B, H]); dAnswerInner = Tensor(zeros: [B, H])
            dStart = Tensor(zeros: [B, T]); dEnd = Tensor(zeros: [B, T])
            labels = Tensor(zeros: [B]); dClass = Tensor(zeros: [B])
        }
    }

    /// Losses of one training batch.
    public struct Losses: Sendable {
        public var total: Float, start: Float, end: Float, answerClass: Float
    }

    private static func applyMask(_ raw: UnsafeMutablePointer<Float>, _ pMask: [Float], into out: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { out[i] = raw[i] * (1 - pMask[i]) - maskValue * pMask[i] }
    }

    /// End logits for every token given one start state per sequence (`starts[b]` rows of `h`).
    private func endLogits(_ h: Tensor, starts: [Int], _ w: Workspace) {
        let (B, T, H) = (w.B, w.T, w.H)
        let hp = h.pointer, jp = w.joined.pointer
        for b in 0..<B {
            let g = hp + (b * T + starts[b]) * H
            for t in 0..<T {
                let row = jp + (b * T + t) * 2 * H
                row.update(from: hp + (b * T + t) * H, count: H)
                (row + H).update(from: g, count: H)
            }
        }
        endHidden.forward(w.joined, into: w.endInner)
        Tanh.forward(w.endInner, into: w.endActivated)
        endNorm.forward(w.endActivated, into: w.endNormalized, statistics: w.endStatistics)
        endOutput.forward(w.endNormalized, into: w.rawLogits)
    }

    /// The training forward pass and loss; with `gradients`, accumulates the head's gradients and
    /// `dHidden` (`[N, H]`), scaled by `scale`.
    public func train(_ h: Tensor, pMask: [Float], starts: [Int32], ends: [Int32], impossible: [Float]?, _ w: Workspace,
                      dHidden: Tensor?, gradients: JointHead?, scale: Float = 1) -> Losses {
        let (B, T, H) = (w.B, w.T, w.H), N = B * T
        // Start logits.
        start.forward(h, into: w.rawLogits)
        Self.applyMask(w.rawLogits.pointer, pMask, into: w.startLogits.pointer, count: N)
        let (startLoss, _) = CrossEntropy.forward(w.startLogits, targets: starts, logSumExp: w.startLSE)
        let startRows = starts.map(Int.init)
        // End logits conditioned on the gold start.
        endLogits(h, starts: startRows, w)
        Self.applyMask(w.rawLogits.pointer, pMask, into: w.endLogits.pointer, count: N)
        let (endLoss, _) = CrossEntropy.forward(w.endLogits, targets: ends, logSumExp: w.endLSE)
        // Answerability from [start state ; CLS state].
        var classLoss: Float = 0
        let labels = w.labels
        for b in 0..<B { labels.pointer[b] = impossible?[b] ?? 0 }
        if let answerHidden, let answerOutput, impossible != nil {
            let hp = h.pointer, ap = w.answerJoined.pointer
            for b in 0..<B {
                (ap + b * 2 * H).update(from: hp + (b * T + startRows[b]) * H, count: H)
                (ap + b * 2 * H + H).update(from: hp + (b * T) * H, count: H)
            }
            answerHidden.forward(w.answerJoined, into: w.answerInner)
            Tanh.forward(w.answerInner, into: w.answerActivated)
            answerOutput.forward(w.answerActivated, into: w.classLogits.reshaped([B, 1]))
            classLoss = BinaryCrossEntropy.forward(logits: w.classLogits, labels: labels, weights: nil).loss
        }
        let total = (startLoss + endLoss) / 2 + 0.5 * classLoss
        guard let dHidden, let g = gradients else { return Losses(total: total, start: startLoss, end: endLoss, answerClass: classLoss) }
        let hp = h.pointer, dp = dHidden.pointer
        // Start: d(masked)/d(raw) = 1 − p.
        w.dStart.fill(0)
        CrossEntropy.backward(dLoss: scale / 2, logits: w.startLogits, targets: starts, logSumExp: w.startLSE, count: B, dLogits: w.dStart)
        for i in 0..<N { w.dLogits.pointer[i] = w.dStart.pointer[i] * (1 - pMask[i]) }
        start.backward(w.dLogits, input: h, dX: dHidden, gradients: g.start)
        // End.
        w.dEnd.fill(0)
        CrossEntropy.backward(dLoss: scale / 2, logits: w.endLogits, targets: ends, logSumExp: w.endLSE, count: B, dLogits: w.dEnd)
        for i in 0..<N { w.dLogits.pointer[i] = w.dEnd.pointer[i] * (1 - pMask[i]) }
        w.dNormalized.fill(0)
        endOutput.backward(w.dLogits, input: w.endNormalized, dX: w.dNormalized, gradients: g.endOutput)
        w.dActivated.fill(0)
        endNorm.backward(w.dNormalized, input: w.endActivated, statistics: w.endStatistics, dX: w.dActivated, gradients: g.endNorm)
        w.dInner.fill(0)
        Tanh.backward(w.dActivated, output: w.endActivated, dX: w.dInner)
        w.dJoined.fill(0)
        endHidden.backward(w.dInner, input: w.joined, dX: w.dJoined, gradients: g.endHidden)
        let jp = w.dJoined.pointer
        for b in 0..<B {
            let startRow = dp + (b * T + startRows[b]) * H
            for t in 0..<T {
                let row = jp + (b * T + t) * 2 * H, target = dp + (b * T + t) * H
                for c in 0..<H {
                    target[c] += row[c]
                    startRow[c] += row[H + c]
                }
            }
        }
        // Answer class.
        if let answerHidden, let answerOutput, let gHidden = g.answerHidden, let gOutput = g.answerOutput, impossible != nil {
            let dClass = w.dClass
            dClass.fill(0)
            BinaryCrossEntropy.backward(dLoss: scale * 0.5, logits: w.classLogits, labels: labels, weights: nil,
                                        totalWeight: Float(B), dLogits: dClass)
            w.dAnswerActivated.fill(0)
            answerOutput.backward(dClass.reshaped([B, 1]), input: w.answerActivated, dX: w.dAnswerActivated, gradients: gOutput)
            w.dAnswerInner.fill(0)
            Tanh.backward(w.dAnswerActivated, output: w.answerActivated, dX: w.dAnswerInner)
            w.dAnswerJoined.fill(0)
            answerHidden.backward(w.dAnswerInner, input: w.answerJoined, dX: w.dAnswerJoined, gradients: gHidden)
            let ap = w.dAnswerJoined.pointer
            for b in 0..<B {
                let startRow = dp + (b * T + startRows[b]) * H, clsRow = dp + (b * T) * H
                for c in 0..<H {
                    startRow[c] += ap[b * 2 * H + c]
                    clsRow[c] += ap[b * 2 * H + H + c]
                }
            }
        }
        _ = hp
        return Losses(total: total, start: startLoss, end: endLoss, answerClass: classLoss)
    }

    /// Beam-search outputs for one sequence.
    public struct Beam: Sendable, Equatable {
        public var startLogProbabilities: [Float]   // [k]
        public var startIndices: [Int]              // [k]
        public var endLogProbabilities: [Float]     // [k·k], start-major
        public var endIndices: [Int]                // [k·k]
        public var classLogit: Float
    }

    /// Inference with beam size `k`: the top-k starts by log-softmax, for each the top-k ends.
    /// The answerability score uses the start distribution's expected state (NVIDIA's inference path).
    public func beamSearch(_ h: Tensor, pMask: [Float], beamSize: Int, _ w: Workspace) -> [Beam] {
        let (B, T, H) = (w.B, w.T, w.H), N = B * T
        let k = min(beamSize, T)
        start.forward(h, into: w.rawLogits)
        Self.applyMask(w.rawLogits.pointer, pMask, into: w.startLogits.pointer, count: N)
        var beams: [Beam] = []
        var startLogProbabilities: [[Float]] = []
        for b in 0..<B {
            let row = Array(UnsafeBufferPointer(start: w.startLogits.pointer + b * T, count: T))
            let logProbabilities = Self.logSoftmax(row)
            startLogProbabilities.append(logProbabilities)
            let top = Self.topK(logProbabilities, k)
            beams.append(Beam(startLogProbabilities: top.map { logProbabilities[$0] }, startIndices: top,
                              endLogProbabilities: [], endIndices: [], classLogit: 0))
        }
        for i in 0..<k {
            endLogits(h, starts: beams.map { $0.startIndices[i] }, w)
            Self.applyMask(w.rawLogits.pointer, pMask, into: w.endLogits.pointer, count: N)
            for b in 0..<B {
                let row = Array(UnsafeBufferPointer(start: w.endLogits.pointer + b * T, count: T))
                let logProbabilities = Self.logSoftmax(row)
                let top = Self.topK(logProbabilities, k)
                beams[b].endIndices += top
                beams[b].endLogProbabilities += top.map { logProbabilities[$0] }
            }
        }
        if let answerHidden, let answerOutput {
            let hp = h.pointer, ap = w.answerJoined.pointer
            for b in 0..<B {
                let weights = startLogProbabilities[b].map { exp($0) }
                let target = ap + b * 2 * H
                for c in 0..<(2 * H) { target[c] = 0 }
                for t in 0..<T where weights[t] > 0 {
                    let row = hp + (b * T + t) * H
                    for c in 0..<H { target[c] += weights[t] * row[c] }
                }
                (target + H).update(from: hp + b * T * H, count: H)
            }
            answerHidden.forward(w.answerJoined, into: w.answerInner)
            Tanh.forward(w.answerInner, into: w.answerActivated)
            answerOutput.forward(w.answerActivated, into: w.classLogits.reshaped([B, 1]))
            for b in 0..<B { beams[b].classLogit = w.classLogits.pointer[b] }
        }
        return beams
    }

    static func logSoftmax(_ x: [Float]) -> [Float] {
        let top = x.max()!
        let sum = x.reduce(0.0) { $0 + exp(Double($1 - top)) }
        let lse = top + Float(log(sum))
        return x.map { $0 - lse }
    }

    /// Indices of the `k` largest values, descending, ties to the lower index (as TensorFlow's top_k).
    static func topK(_ x: [Float], _ k: Int) -> [Int] {
        Array(x.indices.sorted { x[$0] != x[$1] ? x[$0] > x[$1] : $0 < $1 }.prefix(k))
    }
}

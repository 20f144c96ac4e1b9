// SQuADModelOutputs: what a question-answering model hands to post-processing for each feature,
// for the two heads ELECTRA uses: Hugging Face's `qa_outputs` (start and end logits) and NVIDIA's
// joint head with beam search (top start log-probabilities, the top ends for each, answerability).

/// The plain span head's outputs for one feature (`ElectraForQuestionAnswering`, `qa_outputs`).
///
/// Both arrays have one entry per position of the feature's row, `[T]`, padding included. For
/// SQuAD 2.0 the "no answer" score of the feature is `startLogits[0] + endLogits[0]` (the `[CLS]`
/// span).
public struct SQuADSpanLogits: Sendable, Equatable {
    /// Start logits, `[T]`.
    public var startLogits: [Float]
    /// End logits, `[T]`.
    public var endLogits: [Float]

    /// One feature's start and end logits, `[T]` each.
    public init(startLogits: [Float], endLogits: [Float]) {
        precondition(startLogits.count == endLogits.count && !startLogits.isEmpty,
                     "start and end logits need the same, positive length")
        self.startLogits = startLogits
        self.endLogits = endLogits
    }

    /// Splits row-major `[batch.batchSize, batch.sequenceLength]` start and end logits into one value
    /// per row, in the batch's row order (`batch.featureIndices`).
    public static func rows(startLogits: [Float], endLogits: [Float], batch: SQuADBatch) -> [SQuADSpanLogits] {
        let T = batch.sequenceLength
        precondition(startLogits.count == batch.batchSize * T && endLogits.count == batch.batchSize * T,
                     "logits must be [batchSize, sequenceLength] = [\(batch.batchSize), \(T)]")
        return (0..<batch.batchSize).map { row in
            SQuADSpanLogits(startLogits: Array(startLogits[(row * T)..<((row + 1) * T)]),
                            endLogits: Array(endLogits[(row * T)..<((row + 1) * T)]))
        }
    }
}

/// NVIDIA's joint head's inference outputs for one feature (`TFElectraForQuestionAnswering` with
/// `joint_head`), with `k` start beams and `k'` end beams per start (NVIDIA: `beam_size` for both):
///
/// - `startTopLogProbs[i]`, `startTopIndex[i]`: the `k` best start log-probabilities (log-softmax
///   of the masked start logits) and their positions, best first;
/// - `endTopLogProbs[i · k' + j]`, `endTopIndex[i · k' + j]`: for start beam `i`, the `k'` best end
///   log-probabilities (end logits conditioned on that start) and their positions;
/// - `clsLogit`: the answerability logit for SQuAD 2.0 (the larger, the likelier "no answer"); the
///   reference fills 0 for SQuAD 1.1.
public struct SQuADBeamOutput: Sendable, Equatable {
    /// `[k]`.
    public var startTopLogProbs: [Float]
    /// `[k]`, positions in the feature's row.
    public var startTopIndex: [Int32]
    /// `[k · k']`, start-major.
    public var endTopLogProbs: [Float]
    /// `[k · k']`, start-major, positions in the feature's row.
    public var endTopIndex: [Int32]
    /// The answerability logit (0 for SQuAD 1.1).
    public var clsLogit: Float

    /// One feature's beams: `[k]` starts, `[k · k']` ends (start-major), and the answerability logit.
    public init(startTopLogProbs: [Float], startTopIndex: [Int32], endTopLogProbs: [Float], endTopIndex: [Int32],
                clsLogit: Float = 0) {
        precondition(!startTopIndex.isEmpty && startTopLogProbs.count == startTopIndex.count,
                     "one start log-probability per start index, at least one")
        precondition(endTopIndex.count == endTopLogProbs.count && endTopIndex.count % startTopIndex.count == 0
                     && !endTopIndex.isEmpty, "end beams must be [k · k'] for the k start beams")
        self.startTopLogProbs = startTopLogProbs
        self.startTopIndex = startTopIndex
        self.endTopLogProbs = endTopLogProbs
        self.endTopIndex = endTopIndex
        self.clsLogit = clsLogit
    }

    /// `k`: start beams.
    public var startBeams: Int { startTopIndex.count }
    /// `k'`: end beams per start beam.
    public var endBeams: Int { endTopIndex.count / startTopIndex.count }
}

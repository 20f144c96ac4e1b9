// ClassificationLoss: Hugging Face's three `problem_type`s and their losses over a head's logits.

import ElectraTensor
import Foundation

/// What a classification head predicts (Hugging Face's `problem_type` in `config.json`).
public enum ClassificationProblem: String, Codable, Sendable, CaseIterable {
    /// One class of `num_labels`: softmax cross-entropy (`CrossEntropyLoss`).
    case singleLabel = "single_label_classification"
    /// Any subset of `num_labels`: sigmoid cross-entropy per label (`BCEWithLogitsLoss`).
    case multiLabel = "multi_label_classification"
    /// A real number: squared error (`MSELoss`), `num_labels` 1.
    case regression
}

/// Gold answers for a batch of logits `[N, L]`.
public enum ClassificationTargets: Equatable, Sendable {
    /// A class per row, or `CrossEntropy.ignoreIndex` (−100) for rows that do not count.
    case classes([Int32])
    /// `[N, L]` row-major, 0 or 1 (fractions allowed) per label.
    case labelSets([Float])
    /// A value per row (`L` = 1).
    case values([Float])

    var problem: ClassificationProblem {
        switch self {
        case .classes: return .singleLabel
        case .labelSets: return .multiLabel
        case .values: return .regression
        }
    }
}

/// The loss of logits against targets, as `transformers`' `ElectraForSequenceClassification` and
/// `ElectraForTokenClassification` compute it: every loss is a mean (over the rows that count for
/// cross-entropy, over rows × labels for the multi-label loss, over rows for regression).
public enum ClassificationLoss {
    /// The mean loss of `logits` (`[N, L]`) against `targets`, and (with `dLogits`) `scale` times its
    /// gradient accumulated into `dLogits`. `logSumExp` is `[N]` scratch for cross-entropy.
    public static func evaluate(_ logits: Tensor, _ targets: ClassificationTargets, logSumExp: Tensor,
                                dLogits: Tensor?, scale: Float = 1) -> Float {
        switch targets {
        case .classes(let classes):
            let (loss, count) = CrossEntropy.forward(logits, targets: classes, logSumExp: logSumExp)
            if let dLogits {
                CrossEntropy.backward(dLoss: scale, logits: logits, targets: classes, logSumExp: logSumExp, count: count, dLogits: dLogits)
            }
            return loss
        case .labelSets(let labels):
            let labelTensor = Tensor(shape: logits.shape, values: labels)
            let (loss, total) = BinaryCrossEntropy.forward(logits: logits, labels: labelTensor, weights: nil)
            if let dLogits {
                BinaryCrossEntropy.backward(dLoss: scale, logits: logits, labels: labelTensor, weights: nil, totalWeight: total, dLogits: dLogits)
            }
            return loss
        case .values(let values):
            precondition(logits.columns == 1, "ClassificationLoss: regression needs one output, not \(logits.columns)")
            let loss = MeanSquaredError.forward(logits, targets: values)
            if let dLogits { MeanSquaredError.backward(dLoss: scale, predictions: logits, targets: values, dPredictions: dLogits) }
            return loss
        }
    }
}

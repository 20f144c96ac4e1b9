// GLUETask: the nine GLUE tasks: their label lists, metrics, files and Google's fine-tuning presets.

/// A task of the GLUE benchmark (Wang et al., 2019), as the GLUE distribution ships it.
///
/// Layouts follow google-research/electra `finetune/classification/classification_tasks.py` and
/// Hugging Face's `glue_processors`; label lists are Google's (`label_list` of each task).
public enum GLUETask: String, CaseIterable, Codable, Sendable {
    case cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte, wnli

    /// The name the GLUE site uses: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI (also the
    /// task's folder in the distribution).
    public var displayName: String {
        switch self {
        case .cola: return "CoLA"
        case .sst2: return "SST-2"
        case .mrpc: return "MRPC"
        case .stsb: return "STS-B"
        case .qqp: return "QQP"
        case .mnli: return "MNLI"
        case .qnli: return "QNLI"
        case .rte: return "RTE"
        case .wnli: return "WNLI"
        }
    }

    /// The task for a command-line name: `cola`, `sst2`/`sst-2`/`sst`, `stsb`/`sts-b`/`sts`, … (any case).
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "sst": self = .sst2
        case "sts": self = .stsb
        default:
            guard let task = GLUETask(rawValue: key) else { return nil }
            self = task
        }
    }

    /// STS-B is a regression onto similarity scores in [0, 5]; every other task is a classification.
    public var isRegression: Bool { self == .stsb }

    /// The class labels as the files write them, in the order of the classifier's outputs (Google's
    /// `label_list`); empty for STS-B.
    public var labels: [String] {
        switch self {
        case .mnli: return ["contradiction", "entailment", "neutral"]
        case .qnli, .rte: return ["entailment", "not_entailment"]
        case .stsb: return []
        case .cola, .sst2, .mrpc, .qqp, .wnli: return ["0", "1"]
        }
    }

    /// The number of outputs of the task's head: the labels, or 1 for the STS-B score.
    public var outputCount: Int { isRegression ? 1 : labels.count }

    /// Whether the task's examples are sentence pairs (all but CoLA and SST-2).
    public var isPair: Bool { self != .cola && self != .sst2 }

    /// The metrics GLUE reports for the task, the first being the one models are selected on.
    public var metrics: [GLUEMetric] {
        switch self {
        case .cola: return [.matthewsCorrelation]
        case .mrpc, .qqp: return [.f1, .accuracy]
        case .stsb: return [.pearson, .spearman]
        case .sst2, .mnli, .qnli, .rte, .wnli: return [.accuracy]
        }
    }

    /// The splits a development evaluation covers: MNLI has matched and mismatched dev sets.
    public var developmentSplits: [GLUESplit] { self == .mnli ? [.dev, .devMismatched] : [.dev] }

    /// The splits predicted for a leaderboard submission: MNLI's two test sets and the diagnostic (AX),
    /// which is labelled with MNLI's classes.
    public var testSplits: [GLUESplit] { self == .mnli ? [.test, .testMismatched, .diagnostic] : [.test] }

    /// Google's fine-tuning settings for the task (see `GLUEPreset`).
    public var preset: GLUEPreset {
        GLUEPreset(
            epochs: self == .rte || self == .stsb ? 10 : 3,   // configure_finetuning.py:134-144
            // MRPC and STS-B train on both sentence orders (double_unordered, :77 and classification_tasks.py).
            trainsOnBothOrders: self == .mrpc || self == .stsb)
    }
}

/// A file of a GLUE task.
public enum GLUESplit: String, CaseIterable, Codable, Sendable {
    case train
    /// `dev.tsv`; for MNLI, `dev_matched.tsv`.
    case dev
    /// MNLI's `dev_mismatched.tsv`.
    case devMismatched = "dev_mismatched"
    /// `test.tsv`; for MNLI, `test_matched.tsv`.
    case test
    /// MNLI's `test_mismatched.tsv`.
    case testMismatched = "test_mismatched"
    /// The diagnostic set (AX), `diagnostic.tsv`, predicted with an MNLI model.
    case diagnostic

    /// Whether the split's files carry no labels.
    public var isUnlabelled: Bool { self == .test || self == .testMismatched || self == .diagnostic }
}

/// A metric GLUE reports.
public enum GLUEMetric: String, CaseIterable, Codable, Sendable {
    /// Matthews correlation coefficient (CoLA).
    case matthewsCorrelation = "mcc"
    /// Fraction of exact label matches.
    case accuracy
    /// F1 of the positive class `1` (MRPC, QQP).
    case f1
    /// Pearson correlation of predicted and gold scores (STS-B).
    case pearson
    /// Spearman rank correlation, ties given average ranks (STS-B).
    case spearman
}

/// Google's fine-tuning hyper-parameters for a GLUE task (google-research/electra
/// `configure_finetuning.py`, and the paper's Table 7 for the small model's learning rate).
public struct GLUEPreset: Equatable, Sendable {
    /// Passes over the training set: 10 for RTE and STS-B, 3 for the others (configure_finetuning.py:134-144).
    public var epochs: Double
    /// Whether training also sees every pair with its sentences swapped (MRPC, STS-B: `double_unordered`).
    public var trainsOnBothOrders: Bool
    /// Tokens per example (configure_finetuning.py:72).
    public var maxSequenceLength = 128
    /// Examples per step (configure_finetuning.py:73).
    public var batchSize = 32
    /// Fraction of the steps the learning rate warms up over (configure_finetuning.py:60).
    public var warmupProportion = 0.1
    /// Decoupled weight decay (configure_finetuning.py:55; the paper's Table 7 lists 0).
    public var weightDecay = 0.01
    /// Peak learning rate by model size: small 3e-4 (paper Table 7), base 1e-4 (:54), large 5e-5 (:150).
    public var learningRate = ModelSizeValues(small: 3e-4, base: 1e-4, large: 5e-5)
    /// Layer-wise learning-rate decay by size: 0.8, and 0.9 for large (:56, :151).
    public var layerDecay = ModelSizeValues(small: 0.8, base: 0.8, large: 0.9)

    public init(epochs: Double, trainsOnBothOrders: Bool) {
        self.epochs = epochs
        self.trainsOnBothOrders = trainsOnBothOrders
    }
}

/// One value for each of ELECTRA's released sizes.
public struct ModelSizeValues: Equatable, Sendable {
    public var small: Double
    public var base: Double
    public var large: Double

    public init(small: Double, base: Double, large: Double) {
        self.small = small
        self.base = base
        self.large = large
    }
}

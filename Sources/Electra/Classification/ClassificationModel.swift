// ClassificationModel: an ELECTRA encoder with a sequence- or token-classification head, loaded from
// and saved as a Hugging Face directory that `transformers` opens as `ElectraForSequenceClassification`
// or `ElectraForTokenClassification`.

import ElectraNN
import ElectraTensor
import Foundation

/// Which classification head.
public enum ClassificationHeadKind: String, Codable, Sendable, CaseIterable {
    /// A label (or labels, or a value) per sequence, from [CLS]: `ElectraForSequenceClassification`.
    case sequence
    /// A label per token: `ElectraForTokenClassification`.
    case token

    /// The `architectures` entry of a saved directory.
    public var architecture: String {
        self == .sequence ? "ElectraForSequenceClassification" : "ElectraForTokenClassification"
    }

    /// The head's tensor names and shapes for hidden width `hidden` and `labels` outputs.
    public func layout(hidden: Int, labels: Int) -> [(name: String, shape: [Int])] {
        self == .sequence ? SequenceClassificationHead.layout(hidden: hidden, labels: labels)
                          : TokenClassificationHead.layout(hidden: hidden, labels: labels)
    }

    var headDescription: String {
        self == .sequence ? "sequence classification head (classifier.dense, classifier.out_proj)" : "token classification head (classifier)"
    }
}

/// An encoder and a classification head over one parameter store, with the label names and the
/// problem type that `config.json` records (`id2label`, `label2id`, `problem_type`).
public final class ClassificationModel {
    public let config: ElectraConfig
    public let kind: ClassificationHeadKind
    public let problem: ClassificationProblem
    /// Label `i`'s name (`["LABEL_0"]` for regression, as `transformers` writes).
    public let labelNames: [String]
    public let parameters: ParameterStore
    public let encoder: ElectraEncoder
    public let sequenceHead: SequenceClassificationHead?
    public let tokenHead: TokenClassificationHead?

    /// Outputs of the head: one per label (1 for regression).
    public var outputs: Int { labelNames.count }

    public init(config: ElectraConfig, kind: ClassificationHeadKind, problem: ClassificationProblem, labelNames: [String],
                parameters: ParameterStore) {
        precondition(!labelNames.isEmpty && (problem != .regression || labelNames.count == 1),
                     "ClassificationModel: regression has one output; classification at least one label")
        precondition(kind == .sequence || problem == .singleLabel, "ClassificationModel: token heads are single-label")
        self.config = config
        self.kind = kind
        self.problem = problem
        self.labelNames = labelNames
        self.parameters = parameters
        encoder = ElectraEncoder(config: config, store: parameters)
        sequenceHead = kind == .sequence ? SequenceClassificationHead(parameters) : nil
        tokenHead = kind == .token ? TokenClassificationHead(parameters) : nil
    }

    public static func layout(_ config: ElectraConfig, kind: ClassificationHeadKind, labels: Int) -> [(name: String, shape: [Int])] {
        ElectraEncoder.layout(config) + kind.layout(hidden: config.hiddenSize, labels: labels)
    }

    /// A zeroed model of the same shape, to hold gradients.
    public func makeGradients() -> ClassificationModel {
        ClassificationModel(config: config, kind: kind, problem: problem, labelNames: labelNames, parameters: parameters.zerosLike())
    }

    /// Layer-wise learning-rate multipliers (`LayerDecay.rateScales`): the head 1.
    public func layerRateScales(decay: Float) -> [String: Float] {
        LayerDecay.rateScales(parameters.entries.map(\.name), layers: config.numHiddenLayers, decay: decay)
    }

    /// A model for fine-tuning from `directory`, a pretrained discriminator (`ElectraForPreTraining`,
    /// `ElectraModel`) or a classifier: with `.initializeIfAbsent(seed:)` a head the directory lacks
    /// starts from the seed; a head of another shape (a different number of labels) is an error.
    public static func load(_ directory: String, kind: ClassificationHeadKind, problem: ClassificationProblem, labelNames: [String],
                            head: HeadPolicy) throws -> ClassificationModel {
        let contents = try ModelDirectory.open(directory)
        try contents.config.validateClassification(path: directory + "/config.json")
        let layout = layout(contents.config, kind: kind, labels: labelNames.count)
        let headNames = kind.layout(hidden: contents.config.hiddenSize, labels: labelNames.count).map(\.name)
        try ModelDirectory.checkWeights(contents, layout: layout, optional: headNames.contains)
        let store = ParameterStore(layout: layout)
        try ModelDirectory.load(contents, into: store, head: headNames, description: kind.headDescription, policy: head,
                                stream: "classification head")
        return ClassificationModel(config: contents.config, kind: kind, problem: problem, labelNames: labelNames, parameters: store)
    }

    /// Opens a fine-tuned classifier: the head from `architectures` (or, without one, from the
    /// tensors: `classifier.out_proj.*` sequence, `classifier.weight` token), the labels from
    /// `id2label` (else the head's width, named `LABEL_i`), the problem from `problem_type` (else
    /// regression for one output, single-label otherwise, as `transformers` infers it from integer
    /// labels). Every head tensor must be present.
    public static func loadFineTuned(_ directory: String) throws -> ClassificationModel {
        let contents = try ModelDirectory.open(directory)
        let path = directory + "/config.json"
        try contents.config.validateClassification(path: path)
        let architectures = contents.config.architectures ?? []
        let names = contents.weights.tensors
        let kind: ClassificationHeadKind
        if let named = ClassificationHeadKind.allCases.first(where: { architectures.contains($0.architecture) }) {
            kind = named
        } else if names["classifier.out_proj.weight"] != nil {
            kind = .sequence
        } else if names["classifier.weight"] != nil {
            kind = .token
        } else {
            throw ConfigError.invalid(path: path, reason: "not a classification model (architectures \(architectures), no classifier.* tensors); "
                                      + "fine-tune one with `electra finetune glue|classify|ner --model \(directory)`")
        }
        let outputName = kind == .sequence ? "classifier.out_proj.weight" : "classifier.weight"
        guard let width = names[outputName]?.shape.first else {
            throw ModelDirectoryError.missingHead(path: contents.weights.path, head: kind.headDescription, names: [outputName])
        }
        let labelNames = contents.config.labelNames ?? (0..<width).map { "LABEL_\($0)" }
        guard labelNames.count == width else {
            throw ConfigError.invalid(path: path, reason: "id2label names \(labelNames.count) labels but \(outputName) has \(width) outputs; "
                                      + "the config and the weights disagree")
        }
        let problem = contents.config.problemType ?? (width == 1 && kind == .sequence ? .regression : .singleLabel)
        guard kind == .sequence || problem == .singleLabel else {
            throw ConfigError.invalid(path: path, reason: "problem_type \(problem.rawValue) is not supported by a token classification head")
        }
        guard problem != .regression || width == 1 else {
            throw ConfigError.invalid(path: path, reason: "problem_type regression needs one output, but \(outputName) has \(width)")
        }
        let layout = layout(contents.config, kind: kind, labels: width)
        try ModelDirectory.checkWeights(contents, layout: layout)
        let store = ParameterStore(layout: layout)
        try ModelDirectory.load(contents, into: store, head: kind.layout(hidden: contents.config.hiddenSize, labels: width).map(\.name),
                                description: kind.headDescription, policy: .required)
        return ClassificationModel(config: contents.config, kind: kind, problem: problem, labelNames: labelNames, parameters: store)
    }

    /// The config written with the model: architectures, `id2label`/`label2id`, `problem_type`.
    public var savedConfig: ElectraConfig {
        var config = self.config
        config.architectures = [kind.architecture]
        config.labelNames = labelNames
        config.problemType = problem
        return config
    }

    /// Writes the model as a directory, with the tokenizer files of model directory `source`.
    public func save(to directory: String, tokenizerFrom source: String) throws {
        try ModelDirectory.copyTokenizerFiles(from: source, to: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeAtomically(try savedConfig.jsonData(), to: directory + "/config.json")
        try SafetensorsFile.write(parameters.entries.map { ($0.name, parameters[$0.name]) }, to: directory + "/model.safetensors")
    }
}

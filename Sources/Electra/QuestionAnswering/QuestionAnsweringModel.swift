// QuestionAnsweringModel: an ELECTRA encoder with a SQuAD head, loaded from and saved as a model
// directory.

import ElectraData
import ElectraNN
import ElectraTensor
import Foundation

/// Which SQuAD head.
public enum QuestionAnsweringHeadKind: String, Codable, Sendable, CaseIterable {
    /// NVIDIA's joint start/end head with beam search (and answerability for SQuAD 2.0).
    case joint
    /// Hugging Face's `qa_outputs` (`ElectraForQuestionAnswering`).
    case span

    /// The `architectures` entry of a saved directory: `ElectraForQuestionAnswering` for the span
    /// head, which `transformers` loads with the same weights; a name of this project's,
    /// `ElectraForQuestionAnsweringJoint`, for the joint head, whose tensors `transformers` has no
    /// class for (its `ElectraForQuestionAnswering` would start `qa_outputs` at random).
    public var architecture: String {
        switch self {
        case .joint: return "ElectraForQuestionAnsweringJoint"
        case .span: return "ElectraForQuestionAnswering"
        }
    }

    /// The head's tensor names, as in `QuestionAnsweringModel.layout`.
    public func tensorNames(hidden: Int, answerability: Bool) -> [String] {
        (self == .joint ? JointHead.layout(hidden: hidden, answerability: answerability) : SpanHead.layout(hidden: hidden)).map(\.name)
    }

    var headDescription: String {
        self == .joint ? "joint question-answering head (start_logits, end_logits, answer_class)" : "span question-answering head (qa_outputs)"
    }
}

/// An encoder and a question-answering head over one parameter store.
///
/// Saved directories use Hugging Face's layout: `config.json` (architectures
/// `ElectraForQuestionAnswering` for the span head, `ElectraForQuestionAnsweringJoint` for the joint
/// head, plus `electra_qa_head` = `joint` or `span` and `electra_qa_answerability`),
/// `model.safetensors` with the encoder's `electra.*` tensors and the head's (`qa_outputs.*` for the
/// span head, which `transformers` loads; `start_logits.*`, `end_logits.*`, `answer_class.*` for the
/// joint head, documented in docs/joint-qa-head.md), `vocab.txt` and `tokenizer_config.json`.
public final class QuestionAnsweringModel {
    public let config: ElectraConfig
    public let kind: QuestionAnsweringHeadKind
    public let answerability: Bool
    public let parameters: ParameterStore
    public let encoder: ElectraEncoder
    public let joint: JointHead?
    public let span: SpanHead?

    public init(config: ElectraConfig, kind: QuestionAnsweringHeadKind, answerability: Bool, parameters: ParameterStore) {
        self.config = config
        self.kind = kind
        self.answerability = answerability
        self.parameters = parameters
        encoder = ElectraEncoder(config: config, store: parameters)
        joint = kind == .joint ? JointHead(parameters, epsilon: config.layerNormEps) : nil
        span = kind == .span ? SpanHead(parameters) : nil
    }

    public static func layout(_ config: ElectraConfig, kind: QuestionAnsweringHeadKind, answerability: Bool) -> [(name: String, shape: [Int])] {
        ElectraEncoder.layout(config) + (kind == .joint ? JointHead.layout(hidden: config.hiddenSize, answerability: answerability)
                                                         : SpanHead.layout(hidden: config.hiddenSize))
    }

    public func makeGradients() -> QuestionAnsweringModel {
        QuestionAnsweringModel(config: config, kind: kind, answerability: answerability, parameters: parameters.zerosLike())
    }

    /// A model whose encoder and head come from `directory`. `head` says what the directory must
    /// hold: `.required` (a fine-tuned model: every tensor of the head, or an error naming the
    /// missing ones) or `.initializeIfAbsent(seed:)` (fine-tuning starts from a pretrained
    /// discriminator or `ElectraModel`: a head the directory has none of starts from the seed; part
    /// of one is an error).
    public static func load(_ directory: String, kind: QuestionAnsweringHeadKind, answerability: Bool,
                            head: HeadPolicy) throws -> QuestionAnsweringModel {
        try load(try ModelDirectory.open(directory), kind: kind, answerability: answerability, head: head)
    }

    static func load(_ contents: ModelDirectory.Contents, kind: QuestionAnsweringHeadKind, answerability: Bool,
                     head: HeadPolicy) throws -> QuestionAnsweringModel {
        let headNames = kind.tensorNames(hidden: contents.config.hiddenSize, answerability: answerability)
        try ModelDirectory.checkWeights(contents, layout: layout(contents.config, kind: kind, answerability: answerability),
                                        optional: headNames.contains)
        let store = ParameterStore(layout: layout(contents.config, kind: kind, answerability: answerability))
        try ModelDirectory.load(contents, into: store, head: headNames,
                                description: kind.headDescription, policy: head, stream: "qa head")
        return QuestionAnsweringModel(config: contents.config, kind: kind, answerability: answerability, parameters: store)
    }

    /// Opens a fine-tuned directory with the head it was saved with; every tensor of that head must
    /// be present (`.required`).
    ///
    /// The head: `electra_qa_head` in `config.json` when present (`joint` or `span`); otherwise
    /// architectures `ElectraForQuestionAnsweringJoint` means joint; otherwise the tensors decide
    /// (`start_logits.*` … joint, `qa_outputs.*` span), which is how `ElectraForQuestionAnswering`
    /// is read: this project's earlier versions wrote it for both heads, and `transformers` writes
    /// it for the span head. Answerability: `electra_qa_answerability` when present, else whether
    /// `answer_class.*` tensors are there. Claims that contradict each other are errors.
    public static func loadFineTuned(_ directory: String) throws -> QuestionAnsweringModel {
        let contents = try ModelDirectory.open(directory)
        let (kind, answerability) = try savedHead(contents, directory: directory)
        return try load(contents, kind: kind, answerability: answerability, head: .required)
    }

    /// The head kind and answerability a directory holds, by the rules of `loadFineTuned`.
    static func savedHead(_ contents: ModelDirectory.Contents, directory: String) throws -> (QuestionAnsweringHeadKind, Bool) {
        func fail(_ reason: String) -> ModelDirectoryError { .questionAnsweringHead(path: directory + "/config.json", reason: reason) }
        let config = contents.config, names = contents.weights.names
        let architectures = config.architectures ?? []
        let hasJoint = names.contains { $0.hasPrefix("start_logits.") || $0.hasPrefix("end_logits.") || $0.hasPrefix("answer_class.") }
        let hasSpan = names.contains { $0.hasPrefix("qa_outputs.") }
        var declared: QuestionAnsweringHeadKind? = nil
        switch config.extra["electra_qa_head"] {
        case nil: break
        case .string(let name)? where QuestionAnsweringHeadKind(rawValue: name) != nil: declared = QuestionAnsweringHeadKind(rawValue: name)
        case let value?: throw fail("electra_qa_head must be \"joint\" or \"span\", not \(value.jsonText)")
        }
        if architectures.contains(QuestionAnsweringHeadKind.joint.architecture) {
            guard declared != .span else {
                throw fail("architectures says \(QuestionAnsweringHeadKind.joint.architecture) but electra_qa_head says span; correct one of them")
            }
            declared = .joint
        }
        let kind: QuestionAnsweringHeadKind
        if let declared {
            kind = declared
        } else if hasJoint && hasSpan {
            throw fail("it names no head (electra_qa_head) and \(contents.weights.path) holds both a joint and a span head; "
                       + "add \"electra_qa_head\": \"joint\" or \"span\"")
        } else if hasJoint || hasSpan {
            kind = hasJoint ? .joint : .span
        } else if architectures.contains(QuestionAnsweringHeadKind.span.architecture) {
            kind = .span
        } else {
            throw fail("not a question-answering model (architectures \(architectures), no electra_qa_head, no head tensors); "
                       + "fine-tune one with `electra finetune squad --model \(directory)`")
        }
        let hasAnswerClass = names.contains { $0.hasPrefix("answer_class.") }
        var answerability = kind == .joint && hasAnswerClass
        switch config.extra["electra_qa_answerability"] {
        case nil: break
        case .bool(let value)?: answerability = value
        case let value?: throw fail("electra_qa_answerability must be true or false, not \(value.jsonText)")
        }
        if kind == .joint && !answerability && hasAnswerClass {
            throw fail("electra_qa_answerability is false but \(contents.weights.path) holds the answerability classifier (answer_class.*); "
                       + "set it to true (SQuAD 2.0)")
        }
        return (kind, answerability)
    }

    /// Writes the model as a directory, with the tokenizer files (`vocab.txt`, and
    /// `tokenizer_config.json` when there is one) of model directory `source`, which must have a
    /// `vocab.txt`.
    public func save(to directory: String, tokenizerFrom source: String) throws {
        try ModelDirectory.copyTokenizerFiles(from: source, to: directory)
        try writeModel(to: directory)
    }

    /// Writes the model as a directory with `vocabulary` copied in as `vocab.txt` (and no
    /// `tokenizer_config.json`: the directory lower-cases). Prefer `save(to:tokenizerFrom:)`.
    public func save(to directory: String, vocabulary: String) throws {
        guard FileManager.default.fileExists(atPath: vocabulary) else {
            throw ModelDirectoryError.missingFile(path: vocabulary, hint: "it was to be copied into \(directory) as vocab.txt; "
                                                  + "pass the vocabulary the model was trained with")
        }
        try writeModel(to: directory)
        try writeAtomically(try Data(contentsOf: URL(fileURLWithPath: vocabulary)), to: directory + "/vocab.txt")
    }

    private func writeModel(to directory: String) throws {
        var config = self.config
        config.extra["electra_qa_head"] = .string(kind.rawValue)
        config.extra["electra_qa_answerability"] = .bool(answerability)
        config.architectures = [kind.architecture]
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try writeAtomically(try config.jsonData(), to: directory + "/config.json")
        try SafetensorsFile.write(parameters.entries.map { ($0.name, parameters[$0.name]) }, to: directory + "/model.safetensors")
    }

    /// Layer-wise learning-rate multipliers (NVIDIA's `_get_layer_decay`): the head 1, encoder layer
    /// i `decay^(L + 1 − i)`, the embeddings and their projection `decay^(L + 2)`.
    public func layerRateScales(decay: Float) -> [String: Float] {
        LayerDecay.rateScales(parameters.entries.map(\.name), layers: config.numHiddenLayers, decay: decay)
    }
}

// SQuADOptions: the windowing and answer options shared by `finetune squad` and `predict`.

import ArgumentParser
import Electra
import ElectraData
import ElectraTokenizer

struct SQuADOptions: ParsableArguments {
    @Option(help: "Longest input in tokens (default: 384; `finetune squad --recipe google`: 512).")
    var maxSeqLength: Int?
    @Option(help: "Window stride over long contexts.")
    var docStride = 128
    @Option(help: "Longest question in tokens.")
    var maxQueryLength = 64
    @Option(help: "n-best answers kept per question.")
    var nBest = 20
    @Option(help: "Longest answer in tokens.")
    var maxAnswerLength = 30
    @Option(help: "v2.0: answer only when the span beats the null score by this (default -5.6 for the joint head, 0 for span).")
    var nullThreshold: Double?

    /// The window length when `--max-seq-length` is not given (NVIDIA's, run_squad.sh:99).
    static let defaultSequenceLength = SQuADRecipe.nvidia.maxSequenceLength

    func validate() throws {
        guard docStride >= 1, maxQueryLength >= 1, nBest >= 1, maxAnswerLength >= 1 else {
            throw ValidationError("--doc-stride, --max-query-length, --n-best and --max-answer-length must be positive")
        }
    }

    /// Refuses windows too short for a question of `--max-query-length` tokens and some context (a
    /// SQuAD command calls it: `predict --task` shares the options but has no questions).
    func validate(sequenceLength: Int) throws {
        guard sequenceLength > maxQueryLength + 3 else {
            throw ValidationError("--max-seq-length (\(sequenceLength)) must exceed --max-query-length + 3 (\(maxQueryLength + 3))")
        }
    }

    /// Refuses a sequence length the model has no position embeddings for.
    func check(against config: ElectraConfig, model: String, sequenceLength: Int? = nil) throws {
        let length = sequenceLength ?? maxSeqLength ?? Self.defaultSequenceLength
        guard length <= config.maxPositionEmbeddings else {
            throw CommandError("--max-seq-length \(length) exceeds the \(config.maxPositionEmbeddings) positions of \(model); "
                + "pass --max-seq-length \(config.maxPositionEmbeddings) or less")
        }
    }

    /// Windows of `sequenceLength` tokens (default: `--max-seq-length`, else 384).
    func featurizer(_ tokenizer: BertTokenizer, sequenceLength: Int? = nil) -> SQuADFeaturizer {
        SQuADFeaturizer(tokenizer: tokenizer, maxSequenceLength: sequenceLength ?? maxSeqLength ?? Self.defaultSequenceLength,
                        documentStride: docStride, maxQueryLength: maxQueryLength)
    }

    func postProcessor(version: SQuADVersion, head: QuestionAnsweringHeadKind, nBest: Int? = nil) -> SQuADPostProcessor {
        SQuADPostProcessor(version: version, nBestSize: nBest ?? self.nBest, maxAnswerLength: maxAnswerLength,
                           nullScoreDifferenceThreshold: nullThreshold ?? (head == .joint && version == .v2_0 ? -5.6 : 0))
    }
}

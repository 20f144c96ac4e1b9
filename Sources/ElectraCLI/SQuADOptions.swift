// SQuADOptions: the windowing and answer options shared by `finetune squad` and `predict`.

import ArgumentParser
import Electra
import ElectraData
import ElectraTokenizer

struct SQuADOptions: ParsableArguments {
    @Option(help: "Longest input in tokens.")
    var maxSeqLength = 384
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

    func validate() throws {
        guard docStride >= 1, maxQueryLength >= 1, maxSeqLength > maxQueryLength + 3, nBest >= 1, maxAnswerLength >= 1 else {
            throw ValidationError("--doc-stride, --max-query-length, --n-best and --max-answer-length must be positive, "
                + "and --max-seq-length must exceed --max-query-length + 3")
        }
    }

    /// Refuses a sequence length the model has no position embeddings for.
    func check(against config: ElectraConfig, model: String) throws {
        guard maxSeqLength <= config.maxPositionEmbeddings else {
            throw CommandError("--max-seq-length \(maxSeqLength) exceeds the \(config.maxPositionEmbeddings) positions of \(model); "
                + "pass --max-seq-length \(config.maxPositionEmbeddings) or less")
        }
    }

    func featurizer(_ tokenizer: BertTokenizer) -> SQuADFeaturizer {
        SQuADFeaturizer(tokenizer: tokenizer, maxSequenceLength: maxSeqLength, documentStride: docStride, maxQueryLength: maxQueryLength)
    }

    func postProcessor(version: SQuADVersion, head: QuestionAnsweringHeadKind, nBest: Int? = nil) -> SQuADPostProcessor {
        SQuADPostProcessor(version: version, nBestSize: nBest ?? self.nBest, maxAnswerLength: maxAnswerLength,
                           nullScoreDifferenceThreshold: nullThreshold ?? (head == .joint && version == .v2_0 ? -5.6 : 0))
    }
}

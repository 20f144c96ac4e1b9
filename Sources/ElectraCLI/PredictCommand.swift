// `electra predict`: answers from a fine-tuned question-answering model, for one question or a file.

import ArgumentParser
import Electra
import ElectraData
import ElectraTensor
import Foundation

public struct PredictCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Answer questions with a model made by `electra finetune squad`.",
        discussion: """
            One question:  electra predict --model runs/squad --question "Who wrote it?" --context "It was written by Jane Austen."
            A whole file:  electra predict --model runs/squad --data dev-v1.1.json --output runs/squad/dev
            """
    )

    @Option(help: "A fine-tuned question-answering directory.")
    var model: String
    @Option(help: "The question (with --context).")
    var question: String?
    @Option(help: "The passage that may contain the answer (with --question).")
    var context: String?
    @Option(help: "A SQuAD-format JSON file of questions (with --output).")
    var data: String?
    @Option(help: "Where to write predictions.json and nbest_predictions.json for --data.")
    var output: String?
    @Option(help: "Answers to show for one question.")
    var topK = 1
    @Flag(help: "Print JSON.")
    var json = false
    @OptionGroup var squad: SQuADOptions

    public func validate() throws {
        let single = question != nil || context != nil, file = data != nil || output != nil
        guard single != file else { throw ValidationError("give either --question and --context, or --data and --output") }
        if single && (question == nil || context == nil) { throw ValidationError("--question needs --context (and the other way round)") }
        if file && (data == nil || output == nil) { throw ValidationError("--data needs --output (and the other way round)") }
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    @OptionGroup var precision: PrecisionOption

    public func run() throws {
        try precision.run(execute)
    }

    private func execute() throws {
        let qa = try QuestionAnsweringModel.loadFineTuned(model)
        try squad.check(against: qa.config, model: model)
        let tokenizer = try ModelDirectory.tokenizer(for: model, config: qa.config)
        let featurizer = squad.featurizer(tokenizer)
        let version: SQuADVersion = qa.answerability ? .v2_0 : .v1_1
        let processor = squad.postProcessor(version: version, head: qa.kind, nBest: max(squad.nBest, topK))
        let tuner = SQuADFineTuner(model: qa, settings: SQuADTrainingSettings())
        if let data, let output {
            let dataset = try SQuADDataset(contentsOf: data)
            let features = featurizer.featurize(dataset.examples, training: false)
            try tuner.check(features.features, source: data)
            let predictions = tuner.predict(examples: dataset.examples, features: features.features, postProcessor: processor)
            Console.line("wrote \(try predictions.write(to: output).joined(separator: ", "))")
            return
        }
        let example = SQuADExample(id: "question", question: question!, context: context!, answers: [])
        let features = featurizer.featurize([example], training: false)
        try tuner.check(features.features, source: "the question and context")
        let predictions = tuner.predict(examples: [example], features: features.features, postProcessor: processor)
        let answers = predictions.questions.first?.nBest.prefix(topK) ?? []
        if json {
            Console.line("{\"answers\":[" + answers.map { "{\"text\":\(JSONText.quote($0.text)),\"probability\":\($0.probability)}" }
                .joined(separator: ",") + "]}")
        } else {
            for answer in answers {
                Console.line(String(format: "%.3f  ", answer.probability) + (answer.text.isEmpty ? "(no answer)" : answer.text))
            }
        }
    }
}

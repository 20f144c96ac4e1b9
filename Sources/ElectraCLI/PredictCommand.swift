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
        abstract: "Answer questions with a model made by `electra finetune squad`; with --task, classify with one made by `finetune glue|classify|ner`.",
        discussion: """
            One question:  electra predict --model runs/squad --question "Who wrote it?" --context "It was written by Jane Austen."
            A whole file:  electra predict --model runs/squad --data dev-v1.1.json --output runs/squad/dev
            GLUE submission: electra predict --task glue-rte --model runs/rte --input glue_data/RTE/test.tsv --output submission
            Your own file:   electra predict --task classify --model runs/reviews --input new.csv --text-column review --output new.jsonl
            CoNLL tags:      electra predict --task ner --model runs/ner --input test.txt --output test-predicted.txt
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
    @Option(help: ArgumentHelp("glue-TASK (a GLUE submission file in --output, a folder), classify (JSON lines), or ner (CoNLL).",
                               valueName: "task"))
    var task: PredictionTask?
    @Option(help: "With --task: the file to predict (a GLUE test.tsv, your TSV/CSV/JSON lines, or CoNLL).")
    var input: String?
    @OptionGroup var columns: LabeledTextOptions

    public func validate() throws {
        if task != nil || input != nil {
            guard task != nil, let input, output != nil else { throw ValidationError("--task needs --input and --output (and the other way round)") }
            guard question == nil && context == nil && data == nil else { throw ValidationError("--task does not take --question, --context or --data") }
            guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("--input \(input) does not exist") }
            return
        }
        let single = question != nil || context != nil, file = data != nil || output != nil
        guard single != file else { throw ValidationError("give either --question and --context, or --data and --output") }
        if single && (question == nil || context == nil) { throw ValidationError("--question needs --context (and the other way round)") }
        if file && (data == nil || output == nil) { throw ValidationError("--data needs --output (and the other way round)") }
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        try squad.validate(sequenceLength: squad.maxSeqLength ?? SQuADOptions.defaultSequenceLength)
    }

    @OptionGroup var precision: PrecisionOption

    public func run() throws {
        try precision.run(execute)
    }

    private func execute() throws {
        if let task, let input, let output {
            return try ClassificationPrediction(task: task, model: model, input: input, output: output, columns: columns,
                                             maxSequenceLength: squad.maxSeqLength).run()
        }
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

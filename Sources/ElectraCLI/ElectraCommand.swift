// The `electra` command: one subcommand per file in this directory.

import ArgumentParser

/// The root command; `electra --help` lists the subcommands.
public struct ElectraCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "electra",
        abstract: "Pre-train, fine-tune and run ELECTRA text encoders on the CPU.",
        subcommands: [
            DownloadCommand.self, ExtractCommand.self, PrepareCommand.self, PretrainCommand.self, ExportCommand.self, FinetuneCommand.self, PredictCommand.self,
            EvaluateCommand.self, DetectCommand.self,
            FillMaskCommand.self, InspectCommand.self, TokenizeCommand.self, BuildVocabCommand.self, BenchmarkCommand.self,
            DoctorCommand.self,
            ConvertCommand.self,
        ]
    )

    public init() {}
}

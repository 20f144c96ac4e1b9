// The `electra` command: one subcommand per file in this directory.

import ArgumentParser

@main
struct ElectraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "electra",
        abstract: "Pre-train, fine-tune and run ELECTRA text encoders on the CPU.",
        subcommands: [DoctorCommand.self, BenchmarkCommand.self]
    )
}

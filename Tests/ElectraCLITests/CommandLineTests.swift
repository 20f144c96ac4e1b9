// The command line: parsing, validation messages, help text and the doctor's report.

import ArgumentParser
@testable import ElectraCLI
import ElectraTensor
import Testing

@Suite("Command line") struct CommandLineTests {
    @Test func helpListsTheSubcommands() {
        let help = ElectraCommand.helpMessage()
        #expect(help.contains("doctor") && help.contains("benchmark"))
        #expect(KernelBenchmarkCommand.helpMessage().contains("--tokens"))
    }

    @Test func benchmarkOptionsParseAndValidate() throws {
        let command = try ElectraCommand.parseAsRoot(["benchmark", "kernels", "--tokens", "256", "--rounds", "2"])
        let kernels = try #require(command as? KernelBenchmarkCommand)
        #expect(kernels.tokens == 256 && kernels.rounds == 2)
        do {
            _ = try ElectraCommand.parseAsRoot(["benchmark", "kernels", "--tokens", "100"])
            Issue.record("--tokens 100 was accepted")
        } catch {
            let message = ElectraCommand.message(for: error)
            #expect(message.contains("--tokens must be a positive multiple of 128"), "\(message)")
        }
    }

    @Test func unknownSubcommandIsAnError() {
        #expect(throws: (any Error).self) { try ElectraCommand.parseAsRoot(["pretrian"]) }
    }

    @Test func doctorReportsBLASAndFeatures() {
        let (lines, warnings) = DoctorCommand.report(environment: ["OPENBLAS_CORETYPE": "SkylakeX"])
        #expect(lines.contains { $0.hasPrefix("blas ") && $0.contains(BLAS.libraryName) })
        #expect(lines.contains { $0.hasPrefix("cpu features") })
        #expect(lines.contains { $0.hasPrefix("kernel threads") })
        if let core = BLAS.coreName {
            #expect(lines.contains { $0.contains(core) && $0.contains("OPENBLAS_CORETYPE=SkylakeX") })
        }
        // Tests run as debug builds, so the doctor must say so, with the fix.
        if SystemInfo.buildConfiguration == "debug" {
            #expect(warnings.contains { $0.contains("debug build") && $0.contains("scripts/build.sh") })
        }
    }
}

/// The message `electra` prints for `arguments`, or "" when they parse and validate.
private func message(_ arguments: [String]) -> String {
    do {
        _ = try ElectraCommand.parseAsRoot(arguments)
        return ""
    } catch {
        return ElectraCommand.message(for: error)
    }
}

@Suite("Command line: validation messages") struct ValidationMessageTests {
    @Test func everySubcommandIsListed() {
        let help = ElectraCommand.helpMessage()
        for name in ["prepare", "pretrain", "export", "evaluate", "detect", "fill-mask", "inspect", "tokenize", "build-vocab",
                     "benchmark", "doctor"] {
            #expect(help.contains(name), "\(name) missing from electra --help")
        }
    }

    @Test func pretrainExplainsWhatIsMissing() {
        #expect(message(["pretrain", "--data", "/nonexistent", "--output", "/tmp/x"]).contains("electra prepare"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--phase2"]).contains("--init-from"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--batch-size", "0"]).contains("at least 1"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--optimizer", "sgd"]).contains("lamb"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--log-every", "0"]).contains("--log-every must be at least 1"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--checkpoint-every", "-1"]).contains("--checkpoint-every"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--checkpoint-every", "0"]) == "")
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--recipe", "bert"]).contains("nvidia"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--fresh-optimizer"]).contains("--init-from"))
        #expect(message(["pretrain", "--data", "/tmp", "--output", "/tmp/x", "--init-from", "/tmp", "--vocab", "v.txt"]).contains("--init-from"))
    }

    @Test func fillMaskNeedsAMask() {
        #expect(message(["fill-mask", "--model", "/tmp", "no mask here"]).contains("[MASK]"))
    }

    @Test func tokenizeRefusesMissingFiles() {
        #expect(message(["tokenize", "/nonexistent.txt"]).contains("/nonexistent.txt"))
        #expect(message(["tokenize", "--vocab", "/nonexistent-vocab.txt"]).contains("vocabulary"))
    }

    @Test func buildVocabChecksItsSize() {
        #expect(message(["build-vocab", "/etc/hostname", "--output", "/tmp/v.txt", "--size", "10"]).contains("--size"))
    }

    @Test func benchmarkKernelsValidatesTokens() {
        #expect(message(["benchmark", "kernels", "--tokens", "100"]).contains("multiple of 128"))
    }
}

@Suite("Command line: SQuAD") struct SQuADCommandLineTests {
    @Test func finetuneAndPredictValidateTheirWindows() {
        #expect(message(["finetune", "squad", "--model", "/tmp", "--train", "/nonexistent.json", "--output", "/tmp/x"]).contains("--train"))
        #expect(message(["finetune", "squad", "--model", "/tmp", "--train", "/tmp", "--output", "/tmp/x", "--max-seq-length", "40",
                         "--max-query-length", "64"]).contains("--max-query-length + 3"))
        #expect(message(["predict", "--model", "/tmp", "--question", "q", "--context", "c", "--max-seq-length", "40"])
            .contains("--max-query-length + 3"))
        #expect(message(["predict", "--model", "/tmp", "--question", "q"]).contains("--context"))
        #expect(message(["predict", "--model", "/tmp", "--question", "q", "--context", "c", "--data", "d.json"]).contains("either"))
        #expect(ElectraCommand.helpMessage(for: FinetuneSquadCommand.self).contains("NVIDIA"))
    }
}

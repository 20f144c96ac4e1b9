// PrecisionOption: `--precision fp32|bf16`, shared by every command that multiplies matrices.

import ArgumentParser
import ElectraTensor
import Foundation

extension Precision: ExpressibleByArgument {}

struct PrecisionOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Matrix-product precision: fp32, or bf16 (bf16 inputs accumulating in fp32; weights, optimizer, "
            + "LayerNorm, softmax and losses stay fp32).",
        discussion: "bf16 needs AVX512-BF16 or AMX-BF16 and oneDNN (Debian's libdnnl2); without them it runs in fp32 and says so once."))
    var precision: Precision = .fp32

    /// What `--precision` runs as here: `bf16` only where the backend is available.
    var effective: Precision { precision.effective }

    /// A few words for the logs: `bf16 (oneDNN brg:avx512_core_amx_bf16)` or `fp32`.
    var description: String {
        guard effective == .bf16 else { return "fp32" }
        return "bf16 (oneDNN \(BF16Backend.version ?? "?") \(BF16Backend.kernel ?? "?"))"
    }

    /// Runs `body` with matrix products in the effective precision, saying once on standard error
    /// when bf16 was asked for and is not available.
    func run<T>(_ body: () throws -> T) rethrows -> T {
        if precision == .bf16 && effective == .fp32 {
            FileHandle.standardError.write(Data(
                "electra: bf16 is not available here (\(BF16Backend.status.reason)); running in fp32\n".utf8))
        }
        return try Precision.$current.withValue(effective) { try body() }
    }
}

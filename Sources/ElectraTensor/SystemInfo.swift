// SystemInfo: what the processor offers and how this binary was built, for `electra doctor` and the
// benchmarks.

import Foundation

/// Facts about the machine and the build that decide how fast the kernels run.
public enum SystemInfo {
    /// The processor's marketing name, if the system reports one.
    public static var processorName: String? {
        #if os(Linux)
        return cpuinfoField("model name")
        #elseif canImport(Darwin)
        return sysctlString("machdep.cpu.brand_string")
        #else
        return nil
        #endif
    }

    /// Instruction-set features that matter to the kernels, each with whether the processor has it.
    public static var features: [(name: String, present: Bool)] {
        #if os(Linux)
        let flags = Set((cpuinfoField("flags") ?? "").split(separator: " ").map(String.init))
        return [("AVX2", flags.contains("avx2")), ("FMA", flags.contains("fma")),
                ("AVX-512F", flags.contains("avx512f")), ("AVX512-BF16", flags.contains("avx512_bf16")),
                ("AMX-BF16", flags.contains("amx_bf16")), ("AMX-TILE", flags.contains("amx_tile"))]
        #elseif canImport(Darwin)
        return [("AVX2", sysctlFlag("hw.optional.avx2_0")), ("FMA", sysctlFlag("hw.optional.fma")),
                ("AVX-512F", sysctlFlag("hw.optional.avx512f")), ("NEON", sysctlFlag("hw.optional.neon"))]
        #else
        return []
        #endif
    }

    /// Whether the processor has `name` (as listed in `features`).
    public static func has(_ name: String) -> Bool {
        features.contains { $0.name == name && $0.present }
    }

    /// `debug` or `release`.
    public static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    /// The instruction set the Swift code was compiled for. The project's scripts pass a target CPU
    /// and define `ELECTRA_TARGET_AVX512` or `ELECTRA_TARGET_AVX2`; a plain `swift build` gives the baseline.
    public static var vectorTarget: String {
        #if ELECTRA_TARGET_AVX512
        return "skylake-avx512 (AVX-512)"
        #elseif ELECTRA_TARGET_AVX2
        return "haswell (AVX2, FMA)"
        #elseif arch(x86_64)
        return "x86-64 baseline (SSE2)"
        #elseif arch(arm64)
        return "arm64 (NEON)"
        #else
        return "unknown"
        #endif
    }

    /// Whether the Swift code was compiled for a baseline that leaves vector units idle.
    public static var isBaselineBuild: Bool {
        #if arch(x86_64) && !ELECTRA_TARGET_AVX512 && !ELECTRA_TARGET_AVX2
        return true
        #else
        return false
        #endif
    }

    /// The Swift compiler version this binary was built with.
    public static var compilerVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// Logical processors available to this process.
    public static var processorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// OpenBLAS kernel families that use AVX-512.
    public static let avx512BLASCores: Set<String> = ["skylakex", "cooperlake", "sapphirerapids", "zen5"]

    /// A warning with its fix when the BLAS runs kernels slower than the processor allows, else `nil`.
    public static var blasWarning: String? {
        guard let core = BLAS.coreName?.lowercased() else { return nil }
        if has("AVX-512F") && !avx512BLASCores.contains(core) {
            return "OpenBLAS chose its '\(core)' kernels on a processor with AVX-512; matrix products run "
                + "about 2x slower than they could. Set OPENBLAS_CORETYPE=SkylakeX before starting electra "
                + "(scripts/env.sh does this for you)."
        }
        if has("AVX2") && ["prescott", "core2", "nehalem", "atom", "katmai", "northwood", "banias"].contains(core) {
            return "OpenBLAS chose its generic '\(core)' kernels on a processor with AVX2; set "
                + "OPENBLAS_CORETYPE=Haswell before starting electra (scripts/env.sh does this for you)."
        }
        return nil
    }

    #if os(Linux)
    private static func cpuinfoField(_ field: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
    #endif

    #if canImport(Darwin)
    private static func sysctlString(_ name: String) -> String? {
        var size = 0
        guard sysctlbyname(name, nil, &size, nil, 0) == 0, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard sysctlbyname(name, &buffer, &size, nil, 0) == 0 else { return nil }
        return String(cString: buffer)
    }

    private static func sysctlFlag(_ name: String) -> Bool {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname(name, &value, &size, nil, 0) == 0 && value != 0
    }
    #endif
}

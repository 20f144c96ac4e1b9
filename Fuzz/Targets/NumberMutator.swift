// NumberMutator: libFuzzer's custom mutator. For the targets whose files are JSON, half of the
// mutations replace one number of the input with an edge case (2^62, 2^64, -1, 1e300, …): the sizes
// that break readers, which byte-level mutations almost never produce inside valid JSON, and which
// coverage cannot steer towards, since the JSON is parsed by uninstrumented Foundation code. The other
// half, and every mutation of the binary shard files, are libFuzzer's own.

#if ELECTRA_LIBFUZZER

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's default mutation (`LLVMFuzzerMutate`), looked up in the running binary.
private let libFuzzerMutate: (@convention(c) (UnsafeMutablePointer<UInt8>, Int, Int) -> Int)? =
    dlsym(nil, "LLVMFuzzerMutate").map { unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<UInt8>, Int, Int) -> Int).self) }

/// Called by libFuzzer for each mutation: mutates `data[0..<size]` in place (up to `maxSize` bytes)
/// and returns the new size.
@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzerCustomMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    if selectedTarget?.readsJSON == true, seed % 2 == 0,
       let mutated = NumberMutator.replacingNumber(in: Array(UnsafeBufferPointer(start: data, count: size)), seed: seed),
       mutated.count <= maxSize {
        mutated.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: mutated.count) }
        return mutated.count
    }
    guard let libFuzzerMutate else { fatalError("electra-fuzz: LLVMFuzzerMutate is not exported by this binary") }
    return libFuzzerMutate(data, size, maxSize)
}

#endif

enum NumberMutator {
    /// Sizes and offsets at the edges: Int32/UInt32/Int64 limits and their neighbours, products that
    /// overflow once multiplied, and numbers JSON readers turn into Double or Decimal.
    static let edgeCases = ["0", "1", "-1", "2", "3", "255", "65535", "65536", "2147483647", "2147483648", "4294967295",
                            "4294967296", "10000000", "1099511627776", "4611686018427387904", "9223372036854775807",
                            "9223372036854775808", "-9223372036854775808", "18446744073709551616", "1e300", "-1e300", "0.5", "-0"]

    /// `input` with one of its numbers (digits with their sign, fraction and exponent) replaced by an
    /// edge case; `seed` picks both. Nil when the input has no number.
    static func replacingNumber(in input: [UInt8], seed: UInt32) -> [UInt8]? {
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var numbers: [Range<Int>] = []
        var index = 0
        while index < input.count {
            guard isDigit(input[index]) else { index += 1; continue }
            let start = index > 0 && input[index - 1] == UInt8(ascii: "-") ? index - 1 : index
            while index < input.count, isDigit(input[index]) || "+-.eE".utf8.contains(input[index]) { index += 1 }
            numbers.append(start..<index)
        }
        guard !numbers.isEmpty else { return nil }
        var random = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
        random ^= random >> 29
        let number = numbers[Int(random % UInt64(numbers.count))]
        let replacement = edgeCases[Int((random >> 32) % UInt64(edgeCases.count))]
        return Array(input[..<number.lowerBound]) + Array(replacement.utf8) + Array(input[number.upperBound...])
    }
}

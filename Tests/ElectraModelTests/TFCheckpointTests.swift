// The TensorFlow checkpoint reader and the conversion of Google's ELECTRA variables, against a tiny
// checkpoint written by TensorFlow's own saver and the logits transformers' load_tf_weights_in_electra
// gives for it (scripts/make_tf_checkpoint_fixtures.py); malformed files end in typed errors.

@testable import Electra
import ElectraData
import ElectraNN
import ElectraTensor
import Foundation
import Testing
import _TestSupport

/// Tests/Fixtures/tfcheckpoint/model.ckpt-7.
let tfCheckpointPrefix = Fixtures.directory.appendingPathComponent("tfcheckpoint/model.ckpt-7").path
/// The fixture's heads (not recorded in a TF checkpoint).
let tfCheckpointOptions = GoogleElectraOptions(heads: 4, generatorHeads: 2)

/// A copy of the fixture checkpoint in a fresh directory, its index and data bytes passed through `edit`.
func damagedCopy(index: ([UInt8]) -> [UInt8]? = { $0 }, data: ([UInt8]) -> [UInt8]? = { $0 }) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("electra-tfckpt-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let prefix = directory + "/model.ckpt-7"
    func copy(_ suffix: String, _ edit: ([UInt8]) -> [UInt8]?) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tfCheckpointPrefix + suffix)))
        if let edited = edit(bytes) { try Data(edited).write(to: URL(fileURLWithPath: prefix + suffix)) }
    }
    try copy(".index", index)
    try copy(".data-00000-of-00001", data)
    return prefix
}

@Suite("TF checkpoints") struct TFCheckpointTests {
    @Test func readsTheIndexTensorFlowWrote() throws {
        let checkpoint = try TFCheckpoint(prefix: tfCheckpointPrefix)
        let names = checkpoint.names
        #expect(names.contains("global_step") && names.contains("electra/embeddings/word_embeddings/adam_m"))
        #expect(names.filter { $0.hasSuffix("/adam_v") }.count == names.filter { $0.hasSuffix("/adam_m") }.count)
        #expect(checkpoint.tensors["global_step"] == TFCheckpoint.Info(dtype: .int64, shape: []))
        #expect(try checkpoint.tensor("global_step").scalars == [7])
        #expect(checkpoint.tensors["electra/encoder/layer_1/intermediate/dense/kernel"] == TFCheckpoint.Info(dtype: .float, shape: [32, 64]))
        // Every tensor reads, its CRC32C checked.
        for name in names { _ = try checkpoint.tensor(name) }
    }

    @Test func mapsGooglesNamesAsTransformersDoes() {
        #expect(GoogleElectraName("electra/encoder/layer_11/attention/self/query/kernel")
                == .weight("electra.encoder.layer.11.attention.self.query.weight", transposed: true))
        #expect(GoogleElectraName("electra/embeddings/LayerNorm/gamma") == .weight("electra.embeddings.LayerNorm.weight", transposed: false))
        #expect(GoogleElectraName("discriminator_predictions/dense_1/bias") == .weight("discriminator_predictions.dense_prediction.bias", transposed: false))
        #expect(GoogleElectraName("generator/embeddings_project/kernel") == .weight("generator.electra.embeddings_project.weight", transposed: true))
        #expect(GoogleElectraName("generator_predictions/LayerNorm/beta") == .weight("generator.generator_predictions.LayerNorm.bias", transposed: false))
        #expect(GoogleElectraName("generator_predictions/output_bias") == .weight("generator.generator_lm_head.bias", transposed: false))
        #expect(GoogleElectraName("electra/embeddings/word_embeddings/adam_v") == .optimizerState)
        #expect(GoogleElectraName("global_step") == .optimizerState)
        #expect(GoogleElectraName("bert/pooler/dense/kernel") == .unrecognized)
    }

    @Test func convertedLogitsEqualTransformers() throws {
        let converted = try GoogleElectraCheckpoint(try TFCheckpoint(prefix: tfCheckpointPrefix), options: tfCheckpointOptions)
        let d = converted.discriminator, g = converted.generator
        #expect([d.vocabSize, d.embeddingSize, d.hiddenSize, d.numHiddenLayers, d.intermediateSize, d.maxPositionEmbeddings] as [Int] == [120, 24, 32, 2, 64, 64])
        #expect([g.embeddingSize, g.hiddenSize, g.numHiddenLayers, g.intermediateSize, g.numAttentionHeads] as [Int] == [24, 16, 2, 64, 2])
        #expect(converted.optimizerTensors == 2 * (converted.model.parameters.entries.count) + 1 && converted.ignored.isEmpty)
        let reference = try Fixtures.open("tfcheckpoint/reference.safetensors")
        let (shape, ids) = try reference.integers("input_ids")
        let batch = TokenBatch(batch: shape[0], length: shape[1], ids: ids, tokenTypes: try reference.integers("token_type_ids").values,
                               attentionMask: try reference.integers("attention_mask").values)
        let discriminator = ElectraDiscriminator(config: d, parameters: converted.model.discriminatorStore())
        let logits = discriminator.logits(batch, .init(config: d, batch: shape[0], length: shape[1], training: false))
        let expected = try reference.tensor("discriminator_logits")
        let comparison = Comparison("discriminator logits", actual: logits.scalars, expected: expected.scalars, rtol: 0, atol: 1e-5)
        #expect(comparison.passed, "\(comparison)")
        let generator = ElectraGenerator(config: g, parameters: converted.model.generatorStore())
        let rows = (0..<Int32(ids.count)).map { $0 }
        let generatorLogits = generator.logits(batch, rows: rows, .init(config: g, batch: shape[0], length: shape[1], rows: rows.count, training: false))
        let generatorComparison = Comparison("generator logits", actual: generatorLogits.scalars,
                                             expected: try reference.tensor("generator_logits").scalars, rtol: 0, atol: 1e-5)
        #expect(generatorComparison.passed, "\(generatorComparison)")
        print("TF checkpoint conversion vs transformers: \(comparison); \(generatorComparison)")
    }

    @Test func theHeadsDefaultToGooglesRuleAndMustDivideTheHiddenSize() throws {
        let checkpoint = try TFCheckpoint(prefix: tfCheckpointPrefix)
        let converted = try GoogleElectraCheckpoint(checkpoint)
        #expect(converted.discriminator.numAttentionHeads == 1 && converted.generator.numAttentionHeads == 1)
        #expect(throws: TFCheckpointError.self) { try GoogleElectraCheckpoint(checkpoint, options: GoogleElectraOptions(heads: 5)) }
    }

    @Test func aGivenConfigurationMustHaveTheTensorsSizes() throws {
        let checkpoint = try TFCheckpoint(prefix: tfCheckpointPrefix)
        let converted = try GoogleElectraCheckpoint(checkpoint, options: tfCheckpointOptions)
        // The generator's own configuration supplies what shapes do not tell.
        var generator = converted.generator
        (generator.numAttentionHeads, generator.layerNormEps) = (4, 1e-7)
        let withConfig = try GoogleElectraCheckpoint(checkpoint, options: GoogleElectraOptions(generatorConfig: generator))
        #expect(withConfig.generator.numAttentionHeads == 4 && withConfig.generator.layerNormEps == 1e-7)
        #expect(withConfig.discriminator.numAttentionHeads == 1, "the discriminator keeps Google's rule")
        // The discriminator's configuration given for the generator (transformers#6945) is refused.
        do {
            _ = try GoogleElectraCheckpoint(checkpoint, options: GoogleElectraOptions(generatorConfig: converted.discriminator))
            Issue.record("a generator configuration of the discriminator's size was accepted")
        } catch let error as TFCheckpointError {
            #expect(error.description.contains("hidden_size 32") && error.description.contains("has 16"), "\(error)")
        }
    }

    @Test func malformedFilesEndInErrorsNamingThem() throws {
        func error(_ prefix: String) -> TFCheckpointError? {
            do { _ = try GoogleElectraCheckpoint(try TFCheckpoint(prefix: prefix), options: tfCheckpointOptions); return nil } catch {
                return error as? TFCheckpointError
            }
        }
        let truncated = try damagedCopy(index: { Array($0.prefix($0.count - 10)) })
        guard case .malformedIndex(let path, _)? = error(truncated) else { Issue.record("truncated index: \(String(describing: error(truncated)))"); return }
        #expect(path == truncated + ".index")
        let magic = try damagedCopy(index: { var b = $0; b[b.count - 1] ^= 0xFF; return b })
        guard case .malformedIndex(_, let reason)? = error(magic), reason.contains("magic") else { Issue.record("wrong magic"); return }
        let block = try damagedCopy(index: { var b = $0; b[20] ^= 0x01; return b })
        guard case .malformedIndex(_, let blockReason)? = error(block), blockReason.contains("checksum") else { Issue.record("damaged block"); return }
        let snappy = try damagedCopy(index: { Self.markingFirstBlockSnappy($0) })
        #expect(error(snappy) == TFCheckpointError.compressedBlock(path: snappy + ".index", kind: "snappy"))
        // Byte 100 is in a weight the conversion reads (Adam's slots, never read, are not checked).
        let flipped = try damagedCopy(data: { var b = $0; b[100] ^= 0x40; return b })
        guard case .checksumMismatch(let dataPath, _, _, _)? = error(flipped) else { Issue.record("wrong CRC: \(String(describing: error(flipped)))"); return }
        #expect(dataPath == flipped + ".data-00000-of-00001")
        let short = try damagedCopy(data: { Array($0.prefix(1000)) })
        guard case .unreadableTensor(_, _, let shortReason)? = error(short), shortReason.contains("truncated") else { Issue.record("short data"); return }
        let missing = try damagedCopy(data: { _ in nil })
        #expect(error(missing) == TFCheckpointError.missingShard(path: missing + ".data-00000-of-00001", shards: 1))
        #expect(error("/nonexistent/model.ckpt-1") == TFCheckpointError.missingIndex(path: "/nonexistent/model.ckpt-1.index"))
        for message in [error(truncated), error(flipped), error(missing)].compactMap({ $0?.description }) { #expect(message.contains(".ckpt-7")) }
    }

    /// `index` with its first data block's compression byte set to snappy (1) and the trailer's CRC
    /// recomputed, as a snappy-compressed table would have.
    static func markingFirstBlockSnappy(_ index: [UInt8]) -> [UInt8] {
        // The index block's first entry's value is the first data block's handle (offset 0, size).
        var bytes = index
        let footer = bytes.count - 48
        var position = footer
        func varint() -> Int {
            var value = 0, shift = 0
            while true { let b = bytes[position]; position += 1; value |= Int(b & 0x7F) << shift; if b & 0x80 == 0 { return value }; shift += 7 }
        }
        _ = varint(); _ = varint()
        let indexOffset = varint()
        position = indexOffset
        _ = varint(); let unshared = varint(); _ = varint()
        position += unshared
        let offset = varint(), size = varint()
        bytes[offset + size] = 1
        let crc = bytes[offset..<(offset + size + 1)].withUnsafeBytes { ElectraData.CRC32C.maskedChecksum($0) }
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[offset + size + 1 + i] = $0[i] } }
        return bytes
    }
}

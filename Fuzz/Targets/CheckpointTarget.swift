// CheckpointTarget: the input is a checkpoint's `state.json`, next to a valid `model.safetensors` and
// `optimizer.safetensors` of a tiny pretraining model. The state is read and checked, the model it
// describes is loaded, and the checkpoint is loaded into stores of the tiny model's layout, as a
// resumed run does.

import Electra
import ElectraOptim
import ElectraTensor
import Foundation

enum CheckpointTarget {
    /// The tiny run whose tensors the checkpoint holds.
    static var settings: PretrainingSettings {
        var discriminator = ModelFilesTarget.config
        discriminator.architectures = nil
        let generator = discriminator.generator(fraction: 0.5, sizing: .google)
        return PretrainingSettings(discriminator: discriminator, generator: generator,
                                   schedule: LearningRateSchedule(peak: 1e-3, warmupSteps: 1, totalSteps: 10), batchSize: 2,
                                   maxSequenceLength: 16, steps: 10, seed: 42, checkpointEvery: 5, data: "shards",
                                   vocabulary: "vocab.txt")
    }

    /// The layout of `settings`' model.
    static var layout: [(name: String, shape: [Int])] {
        PretrainingModel.layout(discriminator: settings.discriminator, generator: settings.generator)
    }

    /// Writes the checkpoint's tensors: parameters, and the optimizer's moments (`m.`, `v.`), zero.
    static func prepare() {
        let parameters = layout.map { ($0.name, Tensor(zeros: $0.shape)) }
        try? SafetensorsFile.write(parameters, to: Scratch.path("checkpoint/model.safetensors"))
        let moments = parameters.map { ("m." + $0.0, $0.1) } + parameters.map { ("v." + $0.0, $0.1) }
        try? SafetensorsFile.write(moments, to: Scratch.path("checkpoint/optimizer.safetensors"))
    }

    static func run(_ input: [UInt8]) {
        let directory = (Scratch.write(input, to: "checkpoint/state.json") as NSString).deletingLastPathComponent
        _ = try? Pretrainer.readState(checkpoint: directory)
        _ = try? Pretrainer.loadModel(checkpoint: directory)
        let parameters = ParameterStore(layout: layout), first = ParameterStore(layout: layout), second = ParameterStore(layout: layout)
        _ = try? CheckpointStore.load(directory, parameters: parameters, firstMoments: first, secondMoments: second,
                                      as: TrainingState.self)
    }

    /// The state of the tiny run after 5 of its 10 steps. `TrainingState` has no public initializer,
    /// so its JSON is put together around the encoded settings.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        guard let settingsJSON = try? JSONEncoder().encode(settings),
              let settingsObject = try? JSONSerialization.jsonObject(with: settingsJSON) else { return [] }
        let state: [String: Any] = ["settings": settingsObject, "step": 5, "optimizerStep": 5,
                                    "dataPosition": ["epoch": 1, "index": 3],
                                    "randomness": ["key": 42, "stream": 0, "position": 1024]]
        guard let data = try? JSONSerialization.data(withJSONObject: state, options: [.sortedKeys]) else { return [] }
        return [("state.json", [UInt8](data))]
    }
}
